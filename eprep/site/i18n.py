"""Interface strings of the site in each language (question text comes from the bank)."""

from __future__ import annotations

import re

LANGUAGES = ("en", "ja")
LANGUAGE_NAMES = {"en": "English", "ja": "日本語"}

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "site_name": "eprep study site",
        "tagline": (
            "Deep-learning theory for the JDLA E qualification — each key shown with the proofs "
            "that hold for it."
        ),
        "home": "Home",
        "days": "Days",
        "topics": "Topics",
        "questions": "questions",
        "question": "Question",
        "traps": "Exam traps",
        "mock_exam": "Mock exam",
        "exam_noscript": "The mock exam needs JavaScript.",
        "about": "About",
        "notation": "Writing formulas",
        "search": "Search",
        "search_offline": "Search needs the site served over HTTP: run `eprep site serve`.",
        "formula_sheet": "Formula sheet",
        "no_formulas": "No formulas on this day's sheet yet.",
        "no_questions": "No questions for this day in the bank yet.",
        "check": "Check",
        "your_answer": "Your answer",
        "show_answer": "Show the answer and explanation",
        "answer": "Answer",
        "explanation": "Explanation",
        "solution": "Worked solution",
        "start": "Start from",
        "mistakes": "Known mistakes",
        "proof": "How it was proven",
        "probe": "Engine probe",
        "concept": "A concept question: its key is sourced, not proven.",
        "reference": "reference definition",
        "proof_sourced": (
            "Sourced, not proven: a question of fact whose key cannot be computed, measured or "
            "derived; it rests on the primary source cited below."
        ),
        "witness_identity": (
            "Identity: SymPy proves the key equal to the reference definition, written from the "
            "concept's primary definition, for every value of the parameters."
        ),
        "witness_exact": (
            "Exact: the key equals the reference definition, computed with rationals and exact "
            "radicals (no floats), at every variant `eprep verify` checks."
        ),
        "witness_exact_code": (
            "Exact: the template completed with the key is run on test inputs, and its outputs "
            "equal the reference definition evaluated exactly at those inputs."
        ),
        "witness_engine": (
            "Engine: a probe runs the bundled NumPy engine and its measurement agrees with the "
            "key at every variant (for code, only the listing with the correct code in every "
            "blank passes; each wrong option fails)."
        ),
        "proves_body": (
            "Each key is proven by two independent witnesses — a SymPy reference definition "
            "(as an identity, or exactly at every variant) and a measurement on the NumPy "
            "engine — and each question page says which hold; `eprep verify` fails a key with "
            "fewer. Questions of fact are marked sourced, not proven."
        ),
        "source": "Source",
        "difficulty": "Difficulty",
        "tags": "Tags",
        "open_question": "Open this question",
        "examples": "Executed examples",
        "example_plots": "%d plots, run by the engine",
        "example_plot": "%s plot %d",
        "example_questions": "Questions this example illustrates",
        "example_see": "See it run, with plots:",
        "trap_label": "The trap",
        "traps_intro": "Errata found in study material for this exam, each turned into a question.",
        "no_traps": "No trap questions yet.",
        "language": "Language",
        "kind_choice": "multiple choice",
        "kind_numeric": "number",
        "kind_expression": "formula",
        "kind_derivation": "derivation",
        "kind_code": "fill in the code",
        "in_terms_of": "Write a formula in",
        "pick_option": "Pick an option, then Check.",
        "exam_toggle": "Exam format: four choices",
        "exam_note": "As the exam asks it: pick one option.",
        "numeric_hint": "Type a number or a constant expression such as 1/4 or 2^-3.",
        "precision_note": "Give the answer to {precision}.",
        "proves_title": "What eprep proves",
        "count_line": "{days} days · {topics} topics · {questions} questions",
        "result_right": "Right.",
        "result_wrong": "Wrong.",
        "variant_note": "These numbers are one draw; `eprep quiz` asks with new ones each time.",
    },
    "ja": {
        "site_name": "eprep 学習サイト",
        "tagline": "JDLA E資格のための深層学習理論 — 各解答に、成り立つ証明を添えて。",
        "home": "ホーム",
        "days": "Day 一覧",
        "topics": "トピック",
        "questions": "問",
        "question": "問題",
        "traps": "試験の落とし穴",
        "mock_exam": "模擬試験",
        "exam_noscript": "模擬試験には JavaScript が必要である。",
        "about": "このサイトについて",
        "notation": "数式の書き方",
        "search": "検索",
        "search_offline": ("検索は HTTP で配信したときに使える：`eprep site serve` を実行せよ。"),
        "formula_sheet": "公式集",
        "no_formulas": "この Day の公式はまだない。",
        "no_questions": "この Day の問題はまだ問題集にない。",
        "check": "判定",
        "your_answer": "あなたの解答",
        "show_answer": "解答と解説を表示",
        "answer": "解答",
        "explanation": "解説",
        "solution": "解き方",
        "start": "出発点",
        "mistakes": "よくある誤り",
        "proof": "証明の方法",
        "probe": "エンジンによる検証",
        "concept": "概念問題：解答は出典に基づくもので、証明されたものではない。",
        "reference": "参照定義",
        "proof_sourced": (
            "出典による（証明ではない）：計算・測定・導出のできない事実を問う問題で、解答は下記の一次"
            "資料に基づく。"
        ),
        "witness_identity": (
            "恒等式：概念の一次的な定義から書いた参照定義と解答が、すべてのパラメータ値で等しいこと"
            "を SymPy が証明している。"
        ),
        "witness_exact": (
            "厳密値：`eprep verify` が確かめるすべての変種で、解答と参照定義を有理数と厳密な根号"
            "（浮動小数点なし）で計算し、一致することを確認している。"
        ),
        "witness_exact_code": (
            "厳密値：解答で補完したコードをテスト入力で実行し、その出力がその入力での参照定義の厳密"
            "な値と一致することを確認している。"
        ),
        "witness_engine": (
            "エンジン：プローブが同梱の NumPy エンジンを実行し、その測定値がすべての変種で解答と"
            "一致する（コード問題では、すべての空欄に正解を入れたリストだけが合格し、誤った"
            "選択肢はどれも不合格になる）。"
        ),
        "proves_body": (
            "各解答は二つの独立な証人で証明される。SymPy の参照定義（恒等式として、またはすべての"
            "変種で厳密に）と NumPy エンジンでの測定である。どれが成り立つかは各問題のページに"
            "示され、それより少ない解答は `eprep verify` が不合格にする。"
            "事実を問う問題は「出典による」と表示され、証明済みとは表示されない。"
        ),
        "source": "出典",
        "difficulty": "難易度",
        "tags": "タグ",
        "open_question": "この問題を開く",
        "examples": "実行例",
        "example_plots": "エンジンで実行したグラフ %d 枚",
        "example_plot": "%s のグラフ %d",
        "example_questions": "この実行例に関係する問題",
        "example_see": "実行例とグラフ：",
        "trap_label": "落とし穴",
        "traps_intro": "この試験の教材に見つかった誤植を、それぞれ問題にしました。",
        "no_traps": "落とし穴の問題はまだない。",
        "language": "言語",
        "kind_choice": "選択式",
        "kind_numeric": "数値",
        "kind_expression": "数式",
        "kind_derivation": "式の導出",
        "kind_code": "コードの穴埋め",
        "in_terms_of": "次の変数で式を書け：",
        "pick_option": "選択肢を選び、「判定」を押せ。",
        "exam_toggle": "試験形式（四肢択一）",
        "exam_note": "試験と同じ形式である。選択肢から一つ選べ。",
        "numeric_hint": "数値または 1/4、2^-3 のような定数式を入力せよ。",
        "precision_note": "{precision}で答えよ。",
        "proves_title": "eprep が証明すること",
        "count_line": "{days} 日 · {topics} トピック · {questions} 問",
        "result_right": "正解。",
        "result_wrong": "不正解。",
        "variant_note": "ここに示す数値は一例である。`eprep quiz` では毎回別の数値で出題される。",
    },
}

