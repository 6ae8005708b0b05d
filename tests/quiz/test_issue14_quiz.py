"""The quiz as a learner meets it (issue 14): precision and near misses, derivation input,
cards rated Again returning, --any, topics interleaved, ↑/↓ on the option line, Japanese
throughout. Terminal behaviour is tested in a pseudo-terminal; what the screen shows, with a
terminal emulator (pyte)."""

from __future__ import annotations

import io
import math
import re
import sqlite3
import sys
from datetime import timedelta
from pathlib import Path

import pexpect
import pyte

from eprep.quiz.messages import MESSAGES

from .conftest import FIXTURE_BANK, eprep_env, run_eprep

TIMEOUT = 60
BANK = ["--bank", str(FIXTURE_BANK)]
XAVIER = "day2.vanishing.xavier-std"  # the std of Xavier's initial weights for n inputs
DERIVATION = "qz.basics.dropout-derivation"  # start 1/(1 - r) * ((1 - r)*y + r*0), key y


def _spawn(args: list[str], home: Path, columns: int = 200) -> pexpect.spawn:
    return pexpect.spawn(
        sys.executable, ["-m", "eprep", *args, *BANK], env=eprep_env(home), encoding="utf-8",
        timeout=TIMEOUT, dimensions=(50, columns),
    )  # fmt: skip


def _reviews(home: Path) -> list[tuple]:
    conn = sqlite3.connect(home / "progress.sqlite3")
    try:
        return conn.execute(
            "SELECT question_id, correct, rating FROM reviews ORDER BY id"
        ).fetchall()
    finally:
        conn.close()


def _xavier_std() -> float:
    """Glorot and Bengio's std for n inputs, sqrt(1/n) (the paper, not the bank's formula)."""
    from eprep.questions import load_bank

    n = load_bank().get(XAVIER).variant(0).values["n"]  # the variant's parameter, not its key
    return math.sqrt(1 / n)


# --- numbers: the precision is stated, rounding is right, a near miss is no lapse ---------------


def test_numeric_prompt_states_precision_and_a_near_miss_is_not_a_lapse(home: Path) -> None:
    key = _xavier_std()
    child = _spawn(["quiz", XAVIER], home)
    child.expect(re.escape("answer (a number, 3 significant figures)> "))
    child.send(f"{key:.2g}\r")  # 0.083: two figures where three were asked
    child.expect("≈ close")
    child.expect(re.escape(f"close — rounding? the key is {key:.6g}"))
    child.expect(r"rating Hard — Enter keeps it")  # wrong, but not Again
    child.send("\r")
    child.expect("— session summary —")  # a Hard card does not come back in the session
    child.expect(pexpect.EOF)
    assert _reviews(home) == [(XAVIER, 0, 2)]


def test_an_answer_rounded_as_asked_is_right(home: Path) -> None:
    key = _xavier_std()
    result = run_eprep(["quiz", XAVIER, *BANK], home, f"{key:.3g}\n")
    assert "✓ right" in result.stdout, result.stdout
    assert "3 significant figures" in result.stdout


# --- derivations -------------------------------------------------------------------------------


def test_derivation_continues_from_the_start_and_a_bad_line_is_typed_again(home: Path) -> None:
    child = _spawn(["quiz", DERIVATION], home)
    child.expect("derivation> ")
    child.send("= 1/(1 - r) * (1 - r)*y\r")  # begins with '=': continues from the given start
    child.expect(r"… ")
    child.send("= (y\r")  # an unclosed parenthesis: only this line is typed again
    child.expect("line not read: line 2")
    child.expect(r"… ")
    child.send("= y\r")
    child.expect(r"… ")
    child.send("\r")
    child.expect("✓ right")
    child.expect(re.escape("✓ start: "))
    child.expect(re.escape("✓ line 1: "))
    child.expect(re.escape("✓ line 2: y"))
    child.expect(r"rating \w+ — Enter keeps it")
    child.send("\r")
    child.expect("— session summary —")
    child.expect(pexpect.EOF)
    assert _reviews(home)[0][:2] == (DERIVATION, 1)


def test_derivation_feedback_explains_every_failing_line(home: Path) -> None:
    lines = "1/(1 - r) * ((1 - r)*y + r*0)\n= 2*y\n= 3*y\n\n"
    out = run_eprep(["quiz", DERIVATION, *BANK], home, lines).stdout
    assert "✗ wrong" in out
    assert "line 2 does not follow" in out and "line 3 does not follow" in out


