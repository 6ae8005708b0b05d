"""`eprep exam` key by key in a pseudo-terminal: the countdown ticks while the learner is idle,
↑/↓ choose an option, Tab moves to the next blank, ←/→ change item, Ctrl-C saves, and the time
running out submits what was answered with no key pressed. Plus the key reader's pieces."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pexpect
import pytest

from eprep.exam.keys import DOWN, LEFT, RIGHT, UP, clip, display_width, split_keys

from .test_exam_pty import spawn

COUNT = 6
KEY_UP, KEY_DOWN, KEY_LEFT, KEY_RIGHT = "\x1b[A", "\x1b[B", "\x1b[D", "\x1b[C"
LIVE = r"\[(\d:\d\d:\d\d)\] answer> "


def _paper_with_blanks():
    """A 6-item paper (seed found here) with a listing of several blanks, and every item's key."""
    from eprep.checker.exam import exam_item
    from eprep.exam.paper import draw_paper, load_weights
    from eprep.questions import load_bank
    from eprep.questions.syllabus import current

    bank = load_bank()
    for seed in range(1, 200):
        paper = draw_paper(bank.questions, current(), load_weights(current()), COUNT, seed)
        items = [
            exam_item(bank.get(e.question_id).variant(e.variant, exam=True)) for e in paper.items
        ]
        blanks = [n for n, item in enumerate(items, 1) if len(item.groups) > 1 and n > 3]
        if blanks:
            keys = [[g.correct for g in item.groups] for item in items]
            sizes = [[len(g.options) for g in item.groups] for item in items]
            return seed, paper, keys, sizes, blanks[0]
    raise AssertionError("no seed below 200 draws a listing with blanks after item 3")


def _clock(text: str) -> int:
    h, m, s = (int(x) for x in text.split(":"))
    return h * 3600 + m * 60 + s


def test_keys_countdown_ctrl_c_and_time_out_while_idle(tmp_path: Path) -> None:
    from eprep.checker.kinds.base import LETTERS

    seed, paper, keys, sizes, listing = _paper_with_blanks()
    child = spawn(tmp_path, "--count", str(COUNT), "--seed", str(seed))
    child.expect(rf"Item 1/{COUNT}   time left")
    child.expect(LIVE)
    first = _clock(child.match.group(1))
    child.expect(LIVE)  # redrawn with no key pressed
    while _clock(child.match.group(1)) == first:
        child.expect(LIVE, timeout=3)
    assert _clock(child.match.group(1)) == first - 1  # the clock ticked while we waited

    # item 1: ↓ from nothing highlights a, each further ↓ the next; Enter answers
    child.send(KEY_DOWN * (keys[0][0] + 1))
    child.expect(re.escape(f"answer> {LETTERS[keys[0][0]]}  {LETTERS[keys[0][0]]}) "))
    child.send("\r")
    child.expect(rf"Item 2/{COUNT}   time left")
    # item 2: ↑ from nothing highlights the last option; answer one that is wrong
    last = sizes[1][0] - 1
    presses = 1 if keys[1][0] != last else 2
    wrong2 = last - presses + 1
    child.expect(LIVE)
    child.send(KEY_UP * presses + "\r")
    child.expect(rf"Item 3/{COUNT}   time left")
    # ← back to item 2 (its answer is shown), → on to item 3
    child.expect(LIVE)
    child.send(KEY_LEFT)
    child.expect(rf"Item 2/{COUNT}   time left")
    child.expect(re.escape(f"your answer: {LETTERS[wrong2]}"))
    child.expect(LIVE)
    child.send(KEY_RIGHT)
    child.expect(rf"Item 3/{COUNT}   time left")
    # go to the listing by its number; ↓ in the first blank, Tab to each next blank
    child.expect(LIVE)
    child.send(f"{listing}\r")
    child.expect(rf"Item {listing}/{COUNT}   time left")
    child.expect(LIVE)
    for blank, key in enumerate(keys[listing - 1]):
        child.send(KEY_DOWN * (key + 1) if blank == 0 else "\t" + KEY_DOWN * key)
    typed = "".join(LETTERS[k] for k in keys[listing - 1])
    child.expect(re.escape(f"answer> {typed}"))
    child.send("\r")
    child.expect(rf"Item {listing % COUNT + 1}/{COUNT}   time left")
    child.expect(LIVE)
    child.sendintr()  # Ctrl-C while idle
    child.expect("every answer is saved")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0 and "Traceback" not in child.before

    db = sqlite3.connect(tmp_path / "progress.sqlite3")
    given = dict(db.execute("SELECT item, answer FROM exam_answers WHERE answer != ''"))
    assert given == {1: LETTERS[keys[0][0]], 2: LETTERS[wrong2], listing: typed}
    # leave 2.5 s on the clock, resume, and press nothing: the paper is submitted
    (minutes,) = db.execute("SELECT minutes FROM exams").fetchone()
    with db:
        db.execute("UPDATE exams SET elapsed_ms = ?", (minutes * 60_000 - 2500,))
    db.close()
    child = spawn(tmp_path, "--resume", "--json")
    child.expect(r"Item 3/6   time left 0:00:0[23]")
    child.expect("Time is up: the answered items are submitted.", timeout=10)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0 and "Traceback" not in child.before
    report = json.loads(child.before[child.before.index('{\r\n  "seed"') :].replace("\r\n", "\n"))
    right = {1, listing}
    assert (report["right"], report["unanswered"]) == (2, COUNT - 3)
    expected: dict[str, list[int]] = {}
    for entry in paper.items:
        counts = expected.setdefault(entry.area, [0, 0])
        counts[0] += entry.number in right
        counts[1] += 1
    assert {a["id"]: [a["right"], a["items"]] for a in report["areas"]} == expected


