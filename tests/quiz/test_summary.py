"""The session summary says what happened: no "stopped early" when every question was answered,
cards due now not contradicted by a "next due" after them, in the session's language."""

from __future__ import annotations

import json
import sqlite3
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pexpect

from eprep.quiz.paths import DB_FILENAME

from .conftest import FIXTURE_BANK, eprep_env, run_eprep

BANK = ["--bank", str(FIXTURE_BANK)]
ONE = "qz.basics.relu-grad"
OTHER = "qz.basics.output-height"


def _summary(output: str) -> str:
    return output.split("— session summary —", 1)[1]


def test_ctrl_c_at_the_last_rating_is_not_stopping_early(home: Path) -> None:
    child = pexpect.spawn(
        sys.executable, ["-m", "eprep", "quiz", ONE, *BANK],
        env=eprep_env(home), encoding="utf-8", timeout=60, dimensions=(50, 200),
    )  # fmt: skip
    child.expect(r"answer \(a–d\)> ")
    child.send("a\r")
    child.expect("— Enter keeps it; 1 Again 2 Hard 3 Good 4 Easy> ")
    child.sendintr()  # the one planned question is answered: the session is complete
    child.expect("— session summary —")
    child.expect(pexpect.EOF)
    assert "score: " in child.before and "/1" in child.before
    assert "stopped early" not in child.before


def _make_due_now(home: Path, question_id: str) -> None:
    conn = sqlite3.connect(home / DB_FILENAME)
    with conn:
        conn.execute(
            "UPDATE cards SET due = ? WHERE question_id = ?",
            ((datetime.now(UTC) - timedelta(hours=1)).isoformat(), question_id),
        )
    conn.close()


def test_due_now_and_the_next_due_card_agree(home: Path) -> None:
    # two cards, both answered wrong (due in a minute); then one of them is made due now
    run_eprep(["quiz", ONE, OTHER, *BANK], home, "z\na\n0\n")
    _make_due_now(home, ONE)
    result = run_eprep(["quiz", OTHER, ONE, *BANK, "--new"], home, "")
    summary = _summary(result.stdout)
    assert "due now: 1" in summary
    # the card due in a minute comes after the one due now, and the summary says how to review
    assert f"after those, next due: {OTHER} in 1 min" in summary
    assert "next due: " not in summary.replace("after those, next due: ", "")
    assert "eprep quiz" in summary


def test_summary_in_japanese(home: Path) -> None:
    result = run_eprep(["quiz", ONE, *BANK, "--lang", "ja"], home, "a\n")
    summary = result.stdout.split("— セッションの結果 —", 1)[1]
    assert "正答: " in summary and "今すぐ復習: 0 問" in summary
    assert f"次の復習: {ONE}（1 分後、今日 " in summary
    assert not any(word in summary for word in ("score", "due", "next", "today", " min"))


def test_json_in_a_terminal_keeps_stdout_for_the_json(home: Path, tmp_path: Path) -> None:
    """`eprep quiz --json > out.json` at a terminal: the session is on the terminal, the file is
    only JSON."""
    out = tmp_path / "out.json"
    command = " ".join([sys.executable, "-m", "eprep", "quiz", ONE, *BANK, "--json", ">", str(out)])
    child = pexpect.spawn(
        "bash", ["-c", command], env=eprep_env(home), encoding="utf-8", timeout=60,
        dimensions=(50, 200),
    )  # fmt: skip
    child.expect(r"answer \(a–d\)> ")
    child.send("a\r")
    child.expect("— Enter keeps it; 1 Again 2 Hard 3 Good 4 Easy> ")
    child.send("\r")
    if child.expect([r"\[again\]", "— session summary —"]) == 0:  # "a" was wrong: it returns
        child.expect(r"answer \(a–d\)> ")
        child.sendintr()
        child.expect("— session summary —")
    child.expect(pexpect.EOF)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["answered"] == 1 and data["results"][0]["id"] == ONE


def test_vanished_questions_note_in_japanese(home: Path) -> None:
    run_eprep(["quiz", ONE, *BANK], home, "a\n")
    conn = sqlite3.connect(home / DB_FILENAME)
    with conn:
        conn.execute("UPDATE cards SET question_id = 'qz.basics.retired'")
        conn.execute("UPDATE reviews SET question_id = 'qz.basics.retired'")
    conn.close()
    result = run_eprep(["quiz", "qz", *BANK, "--lang", "ja", "-n", "1"], home, "")
    assert "学習履歴にある 1 問（qz.basics.retired）はもう問題集にない。" in result.stdout
    assert "no longer in the bank" not in result.stdout
