"""`eprep quiz --format exam` in a pseudo-terminal: a 4-choice numeric item and a multi-blank
code listing, answered as a learner would, then the stored reviews checked."""

from __future__ import annotations

import re
import sqlite3
import sys
from pathlib import Path

import pexpect

from .conftest import eprep_env

TIMEOUT = 60


def _spawn(args: list[str], home: Path) -> pexpect.spawn:
    return pexpect.spawn(
        sys.executable, ["-m", "eprep", "quiz", *args, "--format", "exam"],
        env=eprep_env(home), encoding="utf-8", timeout=TIMEOUT, dimensions=(60, 200),
    )  # fmt: skip


def _letter_of(text: str, shown: str) -> str:
    match = re.search(rf"([a-d])\) {re.escape(shown)}\r?\n", text)
    assert match, text
    return match.group(1)


def _finish(child: pexpect.spawn) -> None:
    child.expect(r"(rating \w+ — Enter keeps it|評価 \S+ — Enter でそのまま)")
    child.send("\r")
    # a wrong answer comes back once at the end of the session: stop there with Ctrl-C
    if child.expect([r"\[(again|再出題)\]", "— (session summary|セッションの結果) —"]) == 0:
        child.expect(r"(answer \(|解答（)a–d")
        child.sendintr()
        child.expect("— (session summary|セッションの結果) —")  # the summary speaks --lang
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0 and "Traceback" not in child.before


def test_four_choice_numeric_item(home: Path) -> None:
    from eprep.questions import load_bank

    values = load_bank().get("day2.cnn.output-height").variant(0, exam=True).values
    # oracle: count the filter's positions over the padded input, not the key's formula
    padded = values["H"] + 2 * values["P"]
    positions = len(range(0, padded - values["F"] + 1, values["S"]))

    child = _spawn(["day2.cnn.output-height", "--lang", "ja"], home)
    child.expect("正しい値を選べ。")
    child.expect(r"解答（a–d）> ")  # the whole interface speaks --lang
    options = re.findall(r"  ([a-d])\) (\S+)\r?\n", child.before)
    assert len(options) == 4 and len({text for _, text in options}) == 4
    wrong = next(letter for letter, text in options if text != str(positions))
    child.send(wrong + "\r")
    child.expect("✗ 不正解")
    child.expect(re.escape(f") {positions}"))  # the key line names the right option
    _finish(child)
    row = (
        sqlite3.connect(home / "progress.sqlite3")
        .execute("SELECT question_id, correct FROM reviews")
        .fetchall()
    )
    assert row == [("day2.cnn.output-height", 0)]


def test_multi_blank_code_listing(home: Path) -> None:
    child = _spawn(["day2.optimizers.momentum-code"], home)
    child.expect(re.escape("params[key] (い)"))
    child.expect(r"\(あ\) answer \(a–d\)> ")
    shown = child.before
    first = _letter_of(shown, "self.momentum * self.v[key] - self.lr * grads[key]")
    wrong_second = _letter_of(shown.split("(い)\r\n", 1)[1], "-= self.v[key]")
    child.send(first + "\r")
    child.expect(r"\(い\) answer \(a–d\)> ")
    child.send(wrong_second + "\r")
    child.expect("✗ wrong")
    child.expect(re.escape("(い) The velocity already carries the minus sign"))
    child.expect(re.escape("key: (あ) "))
    _finish(child)
    row = (
        sqlite3.connect(home / "progress.sqlite3")
        .execute("SELECT question_id, correct, answer FROM reviews")
        .fetchall()
    )
    assert row[0][:2] == ("day2.optimizers.momentum-code", 0)
    assert "(い)" in row[0][2] and "-= self.v[key]" in row[0][2]