def test_japanese_key_line_and_confirm(tmp_path: Path) -> None:
    child = spawn(tmp_path, "--count", "3", "--seed", "5", "--lang", "ja")
    child.expect(r"第 1 問 / 全 3 問")
    child.expect(re.escape("↑/↓ で選択"))
    child.expect(r"\[\d:\d\d:\d\d\] 解答> ")
    child.send("s\r")
    child.expect(r"提出するか。")
    child.send("y\r")
    child.expect(r"得点：0/3")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


@pytest.mark.parametrize(
    ("chunk", "keys"),
    [
        ("b\r", ["b", "\n"]),
        ("ac\r\n", ["a", "c", "\n"]),
        ("\x1b[A\x1b[B\x1bOC\x1b[D", [UP, DOWN, RIGHT, LEFT]),
        ("\x1b[1;5A2\n", [UP, "2", "\n"]),
        ("\x1b[5~x", ["unknown", "x"]),
        ("はい\r", ["は", "い", "\n"]),
    ],
)
def test_split_keys(chunk: str, keys: list[str]) -> None:
    assert split_keys(chunk) == keys


def test_clip_counts_wide_characters_as_two_columns() -> None:
    assert display_width("解答> ab") == 4 + 2 + 2
    assert clip("解答時間", 5) == "解答…"
    assert display_width(clip("解答時間", 5)) <= 5
    assert clip("short", 10) == "short"


def test_the_terminal_is_restored_after_ctrl_c(tmp_path: Path) -> None:
    """After Ctrl-C the shell's terminal echoes and reads lines again (cbreak mode is undone)."""
    import os
    import shlex
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("EPREP_BANK", "EPREP_SYLLABUS")}
    env.update(EPREP_HOME=str(tmp_path), NO_COLOR="1", EPREP_CACHE="0", PS1="$ ")
    shell = pexpect.spawn("sh", env=env, encoding="utf-8", timeout=30, dimensions=(40, 120))
    command = f"{shlex.quote(sys.executable)} -m eprep exam --count 2 --seed 1"
    shell.sendline(command)
    shell.expect(LIVE)
    shell.sendintr()
    shell.expect("every answer is saved")
    shell.sendline("stty -a; echo done-$((6*7))")
    shell.expect("done-42")
    modes = shell.before
    assert re.search(r"(?<!-)icanon", modes) and re.search(r"(?<![-a-z])echo\b", modes), modes
    shell.sendline("exit")
    shell.expect(pexpect.EOF)
