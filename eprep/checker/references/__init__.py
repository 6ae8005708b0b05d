"""SymPy reference definitions: each concept of the bank written once from its primary definition.

A reference is the symbolic witness of a key. It is written from the concept (an update rule
unrolled as a recurrence, batch norm over a symbolic batch, an output size as a count of window
positions, an expectation by `sympy.stats`), never from the key formula or the engine's code,
so it can disagree with either. A question names its reference with `reference = "name"` and
`reference_args = { ... }` (see `eprep/questions/SCHEMA.md`); `eprep.checker.witnesses` proves the
key against it.

A value reference is `fn(p, **reference_args)`: `p` maps each parameter and variable name of the
question to a SymPy symbol (carrying the assumptions of its domain) when an identity is being
proven, or to an exact number (Integer or Rational) at one variant. It returns the quantity as a
SymPy expression, a `Pick` (which option of a text-choice question holds) or a `Rounded` value.
A definition that needs numbers (a loop over a layer count, a literal count of positions) raises
`NeedsValues` when given symbols; the key is then proven exactly at every variant instead.

A code reference is a `CodeDefinition`: `drive(namespace, rng)` runs inside the sandboxed child on
the completed template and returns plain numbers (inputs and outputs); `check(outputs)` evaluates
the definition exactly at those inputs in the verifier and returns the disagreements.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy

from eprep.checker.registry import WitnessRegistry

Params = Mapping[str, Any]  # name -> sympy Symbol or exact number


class NeedsValues(Exception):
    """The definition cannot be built over symbols (only at numeric variants)."""


@dataclass(frozen=True)
class Pick:
    """Which option holds: option id -> a SymPy condition (True/False once values are known)."""

    conditions: Mapping[str, Any]


@dataclass(frozen=True)
class Rounded:
    """A value the question states to `digits` decimals: the key must equal it so rounded."""

    value: Any
    digits: int


@dataclass(frozen=True)
class CodeDefinition:
    """A code question's definition: a driver run on the completed template, and its check."""

    drive: Callable[[dict[str, Any], Any], dict[str, Any]]
    check: Callable[[dict[str, Any]], list[str]]


ReferenceFunction = Callable[..., Any]


_REGISTRY = WitnessRegistry(__name__, __path__, "reference")


def reference(name: str) -> Callable[[ReferenceFunction], ReferenceFunction]:
    """Register `fn(p, **reference_args) -> sympy.Expr | Pick | Rounded` as `name`."""
    return _REGISTRY.value(name)


def code_reference(name: str) -> Callable[[ReferenceFunction], ReferenceFunction]:
    """Register `fn(**reference_args) -> CodeDefinition` as `name`."""
    return _REGISTRY.code(name)


def get_reference(name: str) -> ReferenceFunction:
    return _REGISTRY.get_value(name)


def get_code_reference(name: str) -> ReferenceFunction:
    return _REGISTRY.get_code(name)


def is_code_reference(name: str) -> bool:
    return _REGISTRY.is_code(name)


def reference_names() -> list[str]:
    return _REGISTRY.names()


def reference_source(name: str) -> str:
    """The source of the module defining `name` (part of the witness cache key)."""
    fn = _REGISTRY.find(name)
    if fn is None:
        return ""
    try:
        return inspect.getsource(inspect.getmodule(fn))  # type: ignore[arg-type]
    except (OSError, TypeError):
        return fn.__qualname__


# --- helpers the topic modules share ---------------------------------------------------------


def exact(value: Any) -> sympy.Expr:
    """A number as an exact SymPy value: 0.1 is 1/10 (its decimal text), 3 is 3."""
    if isinstance(value, sympy.Basic):
        return value
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(value, int):
        return sympy.Integer(value)
    frac = Fraction(value) if isinstance(value, str) else Fraction(repr(float(value)))
    return sympy.Rational(frac.numerator, frac.denominator)


def is_number(value: Any) -> bool:
    return isinstance(value, sympy.Basic) and value.is_number


def integer(value: Any) -> int:
    """A count the definition loops over; `NeedsValues` while it is still a symbol."""
    if not is_number(value):
        raise NeedsValues
    return int(value)


def arg(p: Params, name: str) -> Any:
    """The parameter `name`, or a number written in `reference_args` (`"1e-7"`, 3)."""
    if isinstance(name, str) and name in p:
        return p[name]
    return exact(name)


def float_close(got: float, want: sympy.Expr, rel: float = 1e-9, abs_: float = 1e-12) -> bool:
    """A float output of the engine/template against an exact value, to rounding error."""
    value = float(sympy.N(want, 30))
    return abs(got - value) <= max(rel * max(abs(got), abs(value)), abs_)


def grid(rng: Any, shape: tuple[int, ...], bound: int = 12, denominator: int = 4) -> Any:
    """Driver inputs that floats hold exactly: k / denominator with |k| <= bound, never 0."""
    values = rng.integers(1, bound + 1, size=shape) * rng.choice([-1, 1], size=shape)
    return values.astype(float) / denominator


def from_float(value: float) -> sympy.Expr:
    """The exact rational a float holds (a driver's input or output)."""
    frac = Fraction(float(value))
    return sympy.Rational(frac.numerator, frac.denominator)


class RecordingRng:
    """A generator for templates that records every uniform draw (`random`) it hands out."""

    def __init__(self, rng: Any) -> None:
        self._rng = rng
        self.uniform: list[float] = []
        self.other = 0  # draws from any other distribution

    def random(self, size: Any = None) -> Any:
        import numpy as np

        values = self._rng.random(size)
        self.uniform.extend(np.ravel(values).tolist())
        return values

    def __getattr__(self, name: str) -> Any:
        self.other += 1
        return getattr(self._rng, name)


__all__ = [
    "CodeDefinition",
    "NeedsValues",
    "Pick",
    "RecordingRng",
    "Rounded",
    "arg",
    "code_reference",
    "exact",
    "float_close",
    "from_float",
    "get_code_reference",
    "get_reference",
    "grid",
    "integer",
    "is_code_reference",
    "is_number",
    "reference",
    "reference_names",
    "reference_source",
]
