"""Question kinds, terminal presentation: what is shown under the prompt and how an answer is
read. One module per kind registers a `QuizKind`; the session never switches on a kind.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from eprep.questions import Variant
    from eprep.quiz.session import Session


class QuizKind:
    """How one kind looks and reads in the terminal.

    `thresholds` are (Easy if at most, Hard if more than) seconds for a right answer;
    `show_key` says whether the key is printed after a right answer too.
    """

    name: str = ""
    thresholds: tuple[float, float] = (15.0, 90.0)
    show_key: bool = False

    def show(self, session: Session, variant: Variant) -> None:
        """Lines under the prompt (options, hints)."""

    def read(self, session: Session, variant: Variant) -> Any:
        """Read one answer and parse it with the kind's behaviour (Unreadable: ask again)."""
        from eprep.checker import kinds

        return kinds.get(self.name).parse(variant, session.line("answer> "))


_KINDS: dict[str, QuizKind] = {}


def register(kind: QuizKind) -> QuizKind:
    _KINDS[kind.name] = kind
    return kind


_DISCOVERED: list[bool] = []


def get(name: str) -> QuizKind:
    if not _DISCOVERED:
        _DISCOVERED.append(True)
        for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
            importlib.import_module(f"{__name__}.{module.name}")
    return _KINDS[name]
