"""`eprep stats`: the drill's progress per day and topic, then the past mock exams.

It lives with the exam because it reads both: the quiz's cards and reviews, and the exam's
papers (the exam package may import the quiz's store, never the other way round).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from eprep.exam.history import compute_history, format_history
from eprep.questions import Bank
from eprep.questions.syllabus import current
from eprep.quiz import scheduling
from eprep.quiz.stats import compute_stats, format_stats
from eprep.quiz.store import Store


def progress_report(
    bank: Bank, selectors: Sequence[str], db: Path, lang: str = "en", as_json: bool = False
) -> str:
    """Progress of the selected questions (seen/total, accuracy, due, streak) and past papers,
    as text or as JSON (the statistics with the papers under "exams")."""
    questions = bank.select(selectors)
    with Store.open(db, aliases=bank.alias_map) as store:
        result = compute_stats(
            bank, questions, store.cards(), store.reviews(), scheduling.utcnow(), lang
        )
        papers = compute_history(store, current())  # past mock exams (`eprep exam --history`)
    if as_json:
        return json.dumps({**result, "exams": papers}, ensure_ascii=False, indent=2)
    text = format_stats(result, lang)
    if papers:
        text += "\n\n" + format_history(papers, current(), lang)
    return text
