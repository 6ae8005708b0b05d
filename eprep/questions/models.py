"""The bank's data model: days, topics, questions, options, mistakes and localized text."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from eprep.errors import EprepError
from eprep.questions.variants import Variant, make_variant

if TYPE_CHECKING:
    from eprep.questions.condition import Condition
    from eprep.questions.params import ParamSpec

LANGUAGES = ("en", "ja")


def __getattr__(name: str) -> Any:
    # KINDS is the registry's list (eprep.questions.kinds), read when first asked for
    if name == "KINDS":
        from eprep.questions import kinds

        return kinds.names()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


BLANK_LABELS = ("あ", "い", "う", "え")  # the exam's blank labels, in order


def blank_mark(label: str) -> str:
    """How a blank is written in a code listing: `(あ)`."""
    return f"({label})"


BLANK = blank_mark(BLANK_LABELS[0])


@dataclass(frozen=True)
class Text:
    """A piece of text in several languages; `get(lang)` falls back to English."""

    values: Mapping[str, str]

    def get(self, lang: str = "en") -> str:
        return self.values.get(lang) or self.values["en"]

    def __str__(self) -> str:
        return self.values["en"]


@dataclass(frozen=True)
class Tolerance:
    """How close a numeric answer must be (the vocabulary's `close` with these tolerances)."""

    rel: float = 1e-3
    abs: float = 1e-9

    def accepts(self, answer: float, key: float) -> bool:
        from eprep.grammar.vocabulary import close

        return close(answer, key, self.rel, self.abs)


@dataclass(frozen=True)
class Option:
    """One option of a choice or code question: exactly one of text, formula, value or code."""

    index: int
    correct: bool
    text: Text | None = None
    formula: str | None = None
    value: str | None = None
    code: str | None = None
    id: str | None = None
    feedback: Text | None = None

    @property
    def form(self) -> str:
        """Which of `text`, `formula`, `value`, `code` this option carries."""
        for name in ("text", "formula", "value", "code"):
            if getattr(self, name) is not None:
                return name
        raise AssertionError("an option always has one form")  # the loader guarantees it


@dataclass(frozen=True)
class Blank:
    """One blank of a code listing: its label (あ, い, ...) and the options that may fill it."""

    label: str
    options: tuple[Option, ...]

    @property
    def mark(self) -> str:
        return blank_mark(self.label)

    @property
    def correct_option(self) -> Option:
        return next(option for option in self.options if option.correct)


@dataclass(frozen=True)
class Mistake:
    """A known wrong answer (a formula) and the feedback shown to a learner who gives it."""

    answer: str
    feedback: Text


@dataclass(frozen=True)
class Formula:
    """A line of a topic's formula sheet."""

    label: Text
    tex: str


@dataclass(frozen=True)
class Question:
    """One question template; `variant(k)` gives its k-th reproducible instance."""

    id: str
    day: str
    topic: str
    kind: str
    title: Text
    prompt: Text
    explanation: Text
    difficulty: int
    tags: tuple[str, ...]
    source: str
    path: str
    line: int
    probe: str | None = None
    probe_args: Mapping[str, Any] = field(default_factory=dict)
    reference: str | None = None  # the SymPy reference definition the key is proven against
    reference_args: Mapping[str, Any] = field(default_factory=dict)
    concept: bool = False
    trap: Text | None = None
    params: Mapping[str, ParamSpec] = field(default_factory=dict)
    derived: Mapping[str, str] = field(default_factory=dict)
    where: Condition | None = None
    answer: str | None = None
    tolerance: Tolerance = field(default_factory=Tolerance)
    variables: Mapping[str, str] = field(default_factory=dict)
    functions: frozenset[str] = frozenset()  # declared unknown functions (`f(x)`), SCHEMA.md
    start: str | None = None
    solution: tuple[str, ...] = ()
    code: str | None = None
    options: tuple[Option, ...] = ()
    mistakes: tuple[Mistake, ...] = ()
    blanks: tuple[Blank, ...] = ()
    exam_params: Mapping[str, ParamSpec] = field(default_factory=dict)
    syllabus: str | None = None  # its area (own, else the topic's or day's); None: unassigned

    @property
    def has_params(self) -> bool:
        return any(spec.is_random for spec in self.params.values())

    def variant_count(self, wanted: int) -> int:
        """How many distinct variants to use when `wanted` are asked for (1 without params)."""
        return max(1, wanted) if self.has_params else 1

    def variant(self, k: int = 0, *, exam: bool = False) -> Variant:
        """Variant k; with `exam`, drawn from the hand-computable `exam_params` where given."""
        return make_variant(self, k, exam=exam)

    @property
    def correct_option(self) -> Option | None:
        return next((option for option in self.options if option.correct), None)

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Topic:
    """A topic file: its title, formula sheet and questions."""

    day: str
    name: str
    title: Text
    order: int
    path: str
    formulas: tuple[Formula, ...] = ()
    questions: tuple[Question, ...] = ()
    summary: Text | None = None
    syllabus: str | None = None  # the file's default area (its own, else the day's)

    @property
    def key(self) -> str:
        return f"{self.day}.{self.name}"


@dataclass(frozen=True)
class Day:
    """A day folder: title, summary, order and its topics (sorted by order)."""

    name: str
    title: Text
    order: int
    summary: Text | None = None
    topics: tuple[Topic, ...] = ()

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for topic in self.topics for q in topic.questions)


