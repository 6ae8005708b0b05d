"""The answer checker: equivalence, feedback on mistakes, derivations, reference definitions and
engine probes (the two witnesses), verification.

Imports are lazy (module `__getattr__`) so that `eprep.checker.probes`, the domains and the
grammar load without SymPy.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "parse_answer": "eprep.checker.api",
    "equivalent": "eprep.checker.api",
    "judge": "eprep.checker.api",
    "Answer": "eprep.checker.api",
    "check_derivation": "eprep.checker.derivation",
    "parse_derivation": "eprep.checker.derivation",
    "Verdict": "eprep.checker.verdict",
    "Judgement": "eprep.checker.verdict",
    "DerivationReport": "eprep.checker.verdict",
    "StepResult": "eprep.checker.verdict",
    "parse_domain": "eprep.checker.domains",
    "parse_assume": "eprep.checker.domains",
    "Domain": "eprep.checker.domains",
    "proof_of": "eprep.checker.witnesses",
    "Proof": "eprep.checker.witnesses",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'eprep.checker' has no attribute {name!r}")
