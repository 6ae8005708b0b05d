"""Question kinds, behaviour half: parse and grade a learner's answer, prove the key, self-test.

Each kind is one module of this package defining a `CheckKind` subclass and registering an
instance with `register`; verification, the quiz and the site call `get(question.kind)` and
never switch on a kind. Modules are discovered. Nothing heavy is imported here: the quiz grades
choice and numeric answers with the grammar alone, and SymPy loads only for formulas.
"""

from __future__ import annotations

import importlib
import pkgutil

from eprep.checker.kinds.base import (
    LETTERS,
    CheckKind,
    Equivalence,
    Outcome,
    Unreadable,
)

__all__ = ["LETTERS", "CheckKind", "Equivalence", "Outcome", "Unreadable", "get", "names"]

_KINDS: dict[str, CheckKind] = {}


def register(kind: CheckKind) -> CheckKind:
    """Add a kind's behaviour (each kind module calls this once on import)."""
    _KINDS[kind.name] = kind
    return kind


def get(name: str) -> CheckKind:
    """The behaviour of kind `name` (the loader has already refused unknown kinds)."""
    _discover()
    try:
        return _KINDS[name]
    except KeyError:
        raise KeyError(f"no behaviour registered for question kind {name!r}") from None


def names() -> tuple[str, ...]:
    _discover()
    return tuple(sorted(_KINDS))


_DISCOVERED: list[bool] = []


def _discover() -> None:
    if _DISCOVERED:
        return
    _DISCOVERED.append(True)
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if module.name != "base":
            importlib.import_module(f"{__name__}.{module.name}")
