"""Variable domains (`real`, `positive`, `(0, 1)`, ...) for the checker.

The domains themselves (parsing, sampling, assumptions) are the formula vocabulary's
(`eprep.grammar.vocabulary`); this module adds the checker's `NAME: DOMAIN` assumptions.
No SymPy here: the quiz and the loader parse domains without loading it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from eprep.errors import EprepError
from eprep.grammar.vocabulary import Domain, DomainError, canonical, parse_domain

__all__ = ["Domain", "DomainError", "normalise_domains", "parse_assume", "parse_domain"]


def parse_assume(text: str) -> tuple[str, Domain]:
    """Parse `NAME: DOMAIN` (as in `--assume` and a derivation's `assume` lines)."""
    name, sep, domain = text.partition(":")
    name = name.strip()
    if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise EprepError(f"assumption {text!r} must look like 'NAME: DOMAIN', e.g. 'r: (0, 1)'")
    return canonical(name), parse_domain(domain)


def normalise_domains(domains: Mapping[str, str | Domain] | None) -> dict[str, Domain]:
    """Domain texts parsed; names canonical (`eps` -> `epsilon`)."""
    return {
        canonical(name): domain if isinstance(domain, Domain) else parse_domain(domain)
        for name, domain in (domains or {}).items()
    }
