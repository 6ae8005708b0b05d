"""The quiz loop: ask each planned question, judge it (in `checker`), record and schedule it.

Planning (what to ask) is `quiz.plan`; the summary is `quiz.report`.

Every answered question is written to the store at once, in its own transaction; Ctrl-C or end
of input at any prompt ends the session with its summary and loses nothing answered.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from eprep.checker import kinds as check_kinds
from eprep.checker.exam import exam_item
from eprep.checker.kinds.base import LETTERS, Outcome
from eprep.checker.kinds.choice import read_letter
from eprep.checker.kinds.expression import read_answer
from eprep.errors import EprepError
from eprep.quiz import kinds as quiz_kinds
from eprep.quiz import scheduling
from eprep.quiz.exam import read_item, show_item
from eprep.quiz.messages import MESSAGES, message
from eprep.quiz.plan import Planned, variant_for
from eprep.quiz.render import highlight_code, indent, pretty_formula, render_markdown
from eprep.quiz.report import Summary, local_time
from eprep.quiz.scheduling import AGAIN
from eprep.quiz.store import ReviewRow
from eprep.quiz.terminal import Console, deferred_interrupt
from eprep.quiz.wrap import terminal_width

if TYPE_CHECKING:
    from eprep.checker.api import Answer
    from eprep.questions import Variant
    from eprep.quiz.store import Store


# FSRS puts a card rated Again on a learning step of minutes (1 min new, 10 min relearning):
# such a card comes back in the same session after the planned questions, asked early if it is
# not due yet, as Anki's "learn ahead" limit (20 min) does; a card failed again and again
# returns at most twice.
LEARN_AHEAD = timedelta(minutes=20)
MAX_RETURNS = 2


class SessionEnded(Exception):
    """Ctrl-C or end of input: stop asking, keep what was answered, print the summary."""


class CannotJudge(Exception):
    """The answer cannot be judged for a reason that is not the learner's (e.g. a bank error)."""


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
        seed: int | None = None,
    ) -> None:
        self.store = store
        self.console = console
        self.lang = lang
        self.exam = format == "exam"  # ask as the exam does: 4-choice items and blanks
        self.clock = clock
        self.seed = seed
        self._warmer: threading.Thread | None = None
        self._planned: list[Planned] = []
        self._returning: list[tuple[datetime, Planned]] = []  # (due, card) rated Again
        self._returns: dict[str, int] = {}
        self._option_rows: list[list[int]] = []
        self._picks: list[int] = []

    def run(
        self, planned: Sequence[Planned], summary: Summary, selectors: Sequence[str] = ()
    ) -> Summary:
        """Ask every planned question, then again those rated Again; stop cleanly on Ctrl-C /
        end of input."""
        summary.planned = len(planned)
        self._planned = list(planned)
        queue = list(planned)
        started = time.monotonic()
        session_id = self.store.start_session(self.clock(), " ".join(selectors))
        number = 0
        try:
            while True:
                item = self._next(queue)
                if item is None:
                    break
                number += item.reason != "again"  # a card asked again keeps its place
                try:
                    self._ask(item, number, len(planned), summary, session_id)
                except SessionEnded:
                    # stopping at a card asked again, with the plan done, cuts nothing short
                    summary.interrupted = item.reason != "again" or bool(queue)
                    break
        finally:
            summary.seconds = time.monotonic() - started
            # A store that just failed (full disk) must not hide that error behind this one.
            with contextlib.suppress(EprepError):
                self.store.end_session(session_id, self.clock())
        return summary

    def _next(self, queue: list[Planned]) -> Planned | None:
        """The next planned question; once they are all asked, the cards rated Again, soonest
        due first (asked a little early when not due yet: FSRS's learning step is a minute)."""
        if queue:
            return queue.pop(0)
        if not self._returning:
            return None
        self._returning.sort(key=lambda pair: pair[0])
        return self._returning.pop(0)[1]

    def _requeue(self, item: Planned, rating: int, due: datetime, now: datetime) -> bool:
        """Bring a card rated Again back in this session (FSRS's learning step), at most
        `MAX_RETURNS` times; True when it will come back."""
        question = item.question
        self._returns[question.id] = self._returns.get(question.id, 0) + (rating == AGAIN)
        if rating != AGAIN or self._returns[question.id] > MAX_RETURNS:
            return False
        if due > now + LEARN_AHEAD:
            return False
        card = self.store.cards().get(question.id)
        k = variant_for(question, card, self.seed)
        self._returning.append((due, Planned(question, k, "again")))
        return True

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
            console.print(self.text("cannot_judge", error=error), "yellow")
            console.print()
            return
        duration_ms = int((submitted - shown_at) * 1000)
        self._feedback(outcome, variant)
        auto = scheduling.auto_rating(
            item.question.kind, outcome.correct, duration_ms / 1000, near=outcome.near
        )
        now = self.clock()
        # Recorded now, with the proposed rating: a session killed at the rating prompt
        # (SIGKILL, SIGHUP, SIGTERM) keeps the answer.
        with deferred_interrupt():  # Ctrl-C now would only lose an answer already given
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
            result = ReviewRow(recorded.review_id, item.question.id, item.k, item.question.kind,
                               outcome.answer, outcome.correct, auto, auto, duration_ms, now,
                               recorded.card_before, recorded.card_after, session_id,
                               outcome.feedback, outcome.diagnosis, outcome.near)  # fmt: skip
            summary.results.append(result)
        rating = auto
        interrupted = False
        try:
            rating = self._override(auto)
        except SessionEnded:
            interrupted = True  # the answer was given: keep it with the proposed rating
        if rating != auto:
            with deferred_interrupt():
                recorded = self.store.change_rating(recorded.review_id, rating)
            result = replace(result, rating=rating, card_after=recorded.card_after)
            summary.results[-1] = result
        delta = scheduling.humanize_delta(recorded.due, now, self.lang)
        when = local_time(recorded.due, self.lang)
        console.print(self.text("rated", name=self.rating_name(rating), delta=delta, when=when),
                      "dim")  # fmt: skip
        if self._requeue(item, rating, recorded.due, now):
            console.print(self.text("again_soon", delta=delta), "dim")
        console.print()
        if interrupted:
            raise SessionEnded

    def _show(self, variant: Variant, item: Planned, number: int, total: int) -> None:
        console = self.console
        question = variant.question
        self._option_rows, self._picks = [], []  # options shown for this question's picks
        title = variant.title(self.lang)
        if item.reason == "again":
            header = self.text("header_again", title=title)
        else:
            header = self.text("header", number=number, total=total, title=title)
        console.print(header, "bold")
        kind = question.kind  # a kind the catalogue does not name yet shows as it is called
        if f"kind_{kind}" in MESSAGES["en"]:
            kind = self.text(f"kind_{kind}")
        reason = self.text(f"reason_{item.reason}")
        console.print(self.text("header_meta", id=question.id, kind=kind, reason=reason), "dim")
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

    def text(self, key: str, **values: Any) -> str:
        """An interface line in the session's language (`eprep.quiz.messages`)."""
        return message(self.lang, key, **values)

    def _said(self, error: EprepError) -> str:
        """An error as the learner reads it: in the session's language when it has one."""
        return error.text(self.lang)

    def rating_name(self, rating: int) -> str:
        return self.text(f"rating_{scheduling.RATING_NAMES[rating]}")

    def show_options(self, texts: Sequence[str], mark: str | None = None) -> None:
        """Lettered options (under a blank's mark when a listing has several blanks)."""
        console = self.console
        if mark is not None:
            console.print()
            console.print(mark, "bold")
        elif console.keys:
            console.print(self.text("keys_hint"), "dim")
        else:
            console.print()
        rows = []
        for letter, text in zip(LETTERS, texts, strict=False):
            rows.append(console.rows)  # where ↑/↓ marks this option
            console.print(f"  {console.styled(letter + ')', 'bold')} {text}")
        self._option_rows.append(rows)

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
        prompt = self.text("prompt_pick", mark=f"{mark} " if mark else "", last=LETTERS[count - 1])
        if self.console.keys:
            # the options shown for this pick (one group per blank, in order)
            group = len(self._picks)
            rows = self._option_rows[group] if group < len(self._option_rows) else None
            self._picks.append(count)
            if rows is not None and len(rows) != count:
                rows = None
            return self._key_choice(prompt, [f"{LETTERS[i]})" for i in range(count)], rows)
        return read_letter(self.line(prompt), count)

    def line(self, prompt: str) -> str:
        return self._line(prompt)

    def _read_and_judge(self, variant: Variant) -> tuple[Outcome, float]:
        """Read until an answer is readable, then judge it; also return when it was submitted."""
        while True:
            try:
                judge = self._read(variant)
            except EprepError as error:  # Unreadable, GrammarError, a number out of domain
                self.console.print(self.text("unreadable", error=self._said(error)), "yellow")
                continue
            submitted = time.monotonic()
            try:
                return judge(), submitted
            except EprepError as error:
                if not _learner_can_fix(error):
                    raise CannotJudge(str(error)) from None
                self.console.print(self.text("unreadable", error=self._said(error)), "yellow")

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
        self.console.print(self.text("checking"), "dim")
        self._wait_for_warm_up()
        return function(*args)

    def read_expression(self, variant: Variant) -> Answer:
        """An expression answer, shown back as read (and confirmed when it reads differently);
        parsed once here: the tree shown is the tree judged."""
        variables = variant.question.variables
        text = self._line(self.text("prompt_answer"))
        while True:
            answer = read_answer(text, variables, variant.question.functions)
            read_as = answer.read_as
            self.console.print(self.text("read_as", text=read_as), "dim")
            if not _same_reading(text, read_as):
                self.console.print(self.text("typeset", text=_typeset(answer)), "dim")
            if not self.console.interactive or _same_reading(text, read_as):
                return answer
            # what was typed and how it was read differ: let the learner confirm or correct it
            edited = self._line(self.text("prompt_confirm"))
            if not edited.strip():
                return answer
            text = edited

    def read_derivation(self, check: Callable[[list[str], str], None] | None = None) -> str:
        """Lines until an empty one (end of input also ends it without a terminal).

        `check(lines, line)` raises EprepError for a line that cannot be read: that line alone
        is typed again, the lines before it are kept.
        """
        lines: list[str] = []
        while True:
            try:
                line = self._line(self.text("prompt_step" if lines else "prompt_derivation"))
            except SessionEnded:
                if lines and not self.console.interactive:
                    break  # end of input finishes the last derivation
                raise
            if not line.strip():
                if lines:
                    break
                continue
            if check is not None:
                try:
                    check(lines, line)
                except EprepError as error:
                    error = self._said(error)
                    self.console.print(self.text("unreadable_line", error=error), "yellow")
                    continue
            lines.append(line)
        return "\n".join(lines) + "\n"

    def _key_choice(self, prompt: str, labels: list[str], rows: list[int] | None = None) -> int:
        try:
            return self.console.choose(prompt, labels, rows)
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
        names = {n: self.rating_name(r) for r, n in ((1, "again"), (2, "hard"), (3, "good"),
                                                       (4, "easy"))}  # fmt: skip
        try:
            key = self.console.read_key(
                self.text("prompt_rating", name=self.rating_name(auto), **names)
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
            console.print(self.text("right"), "bold", "green")
        elif outcome.near:
            console.print(self.text("near"), "bold", "yellow")
        else:
            console.print(self.text("wrong"), "bold", "red")
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
            label = self.text("key")
            console.print(label + key_lines[0], "cyan")
            pad = " " * _width(label)
            for line in key_lines[1:]:
                console.print(pad + line, "cyan")
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


def _typeset(answer: Answer) -> str:
    """How the site would typeset an answer that `read_expression` accepted (its tree)."""
    from eprep.quiz.texmath import typeset

    return typeset(answer.node)


def _same_reading(typed: str, read_as: str) -> bool:
    """Whether the learner's text, spaces aside, is exactly how it was read."""
    return typed.replace(" ", "") == read_as.replace(" ", "")


def _learner_can_fix(error: EprepError) -> bool:
    """A judging error the learner can fix by typing again (an unreadable answer)."""
    from eprep.grammar import GrammarError

    return isinstance(error, GrammarError)


def _width(text: str) -> int:
    """Columns `text` takes in a terminal (East-Asian wide characters take two)."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
