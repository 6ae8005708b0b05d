"""The learner's guide to writing formulas, in English and Japanese (`eprep help notation`, and
the study site's "Writing formulas" page)."""

from __future__ import annotations

from pathlib import Path

GUIDES = Path(__file__).resolve().parent


def notation_guide(lang: str = "en") -> str:
    """The notation guide (Markdown) in `lang`, or in English when there is none."""
    path = GUIDES / f"notation.{lang}.md"
    return (path if path.exists() else GUIDES / "notation.en.md").read_text(encoding="utf-8")
