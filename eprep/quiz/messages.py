"""The quiz's session-summary lines in English and Japanese: one catalogue, looked up by key."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
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
        # the site's day page says the same ("No questions for this day in the bank yet.")
        "no_questions_yet": "{name} ({title}) is in the bank but has no questions yet",
        "nothing_mixed": "nothing due or new to study in this selection",
        "nothing_new": "nothing new to study in this selection",
        "nothing_due": "nothing due to study in this selection",
        "missing": "note: {count} question(s) in your history are no longer in the bank ({shown}); "
        "their history is kept and they are skipped",
    },
    "ja": {
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
        "no_questions_yet": "{name}（{title}）の問題はまだ問題集にありません。",
        "nothing_mixed": "この範囲には復習期限の問題も新しい問題もありません。",
        "nothing_new": "この範囲には新しい問題がありません。",
        "nothing_due": "この範囲には復習期限の問題がありません。",
        "missing": "注: 学習履歴にある {count} 問（{shown}）はもう問題集にありません。"
        "履歴は残し、出題しません。",
    },
}


def message(lang: str, key: str, **values: object) -> str:
    """The `key` line in `lang` (English when `lang` has none), filled with `values`."""
    from eprep.i18n import translate  # the lookup every catalogue shares

    return translate(MESSAGES, lang, key, **values)
