"""The id alias table: ids merged into another question, so their history counts for it.

A day folder may hold `_aliases.toml` with one table, `[aliases]`, mapping an old question id
(one that no longer exists) to the id of the question that replaced it. An alias may point at
another alias (a question merged twice); the chain is followed to a question of the bank. The
quiz store reads reviews and cards of an old id as the new id (`eprep/quiz/store.py`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from eprep.questions.errors import BankError
from eprep.questions.tomlfile import read_toml

FILE_NAME = "_aliases.toml"
_ID = re.compile(r"^[a-z0-9_-]+\.[a-z0-9_-]+\.[a-z0-9-]+$")


def _line_of(text: str, old: str) -> int:
    """The line on which `old` is written as a key (1 when it cannot be found)."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith((f'"{old}"', f"'{old}'", old)):
            return number
    return 1


def read_file(path: Path, found: dict[str, tuple[str, str, int]]) -> None:
    """Add the aliases of one `_aliases.toml` to `found` (old -> (new, file, line)), validated."""
    text, data = read_toml(path)
    extra = sorted(set(data) - {"aliases"})
    if extra:
        raise BankError(path, 1, f"unknown table {extra[0]!r} (only [aliases] is allowed)")
    table = data.get("aliases", {})
    if not isinstance(table, dict):
        raise BankError(path, 1, "'aliases' must be a table of old id = new id")
    for old, new in table.items():
        line = _line_of(text, old)
        if not _ID.match(old):
            raise BankError(path, line, f"alias {old!r} is not a question id (DAY.TOPIC.slug)")
        if not isinstance(new, str) or not _ID.match(new):
            raise BankError(path, line, f"alias {old!r} must name a question id, not {new!r}")
        if old in found:
            _, first, first_line = found[old]
            raise BankError(path, line, f"alias {old!r} is also defined at {first}:{first_line}")
        found[old] = (new, str(path), line)


def resolve(
    found: Mapping[str, tuple[str, str, int]], question_ids: Iterable[str]
) -> dict[str, str]:
    """Every old id mapped to the question it ends at; BankError for a bad target or a cycle."""
    ids = set(question_ids)
    resolved: dict[str, str] = {}
    for old, (new, path, line) in found.items():
        if old in ids:
            raise BankError(path, line, f"alias {old!r} is still a question of the bank")
        seen = [old]
        target = new
        while target not in ids:
            if target in seen:
                chain = " -> ".join([*seen, target])
                raise BankError(path, line, f"alias cycle: {chain}")
            if target not in found:
                raise BankError(path, line, f"alias {old!r} points to unknown question {target!r}")
            seen.append(target)
            target = found[target][0]
        resolved[old] = target
    return resolved
