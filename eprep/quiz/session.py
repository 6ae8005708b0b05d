"""One quiz session: pick questions (due first, then new), ask, judge, schedule, summarise.

Every answered question is written to the store at once, in its own transaction; Ctrl-C or end
of input at any prompt ends the session with its summary and loses nothing answered.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from eprep.checker import kinds as check_kinds
from eprep.checker.exam import exam_item
from eprep.checker.kinds.base import LETTERS, Outcome
from eprep.checker.kinds.choice import read_letter
from eprep.checker.kinds.expression import read_expression as read_expression_text
from eprep.errors import EprepError
from eprep.quiz import kinds as quiz_kinds
from eprep.quiz import scheduling
from eprep.quiz.exam import read_item, show_item
from eprep.quiz.messages import message
from eprep.quiz.render import highlight_code, indent, pretty_formula, render_markdown
from eprep.quiz.terminal import Console
from eprep.quiz.wrap import terminal_width

if TYPE_CHECKING:
    from eprep.questions import Bank, Question, Variant
    from eprep.quiz.store import CardRow, Store

DEFAULT_COUNT = 10


class SessionEnded(Exception):
    """Ctrl-C or end of input: stop asking, keep what was answered, print the summary."""


class CannotJudge(Exception):
    """The answer cannot be judged for a reason that is not the learner's (e.g. a bank error)."""


@dataclass(frozen=True)
class Planned:
    """A question picked for this session, with the variant to show and why it was picked."""

    question: Question
    k: int
    reason: str  # "due" or "new"


@dataclass
class Result:
    """One answered question, as recorded."""

    question_id: str
    variant: int
    kind: str
    answer: str
    correct: bool
    rating: int
    auto_rating: int
    duration_ms: int
    due: datetime
    feedback: str | None = None
    diagnosis: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.question_id,
            "variant": self.variant,
            "kind": self.kind,
            "answer": self.answer,
            "correct": self.correct,
            "rating": scheduling.RATING_NAMES[self.rating],
            "auto_rating": scheduling.RATING_NAMES[self.auto_rating],
            "duration_ms": self.duration_ms,
            "due": self.due.isoformat(),
            "feedback": self.feedback,
            "diagnosis": self.diagnosis,
        }


@dataclass
class Summary:
    """What a session did: results in order, whether it was cut short, and what is due next."""

    results: list[Result] = field(default_factory=list)
    planned: int = 0
    interrupted: bool = False
    seconds: float = 0.0
    skipped_missing: list[str] = field(default_factory=list)

    @property
    def right(self) -> int:
        return sum(result.correct for result in self.results)

    def to_json(self) -> dict[str, Any]:
        return {
            "answered": len(self.results),
            "right": self.right,
            "planned": self.planned,
            "interrupted": self.interrupted,
            "seconds": round(self.seconds, 3),
            "skipped_missing": self.skipped_missing,
            "results": [result.to_json() for result in self.results],
        }


# --- planning ----------------------------------------------------------------------------------


def variant_for(question: Question, card: CardRow | None, seed: int | None) -> int:
    """Which variant to show: a fresh one each review, or one fixed by `--seed`."""
    if not question.has_params:
        return 0
    if seed is not None:
        from eprep.questions.variants import seed_of

        return seed_of(question.id, seed, ":quiz") % 1000
    return card.reps if card is not None else 0


def plan_session(
    questions: Sequence[Question],
    cards: dict[str, CardRow],
    now: datetime,
    *,
    count: int = DEFAULT_COUNT,
    mode: str = "mixed",
    seed: int | None = None,
) -> list[Planned]:
    """Due questions first (most overdue first), then new ones in bank order; at most `count`.

    `mode` is "mixed" (both), "new" (never answered only) or "due" (reviews only).
    """
    due = sorted(
        (q for q in questions if q.id in cards and cards[q.id].due <= now),
        key=lambda q: cards[q.id].due,
    )
    new = [q for q in questions if q.id not in cards]
    picked: list[Planned] = []
    if mode in ("mixed", "due"):
        picked += [Planned(q, variant_for(q, cards[q.id], seed), "due") for q in due]
    if mode in ("mixed", "new"):
        picked += [Planned(q, variant_for(q, None, seed), "new") for q in new]
    return picked[: max(0, count)]


def missing_from_bank(bank: Bank, cards: dict[str, CardRow], selectors: Sequence[str]) -> list[str]:
    """Ids with stored history that the bank no longer has (matching the selectors by id)."""

    def matches(question_id: str) -> bool:
        if not selectors:
            return True
        return any(question_id == s or question_id.startswith(s + ".") for s in selectors)

    return sorted(qid for qid in cards if bank.get(qid) is None and matches(qid))


