"""A verdict in words, in English or Japanese, from its reason and facts (`eprep/i18n.py`).

The checker builds every verdict's English message here, so the English and the Japanese
wording are two columns of one catalogue; a verdict computed in a worker process carries its
reason and facts back, and the command renders it in the learner's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from eprep.i18n import message

if TYPE_CHECKING:
    from eprep.checker.verdict import Verdict


def render(reason: str, facts: Mapping[str, str], lang: str = "en") -> str:
    """The message for `reason` (a catalogue key without `verdict.`) filled with `facts`."""
    if reason == "wrong":
        return _wrong(facts, lang)
    if reason == "numeric":
        regions = facts.get("regions")
        covered = message(lang, "verdict.covered", regions=regions) if regions else ""
        return message(lang, "verdict.numeric", points=facts["points"], covered=covered)
    return message(lang, f"verdict.{reason}", **facts)


def diagnosis_text(facts: Mapping[str, str], lang: str = "en") -> str | None:
    """ "off by a constant factor …" from the facts `diagnose` found (None: nothing found)."""
    kind = facts.get("diagnosis")
    return message(lang, f"verdict.{kind}", **facts) if kind else None


def _wrong(facts: Mapping[str, str], lang: str) -> str:
    at = message(lang, "verdict.wrong_at", where=facts["where"]) if facts.get("where") else ""
    mine = _gives(facts.get("mine"), lang)
    theirs = facts.get("theirs") or message(lang, "derive.undefined")
    if facts.get("gap"):
        theirs += message(lang, "verdict.gap", gap=facts["gap"])
    text = message(lang, "verdict.wrong", at=at, mine=mine, theirs=theirs)
    diagnosis = diagnosis_text(facts, lang)
    if diagnosis:
        text += f" ({diagnosis})" if lang == "en" else f"（{diagnosis}）"
    if facts.get("stand_ins"):
        text += message(lang, "verdict.stand_ins", names=facts["stand_ins"])
    return text


def _gives(value: str | None, lang: str) -> str:
    return (
        message(lang, "derive.gives", value=value) if value else message(lang, "derive.undefined")
    )


def verdict_text(verdict: Verdict, lang: str = "en") -> str:
    """The verdict's message in `lang` (its own English message when it has no reason)."""
    if lang == "en" or verdict.reason is None:
        return verdict.message
    facts = verdict.facts or {}
    text = render(verdict.reason, facts, lang)
    if facts.get("compared"):
        text += message(lang, "verdict.compared", part=compared_text(facts, lang))
    return text


def compared_text(facts: Mapping[str, str], lang: str = "en") -> str:
    """Which sides of two equations were compared ("the right sides of y = …")."""
    return message(lang, f"compared.{facts['compared']}", **facts)
