"""`eprep exam`: draw (or resume) a paper, sit it in the terminal, score it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from eprep.errors import EprepError
from eprep.exam.paper import WEIGHTS_FILE, draw_paper, load_weights
from eprep.exam.report import format_report, grade_paper
from eprep.exam.sitting import Sitting
from eprep.exam.terminal import ExamScreen, Stopped

_WORDS = {
    "en": {
        "none": "no question in this selection can be asked in exam format",
        "short": "note: {n} items asked for, {m} drawn (not enough questions)",
        "empty": "note: no questions in the weighted areas {areas}; their share went to the others",
        "nothing": "no unfinished exam to resume",
        "paper": "Mock exam: {n} items, {minutes} minutes (seed {seed})",
    },
    "ja": {
        "none": "この範囲には試験形式で出題できる問題がない",
        "short": "注意：{n} 問を指定したが、出題できたのは {m} 問である（問題数の不足）",
        "empty": "注意：分野 {areas} には問題がないため、その配分は他の分野に回した",
        "nothing": "再開できる未提出の模擬試験はない",
        "paper": "模擬試験：全 {n} 問、{minutes} 分（シード {seed}）",
    },
}


def sit_exam(
    bank: Any,
    console: Any,
    db: Path,
    *,
    selectors: Sequence[str] = (),
    count: int = 100,
    minutes: int = 120,
    seed: int | None = None,
    lang: str = "en",
    weights_file: Path = WEIGHTS_FILE,
    resume: bool = False,
) -> dict | None:
    """Sit a new paper (or the unfinished one); the report when submitted, None when stopped."""
    from eprep.questions.syllabus import current
    from eprep.quiz import scheduling
    from eprep.quiz.plan import empty_days_note
    from eprep.quiz.session import Session
    from eprep.quiz.store import Store

    words = _WORDS[lang]
    syllabus = current()
    with Store.open(db, aliases=bank.alias_map) as store:
        if resume:
            sitting = Sitting.resume(store)
            if sitting is None:
                raise EprepError(words["nothing"])
        else:
            weights = load_weights(syllabus, weights_file)
            questions = bank.select(selectors)
            empty = [] if questions else empty_days_note(bank, selectors, lang)
            if empty:
                for line in empty:
                    console.print(line)
                return None
            paper = draw_paper(questions, syllabus, weights, count, seed)
            if not paper.items:
                raise EprepError(words["none"])
            if paper.empty_areas:
                console.print(words["empty"].format(areas=", ".join(paper.empty_areas)), "yellow")
            if len(paper.items) < count:
                console.print(words["short"].format(n=count, m=len(paper.items)), "yellow")
            sitting = Sitting.start(store, paper, minutes, scheduling.utcnow())
        console.print(
            words["paper"].format(
                n=len(sitting.paper.items), minutes=sitting.minutes, seed=sitting.paper.seed
            ),
            "bold",
        )
        presenter = Session(store, console, lang=lang, format="exam")
        screen = ExamScreen(console, sitting, bank, presenter, lang, scheduling.utcnow)
        try:
            screen.run()
        except (Stopped, KeyboardInterrupt):
            sitting.store.set_exam_elapsed(sitting.exam_id, sitting.elapsed_ms)
            console.print()
            console.print(screen.words["stopped"], "yellow")
            return None
        answers = sitting.submit(bank, scheduling.utcnow())
        report = grade_paper(sitting.paper, bank, syllabus, answers)
        console.print()
        console.print(format_report(report, lang))
        screen.show_missed(report)
        return {**report, "exam": sitting.exam_id}


def exam_history(db: Path, lang: str = "en", as_json: bool = False) -> str:
    """Past papers, as text with a chart per area, or as JSON."""
    from eprep.exam.history import compute_history, format_history
    from eprep.questions.syllabus import current
    from eprep.quiz.store import Store

    syllabus = current()
    with Store.open(db) as store:
        papers = compute_history(store, syllabus)
    if as_json:
        return json.dumps(papers, ensure_ascii=False, indent=2)
    return format_history(papers, syllabus, lang)


def report_json(report: dict | None) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2)
