"""The syllabus area of a question: its own when it has one, else its topic's default (data)."""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

from eprep.questions import Question, Text

DEFAULTS = Path(__file__).resolve().parent / "syllabus.toml"
UNASSIGNED = "unassigned"


@lru_cache(maxsize=1)
def _defaults() -> dict[str, Any]:
    with DEFAULTS.open("rb") as handle:
        return tomllib.load(handle)


def area_of(question: Question) -> str:
    """The area id (`dl-basics::optimization`) of a question, for tags and the card's footer.

    A question-level area (an attribute `syllabus`, which the bank may gain later) wins over the
    per-topic default in `syllabus.toml`, which wins over the day's default.
    """
    own = getattr(question, "syllabus", None)
    if isinstance(own, str) and own.strip():
        return _slug(own)
    data = _defaults()
    topic = data.get("topic", {}).get(f"{question.day}.{question.topic}")
    return topic or data.get("day", {}).get(question.day) or UNASSIGNED


def area_title(area: str) -> Text:
    """The area's title in en and ja (its id when the data does not name it)."""
    entry = _defaults().get("area", {}).get(area)
    return Text(dict(entry)) if entry else Text({"en": area})


def _slug(text: str) -> str:
    # Anki tags cannot hold spaces; keep `::` as the hierarchy separator.
    parts = [re.sub(r"[^\w.-]+", "-", part.strip()).strip("-") for part in text.split("::")]
    return "::".join(part for part in parts if part) or UNASSIGNED
