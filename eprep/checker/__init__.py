"""The answer checker: equivalence, feedback on mistakes, derivations, reference definitions and
engine probes (the two witnesses), verification.

The names below are the checker's public API, imported explicitly. None of these modules
imports SymPy or NumPy at import time (they load inside the functions that need them), so
`eprep.checker.probes`, the domains and the grammar stay light.
"""

from __future__ import annotations

from eprep.checker.api import Answer, equivalent, judge, parse_answer
from eprep.checker.derivation import check_derivation, parse_derivation
from eprep.checker.domains import Domain, parse_assume, parse_domain
from eprep.checker.verdict import DerivationReport, Judgement, StepResult, Verdict
from eprep.checker.witnesses import Proof, proof_of

__all__ = [
    "Answer",
    "DerivationReport",
    "Domain",
    "Judgement",
    "Proof",
    "StepResult",
    "Verdict",
    "check_derivation",
    "equivalent",
    "judge",
    "parse_answer",
    "parse_assume",
    "parse_derivation",
    "parse_domain",
    "proof_of",
]
