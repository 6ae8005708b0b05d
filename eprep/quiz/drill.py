"""`eprep quiz` as one library call: plan from the store, run the loop, print the summary."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from eprep.quiz import scheduling
from eprep.quiz.messages import message
from eprep.quiz.plan import DEFAULT_COUNT, empty_days_note, missing_from_bank, plan_session
from eprep.quiz.report import Summary, print_summary

if TYPE_CHECKING:
    from pathlib import Path

    from eprep.questions import Bank


def run_quiz(
    bank: Bank,
    selectors: Sequence[str],
    database: Path,
    *,
    count: int = DEFAULT_COUNT,
    mode: str = "mixed",
    seed: int | None = None,
    format: str = "typed",
    lang: str = "en",
    out: TextIO | None = None,
) -> Summary:
    """One session over the selected questions; the transcript goes to `out` (stdout if None)."""
    from eprep.quiz.session import Session
    from eprep.quiz.store import Store
    from eprep.quiz.terminal import Console

    questions = bank.select(selectors)
    console = Console(out=out)
    with Store.open(database, aliases=bank.alias_map) as store:  # old ids read as new ones
        cards = store.cards()
        summary = Summary(skipped_missing=missing_from_bank(bank, cards, selectors))
        if summary.skipped_missing:
            shown = ", ".join(summary.skipped_missing[:3])
            more = "…" if len(summary.skipped_missing) > 3 else ""
            count_missing = len(summary.skipped_missing)
            console.print(
                message(lang, "missing", count=count_missing, shown=f"{shown}{more}"), "yellow"
            )
        planned = plan_session(questions, cards, scheduling.utcnow(), count=count, mode=mode,
                               seed=seed)  # fmt: skip
        empty = [] if questions else empty_days_note(bank, selectors, lang)
        for line in empty:
            console.print(line, "yellow")
        if not planned:
            if not empty:
                console.print(message(lang, f"nothing_{mode}"))
        else:
            session = Session(store, console, lang=lang, format=format, seed=seed)
            try:
                session.run(planned, summary, selectors)
            except KeyboardInterrupt:
                summary.interrupted = True  # Ctrl-C between prompts: answered reviews are saved
        print_summary(console, summary, store, [q.id for q in questions], lang)
    return summary
