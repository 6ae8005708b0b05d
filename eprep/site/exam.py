"""The site's mock exam: its page, and the data its JavaScript draws and scores a paper from.

The build writes `LANG/exam-data.js` (a classic script, so the page works from `file://`): each
question the exam can ask (the CLI's pools, `eprep.exam.paper.pool_questions`) at a few
variants as exam items rendered to HTML, the area each counts for, and the weights of
`eprep/exam/weights.toml` with the tree's titles. `static/exam.js` draws a paper from a seed,
sits it and scores it as `eprep exam` does: an item is right when every group's pick is its
correct option (`eprep.checker.exam.grade`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from eprep.site.collect import exam_option_html, formula_html
from eprep.site.markup import code_block
from eprep.site.selfcheck import to_json

DATA_FILE = "exam-data.js"
PAGE_FILE = "exam.html"
DATA_GLOBAL = "EPREP_EXAM"
# Variants written per question with parameters: 1..3, among the 20 `eprep verify` proves, and
# not variant 0 (the one the topic pages show).
SITE_VARIANTS = (1, 2, 3)
DEFAULT_COUNT = 100
DEFAULT_MINUTES = 120

# Interface strings of the page (its script puts them in; the page's title and the navigation's
# label are the site's `mock_exam` string, eprep/site/i18n.py).
STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "intro": (
            "A timed paper drawn from the verified bank and weighted across the syllabus "
            "areas as `eprep exam` weights it. Nothing is judged until you submit; then you "
            "see your score by area and by topic, and every missed item with its key. The same "
            "seed draws the same paper here (the terminal's `eprep exam --seed` draws its own)."
        ),
        "count": "Items",
        "minutes": "Minutes",
        "seed": "Seed (empty: a new paper)",
        "start": "Start the paper",
        "resume": "Continue the unfinished paper",
        "history": "Past papers",
        "weights": "Weights by area",
        "item": "Item {n}/{total}",
        "time_left": "Time left {left}",
        "flagged": "flagged",
        "flag": "Flag for review",
        "unflag": "Remove the flag",
        "prev": "Previous",
        "next": "Next (skip)",
        "review": "Review and submit",
        "goto": "Go to item",
        "review_line": "Answered {a}, unanswered {u}, flagged {f}",
        "answered": "answered",
        "unanswered": "unanswered",
        "back": "Back to the paper",
        "submit": "Submit the paper",
        "submit_note": "Unanswered items count as wrong.",
        "time_up": "Time is up: the answered items were submitted.",
        "score": "Score: {right}/{n} ({percent}%), {unanswered} unanswered",
        "time_used": "Time used: {used}",
        "label": "{label}: ",
        "weight_share": "Share",
        "pool": "Questions",
        "per_item": "Seconds per item (item: seconds, – unanswered):",
        "areas": "By syllabus area",
        "topics": "By topic",
        "area": "Area",
        "topic": "Topic",
        "right": "Right",
        "weakest": "Weakest topics (drill them in the terminal):",
        "missed": "Missed items",
        "no_missed": "No item missed.",
        "key": "Key",
        "yours": "Your answer",
        "none": "unanswered",
        "explanation": "Explanation",
        "share": "This paper (same seed, same items):",
        "short": "{n} items asked for, {m} drawn: the bank has no more to ask.",
        "empty_areas": "Weighted areas with no questions to ask: {areas}",
        "bad_value": "{what} must be a whole number from {low} to {high}.",
        "no_items": "No question can be asked in exam format.",
        "date": "Date",
        "seed_col": "Seed",
        "score_col": "Score",
        "no_history": "No paper submitted yet.",
        "again": "Sit this paper again",
        "count_name": "Items",
        "minutes_name": "Minutes",
        "seed_name": "Seed",
    },
    "ja": {
        "intro": (
            "検証済みの問題集から、`eprep exam` と同じ配分でシラバスの分野ごとに出題する"
            "時間制限つきの模擬試験である。提出するまで正誤は表示されない。提出すると、"
            "分野別・トピック別の得点と、誤答した問題の正解が表示される。同じシードからは"
            "このページで同じ問題が出題される（ターミナルの `eprep exam --seed` とは別の問題）。"
        ),
        "count": "問題数",
        "minutes": "試験時間（分）",
        "seed": "シード（空欄なら新しい問題）",
        "start": "試験を開始",
        "resume": "未提出の試験を再開",
        "history": "過去の試験",
        "weights": "分野別の配分",
        "item": "第 {n} 問 / 全 {total} 問",
        "time_left": "残り時間 {left}",
        "flagged": "見直し",
        "flag": "見直しの印をつける",
        "unflag": "見直しの印を外す",
        "prev": "前へ",
        "next": "次へ（スキップ）",
        "review": "見直して提出",
        "goto": "問題番号で移動",
        "review_line": "解答済み {a} 問、未解答 {u} 問、見直し {f} 問",
        "answered": "解答済み",
        "unanswered": "未解答",
        "back": "問題に戻る",
        "submit": "提出する",
        "submit_note": "未解答の問題は誤答として採点される。",
        "time_up": "試験時間が終了した。解答済みの問題を提出した。",
        "score": "得点：{right}/{n}（{percent}%）、未解答 {unanswered} 問",
        "time_used": "解答時間：{used}",
        "label": "{label}：",
        "weight_share": "配分",
        "pool": "問題数",
        "per_item": "問題ごとの解答時間（問題番号：秒、– は未解答）：",
        "areas": "シラバスの分野別",
        "topics": "トピック別",
        "area": "分野",
        "topic": "トピック",
        "right": "正答",
        "weakest": "正答率の低いトピック（ターミナルで復習）：",
        "missed": "誤答・未解答の問題",
        "no_missed": "誤答した問題はない。",
        "key": "正解",
        "yours": "解答",
        "none": "未解答",
        "explanation": "解説",
        "share": "この試験（同じシードで同じ問題）：",
        "short": "{n} 問を指定したが、出題できたのは {m} 問である（問題数の不足）。",
        "empty_areas": "出題できる問題がない分野：{areas}",
        "bad_value": "{what}は {low} から {high} までの整数で指定せよ。",
        "no_items": "試験形式で出題できる問題がない。",
        "date": "日時",
        "seed_col": "シード",
        "score_col": "得点",
        "no_history": "提出した試験はまだない。",
        "again": "同じ試験をもう一度",
        "count_name": "問題数",
        "minutes_name": "試験時間",
        "seed_name": "シード",
    },
}


def _variant_view(question: Any, k: int, lang: str, markup: Any) -> dict[str, Any]:
    """One variant as the exam asks it, in HTML: prompt, listing, lead, lines, option groups."""
    from eprep.checker.exam import exam_item

    variant = question.variant(k, exam=True)
    item = exam_item(variant, lang)
    where = f"{question.location}: {question.id} (exam variant {k})"
    code = variant.code()
    return {
        "k": k,
        "title": markup.inline(variant.title(lang), f"{where} title"),
        "prompt": markup.block(variant.prompt(lang), f"{where} prompt"),
        "code": code_block(code.strip("\n")) if code else "",
        "lead": markup.inline(item.lead, f"{where} lead") if item.lead else "",
        "lines": [formula_html(line, f"{where} line {n}") for n, line in enumerate(item.lines, 1)],
        "groups": [
            {
                "mark": group.mark or "",
                "options": [
                    exam_option_html(o, markup, f"{where} option {i + 1}")
                    for i, o in enumerate(group.options)
                ],
            }
            for group in item.groups
        ],
        "correct": [group.correct for group in item.groups],
        "explanation": markup.block(variant.explanation(lang), f"{where} explanation"),
    }


def exam_data(bank: Any, lang: str, markup: Any) -> dict[str, Any]:
    """Everything the page's paper is drawn from, JSON-ready (deterministic)."""
    from eprep.exam.paper import load_weights, pool_questions
    from eprep.questions.syllabus import current

    syllabus = current()
    weights = load_weights(syllabus)
    pools = pool_questions(bank.questions, syllabus, weights)
    topics = {t.key: t.title.get(lang) for t in bank.topics}
    questions = []
    for area, pool in pools.by_area.items():
        for question in pool:
            ks = SITE_VARIANTS if question.has_params else (0,)
            key = f"{question.day}.{question.topic}"
            questions.append(
                {
                    "id": question.id,
                    "area": area,
                    "topic": key,
                    "topic_title": topics.get(key) or key,
                    "variants": [_variant_view(question, k, lang, markup) for k in ks],
                }
            )
    return {
        "lang": lang,
        "strings": STRINGS[lang],
        "defaults": {"count": DEFAULT_COUNT, "minutes": DEFAULT_MINUTES},
        "weights": [{"area": a, "share": s} for a, s in weights.shares.items()],
        "order": pools.tree_order(syllabus),  # a paper's items follow the tree
        "titles": {a: syllabus.full_title(a).get(lang) for a in weights.shares},
        "questions": questions,
        "outside": len(pools.outside),
        "unaskable": len(pools.unaskable),
    }


def data_script(data: dict[str, Any]) -> str:
    """The data as a classic script: `file://` pages may not fetch, but may load scripts."""
    return f"window.{DATA_GLOBAL} = {to_json(data)};\n"


def write_exam_data(out: Path, bank: Any, langs: list[str]) -> None:
    """Write `LANG/exam-data.js` for every built language."""
    from eprep.site.markup import Markup

    markup = Markup()
    for lang in langs:
        path = out / lang / DATA_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(data_script(exam_data(bank, lang, markup)), encoding="utf-8", newline="\n")
