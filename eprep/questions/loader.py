"""Loading question banks: the bundled one plus user folders, validated into a Bank."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from eprep.errors import EprepError
from eprep.questions import aliases, cache
from eprep.questions.errors import BankError
from eprep.questions.models import Bank, Day, Question, Text, Topic
from eprep.questions.schema import FileValidator
from eprep.questions.syllabus import Syllabus, current
from eprep.questions.tomlfile import read_toml

DAY_NAME = re.compile(r"^[a-z0-9_-]+$")
TOPIC_NAME = re.compile(r"^[a-z0-9_-]+$")
ENV_VAR = "EPREP_BANK"
# EPREP_BUNDLED=0 loads only the user's folders (to check a user bank, or in tests, in isolation).
BUNDLED_ENV_VAR = "EPREP_BUNDLED"


def bundled_bank_dir() -> Path:
    """The bank shipped inside the package."""
    return Path(__file__).resolve().parent / "bank"


def env_bank_dirs() -> list[Path]:
    """Folders named by EPREP_BANK (separated by ':')."""
    return [Path(p) for p in os.environ.get(ENV_VAR, "").split(os.pathsep) if p.strip()]


def bundled_enabled() -> bool:
    """False when EPREP_BUNDLED=0: commands then load only the user's bank folders."""
    return os.environ.get(BUNDLED_ENV_VAR, "1").strip() not in ("0", "no", "false")


def load_bank(extra: Iterable[str | Path] = (), *, bundled: bool = True) -> Bank:
    """Load the bundled bank (unless `bundled=False`) and every folder in `extra`, validated.

    Raises BankError (`file:line: message`, exit 2) for the first problem found.
    """
    roots = ([bundled_bank_dir()] if bundled else []) + [Path(p) for p in extra]
    layout = [(root, _bank_files(root)) for root in roots]
    syllabus = current()  # a missing or broken tree file is its own `file:line:` error
    use_cache = cache.enabled()
    if use_cache:
        # The syllabus tree decides which areas are valid: it is part of the key.
        key = cache.bank_key(
            [Path(syllabus.path), *(f for _, files in layout for f in files)],
            repr([str(r) for r in roots]),
        )
        cached = cache.read(key)
        if cached is not None:
            return cached
    bank = _build(layout, syllabus)
    if use_cache:
        cache.write(key, bank)
    return bank


def _bank_files(root: Path) -> list[Path]:
    """Every TOML file of a bank folder, checking the folder layout."""
    if not root.is_dir():
        raise EprepError(f"{root}: bank folder does not exist")
    files = []
    for entry in sorted(root.iterdir()):
        if entry.is_file() and entry.suffix == ".toml":
            raise BankError(entry, 1, "question files belong in a day folder (DAY/TOPIC.toml)")
        if not entry.is_dir() or entry.name.startswith((".", "_")):
            continue
        if not DAY_NAME.match(entry.name):
            raise BankError(entry, 1, f"day folder name {entry.name!r} must match [a-z0-9_-]+")
        files.extend(sorted(entry.glob("*.toml")))
    return files


def _build(layout: list[tuple[Path, list[Path]]], syllabus: Syllabus) -> Bank:
    days: dict[str, dict] = {}
    seen_ids: dict[str, Question] = {}
    found_aliases: dict[str, tuple[str, str, int]] = {}
    for _, files in layout:
        folders = sorted({f.parent for f in files})
        for folder in folders:
            info = days.setdefault(folder.name, {"meta": None, "topics": {}, "syllabus": None})
            _load_day(folder, info, seen_ids, syllabus)
            if (folder / aliases.FILE_NAME).is_file():
                aliases.read_file(folder / aliases.FILE_NAME, found_aliases)
    built = []
    for name, info in days.items():
        title, summary, order = info["meta"] or (Text({"en": name}), None, 1000)
        topics = sorted(info["topics"].values(), key=lambda t: (t.order, t.name))
        built.append(
            Day(name=name, title=title, order=order, summary=summary, topics=tuple(topics))
        )
    built.sort(key=lambda d: (d.order, d.name))
    resolved = aliases.resolve(found_aliases, seen_ids)
    return Bank(tuple(built), aliases=tuple(sorted(resolved.items())))


def _load_day(folder: Path, info: dict, seen_ids: dict[str, Question], syllabus: Syllabus) -> None:
    # A folder's own `_day.toml` area is the default of its files; without one, the day's.
    area = info["syllabus"]
    day_file = folder / "_day.toml"
    if day_file.is_file():
        text, data = read_toml(day_file)
        day_validator = FileValidator(str(day_file), text, syllabus)
        meta = day_validator.day(data)
        area = day_validator.day_area(data) or area
        if info["meta"] is None:
            info["meta"] = meta
            info["syllabus"] = area
    for path in sorted(folder.glob("*.toml")):
        if path.name.startswith("_"):
            continue
        topic_name = path.stem
        if not TOPIC_NAME.match(topic_name):
            raise BankError(path, 1, f"topic file name {topic_name!r} must match [a-z0-9_-]+")
        if topic_name in info["topics"]:
            other = info["topics"][topic_name].path
            raise BankError(path, 1, f"topic {folder.name}.{topic_name} is also defined in {other}")
        text, data = read_toml(path)
        validator = FileValidator(str(path), text, syllabus)
        head, formulas, questions = validator.topic(data, folder.name, topic_name, area)
        for question in questions:
            if question.id in seen_ids:
                first = seen_ids[question.id]
                raise BankError(
                    path,
                    question.line,
                    f"duplicate question id {question.id!r} (first at {first.location})",
                )
            seen_ids[question.id] = question
        info["topics"][topic_name] = Topic(
            day=folder.name,
            name=topic_name,
            title=validator.text(head["title"], ("topic", "title")),
            order=validator.integer(head["order"], ("topic", "order"), 0, 10_000),
            summary=validator.text(head["summary"], ("topic", "summary"))
            if "summary" in head
            else None,
            path=str(path),
            syllabus=head["syllabus"] or area,
            formulas=formulas,
            questions=tuple(questions),
        )
