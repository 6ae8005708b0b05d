"""Interface strings of the site in each language (question text comes from the bank)."""

from __future__ import annotations

LANGUAGES = ("en", "ja")
LANGUAGE_NAMES = {"en": "English", "ja": "日本語"}

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "site_name": "eprep study site",
        "tagline": (
            "Deep-learning theory for the JDLA E qualification — every answer key proven twice."
        ),
        "home": "Home",
        "days": "Days",
        "topics": "Topics",
        "questions": "questions",
        "question": "Question",
        "traps": "Exam traps",
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
        "concept": "A concept question: its key is reviewed by hand, not proven by the engine.",
        "source": "Source",
        "difficulty": "Difficulty",
        "tags": "Tags",
        "open_question": "Open this question",
        "examples": "Executed examples",
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
        "proves_title": "What eprep proves",
        "count_line": "{days} days · {topics} topics · {questions} questions",
        "verify_value": (
            "For every variant, `eprep verify` runs the probe on the real NumPy engine "
            "and checks that the key, evaluated for that variant, equals the number the "
            "engine produced."
        ),
        "verify_samples": (
            "For every variant, `eprep verify` runs the probe on the real NumPy engine "
            "at sample points and checks that the key formula gives the engine's values; "
            "SymPy also checks the key against each known mistake (they must differ)."
        ),
        "verify_option": (
            "For every variant, `eprep verify` runs the probe on the real NumPy engine "
            "and checks that the option it identifies is the one marked correct."
        ),
        "verify_code": (
            "`eprep verify` runs the listing with the correct code in every blank, and once "
            "with each wrong option in each blank (the others correct), each in a separate "
            "process: only the first may pass the probe's behavioural test."
        ),
        "verify_derivation": (
            "`eprep verify` checks every step of the worked solution with SymPy and numerically"
            ", and runs the probe on the engine to confirm the target formula."
        ),
        "result_right": "Right.",
        "result_wrong": "Wrong.",
        "variant_note": "Showing variant 0; the quiz draws other numbers.",
    },
    "ja": {
        "site_name": "eprep 学習サイト",
        "tagline": "JDLA E資格のための深層学習理論 — すべての解答は二重に証明済み。",
        "home": "ホーム",
        "days": "Day 一覧",
        "topics": "トピック",
        "questions": "問",
        "question": "問題",
        "traps": "試験の落とし穴",
        "about": "このサイトについて",
        "notation": "数式の書き方",
        "search": "検索",
        "search_offline": (
            "検索は HTTP で配信したときに使えます：`eprep site serve` を実行してください。"
        ),
        "formula_sheet": "公式集",
        "no_formulas": "この Day の公式はまだありません。",
        "no_questions": "この Day の問題はまだ問題集にありません。",
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
        "concept": "概念問題：解答はエンジンではなく人の手で確認されています。",
        "source": "出典",
        "difficulty": "難易度",
        "tags": "タグ",
        "open_question": "この問題を開く",
        "examples": "実行例",
        "trap_label": "落とし穴",
        "traps_intro": "この試験の教材に見つかった誤植を、それぞれ問題にしました。",
        "no_traps": "落とし穴の問題はまだありません。",
        "language": "言語",
        "kind_choice": "選択式",
        "kind_numeric": "数値",
        "kind_expression": "数式",
        "kind_derivation": "式の導出",
        "kind_code": "コードの穴埋め",
        "in_terms_of": "次の変数で式を書いてください：",
        "pick_option": "選択肢を選んで「判定」を押してください。",
        "exam_toggle": "試験形式（四肢択一）",
        "exam_note": "試験と同じ形式である。選択肢から一つ選べ。",
        "numeric_hint": "数値または 1/4、2^-3 のような定数式を入力してください。",
        "proves_title": "eprep が証明すること",
        "count_line": "{days} 日 · {topics} トピック · {questions} 問",
        "verify_value": (
            "`eprep verify` はすべての変種について実際の NumPy エンジンでプローブを実行し、そ"
            "の変種で評価した解答がエンジンの出力した数値と一致することを確"
            "認します。"
        ),
        "verify_samples": (
            "`eprep verify` はすべての変種について実際の NumPy エンジンで標本点を計算し、解答"
            "の式がエンジンの値を与えることを確認します。SymPy "
            "で解答がよくある誤りと異なることも確認します。"
        ),
        "verify_option": (
            "`eprep verify` はすべての変種について実際の NumPy エンジンでプローブを実行し、エ"
            "ンジンが示す選択肢が正解とされたものであることを確認します。"
        ),
        "verify_code": (
            "`eprep verify` はすべての空欄に正解のコードを入れたリストと、一つの空欄だけを誤った"
            "選択肢に替えたリストを、それぞれ別プロセスで実行する。プローブの動作テストに合格"
            "するのは前者だけでなければならない。"
        ),
        "verify_derivation": (
            "`eprep verify` は解き方の各ステップを SymPy と数値計算で確認し、エンジンでプローブ"
            "を実行して目標の式を確かめます。"
        ),
        "result_right": "正解です。",
        "result_wrong": "不正解です。",
        "variant_note": "変種 0 を表示しています。クイズでは別の数値が出ます。",
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
        "unreadable": "Cannot read your answer at column {col}: {msg}",
        "unknown_name": "Unknown name '{name}': use {names}.",
        "eval_error": "Your formula has no real value at {point}: {msg}",
        "read_as": "Read as:",
    },
    "ja": {
        "right": "正解です。",
        "wrong": "不正解です。",
        "choose": "まず選択肢を選んでください。",
        "empty": "まず解答を入力してください。",
        "known": "よくある誤りです：",
        "wrong_at": "不正解：{point} であなたの式は {got}、正しくは {want} です。",
        "wrong_number": "不正解：あなたの答えは {got} です。",
        "unreadable": "{col} 文字目が読めません：{msg}",
        "unknown_name": "未知の名前 '{name}'：{names} を使ってください。",
        "eval_error": "{point} であなたの式は実数値になりません：{msg}",
        "read_as": "読み取った式：",
    },
}


def strings(lang: str) -> dict[str, str]:
    """Interface strings for `lang`, falling back to English key by key."""
    return {**STRINGS["en"], **STRINGS.get(lang, {})}
