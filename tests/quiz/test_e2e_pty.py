"""End to end in a pseudo-terminal: the real `eprep quiz` process driven like a learner would.

One session answers a right choice, a wrong choice, an expression in an equivalent form (with
the one-key rating override), a numeric known mistake, then presses Ctrl-C in the middle of a
derivation. The database is then inspected: the four answered reviews are there, the interrupted
one is not, and every due date is the one fsrs's own Scheduler gives for the stored rating.
"""

from __future__ import annotations

import json
import re
import sqlite3
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pexpect
from fsrs import Card, Rating, Scheduler

from .conftest import FIXTURE_BANK, eprep_env

TIMEOUT = 60  # seconds per expectation (the first expression check starts SymPy in a worker)


def _spawn(args: list[str], home: Path) -> pexpect.spawn:
    child = pexpect.spawn(
        sys.executable, ["-m", "eprep", *args, "--bank", str(FIXTURE_BANK)],
        env=eprep_env(home), encoding="utf-8", timeout=TIMEOUT, dimensions=(50, 200),
    )  # fmt: skip
    return child


def _option_letter(child: pexpect.spawn, text: str) -> str:
    """Wait for the answer prompt and return the letter shown before option `text`."""
    child.expect(r"answer \(a–d\)> ")
    match = re.search(rf"([a-d])\) {re.escape(text)}\r?\n", child.before)
    assert match, child.before
    return match.group(1)


def _rating_prompt(child: pexpect.spawn, proposed: str) -> None:
    child.expect(rf"rating {proposed} — Enter keeps it; 1 Again 2 Hard 3 Good 4 Easy> ")


def test_session_in_a_terminal(home: Path, fixture_bank) -> None:
    db = home / "progress.sqlite3"
    values = fixture_bank.get("qz.basics.output-height").variant(0).values
    forgot_plus_one = (values["H"] + 2 * values["P"] - values["F"]) // values["S"]

    child = _spawn(["quiz", "qz"], home)
    # 1. right choice, answered at once: Easy, kept with Enter
    child.send(_option_letter(child, "one") + "\r")
    child.expect("✓ right")
    _rating_prompt(child, "Easy")
    child.send("\r")
    child.expect(r"rated Easy · next review in")
    # 2. wrong choice (code question): the option's own feedback and the key
    child.expect(r"\[2/5\] SGD update")
    right_code = _option_letter(child, "-= self.lr * grads[key]")
    wrong_code = re.search(r"([a-d])\) \+= self\.lr \* grads\[key\]", child.before).group(1)
    child.send(wrong_code + "\r")
    child.expect("✗ wrong")
    child.expect("Adding the gradient climbs the loss.")
    child.expect(re.escape(f"key: {right_code}) -= self.lr * grads[key]"))
    _rating_prompt(child, "Again")
    child.send("\r")
    # 3. an expression in an equivalent form; its reading differs from the typing, so confirm
    child.expect(r"\[3/5\] Derivative of the sigmoid")
    child.expect("answer> ")
    child.send("e^-x/(1+e^-x)^2\r")
    child.expect(re.escape("read as: e^(-x)/(1 + e^(-x))^2"))
    child.expect("Enter to confirm, or type the answer again> ")
    child.send("\r")
    child.expect("✓ right")
    _rating_prompt(child, "Easy")
    child.send("3")  # one key: override Easy with Good
    child.expect("rated Good · next review in")
    # 4. a numeric known mistake: its targeted feedback
    child.expect(r"\[4/5\] Output height of a convolution")
    child.expect(r"answer \(a number\)> ")
    child.send(f"{forgot_plus_one}\r")
    child.expect("✗ wrong")
    child.expect("The \\+1 is missing")
    _rating_prompt(child, "Again")
    child.send("\r")
    # 5. Ctrl-C halfway through a derivation
    child.expect(r"\[5/5\] Inverted dropout keeps the expectation")
    child.expect("derivation> ")
    child.send("1/(1 - r) * ((1 - r)*y + r*0)\r")
    child.expect("… ")
    child.send("= 1/(1 - r)")
    # Wait for the echo: a Ctrl-C racing the typed characters before readline has taken them
    # was sometimes lost under load (a learner presses it after seeing what they typed).
    child.expect_exact("= 1/(1 - r)")
    child.sendintr()
    child.expect("— session summary —")
    child.expect(re.escape("score: 2/4 (50%)"))
    child.expect(re.escape("stopped early (4 of 5 answered, all saved)"))
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "Traceback" not in child.before

    conn = sqlite3.connect(db)
    rows = conn.execute(
        "SELECT question_id, correct, rating, auto_rating, reviewed_at, card_before, card_after"
        " FROM reviews ORDER BY id"
    ).fetchall()
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [
        ("qz.basics.relu-grad", 1, 4, 4),
        ("qz.basics.sgd-code", 0, 1, 1),
        ("qz.basics.sigmoid-grad", 1, 3, 4),  # overridden by the learner
        ("qz.basics.output-height", 0, 1, 1),
    ]
    assert conn.execute(
        "SELECT count(*) FROM reviews WHERE question_id = 'qz.basics.dropout-derivation'"
    ).fetchone() == (0,)
    # oracle: fsrs's Scheduler, from a new card, with the stored rating and time
    scheduler = Scheduler(enable_fuzzing=False)
    dues = {}
    for qid, _correct, rating, _auto, reviewed_at, before, after in rows:
        at = datetime.fromisoformat(reviewed_at)
        new = Card(card_id=json.loads(before)["card_id"], due=at)
        expected, _ = scheduler.review_card(new, Rating(rating), review_datetime=at)
        due = datetime.fromisoformat(json.loads(after)["due"])
        assert due == expected.due
        stored = conn.execute("SELECT due FROM cards WHERE question_id = ?", (qid,)).fetchone()
        assert datetime.fromisoformat(stored[0]) == due
        assert due > at  # every review moved the card into the future
        dues[qid] = due - at
    # the right way: Again comes back within minutes, Good later, Easy latest
    assert dues["qz.basics.sgd-code"] <= timedelta(minutes=10)
    assert dues["qz.basics.output-height"] <= timedelta(minutes=10)
    assert dues["qz.basics.sgd-code"] < dues["qz.basics.sigmoid-grad"] < dues["qz.basics.relu-grad"]


