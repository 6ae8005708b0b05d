"""`eprep quiz|stats|list` without a terminal: one answer per line, plain text, --json."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fsrs import Card, Rating, Scheduler

from eprep.quiz.paths import DB_FILENAME

from .conftest import FIXTURE_BANK, run_eprep

BANK = ["--bank", str(FIXTURE_BANK)]


def _letter(output: str, text: str) -> str:
    """The letter the quiz printed in front of the option `text`."""
    match = re.search(rf"^  ([a-z])\) {re.escape(text)}$", output, re.MULTILINE)
    assert match, f"option {text!r} not shown in:\n{output}"
    return match.group(1)


def _conv_height(values: dict) -> int:
    # OH = (H + 2P - F)/S + 1, by hand
    return (values["H"] + 2 * values["P"] - values["F"]) // values["S"] + 1


def test_plain_session_unreadable_then_eof(home: Path, fixture_bank) -> None:
    height = _conv_height(fixture_bank.get("qz.basics.output-height").variant(0).values)
    # first pass only to learn the option letters (they are shuffled per variant)
    probe = run_eprep(
        ["quiz", "qz.basics.relu-grad", *BANK, "--db", str(home / "probe.db")], home, ""
    )
    right = _letter(probe.stdout, "one")
    wrong = _letter(probe.stdout, "zero")
    stdin = f"zz\n{wrong}\nseven\n{height}\n"  # an unreadable letter, a wrong one, ...
    selection = ["qz.basics.relu-grad", "qz.basics.output-height", "qz.basics.dropout-derivation"]
    result = run_eprep(["quiz", *selection, *BANK], home, stdin)
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "\x1b[" not in out  # plain text without a terminal
    assert "unreadable answer: 'zz' is not an option" in out
    assert "Zero is the slope for negative inputs" in out  # the picked option's feedback
    assert f"key: {right}) one" in out
    assert "unreadable answer:" in out.split("[2/3]")[1]  # 'seven' is not a number
    assert out.count("✓ right") == 1 and out.count("✗ wrong") == 1
    assert "score: 1/2 (50%)" in out and "stopped early (2 of 3 answered, all saved)" in out
    conn = sqlite3.connect(home / DB_FILENAME)
    rows = conn.execute(
        "SELECT question_id, correct, rating, answer FROM reviews ORDER BY id"
    ).fetchall()
    assert rows == [
        ("qz.basics.relu-grad", 0, 1, f"{wrong}: zero"),
        ("qz.basics.output-height", 1, 4, str(height)),  # piped answers are instant: Easy
    ]


def test_json_results_and_known_numeric_mistake(home: Path, fixture_bank) -> None:
    values = fixture_bank.get("qz.basics.output-height").variant(0).values
    mistaken = (values["H"] + 2 * values["P"] - values["F"]) / values["S"]  # the +1 forgotten
    result = run_eprep(
        ["quiz", "qz.basics.output-height", *BANK, "--json"], home, f"{mistaken:g}\n"
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)  # stdout is only JSON; the session went to stderr
    assert "The +1 is missing" in result.stderr
    assert data["answered"] == 1 and data["right"] == 0 and not data["interrupted"]
    (entry,) = data["results"]
    assert entry["id"] == "qz.basics.output-height" and entry["rating"] == "Again"
    assert entry["feedback"].startswith("The +1 is missing")


def test_vanished_question_keeps_history_and_is_skipped(home: Path) -> None:
    run_eprep(["quiz", "qz.basics.relu-grad", *BANK], home, "a\n")
    conn = sqlite3.connect(home / DB_FILENAME)
    with conn:
        conn.execute(
            "UPDATE cards SET question_id = 'qz.basics.retired', due = '2000-01-01T00:00:00+00:00'"
        )
        conn.execute("UPDATE reviews SET question_id = 'qz.basics.retired'")
    result = run_eprep(["quiz", "qz", *BANK, "--due"], home, "")
    assert (  # the line is wrapped to 80 columns without a terminal
        "1 question(s) in your history are no longer in the bank (qz.basics.retired)"
        in " ".join(result.stdout.split())
    )
    assert "nothing due to study" in result.stdout
    assert conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 1
    stats = json.loads(run_eprep(["stats", "qz", *BANK, "--json"], home).stdout)
    assert stats["missing_from_bank"] == ["qz.basics.retired"]


def test_stats_and_list(home: Path, fixture_bank) -> None:
    height = _conv_height(fixture_bank.get("qz.basics.output-height").variant(0).values)
    probe = run_eprep(
        ["quiz", "qz.basics.relu-grad", *BANK, "--db", str(home / "probe.db")], home, ""
    )
    wrong = _letter(probe.stdout, "zero")
    run_eprep(["quiz", "qz.basics.relu-grad", "qz.basics.output-height", *BANK], home,
              f"{wrong}\n{height}\n")  # fmt: skip
    stats = json.loads(run_eprep(["stats", "qz", *BANK, "--json"], home).stdout)
    overall = stats["overall"]
    assert (overall["seen"], overall["total"], overall["reviews"], overall["right"]) == (2, 5, 2, 1)
    assert overall["accuracy"] == 0.5
    # Again puts a card minutes away; how far Easy puts a new card, fsrs itself says
    t = datetime(2026, 1, 1, tzinfo=UTC)
    easy = Scheduler(enable_fuzzing=False).review_card(Card(card_id=1, due=t), Rating.Easy, t)[0]
    assert overall["due_week"] == 1 + (easy.due - t <= timedelta(days=7))
    assert overall["due_now"] == 0
    assert stats["streak_days"] == 1
    (day,) = stats["days"]
    assert day["key"] == "qz" and day["topics"][0]["key"] == "qz.basics"
    text = run_eprep(["stats", "qz", *BANK], home).stdout
    assert re.search(r"^qz\s+█+·+\s+2/5\s+acc\s+50%", text, re.MULTILINE)
    assert "streak: 1 study day in a row" in text
    listing = run_eprep(["list", "qz", *BANK], home)
    assert listing.returncode == 0
    assert "qz.basics  Quiz fixture basics  (5)" in listing.stdout
    assert "qz.basics.sgd-code  [code]  SGD update" in listing.stdout
    assert listing.stdout.rstrip().endswith("5 questions")
    bad = run_eprep(["list", "nosuchday", *BANK], home)
    assert bad.returncode == 2 and "nosuchday" in bad.stderr


def test_stats_and_list_print_what_their_library_functions_return(home: Path, fixture_bank) -> None:
    """The commands are thin: they print progress_report / outline_report, nothing more."""
    from eprep.exam.progress import progress_report
    from eprep.quiz.stats import outline_report

    height = _conv_height(fixture_bank.get("qz.basics.output-height").variant(0).values)
    run_eprep(["quiz", "qz.basics.output-height", *BANK], home, f"{height}\n")
    db = home / DB_FILENAME
    for args, as_json in ((["stats", "qz"], False), (["stats", "qz", "--json"], True)):
        printed = run_eprep([*args, *BANK], home).stdout
        assert printed == progress_report(fixture_bank, ["qz"], db, "en", as_json) + "\n"
    assert (
        json.loads(progress_report(fixture_bank, ["qz"], db, as_json=True))["overall"]["seen"] == 1
    )
    for args, by_syllabus, as_json in (
        (["list", "qz"], False, False),
        (["list", "qz", "--by-syllabus"], True, False),
        (["list", "--by-syllabus", "--json"], True, True),
    ):
        selectors = [a for a in args[1:] if not a.startswith("--")]
        printed = run_eprep([*args, *BANK], home).stdout
        want = outline_report(fixture_bank, selectors, "en", by_syllabus, as_json)
        assert printed == want + "\n", args


def test_derivation_lines_until_empty_line(home: Path) -> None:
    start = "1/(1 - r) * ((1 - r)*y + r*0)"
    wrong = f"{start}\n= 1/(1 - r) * y\n= y\n\n"
    result = run_eprep(["quiz", "qz.basics.dropout-derivation", *BANK], home, wrong)
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "✗ wrong" in out and "✗ line 2: 1/(1 - r)*y" in out
    # the witness: at the printed point, line 2 and line 1 differ (checked here by hand)
    match = re.search(r"line 2 does not follow: with r=([\d.]+), y=([-\d.]+)", out)
    assert match, out
    r, y = float(match.group(1)), float(match.group(2))
    assert abs(1 / (1 - r) * y - y) > 1e-6
    right = f"{start}\n= 1/(1 - r) * (1 - r)*y\n= y\n"  # end of input also ends the derivation
    result = run_eprep(
        ["quiz", "qz.basics.dropout-derivation", *BANK, "--db", str(home / "b.db")], home, right
    )
    assert "✓ right" in result.stdout, result.stdout


def test_japanese_text_with_english_fallback(home: Path) -> None:
    result = run_eprep(["quiz", "qz.basics.relu-grad", *BANK, "--lang", "ja"], home, "")
    assert "ReLU の勾配" in result.stdout
    assert "x > 0 のとき d/dx max(0, x) は？" in result.stdout
    assert re.search(r"^  [a-d]\) one half$", result.stdout, re.MULTILINE)  # no ja text: English
