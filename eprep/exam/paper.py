"""Drawing a mock-exam paper: how many items each syllabus area gets, and which ones.

Each question counts for the nearest area at or above its own that the weights list. Items are
shared out by largest remainder; an area with fewer questions than its share gives all it has
and the rest goes to the others, in proportion. Areas without questions are reported, never
silently dropped. The same seed draws the same paper.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from eprep.questions import Question
from eprep.questions.schema import FileValidator
from eprep.questions.syllabus import Syllabus
from eprep.questions.tomlfile import read_toml
from eprep.questions.variants import PROVEN_VARIANTS

WEIGHTS_FILE = Path(__file__).resolve().parent / "weights.toml"
MAX_SHARE = 1_000_000


@dataclass(frozen=True)
class Weights:
    """The share of each listed area, in the file's order."""

    shares: Mapping[str, float]
    path: str

    def owner(self, area: str | None, syllabus: Syllabus) -> str | None:
        """The listed area a question of `area` counts for: the nearest at or above it."""
        if area is None:
            return None
        return next((a for a in reversed(syllabus.lineage(area)) if a in self.shares), None)


@dataclass(frozen=True)
class PaperItem:
    """Item `number` (from 1): variant `variant` of a question, counted for `area`."""

    number: int
    question_id: str
    variant: int
    area: str


@dataclass(frozen=True)
class Paper:
    """A drawn paper and what it could not draw."""

    seed: int
    items: tuple[PaperItem, ...]
    asked: int  # how many items were asked for
    empty_areas: tuple[str, ...]  # listed areas with a share but no question to ask
    outside: tuple[str, ...]  # question ids that count for no listed area (not drawn)
    unaskable: tuple[str, ...] = ()  # question ids with no exam-format item (not drawn)

    def to_json(self) -> dict:
        """The paper as stored with the exam (what `--resume` reads back)."""
        return {
            "seed": self.seed,
            "asked": self.asked,
            "items": [[i.number, i.question_id, i.variant, i.area] for i in self.items],
            "empty_areas": list(self.empty_areas),
            "outside": list(self.outside),
            "unaskable": list(self.unaskable),
        }

    @classmethod
    def from_json(cls, data: dict) -> Paper:
        return cls(
            seed=int(data["seed"]),
            items=tuple(PaperItem(int(n), str(q), int(k), str(a)) for n, q, k, a in data["items"]),
            asked=int(data["asked"]),
            empty_areas=tuple(data["empty_areas"]),
            outside=tuple(data["outside"]),
            unaskable=tuple(data["unaskable"]),
        )


def exam_ready(question: Question) -> bool:
    """Whether the question can be asked as the exam asks (4 choices, or a listing's blanks)."""
    from eprep.checker.exam import EXAM_DISTRACTORS, exam_item, exam_variant, kinds_of
    from eprep.errors import EprepError

    try:
        item = exam_item(exam_variant(question, 0))
    except EprepError:
        return False
    if any(len(group.options) < 2 for group in item.groups):
        return False
    # a key and its known mistakes: as many distractors as the exam's items have
    return not kinds_of(question).exam_from_mistakes or item.mistakes_used >= EXAM_DISTRACTORS


def load_weights(syllabus: Syllabus, path: Path = WEIGHTS_FILE) -> Weights:
    """The weights in `path`, validated: areas of the tree, each once, shares > 0 (BankError)."""
    text, data = read_toml(path)
    check = FileValidator(str(path), text, syllabus)
    check.table(data, (), {"weight"}, {"weight"})
    raw = data["weight"]
    if not isinstance(raw, list) or not raw:
        raise check.fail(("weight",), "weight must be an array of tables: [[weight]]")
    shares: dict[str, float] = {}
    for i, item in enumerate(raw):
        at = ("weight", i)
        check.table(item, at, {"area", "share"}, {"area", "share"})
        area = check.area(item["area"], (*at, "area"))
        if area in shares:
            raise check.fail((*at, "area"), f"area {area!r} is weighted twice")
        share = item["share"]
        if isinstance(share, bool) or not isinstance(share, int | float):
            share = -1
        if not 0 < share <= MAX_SHARE or not math.isfinite(share):
            raise check.fail((*at, "share"), f"share must be a number above 0, at most {MAX_SHARE}")
        shares[str(area)] = float(share)
    return Weights(shares, str(path))