def empty_days_note(bank: Bank, selectors: Sequence[str], lang: str = "en") -> list[str]:
    """One line per selected day or topic that exists in the bank but has no questions yet."""
    lines = []
    for selector in selectors:
        place = bank.day(selector) or bank.topic(selector)
        if place is not None and not place.questions:
            lines.append(
                message(lang, "no_questions_yet", name=selector, title=place.title.get(lang))
            )
    return lines


# --- the session -------------------------------------------------------------------------------


class Session:
    """Runs a planned list of questions against a console and a store."""

    def __init__(
        self,
        store: Store,
        console: Console,
        *,
        lang: str = "en",
        clock: Callable[[], datetime] = scheduling.utcnow,
        format: str = "typed",
    ) -> None:
        self.store = store
        self.console = console
        self.lang = lang
        self.exam = format == "exam"  # ask as the exam does: 4-choice items and blanks
        self.clock = clock
        self._warmer: threading.Thread | None = None
        self._planned: list[Planned] = []

    def run(
        self, planned: Sequence[Planned], summary: Summary, selectors: Sequence[str] = ()
    ) -> Summary:
        """Ask every planned question; stop cleanly on Ctrl-C / end of input."""
        summary.planned = len(planned)
        self._planned = list(planned)
        started = time.monotonic()
        session_id = self.store.start_session(self.clock(), " ".join(selectors))
        try:
            for number, item in enumerate(planned, 1):
                try:
                    self._ask(item, number, len(planned), summary, session_id)
                except SessionEnded:
                    summary.interrupted = True
                    break
        finally:
            summary.seconds = time.monotonic() - started
            # A store that just failed (full disk) must not hide that error behind this one.
            with contextlib.suppress(EprepError):
                self.store.end_session(session_id, self.clock())
        return summary

    # --- one question ---

    def _ask(
        self, item: Planned, number: int, total: int, summary: Summary, session_id: int
    ) -> None:
        console = self.console
        variant = item.question.variant(item.k, exam=self.exam)
        self._show(variant, item, number, total)
        if (
            number == 1
            and not self.exam
            and any(check_kinds.get(p.question.kind).uses_sympy for p in self._planned)
        ):
            self._warm_checker()
        shown_at = time.monotonic()
        try:
            outcome, submitted = self._read_and_judge(variant)
        except CannotJudge as error:
            console.print(f"{error} — skipped, nothing recorded", "yellow")
            console.print()
            return
        duration_ms = int((submitted - shown_at) * 1000)
        self._feedback(outcome, variant)
        auto = scheduling.auto_rating(item.question.kind, outcome.correct, duration_ms / 1000)
        now = self.clock()
        # Recorded now, with the proposed rating: a session killed at the rating prompt
        # (SIGKILL, SIGHUP, SIGTERM) keeps the answer.
        with _deferred_interrupt():  # Ctrl-C now would only lose an answer already given
            recorded = self.store.record_review(
                question_id=item.question.id,
                variant=item.k,
                kind=item.question.kind,
                answer=outcome.answer,
                correct=outcome.correct,
                rating=auto,
                auto_rating=auto,
                duration_ms=duration_ms,
                now=now,
                session_id=session_id,
            )
            result = Result(item.question.id, item.k, item.question.kind, outcome.answer,
                            outcome.correct, auto, auto, duration_ms, recorded.due,
                            outcome.feedback, outcome.diagnosis)  # fmt: skip
            summary.results.append(result)
        rating = auto
        interrupted = False
        try:
            rating = self._override(auto)
        except SessionEnded:
            interrupted = True  # the answer was given: keep it with the proposed rating
        if rating != auto:
            with _deferred_interrupt():
                recorded = self.store.change_rating(recorded.review_id, rating)
            result.rating, result.due = rating, recorded.due
        console.print(
            f"rated {scheduling.RATING_NAMES[rating]} · next review "
            f"{scheduling.humanize_delta(recorded.due, now)} ({_local(recorded.due)})",
            "dim",
        )
        console.print()
        if interrupted:
            raise SessionEnded

    def _show(self, variant: Variant, item: Planned, number: int, total: int) -> None:
        console = self.console
        question = variant.question
        header = f"[{number}/{total}] {variant.title(self.lang)}"
        console.print(header, "bold")
        console.print(f"{question.id} · {question.kind} · {item.reason}", "dim")
        console.print(render_markdown(variant.prompt(self.lang), color=console.color))
        code = variant.code()
        if code:
            console.print()
            console.print(indent(highlight_code(code, color=console.color), "    "))
        if self.exam:
            self._exam_item = exam_item(variant, self.lang)
            show_item(self, self._exam_item)
        else:
            quiz_kinds.get(question.kind).show(self, variant)

    # --- helpers the kinds' presentations use ---

    def show_options(self, texts: Sequence[str], mark: str | None = None) -> None:
        """Lettered options (under a blank's mark when a listing has several blanks)."""
        console = self.console
        if mark is not None:
            console.print()
            console.print(mark, "bold")
        elif console.keys:
            console.print("type a letter, or move with ↑/↓; Enter answers", "dim")
        else:
            console.print()
        for letter, text in zip(LETTERS, texts, strict=False):
            console.print(f"  {console.styled(letter + ')', 'bold')} {text}")

    def option_text(self, variant: Variant, option: Any) -> str:
        """An option as the terminal shows it (Markdown, a Unicode formula, highlighted code)."""
        text = variant.option_text(option, self.lang)
        return self.styled_text(text, option.form)

    def styled_text(self, text: str, form: str) -> str:
        if form == "text":
            # wrapped to what is left after the option's letter ("  a) ")
            width = terminal_width(self.console.out) - 5
            text = render_markdown(text, color=self.console.color, width=width)
            return text.replace("\n", "\n     ")
        if form == "formula":
            return pretty_formula(text)
        if form == "code":
            code = highlight_code(text, color=self.console.color)
            return code.replace("\n", "\n     ")
        return text

    def pick(self, count: int, mark: str | None = None) -> int:
        """One option's shown position, by letter or (with a terminal) ↑/↓ and Enter."""
        prompt = f"{mark + ' ' if mark else ''}answer (a–{LETTERS[count - 1]})> "
        if self.console.keys:
            return self._key_choice(prompt, [f"{LETTERS[i]})" for i in range(count)])
        return read_letter(self.line(prompt), count)

    def line(self, prompt: str) -> str:
        return self._line(prompt)

    def _read_and_judge(self, variant: Variant) -> tuple[Outcome, float]:
        """Read until an answer is readable, then judge it; also return when it was submitted."""
        while True:
            try:
                judge = self._read(variant)
            except EprepError as error:  # Unreadable, GrammarError, a number out of domain
                self.console.print(f"unreadable answer: {error}", "yellow")
                continue
            submitted = time.monotonic()
            try:
                return judge(), submitted
            except EprepError as error:
                if not _learner_can_fix(error):
                    raise CannotJudge(f"could not judge this answer: {error}") from None
                self.console.print(f"unreadable answer: {error}", "yellow")

    def _read(self, variant: Variant) -> Callable[[], Outcome]:
        """Read one answer of the question's kind; return how to judge it."""
        if self.exam:
            return read_item(self, self._exam_item)
        kind = check_kinds.get(variant.question.kind)
        answer = quiz_kinds.get(kind.name).read(self, variant)
        if kind.uses_sympy:
            return lambda: self._checked(kind.grade, variant, answer, self.lang)
        return lambda: kind.grade(variant, answer, self.lang)

    def _checked(self, function: Callable[..., Outcome], *args: Any) -> Outcome:
        self.console.print("checking…", "dim")
        self._wait_for_warm_up()
        return function(*args)

    def read_expression(self, variant: Variant) -> tuple[str, str]:
        """An expression answer, shown back as read (and confirmed when it reads differently)."""
        variables = variant.question.variables
        text = self._line("answer> ")
        while True:
            read_as = read_expression_text(text, variables, variant.question.functions)
            self.console.print(f"read as: {read_as}", "dim")
            if not _same_reading(text, read_as):
                self.console.print(f"typeset: {_typeset(text, variables)}", "dim")
            if not self.console.interactive or _same_reading(text, read_as):
                return text.strip(), read_as
            # what was typed and how it was read differ: let the learner confirm or correct it
            edited = self._line("Enter to confirm, or type the answer again> ")
            if not edited.strip():
                return text.strip(), read_as
            text = edited

    def read_derivation(self) -> str:
        """Lines until an empty one (end of input also ends it without a terminal)."""
        lines: list[str] = []
        while True:
            try:
                line = self._line("… " if lines else "derivation> ")
            except SessionEnded:
                if lines and not self.console.interactive:
                    break  # end of input finishes the last derivation
                raise
            if not line.strip():
                if lines:
                    break
                continue
            lines.append(line)
        return "\n".join(lines) + "\n"

    def _key_choice(self, prompt: str, labels: list[str]) -> int:
        try:
            return self.console.choose(prompt, labels)
        except (KeyboardInterrupt, EOFError):
            self.console.print()
            raise SessionEnded from None

    def _line(self, prompt: str) -> str:
        try:
            return self.console.read_line(prompt)
        except (KeyboardInterrupt, EOFError):
            self.console.print()
            raise SessionEnded from None

    def _override(self, auto: int) -> int:
        """With a terminal, one key may replace the proposed rating."""
        if not self.console.interactive:
            return auto
        name = scheduling.RATING_NAMES[auto]
        try:
            key = self.console.read_key(
                f"rating {name} — Enter keeps it; 1 Again 2 Hard 3 Good 4 Easy> "
            )
        except (KeyboardInterrupt, EOFError):
            raise SessionEnded from None
        key = key.strip()
        if key in ("1", "2", "3", "4"):
            return int(key)
        return auto

    def _feedback(self, outcome: Outcome, variant: Variant) -> None:
        console = self.console
        color = console.color
        if outcome.correct:
            console.print("✓ right", "bold", "green")
        else:
            console.print("✗ wrong", "bold", "red")
        for line in outcome.details:
            console.print("  " + line)
        if outcome.feedback:
            console.print(render_markdown(outcome.feedback, color=color), "yellow")
        if outcome.diagnosis:
            console.print(outcome.diagnosis, "yellow")
        if not outcome.correct or (
            not self.exam and quiz_kinds.get(variant.question.kind).show_key
        ):
            key_lines = outcome.key.split("\n")
            console.print("key: " + key_lines[0], "cyan")
            for line in key_lines[1:]:
                console.print("     " + line, "cyan")
        explanation = variant.explanation(self.lang)
        if explanation:
            console.print(render_markdown(explanation, color=color))

    def _wait_for_warm_up(self) -> None:
        # one request at a time: the warm-up may still be starting the worker process
        if self._warmer is not None:
            self._warmer.join()

    def _warm_checker(self) -> None:
        """Import the checker (SymPy) in the background while the learner reads the question."""
        if self._warmer is not None:
            return

        def warm() -> None:
            try:
                from eprep.checker import equivalent

                # starts the checker's worker process (which imports SymPy) with a trivial check
                equivalent("x", "x", {"x": "real"})
            except Exception:  # only an optimisation: the real check reports any error
                pass

        self._warmer = threading.Thread(target=warm, name="eprep-warm-checker", daemon=True)
        self._warmer.start()


