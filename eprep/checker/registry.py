"""Witnesses by name: the probes' and the references' registry, each a value and a code family.

A package of witnesses (`eprep.checker.probes`, `eprep.checker.references`) keeps one
`WitnessRegistry`; its topic modules register functions with the decorators, and the first lookup
imports every module of the package so that they have.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable
from typing import Any

Function = Callable[..., Any]


class WitnessRegistry:
    """Value and code witnesses of one package; a name belongs to one family only."""

    def __init__(self, package: str, path: Iterable[str], what: str) -> None:
        self._package, self._path, self._what = package, list(path), what
        self._values: dict[str, Function] = {}
        self._code: dict[str, Function] = {}
        self._loaded = False

    def value(self, name: str) -> Callable[[Function], Function]:
        return self._register(name, self._values)

    def code(self, name: str) -> Callable[[Function], Function]:
        return self._register(name, self._code)

    def _register(self, name: str, family: dict[str, Function]) -> Callable[[Function], Function]:
        def register(fn: Function) -> Function:
            if name in self._values or name in self._code:
                raise ValueError(f"{self._what} {name!r} is registered twice")
            family[name] = fn
            return fn

        return register

    def _load_all(self) -> None:
        """Import every topic module of the package so that its witnesses register."""
        if self._loaded:
            return
        self._loaded = True
        for module in pkgutil.iter_modules(self._path):
            importlib.import_module(f"{self._package}.{module.name}")

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
