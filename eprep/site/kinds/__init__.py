"""Question kinds, site presentation: the self-check widget, its data and the proof note.

One module per kind registers a `SiteKind`; the page builder and templates never switch on a
kind (templates branch on `widget`, the page's JavaScript on the data's `check`).
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from eprep.questions import Question, Variant


class SiteKind:
    """How one kind appears on the site.

    `widget` is the form the template draws ("options", "blanks" or "typed"), `hint` an
    interface-string key shown under a typed answer.
    """

    name: str = ""
    widget: str = "typed"
    hint: str | None = None
    exact_note: str = "witness_exact"  # the sentence for an `exact` witness (interface string)

    def check_data(self, question: Question, variant: Variant, order: list[int]) -> dict[str, Any]:
        """JSON-ready data the page's self-check needs (numbers only)."""
        raise NotImplementedError(self.name)

    def note(self, question: Question, data: dict[str, Any], lang: str) -> str | None:
        """What the answer must look like, shown by the input (None: nothing to say)."""
        return None

    def key_text(self, data: dict[str, Any]) -> str:
        """The key as plain text next to its formula ("" when the formula says it all)."""
        return ""


_KINDS: dict[str, SiteKind] = {}
_DISCOVERED: list[bool] = []


def register(kind: SiteKind) -> SiteKind:
    _KINDS[kind.name] = kind
    return kind


def get(name: str) -> SiteKind:
    if not _DISCOVERED:
        _DISCOVERED.append(True)
        for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
            importlib.import_module(f"{__name__}.{module.name}")
    return _KINDS[name]
