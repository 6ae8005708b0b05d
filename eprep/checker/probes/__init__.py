"""Engine-backed proofs of answer keys.

A probe runs the real engine (`eprep.engine`) on one variant of a question and returns evidence
that `eprep verify` compares with the key: a `Value`, `Samples` of a formula, or the `OptionId`
of the correct option. Code probes test the behaviour of an exam-style code template completed
with one option. Probes register themselves by name; topic modules in this package hold them.
See `eprep/questions/SCHEMA.md` for the contract.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

Variant = Mapping[str, float]


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


@dataclass
class _Registry:
    probes: dict[str, ProbeFunction] = field(default_factory=dict)
    code_probes: dict[str, CodeProbeFunction] = field(default_factory=dict)
    loaded: bool = False


_REGISTRY = _Registry()


def probe(name: str) -> Callable[[ProbeFunction], ProbeFunction]:
    """Register `fn(variant, rng, **probe_args) -> Value | Samples | OptionId` as `name`."""

    def register(fn: ProbeFunction) -> ProbeFunction:
        if name in _REGISTRY.probes or name in _REGISTRY.code_probes:
            raise ValueError(f"probe {name!r} is registered twice")
        _REGISTRY.probes[name] = fn
        return fn

    return register


def code_probe(name: str) -> Callable[[CodeProbeFunction], CodeProbeFunction]:
    """Register `fn(namespace, variant, rng, **probe_args)`, raising AssertionError on failure."""

    def register(fn: CodeProbeFunction) -> CodeProbeFunction:
        if name in _REGISTRY.probes or name in _REGISTRY.code_probes:
            raise ValueError(f"probe {name!r} is registered twice")
        _REGISTRY.code_probes[name] = fn
        return fn

    return register


def _load_all() -> None:
    """Import every topic module of this package so that its probes register."""
    if _REGISTRY.loaded:
        return
    _REGISTRY.loaded = True
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")


def get_probe(name: str) -> ProbeFunction:
    _load_all()
    return _REGISTRY.probes[name]


def get_code_probe(name: str) -> CodeProbeFunction:
    _load_all()
    return _REGISTRY.code_probes[name]


def is_code_probe(name: str) -> bool:
    _load_all()
    return name in _REGISTRY.code_probes


def probe_names() -> list[str]:
    _load_all()
    return sorted([*_REGISTRY.probes, *_REGISTRY.code_probes])


__all__ = [
    "Evidence",
    "OptionId",
    "Samples",
    "Value",
    "code_probe",
    "get_code_probe",
    "get_probe",
    "is_code_probe",
    "probe",
    "probe_names",
]
