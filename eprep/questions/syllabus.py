"""The JDLA syllabus (2024 edition) as a tree of areas, read from `syllabus.toml` and validated.

The tree is data: `syllabus.toml` beside this module is the one place its areas are named.
EPREP_SYLLABUS names another tree file (to try a revised syllabus without editing the package).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from eprep.questions.locate import LineIndex
from eprep.questions.models import LANGUAGES, Text
from eprep.questions.schema import FileValidator
from eprep.questions.tomlfile import read_toml

TREE_FILE = Path(__file__).resolve().parent / "syllabus.toml"
ENV_VAR = "EPREP_SYLLABUS"
AREA_ID = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)*$")
UNASSIGNED = "unassigned"  # what a question without an area is reported as
UNASSIGNED_TITLE = Text({"en": "Not assigned to an area", "ja": "分野未設定"})


@dataclass(frozen=True)
class Area:
    """One area of the syllabus: `dl-basics.cnn`, its parent `dl-basics`, its title."""

    id: str
    title: Text
    parent: str | None

    @property
    def depth(self) -> int:
        return self.id.count(".")


@dataclass(frozen=True)
class Syllabus:
    """The areas in the tree file's order (every parent before its children)."""

    title: Text
    areas: tuple[Area, ...]
    path: str

    def get(self, area_id: str) -> Area | None:
        return next((area for area in self.areas if area.id == area_id), None)

    def __contains__(self, area_id: object) -> bool:
        return any(area.id == area_id for area in self.areas)

    def lineage(self, area_id: str) -> tuple[str, ...]:
        """The area and its ancestors, outermost first: `("dl-basics", "dl-basics.cnn")`."""
        parts = area_id.split(".")
        return tuple(".".join(parts[: i + 1]) for i in range(len(parts)))

    def full_title(self, area_id: str) -> Text:
        """`深層学習の基礎：正則化` / `Deep learning basics: Regularization`; unassigned too."""
        areas = [self.get(part) for part in self.lineage(area_id)]
        if area_id == UNASSIGNED or not all(areas):
            return UNASSIGNED_TITLE
        return Text(
            {
                "en": ": ".join(a.title.get("en") for a in areas if a),
                "ja": "：".join(a.title.get("ja") for a in areas if a),
            }
        )

    def unknown_message(self, value: str) -> str:
        """Why `value` is not an area, with the nearest id when one is close."""
        import difflib  # only on this error path: the quiz's start stays light

        close = difflib.get_close_matches(value, [a.id for a in self.areas], n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        return f"syllabus {value!r} is not a syllabus area ({hint}see eprep list --by-syllabus)"


def tree_path() -> Path:
    """The tree file in use: EPREP_SYLLABUS, else the bundled `syllabus.toml`."""
    configured = os.environ.get(ENV_VAR, "").strip()
    return Path(configured) if configured else TREE_FILE


def current() -> Syllabus:
    """The syllabus in use, validated (BankError `file:line:` when the tree file is broken)."""
    return load_syllabus(str(tree_path()))


@lru_cache(maxsize=4)
def load_syllabus(path: str) -> Syllabus:
    """The tree in `path`, validated: ids, en and ja titles, parents listed before children."""
    text, data = read_toml(Path(path))
    check = FileValidator(path, text)
    check.table(data, (), {"syllabus", "area"}, {"syllabus", "area"})
    head = check.table(data["syllabus"], ("syllabus",), {"title"}, {"title"})
    title = _both_languages(check, head["title"], ("syllabus", "title"), "the syllabus")
    raw = data["area"]
    if not isinstance(raw, list) or not raw:
        raise check.fail(("area",), "area must be an array of tables: [[area]]")
    areas: list[Area] = []
    seen: dict[str, int] = {}
    lines = LineIndex(text)
    for i, item in enumerate(raw):
        at = ("area", i)
        check.table(item, at, {"id", "title"}, {"id", "title"})
        area_id = check.string(item["id"], (*at, "id"))
        if not AREA_ID.match(area_id) or area_id == UNASSIGNED:
            raise check.fail(
                (*at, "id"), f"area id {area_id!r} must be slugs [a-z0-9-]+ joined by '.'"
            )
        if area_id in seen:
            raise check.fail(
                (*at, "id"), f"area {area_id!r} is listed twice (first at line {seen[area_id]})"
            )
        parent = area_id.rpartition(".")[0] or None
        if parent is not None and parent not in seen:
            raise check.fail(
                (*at, "id"), f"area {area_id!r}: its parent {parent!r} must come first"
            )
        seen[area_id] = lines.line((*at, "id"))
        label = _both_languages(check, item["title"], (*at, "title"), f"area {area_id!r}")
        areas.append(Area(area_id, label, parent))
    return Syllabus(title=title, areas=tuple(areas), path=path)


def _both_languages(check: FileValidator, value: object, path: tuple, what: str) -> Text:
    """A title with both en and ja text (learner-facing in both languages)."""
    text = check.text(value, path)
    for lang in LANGUAGES:
        if lang not in text.values:
            raise check.fail(path, f"{what} has no {lang!r} title")
    return text