def test_known_expression_mistake_and_ctrl_c_at_rating(home: Path) -> None:
    child = _spawn(["quiz", "qz.basics.sigmoid-grad", "qz.basics.relu-grad"], home)
    child.expect(r"\[1/2\] Gradient of ReLU")
    # arrow keys: the first ↓ highlights a), each further one the next option; then Enter
    steps = "abcd".index(_option_letter(child, "zero")) + 1
    child.send("\x1b[B" * (steps + 4) + "\x1b[A" * 4)  # wraps around past d) and back
    child.expect(r"answer \(a–d\)> [a-d]\)")
    child.send("\r")
    child.expect("Zero is the slope for negative inputs")
    _rating_prompt(child, "Again")
    child.send("\r")
    child.expect(r"\[2/2\] Derivative of the sigmoid")
    child.expect("answer> ")
    child.send("1 - sigmoid(x)^2\r")
    child.expect("✗ wrong")
    child.expect("That is the pattern of tanh's derivative")
    _rating_prompt(child, "Again")
    child.sendintr()  # Ctrl-C at the rating key: the answer given is kept with its rating
    child.expect("— session summary —")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    conn = sqlite3.connect(home / "progress.sqlite3")
    rows = conn.execute("SELECT question_id, correct, rating FROM reviews ORDER BY id").fetchall()
    assert rows == [("qz.basics.relu-grad", 0, 1), ("qz.basics.sigmoid-grad", 0, 1)]


def test_code_is_highlighted_in_a_terminal(home: Path) -> None:
    env = eprep_env(home)
    del env["NO_COLOR"]
    child = pexpect.spawn(
        sys.executable,
        ["-m", "eprep", "quiz", "qz.basics.sgd-code", "--bank", str(FIXTURE_BANK)],
        env={**env, "TERM": "xterm-256color"}, encoding="utf-8", timeout=TIMEOUT,
    )  # fmt: skip
    child.expect(r"answer \(a–d\)> ")
    shown = child.before
    child.sendintr()
    child.expect(pexpect.EOF)
    template = shown[shown.index("class") - 20 : shown.index("(あ)") + 10]
    assert "\x1b[" in template  # Pygments' escapes around keywords and names
    plain = re.sub(r"\x1b\[[0-9;]*m", "", template)
    assert "def update(self, params, grads):" in plain