@dataclass(frozen=True)
class Bank:
    """Every loaded day (sorted by order), with lookup and selection of questions."""

    days: tuple[Day, ...]
    # Merged ids: (old id, the question id it now counts as), from the days' `_aliases.toml`.
    aliases: tuple[tuple[str, str], ...] = ()

    @property
    def alias_map(self) -> dict[str, str]:
        """Old question id -> the id of the question that replaced it."""
        return dict(self.aliases)

    @property
    def topics(self) -> tuple[Topic, ...]:
        return tuple(topic for day in self.days for topic in day.topics)

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for day in self.days for q in day.questions)

    def __iter__(self) -> Iterator[Question]:
        return iter(self.questions)

    def __len__(self) -> int:
        return len(self.questions)

    def day(self, name: str) -> Day | None:
        return next((day for day in self.days if day.name == name), None)

    def topic(self, key: str) -> Topic | None:
        return next((topic for topic in self.topics if topic.key == key), None)

    def get(self, question_id: str) -> Question | None:
        return self._by_id.get(question_id)

    @property
    def _by_id(self) -> dict[str, Question]:
        cache = self.__dict__.get("_id_cache")
        if cache is None:
            cache = {q.id: q for q in self.questions}
            object.__setattr__(self, "_id_cache", cache)
        return cache

    def select(self, selectors: Iterable[str] = ()) -> list[Question]:
        """Questions matching any selector (a day, `day.topic`, a question id or a tag).

        Bank order is kept.

        No selectors select the whole bank; a selector that matches nothing is an EprepError,
        but a day or topic of the bank that has no questions yet selects none without one.
        """
        selectors = [s.strip() for s in selectors if s.strip()]
        if not selectors:
            return list(self.questions)
        chosen: set[str] = set()
        for selector in selectors:
            matched = self._match(selector)
            if not matched and self.day(selector) is None and self.topic(selector) is None:
                raise BankSelectionError(selector)
            chosen.update(q.id for q in matched)
        return [q for q in self.questions if q.id in chosen]

    def _match(self, selector: str) -> list[Question]:
        day = self.day(selector)
        if day is not None:
            return list(day.questions)
        topic = self.topic(selector)
        if topic is not None:
            return list(topic.questions)
        question = self.get(selector)
        if question is not None:
            return [question]
        return [q for q in self.questions if selector in q.tags]


class BankSelectionError(EprepError):
    """A selector that names no day, topic, question or tag."""

    def __init__(self, selector: str) -> None:
        super().__init__(f"no day, topic, question id or tag matches {selector!r}")
        self.selector = selector

    def text(self, lang: str = "en") -> str:
        from eprep.i18n import message

        return message(lang, "select.none", selector=repr(self.selector))