def allocate(
    count: int, shares: Mapping[str, float], available: Mapping[str, int]
) -> dict[str, int]:
    """Items per area: `count` shared by largest remainder, none above what an area has."""
    given = {area: 0 for area in shares}
    left = min(count, sum(available.get(area, 0) for area in shares))
    while left > 0:
        open_areas = [a for a in shares if available.get(a, 0) > given[a]]
        total = sum(shares[a] for a in open_areas)
        exact = {a: left * shares[a] / total for a in open_areas}
        take = {a: min(math.floor(exact[a]), available[a] - given[a]) for a in open_areas}
        spare = left - sum(take.values())
        # the largest remainders first; ties go to the area listed first
        order = sorted(open_areas, key=lambda a: -(exact[a] - math.floor(exact[a])))
        for area in order:
            if spare == 0:
                break
            if available[area] - given[area] > take[area]:
                take[area] += 1
                spare -= 1
        for area, n in take.items():
            given[area] += n
        left -= sum(take.values())
    return given


@dataclass(frozen=True)
class Pools:
    """The questions a paper can draw, by the listed area they count for (weights' order)."""

    by_area: Mapping[str, tuple[Question, ...]]
    outside: tuple[str, ...]  # question ids that count for no listed area
    unaskable: tuple[str, ...]  # question ids with no exam-format item

    def tree_order(self, syllabus: Syllabus) -> list[str]:
        """The listed areas in the tree's order: the order a paper's items follow."""
        return [a.id for a in syllabus.areas if a.id in self.by_area]

    @property
    def empty(self) -> tuple[str, ...]:
        return tuple(a for a, pool in self.by_area.items() if not pool)


def pool_questions(
    questions: Sequence[Question],
    syllabus: Syllabus,
    weights: Weights,
    askable: Callable[[Question], bool] = exam_ready,
) -> Pools:
    """Share the askable questions out to the listed areas (the CLI's and the site's paper)."""
    pools: dict[str, list[Question]] = {area: [] for area in weights.shares}
    outside, unaskable = [], []
    for question in questions:
        if not askable(question):
            unaskable.append(question.id)
            continue
        owner = weights.owner(question.syllabus, syllabus)
        if owner is None:
            outside.append(question.id)
        else:
            pools[owner].append(question)
    by_area = {area: tuple(pool) for area, pool in pools.items()}
    return Pools(by_area, tuple(outside), tuple(unaskable))


def draw_paper(
    questions: Sequence[Question],
    syllabus: Syllabus,
    weights: Weights,
    count: int,
    seed: int | None = None,
    askable: Callable[[Question], bool] = exam_ready,
) -> Paper:
    """A paper of up to `count` distinct questions, each at a variant drawn from the seed."""
    if seed is None:
        seed = random.SystemRandom().randrange(2**31)
    rng = random.Random(seed)
    pools = pool_questions(questions, syllabus, weights, askable)
    quota = allocate(count, weights.shares, {a: len(pool) for a, pool in pools.by_area.items()})
    items: list[PaperItem] = []
    for area in pools.tree_order(syllabus):  # the paper follows the tree
        for question in rng.sample(pools.by_area[area], quota[area]):
            # Variant 0 is the one the site shows; the rest are proven too (PROVEN_VARIANTS).
            variant = rng.randrange(1, PROVEN_VARIANTS) if question.has_params else 0
            items.append(PaperItem(len(items) + 1, question.id, variant, area))
    return Paper(seed, tuple(items), count, pools.empty, pools.outside, pools.unaskable)
