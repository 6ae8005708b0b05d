"""Question kinds, data half: the keys each kind uses and how the loader validates them.

A kind is one module of this package that calls `register` with a `DataKind`; the loader looks
kinds up by name and never switches on one. Modules are discovered, so adding a kind here is
adding one file (its behaviour lives in `eprep.checker.kinds`, its presentation in
`eprep.quiz.kinds` and `eprep.site.kinds`).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from eprep.questions.locate import Path
    from eprep.questions.schema import FileValidator

# validate(validator, raw question, path, fields so far, param names, param + variable names)
Validate = Callable[["FileValidator", dict, "Path", dict, frozenset, frozenset], None]


@dataclass(frozen=True)
class DataKind:
    """One kind's data half: the kind-specific keys it accepts and its validation."""

    name: str
    keys: frozenset[str]
    validate: Validate
    # Whether the exam asks it as one of its own choice/blank items rather than a derived one.
    options_native: bool = False


_KINDS: dict[str, DataKind] = {}


def register(kind: DataKind) -> DataKind:
    """Add a kind to the registry (each kind module calls this once on import)."""
    _KINDS[kind.name] = kind
    return kind


def _discover() -> None:
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        importlib.import_module(f"{__name__}.{module.name}")


def get(name: str) -> DataKind | None:
    """The kind named `name`, or None."""
    return _KINDS.get(name)


def names() -> tuple[str, ...]:
    """Every registered kind, sorted."""
    return tuple(sorted(_KINDS))


def kind_keys() -> frozenset[str]:
    """Every key some kind uses (a key of another kind is an error in a question)."""
    return frozenset().union(*(kind.keys for kind in _KINDS.values()))


def require_answer(v: Any, q: dict, path: Any, fields: dict, names: frozenset, kind: str) -> None:
    """The `answer` formula every formula kind needs."""
    if "answer" not in q:
        raise v.fail(path, f"missing required key 'answer' in a {kind} question")
    fields["answer"] = v.formula(q["answer"], (*path, "answer"), names)


def require_variables(v: Any, path: Any, fields: dict, kind: str) -> None:
    if not fields["variables"]:
        raise v.fail(path, f'a {kind} question needs variables = {{ x = "real" }}')


_discover()
