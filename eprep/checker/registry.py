"""Witnesses by name: the probes' and the references' registry, each a value and a code family.

A package of witnesses (`eprep.checker.probes`, `eprep.checker.references`) keeps one
`WitnessRegistry`; its topic modules register functions with the decorators, and the first lookup
imports every module of the package so that they have. A name registered twice is a
`WitnessNameError` naming both definitions (`file:line`), reported as one line by the CLI.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from eprep.errors import EprepError

Function = Callable[..., Any]


class WitnessNameError(EprepError, ValueError):
    """Two witnesses of one package registered under the same name."""


def _place(fn: Function) -> str:
    """`file:line` of a function's definition, relative to the working folder when inside it."""
    code = getattr(fn, "__code__", None)
    if code is None:
        return getattr(fn, "__qualname__", repr(fn))
    path = Path(code.co_filename)
    with contextlib.suppress(OSError, ValueError):
        path = path.resolve().relative_to(Path.cwd().resolve())
    try:
        line = inspect.getsourcelines(fn)[1]
    except (OSError, TypeError):
        line = code.co_firstlineno
    return f"{path}:{line}"


class WitnessRegistry:
    """Value and code witnesses of one package; a name belongs to one family only."""

    def __init__(self, package: str, path: Iterable[str], what: str) -> None:
        self._package, self._path, self._what = package, list(path), what
        self._values: dict[str, Function] = {}
        self._code: dict[str, Function] = {}
        self._loaded = self._loading = False

    def value(self, name: str) -> Callable[[Function], Function]:
        return self._register(name, self._values)

    def code(self, name: str) -> Callable[[Function], Function]:
        return self._register(name, self._code)

    def _register(self, name: str, family: dict[str, Function]) -> Callable[[Function], Function]:
        def register(fn: Function) -> Function:
            first = self._values.get(name) or self._code.get(name)
            # A module re-imported after a failed import registers its functions again.
            if first is not None and _place(first) != _place(fn):
                raise WitnessNameError(
                    f"{self._what} {name!r} is registered twice: "
                    f"at {_place(first)} and at {_place(fn)}"
                )
            (self._code if family is self._values else self._values).pop(name, None)
            family[name] = fn
            return fn

        return register

    def _load_all(self) -> None:
        """Import every topic module of the package so that its witnesses register."""
        if self._loaded or self._loading:
            return
        self._loading = True
        try:
            for module in pkgutil.iter_modules(self._path):
                importlib.import_module(f"{self._package}.{module.name}")
        finally:
            self._loading = False
        # Only a complete import counts: after a failure the next lookup fails the same way.
        self._loaded = True

    def get_value(self, name: str) -> Function:
        self._load_all()
        return self._values[name]

    def get_code(self, name: str) -> Function:
        self._load_all()
        return self._code[name]

    def is_code(self, name: str) -> bool:
        self._load_all()
        return name in self._code

    def find(self, name: str) -> Function | None:
        """The witness called `name` in either family, or None."""
        self._load_all()
        return self._values.get(name) or self._code.get(name)

    def names(self) -> list[str]:
        self._load_all()
        return sorted([*self._values, *self._code])