def test_one_line_alone_derives_nothing(home: Path, tmp_path: Path) -> None:
    out = run_eprep(["quiz", DERIVATION, *BANK], home, "y\n\n").stdout  # the key, no steps
    assert "✗ wrong" in out and "nothing is derived" in out
    only = tmp_path / "x.txt"
    only.write_text("x\n", encoding="utf-8")
    result = run_eprep(["derive", str(only)], home)
    assert result.returncode == 1
    assert "every step holds" not in result.stdout and "nothing is derived" in result.stdout


def test_derive_shares_the_checker(home: Path, tmp_path: Path) -> None:
    steps = tmp_path / "d.txt"
    steps.write_text("x + x\n= 3*x\n= 4*x\n= 4*x\n", encoding="utf-8")
    result = run_eprep(["derive", str(steps)], home)
    assert result.returncode == 1
    assert "line 2 does not follow" in result.stdout and "line 3 does not follow" in result.stdout
    assert "line 4 does not follow" not in result.stdout
    cont = tmp_path / "c.txt"
    cont.write_text("= 2*x\n", encoding="utf-8")
    result = run_eprep(["derive", str(cont), "--start", "x + x"], home)
    assert result.returncode == 0 and "every step holds" in result.stdout, result.stdout


# --- spaced repetition -------------------------------------------------------------------------


def _letters(text: str) -> dict[str, str]:
    return {t: letter for letter, t in re.findall(r"([a-d])\) (.+?)\r?\n", text)}


def test_a_card_rated_again_returns_in_the_same_session(home: Path) -> None:
    child = _spawn(["quiz", "qz.basics.relu-grad"], home)
    child.expect(r"answer \(a–d\)> ")
    child.send(_letters(child.before)["zero"])
    child.send("\r")
    child.expect("✗ wrong")
    child.expect("rating Again — Enter keeps it")
    child.send("\r")
    child.expect("rated Again · next review in 1 min")
    child.expect(re.escape("[again] Gradient of ReLU"))
    child.expect(r"answer \(a–d\)> ")
    child.send(_letters(child.before)["one"] + "\r")
    child.expect("✓ right")
    child.expect(r"rating \w+ — Enter keeps it")
    child.send("\r")
    child.expect("— session summary —")
    child.expect(re.escape("score: 1/2"))
    child.expect(pexpect.EOF)
    assert [(q, c) for q, c, _ in _reviews(home)] == [
        ("qz.basics.relu-grad", 0), ("qz.basics.relu-grad", 1),
    ]  # fmt: skip


def test_any_drills_a_question_that_is_not_due(home: Path) -> None:
    first = run_eprep(["quiz", "qz.basics.relu-grad", *BANK], home, "")
    right = _letters(first.stdout.replace("\n", "\r\n"))["one"]
    run_eprep(["quiz", "qz.basics.relu-grad", *BANK], home, f"{right}\n")
    again = run_eprep(["quiz", "qz.basics.relu-grad", *BANK], home, "")
    assert "nothing due or new" in again.stdout and "--any" in again.stdout
    drilled = run_eprep(["quiz", "qz.basics.relu-grad", "--any", *BANK], home, "")
    assert "[1/1] Gradient of ReLU" in drilled.stdout
    assert "not due (drilled with --any)" in drilled.stdout


