"""Executed-example outputs for the site: read from a cache folder when present, else nothing.

Layout read (written by `eprep example`): `DIR/<name>/result.json` plus any `DIR/<name>/*.svg`.
An example is shown on a topic page when its name, or a name in the result's `"topics"` list,
equals the topic's name or one of its questions' tags. Nothing here runs an example.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class ExampleOutput:
    """One cached example: its name, claim, checks and SVG plots (file name -> bytes)."""

    name: str
    claim: str
    topics: tuple[str, ...]
    checks: tuple[tuple[str, bool, str], ...]
    plots: tuple[tuple[str, bytes], ...]


def default_dir() -> Path:
    """The examples cache: `$EPREP_CACHE/examples` or the platform's user cache folder."""
    root = os.environ.get("EPREP_CACHE")
    if not root:
        import platformdirs

        root = platformdirs.user_cache_dir("eprep")
    return Path(root) / "examples"


def _checks(result: dict[str, Any]) -> tuple[tuple[str, bool, str], ...]:
    rows = []
    for check in result.get("checks", []) or []:
        if isinstance(check, dict) and "statement" in check:
            rows.append((str(check["statement"]), bool(check.get("ok")), str(check.get("measured", ""))))
    return tuple(rows)


def find_examples(folder: Path | None) -> list[ExampleOutput]:
    """Every readable cached example under `folder`, sorted by name; unreadable ones are skipped."""
    if folder is None or not folder.is_dir():
        return []
    found = []
    for entry in sorted(folder.iterdir()):
        result_file = entry / "result.json"
        if not result_file.is_file():
            continue
        try:
            result = json.loads(result_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # a half-written cache entry is absent, not an error
        if not isinstance(result, dict):
            continue
        plots = tuple((svg.name, svg.read_bytes()) for svg in sorted(entry.glob("*.svg")))
        topics = tuple(str(t) for t in result.get("topics", []) or [])
        found.append(
            ExampleOutput(entry.name, str(result.get("claim", "")), (entry.name, *topics), _checks(result), plots)
        )
    return found


def for_topic(examples: list[ExampleOutput], topic_name: str, tags: set[str]) -> list[ExampleOutput]:
    """The examples that belong on a topic page."""
    keys = {topic_name} | tags
    return [example for example in examples if keys & set(example.topics)]