@contextmanager
def _deferred_interrupt() -> Iterator[None]:
    """Hold a Ctrl-C that arrives inside the block until the block is done."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if received:
        raise KeyboardInterrupt


def _typeset(text: str, variables: Mapping[str, str]) -> str:
    """How the site would typeset an answer that `read_expression` accepted."""
    from eprep.grammar import parse
    from eprep.quiz.texmath import typeset

    return typeset(parse(text, variables=sorted(variables), e_is_variable="e" in variables))


def _same_reading(typed: str, read_as: str) -> bool:
    """Whether the learner's text, spaces aside, is exactly how it was read."""
    return typed.replace(" ", "") == read_as.replace(" ", "")


def _learner_can_fix(error: EprepError) -> bool:
    """A judging error the learner can fix by typing again (an unreadable answer)."""
    from eprep.grammar import GrammarError

    return isinstance(error, GrammarError)


def _local(moment: datetime, lang: str = "en") -> str:
    local = moment.astimezone()
    now = datetime.now().astimezone()
    if local.date() == now.date():
        return local.strftime("今日 %H:%M" if lang == "ja" else "today %H:%M")
    if local.date() == (now + timedelta(days=1)).date():
        return local.strftime("明日 %H:%M" if lang == "ja" else "tomorrow %H:%M")
    return local.strftime("%Y-%m-%d %H:%M")