def test_new_questions_are_interleaved_and_day2_reaches_derivations(home: Path) -> None:
    from eprep.questions import load_bank
    from eprep.quiz.plan import plan_session
    from eprep.quiz.scheduling import utcnow
    from eprep.quiz.store import CardRow

    questions = load_bank().select(["day2"])
    topics = {(q.day, q.topic) for q in questions}
    plan = plan_session(questions, {}, utcnow(), count=len(topics))
    assert len({(p.question.day, p.question.topic) for p in plan}) == len(topics)
    # `eprep quiz day2` session after session (10 each): the least-seen topics come first, so
    # derivations are reached within as many sessions as it takes to visit every topic once
    cards: dict = {}
    reached = False
    for _session in range(-(-len(topics) // 10)):
        plan = plan_session(questions, cards, utcnow(), count=10)
        reached = reached or any(p.question.topic == "derivations" for p in plan)
        future = utcnow() + timedelta(days=3)  # answered: not due, not new any more
        cards.update({p.question.id: CardRow(0, p.question.id, future, 1, 0, "{}") for p in plan})
    assert reached


# --- ↑/↓ marks the option line -----------------------------------------------------------------


def test_arrow_keys_mark_the_option_line_itself(home: Path) -> None:
    screen = pyte.Screen(120, 40)
    stream = pyte.Stream(screen)
    child = pexpect.spawn(
        sys.executable, ["-m", "eprep", "quiz", "qz.basics.relu-grad", *BANK],
        env=eprep_env(home), encoding="utf-8", timeout=TIMEOUT, dimensions=(40, 120),
    )  # fmt: skip
    child.expect(r"answer \(a–d\)> ")
    stream.feed(child.before + child.after)
    child.send("\x1b[B")  # ↓: the first option
    child.expect(r"answer \(a–d\)> a\)")
    stream.feed(child.before + child.after)
    lines = [line.rstrip() for line in screen.display]
    options = [line for line in lines if re.match(r"^(›| ) [a-d]\) ", line)]
    assert len(options) == 4, lines
    assert options[0].startswith("› a) ") and all(o.startswith("  ") for o in options[1:])
    child.send("\x1b[B")  # ↓ again: the mark moves to b)
    child.expect(r"answer \(a–d\)> b\)")
    stream.feed(child.before + child.after)
    lines = [line.rstrip() for line in screen.display]
    options = [line for line in lines if re.match(r"^(›| ) [a-d]\) ", line)]
    assert [o[:4] for o in options] == ["  a)", "› b)", "  c)", "  d)"], lines
    child.sendintr()
    child.expect(pexpect.EOF)


# --- Japanese throughout -----------------------------------------------------------------------


def _english_fragments() -> set[str]:
    """Words of every English interface line in the catalogue (placeholders removed)."""
    words: set[str] = set()
    for text in MESSAGES["en"].values():
        plain = re.sub(r"\{[^}]*\}|%[A-Za-z]", " ", text)
        words.update(
            w for w in re.findall(r"[A-Za-z]{3,}", plain) if w not in ("eprep", "quiz", "Enter")
        )  # a key's name
    return words


def test_a_japanese_session_shows_no_english_interface_text(home: Path) -> None:
    key = _xavier_std()
    child = _spawn(["quiz", XAVIER, "day2.vanishing.he-std", "--lang", "ja"], home)
    child.logfile_read = seen = io.StringIO()  # the whole transcript
    child.expect(re.escape("解答（数値、有効数字3桁）> "))
    child.send(f"{key:.2g}\r")  # a near miss
    child.expect(r"評価 \S+ — Enter でそのまま")
    child.send("\r")
    child.expect(re.escape("解答（数値、有効数字3桁）> "))
    child.send("12345\r")  # wrong: it comes back at the end
    child.expect(r"評価 \S+ — Enter でそのまま")
    child.send("\r")
    child.expect(re.escape("[再出題]"))
    child.expect(re.escape("解答（数値、有効数字3桁）> "))
    child.sendintr()
    child.expect("— セッションの結果 —")
    child.expect(pexpect.EOF)
    transcript = seen.getvalue()
    assert "惜しい" in transcript and "再出題" in transcript and "正答: " in transcript
    # interface lines only: the question text, formulas and ids are the bank's, not ours
    interface = "\n".join(
        line for line in transcript.splitlines()
        if not re.search(r"day2\.|[=√σ]|^\s*[a-d]\)", line)
    )  # fmt: skip
    leaked = sorted(w for w in _english_fragments() if re.search(rf"\b{w}\b", interface))
    assert not leaked, (leaked, interface)


def test_numeric_hints_speak_the_session_language() -> None:
    from eprep.checker.kinds.numeric import numeric_diagnosis

    assert numeric_diagnosis(-2.0, 2.0, "ja") == "符号が逆"
    assert numeric_diagnosis(6.0, 2.0, "ja") == "正解の 3 倍になっている"
    assert numeric_diagnosis(6.0, 2.0) == "yours is 3 times the key"


def test_a_line_after_a_typo_that_follows_from_the_last_right_line_is_pointed_out(
    home: Path, tmp_path: Path
) -> None:
    steps = tmp_path / "typo.txt"
    steps.write_text("x + x\n= 3*x\n= 2*x\n= 2*x\n", encoding="utf-8")  # line 2 is the slip
    out = run_eprep(["derive", str(steps)], home).stdout
    assert "line 3 does not follow" in out and "(it does equal line 1" in out
    assert "✓ line 4" in out and "line 4 does not follow" not in out
    quiz = run_eprep(["quiz", DERIVATION, *BANK], home, "= 2*y\n= y\n\n").stdout
    assert "line 2 does not follow" in quiz and "(it does equal the start" in quiz, quiz
