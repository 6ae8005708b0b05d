"""Engine-backed proofs of answer keys.

A probe runs the real engine (`eprep.engine`) on one variant of a question and returns evidence
that `eprep verify` compares with the key: a `Value`, `Samples` of a formula, or the `OptionId`
of the correct option. Code probes test the behaviour of an exam-style code template completed
with one option. Probes register themselves by name; topic modules in this package hold them.
See `eprep/questions/SCHEMA.md` for the contract.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from eprep.checker.registry import WitnessRegistry

Params = Mapping[str, float]  # one variant's parameter values, name -> number


@dataclass(frozen=True)
class Value:
    """A number the engine produced; the key evaluated for the variant must match it."""

    value: float
    rel_tol: float = 1e-9
    abs_tol: float = 1e-12


@dataclass(frozen=True)
class Samples:
    """Values of the true formula at points; the key evaluated at each point must match."""

    points: Sequence[Mapping[str, float]]
    values: Sequence[float]
    rel_tol: float = 1e-6
    abs_tol: float = 1e-9


@dataclass(frozen=True)
class OptionId:
    """The id of the option the engine shows to be the correct one."""

    option_id: str


Evidence = Value | Samples | OptionId
ProbeFunction = Callable[..., Evidence]
CodeProbeFunction = Callable[..., None]


_REGISTRY = WitnessRegistry(__name__, __path__, "probe")


def probe(name: str) -> Callable[[ProbeFunction], ProbeFunction]:
    """Register `fn(variant, rng, **probe_args) -> Value | Samples | OptionId` as `name`."""
    return _REGISTRY.value(name)


def code_probe(name: str) -> Callable[[CodeProbeFunction], CodeProbeFunction]:
    """Register `fn(namespace, variant, rng, **probe_args)`, raising AssertionError on failure."""
    return _REGISTRY.code(name)


T = TypeVar("T")


def after_pass(value: T | None) -> T:
    """An engine attribute a forward or backward pass sets (`dW`, `grads`, a cache): None
    before the pass, so reading it earlier is a probe's bug, not evidence."""
    if value is None:
        raise AssertionError("read an engine attribute before the pass that sets it")
    return value


def get_probe(name: str) -> ProbeFunction:
    return _REGISTRY.get_value(name)


def get_code_probe(name: str) -> CodeProbeFunction:
    return _REGISTRY.get_code(name)


def is_code_probe(name: str) -> bool:
    return _REGISTRY.is_code(name)


def probe_names() -> list[str]:
    return _REGISTRY.names()


__all__ = [
    "Evidence",
    "OptionId",
    "Params",
    "Samples",
    "Value",
    "after_pass",
    "code_probe",
    "get_code_probe",
    "get_probe",
    "is_code_probe",
    "probe",
    "probe_names",
]