def print_summary(
    console: Console,
    summary: Summary,
    store: Store,
    selected: Sequence[str],
    lang: str = "en",
) -> None:
    """Score, time and what is due next, in `lang`."""
    answered = len(summary.results)
    minutes, seconds = divmod(int(summary.seconds), 60)
    if minutes:
        duration = message(lang, "minutes_seconds", minutes=minutes, seconds=seconds)
    else:
        duration = message(lang, "seconds", seconds=seconds)
    percent = f" ({100 * summary.right // answered}%)" if answered else ""
    console.print(message(lang, "summary"), "bold")
    line = message(
        lang, "score", right=summary.right, answered=answered, percent=percent, duration=duration
    )
    # Ctrl-C at the last rating prompt ends nothing early: every planned question was answered
    if summary.interrupted and answered < summary.planned:
        line += message(lang, "stopped", answered=answered, planned=summary.planned)
    console.print(line)
    now = scheduling.utcnow()
    cards = store.cards()
    wanted = set(selected)
    due_cards = [c for qid, c in cards.items() if qid in wanted]
    due_now = sum(c.due <= now for c in due_cards)
    due_week = sum(c.due <= now + timedelta(days=7) for c in due_cards)
    console.print(message(lang, "due_hint" if due_now else "due", now=due_now, week=due_week))
    upcoming = sorted((c for c in due_cards if c.due > now), key=lambda c: c.due)
    if upcoming:
        first = upcoming[0]
        # with cards due now, the next future one comes after them, not before
        console.print(
            message(
                lang,
                "next_after" if due_now else "next",
                id=first.question_id,
                delta=scheduling.humanize_delta(first.due, now, lang),
                when=_local(first.due, lang),
            )
        )
