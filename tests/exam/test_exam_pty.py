"""`eprep exam` in a pseudo-terminal: a 10-item paper, Ctrl-C, --resume, the per-area report."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import sys
from pathlib import Path

import pexpect

from .test_exam_cli import SEED, the_paper, wrong

TIMEOUT = 30
PROMPT = "answer> "  # the input line of a terminal, after the time left


def spawn(home: Path, *args: str) -> pexpect.spawn:
    env = {k: v for k, v in os.environ.items() if k not in ("EPREP_BANK", "EPREP_SYLLABUS")}
    env.update(EPREP_HOME=str(home), NO_COLOR="1", PYTHONIOENCODING="utf-8", EPREP_CACHE="0")
    return pexpect.spawn(
        sys.executable, ["-m", "eprep", "exam", *args], env=env, encoding="utf-8",
        timeout=TIMEOUT, dimensions=(60, 200),
    )  # fmt: skip


def answer(child: pexpect.spawn, text: str, expect_item: int | None = None) -> None:
    child.expect(re.escape(PROMPT))
    child.sendline(text)
    if expect_item is not None:
        child.expect(rf"Item {expect_item}/10   time left \d:\d\d:\d\d")


def test_a_paper_in_a_terminal_with_ctrl_c_and_resume(tmp_path: Path) -> None:
    _, paper, keys = the_paper()
    child = spawn(tmp_path, "--count", "10", "--seed", str(SEED))
    child.expect(r"Item 1/10   time left (2:00:00|1:59:\d\d)")
    answer(child, keys[1], 2)
    answer(child, wrong(keys[2]), 3)
    answer(child, "f", 3)  # flag item 3, then change our mind about item 2
    answer(child, "2", 2)
    child.expect(re.escape(f"your answer: {wrong(keys[2])}"))
    answer(child, keys[2], 3)
    child.expect(r"\[flagged\]")
    answer(child, wrong(keys[3]), 4)
    child.expect(re.escape(PROMPT))
    child.sendintr()  # Ctrl-C on item 4
    child.expect("every answer is saved")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0 and "Traceback" not in child.before

    child = spawn(tmp_path, "--resume", "--json")
    child.expect(r"Item 4/10   time left 1:5\d:\d\d")
    for number in range(4, 11):
        text = keys[number] if number % 2 == 0 else wrong(keys[number])
        answer(child, "" if number == 9 else text, number % 10 + 1)  # 9 left unanswered
    answer(child, "r")
    child.expect(r"Answered 9, unanswered 1, flagged 1")
    child.expect(r"  unanswered: 9")
    answer(child, "s")
    child.expect(r"Submit the paper\?.*> ")
    child.sendline("y")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    report = json.loads(child.before[child.before.index('{\r\n  "seed"') :].replace("\r\n", "\n"))

    # by hand: right = 1, 2 (changed), 4, 6, 8, 10; wrong = 3, 5, 7; unanswered = 9
    right = {1, 2, 4, 6, 8, 10}
    assert (report["right"], report["unanswered"]) == (6, 1)
    expected: dict[str, list[int]] = {}
    for entry in paper.items:
        counts = expected.setdefault(entry.area, [0, 0])
        counts[0] += entry.number in right
        counts[1] += 1
    assert {a["id"]: [a["right"], a["items"]] for a in report["areas"]} == expected
    db = sqlite3.connect(tmp_path / "progress.sqlite3")
    given = dict(db.execute("SELECT item, answer FROM exam_answers WHERE answer != ''"))
    assert sorted(given) == [1, 2, 3, 4, 5, 6, 7, 8, 10]  # none lost across the Ctrl-C
    assert given[2] == keys[2] and given[3] == wrong(keys[3])
    assert db.execute("SELECT flagged FROM exam_answers WHERE item = 3").fetchone() == (1,)
