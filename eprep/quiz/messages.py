"""Every line the quiz shows, in English and Japanese: one catalogue, looked up by key and lang.

`message(lang, key, **values)` is the API (stable: other commands use it too).
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        # --- asking ---
        "header": "[{number}/{total}] {title}",
        "header_again": "[again] {title}",
        "header_meta": "{id} · {kind} · {reason}",
        "reason_due": "due",
        "reason_new": "new",
        "reason_again": "again (rated Again earlier in this session)",
        "reason_any": "not due (drilled with --any)",
        "kind_choice": "choice",
        "kind_code": "code",
        "kind_numeric": "numeric",
        "kind_expression": "expression",
        "kind_derivation": "derivation",
        "keys_hint": "type a letter, or move with ↑/↓; Enter answers",
        "prompt_pick": "{mark}answer (a–{last})> ",
        "prompt_number": "answer (a number, {precision})> ",
        "prompt_number_exact": "answer (a number)> ",
        "prompt_answer": "answer> ",
        "prompt_confirm": "Enter to confirm, or type the answer again> ",
        "prompt_derivation": "derivation> ",
        "prompt_step": "… ",
        "variables": "variables: {names}",
        "derivation_hint": "Write one expression per line, each step starting with '='"
        " (a first line starting with '=' continues from the start); an empty line ends"
        " the derivation.",
        "start_from": "start from: {formula}",
        "read_as": "read as: {text}",
        "typeset": "typeset: {text}",
        "checking": "checking…",
        "unreadable": "unreadable answer: {error}",
        "unreadable_line": "line not read: {error} — type it again (the lines before are kept)",
        "cannot_judge": "could not judge this answer: {error} — skipped, nothing recorded",
        # --- feedback and rating ---
        "right": "✓ right",
        "wrong": "✗ wrong",
        "near": "≈ close",
        "key": "key: ",
        "rating_Again": "Again",
        "rating_Hard": "Hard",
        "rating_Good": "Good",
        "rating_Easy": "Easy",
        "prompt_rating": "rating {name} — Enter keeps it; 1 {again} 2 {hard} 3 {good} 4 {easy}> ",
        "rated": "rated {name} · next review {delta} ({when})",
        "again_soon": "it comes back at the end of this session",
        # --- the summary ---
        "summary": "— session summary —",
        "score": "score: {right}/{answered}{percent} in {duration}",
        "stopped": "; stopped early ({answered} of {planned} answered, all saved)",
        "due": "due now: {now} · due within a week: {week}",
        "due_hint": "due now: {now} (run the same `eprep quiz` again to review them) · "
        "due within a week: {week}",
        "next": "next due: {id} {delta} ({when})",
        "next_after": "after those, next due: {id} {delta} ({when})",
        "minutes_seconds": "{minutes} min {seconds} s",
        "seconds": "{seconds} s",
        "today_at": "today %H:%M",
        "tomorrow_at": "tomorrow %H:%M",
        # the site's day page says the same ("No questions for this day in the bank yet.")
        "nothing_mixed": "nothing due or new to study in this selection"
        " (add --any to drill it before it is due)",
        "nothing_any": "no questions in this selection",
        "nothing_new": "nothing new to study in this selection",
        "nothing_due": "nothing due to study in this selection",
        "missing": "note: {count} question(s) in your history are no longer in the bank ({shown}); "
        "their history is kept and they are skipped",
    },
    "ja": {
        # --- asking ---
        "header": "[{number}/{total}] {title}",
        "header_again": "[再出題] {title}",
        "header_meta": "{id} · {kind} · {reason}",
        "reason_due": "復習",
        "reason_new": "新規",
        "reason_again": "再出題（このセッションで「もう一度」と評価）",
        "reason_any": "期限前（--any で演習）",
        "kind_choice": "選択",
        "kind_code": "コード",
        "kind_numeric": "数値",
        "kind_expression": "式",
        "kind_derivation": "導出",
        "keys_hint": "記号を入力するか ↑/↓ で選び、Enter で解答する。",
        "prompt_pick": "{mark}解答（a–{last}）> ",
        "prompt_number": "解答（数値、{precision}）> ",
        "prompt_number_exact": "解答（数値）> ",
        "prompt_answer": "解答> ",
        "prompt_confirm": "Enter で確定、または解答を入力し直す> ",
        "prompt_derivation": "導出> ",
        "prompt_step": "… ",
        "variables": "変数: {names}",
        "derivation_hint": "1 行に 1 つの式を書き、各ステップは「=」で始めよ"
        "（「=」で始まる最初の行は出発点から続ける）。空行で導出を終える。",
        "start_from": "出発点: {formula}",
        "read_as": "読み取り: {text}",
        "typeset": "組版: {text}",
        "checking": "判定中…",
        "unreadable": "読み取れない解答: {error}",
        "unreadable_line": "この行を読み取れない: {error} — 入力し直せ（前の行は残る）",
        "cannot_judge": "この解答は判定できない: {error} — 飛ばした（記録なし）",
        # --- feedback and rating ---
        "right": "✓ 正解",
        "wrong": "✗ 不正解",
        "near": "≈ 惜しい",
        "key": "正解: ",
        "rating_Again": "もう一度",
        "rating_Hard": "難しい",
        "rating_Good": "正解",
        "rating_Easy": "簡単",
        "prompt_rating": "評価 {name} — Enter でそのまま。1 {again} 2 {hard} 3 {good} 4 {easy}> ",
        "rated": "評価 {name} · 次の復習 {delta}（{when}）",
        "again_soon": "このセッションの最後にもう一度出題する。",
        # --- the summary ---
        "summary": "— セッションの結果 —",
        "score": "正答: {right}/{answered}{percent}（{duration}）",
        "stopped": "。途中で終了（{planned} 問中 {answered} 問に解答、すべて保存済み）",
        "due": "今すぐ復習: {now} 問 · 1 週間以内: {week} 問",
        "due_hint": "今すぐ復習: {now} 問（同じ `eprep quiz` をもう一度実行して復習せよ） · "
        "1 週間以内: {week} 問",
        "next": "次の復習: {id}（{delta}、{when}）",
        "next_after": "それらの次の復習: {id}（{delta}、{when}）",
        "minutes_seconds": "{minutes} 分 {seconds} 秒",
        "seconds": "{seconds} 秒",
        "today_at": "今日 %H:%M",
        "tomorrow_at": "明日 %H:%M",
        "nothing_mixed": "この範囲には復習期限の問題も新しい問題もない"
        "（--any を付ければ期限前でも出題する）。",
        "nothing_any": "この範囲には問題がない。",
        "nothing_new": "この範囲には新しい問題がない。",
        "nothing_due": "この範囲には復習期限の問題がない。",
        "missing": "注: 学習履歴にある {count} 問（{shown}）はもう問題集にない。"
        "履歴は残し、出題しない。",
    },
}


def message(lang: str, key: str, **values: object) -> str:
    """The `key` line in `lang` (English when `lang` has none), filled with `values`."""
    from eprep.i18n import translate  # the lookup every catalogue shares

    return translate(MESSAGES, lang, key, **values)
