"""Every learner-facing string the exported cards add around the bank's own text, in en and ja."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "answer": "Answer",
        "why_not": "Why the other options are wrong",
        "mistakes": "Known mistakes",
        "explanation": "Explanation",
        "solution": "Worked solution",
        "start": "Start from",
        "trap": "The trap",
        "examples": "Executed examples",
        "source": "Source",
        "difficulty": "Difficulty",
        "area": "Syllabus area",
        "variant": "variant {k}",
        "choose_value": "Choose the correct value.",
        "choose_formula": "Choose the correct formula.",
        "typed_number": "Answer with a number.",
        "typed_formula": "Answer with a formula in {names}.",
        "derive": "Derive it step by step from the starting formula.",
    },
    "ja": {
        "answer": "解答",
        "why_not": "他の選択肢が誤りである理由",
        "mistakes": "よくある誤答",
        "explanation": "解説",
        "solution": "導出の例",
        "start": "出発点",
        "trap": "ひっかけ",
        "examples": "実行例",
        "source": "出典",
        "difficulty": "難易度",
        "area": "シラバスの分野",
        "variant": "数値パターン {k}",
        "choose_value": "正しい値を一つ選べ。",
        "choose_formula": "正しい式を一つ選べ。",
        "typed_number": "数値で答えよ。",
        "typed_formula": "{names} を用いた式で答えよ。",
        "derive": "出発点の式から段階的に導出せよ。",
    },
}


def label(lang: str, key: str, **values: object) -> str:
    """The card label `key` in `lang` (English when the language is unknown)."""
    text = LABELS.get(lang, LABELS["en"])[key]
    return text.format(**values) if values else text