# Strings the page's JavaScript shows (kept here so both languages live in one place).
JS_STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "right": "Right.",
        "wrong": "Wrong.",
        "choose": "Pick an option first.",
        "empty": "Type an answer first.",
        "known": "This is a known mistake:",
        "wrong_at": "Wrong: at {point} yours gives {got}, expected {want}.",
        "wrong_number": "Wrong: yours is {got}.",
        "near": "Close — rounding? Yours is {got}: round the exact value to the precision asked.",
        "unreadable": "Cannot read your answer at column {col}: {msg}",
        "unknown_name": "Unknown name '{name}': use {names}.",
        "eval_error": "Your formula has no real value at {point}: {msg}",
        "read_as": "Read as:",
    },
    "ja": {
        "right": "正解。",
        "wrong": "不正解。",
        "choose": "まず選択肢を選べ。",
        "empty": "まず解答を入力せよ。",
        "known": "よくある誤りである：",
        "wrong_at": "不正解：{point} であなたの式は {got}、正しくは {want} である。",
        "wrong_number": "不正解：あなたの答えは {got} である。",
        "near": "惜しい — 丸め方か？ あなたの答えは {got}。正確な値を指定の桁数に丸めよ。",
        "unreadable": "{col} 文字目が読めない：{msg}",
        "unknown_name": "未知の名前 '{name}'：{names} を使え。",
        "eval_error": "{point} であなたの式は実数値にならない：{msg}",
        "read_as": "読み取った式：",
    },
}


# A correct option's feedback often opens with its own verdict ("Right: …", 「正解です。…」); the
# page already says "Right." above it, so the site drops the repeat.
_VERDICT = re.compile(
    r"^\s*(?:(?:Right|Correct)\s*[.:!,;—-]|(?:正解です|正解|正しい)\s*[。：:、！])\s*"
)


def without_verdict(feedback: str) -> str:
    """`feedback` without a leading "Right:" / 「正解です。」 (the page says it already)."""
    rest = _VERDICT.sub("", feedback, count=1)
    if rest == feedback or not rest:
        return rest
    return rest[0].upper() + rest[1:] if rest[0].isascii() else rest


def strings(lang: str) -> dict[str, str]:
    """Interface strings for `lang`, falling back to English key by key."""
    return {**STRINGS["en"], **STRINGS.get(lang, {})}
