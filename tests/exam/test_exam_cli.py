"""`eprep exam` end to end with piped input: answer, flag, change, stop, --resume, the report."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

SEED = 12


def run_exam(home: Path, lines: list[str], *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "EPREP_HOME": str(home), "EPREP_BANK": "", "EPREP_CACHE": "0"}
    env.pop("EPREP_SYLLABUS", None)
    return subprocess.run(
        [sys.executable, "-m", "eprep", "exam", *args],
        input="".join(line + "\n" for line in lines),
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def the_paper():
    """The paper seed 12 draws, and each item's correct letters (from its exam item)."""
    from eprep.checker.exam import exam_item
    from eprep.checker.kinds.base import LETTERS
    from eprep.exam.paper import draw_paper, load_weights
    from eprep.questions import load_bank
    from eprep.questions.syllabus import current

    bank = load_bank()
    paper = draw_paper(bank.questions, current(), load_weights(current()), 10, SEED)
    keys = {}
    for entry in paper.items:
        item = exam_item(bank.get(entry.question_id).variant(entry.variant, exam=True))
        keys[entry.number] = "".join(LETTERS[g.correct] for g in item.groups)
    return bank, paper, keys


def wrong(key: str) -> str:
    return "".join("b" if letter == "a" else "a" for letter in key)


def test_sit_stop_resume_and_the_report(tmp_path: Path) -> None:
    _, paper, keys = the_paper()
    assert len(paper.items) == 10
    # items 1-4: right, wrong, right, wrong; item 5 flagged, skipped; item 1 changed to wrong;
    # then input ends (the terminal closes) on item 2.
    first = [keys[1], wrong(keys[2]), keys[3], wrong(keys[4]), "f", "", "1", wrong(keys[1])]
    stopped = run_exam(tmp_path, first, "--count", "10", "--seed", str(SEED))
    assert stopped.returncode == 0, stopped.stderr
    assert "--resume" in stopped.stdout and "Score" not in stopped.stdout
    assert "time left 1:59:" in stopped.stdout and "Item 5/10" in stopped.stdout
    # the resumed paper opens on the first unanswered item (5), still flagged
    rest = ["5", keys[5], keys[6], wrong(keys[7]), "", keys[9], "s", "y"]  # 8 and 10 left out
    done = run_exam(tmp_path, rest, "--resume", "--json")
    assert done.returncode == 0, done.stderr
    assert "Item 5/10   time left 1:5" in done.stderr and "[flagged]" in done.stderr
    report = json.loads(done.stdout)
    # by hand: right = 3, 5, 6, 9; wrong = 1 (changed), 2, 4, 7; unanswered = 8, 10
    right = {3, 5, 6, 9}
    assert report["right"] == 4 and report["unanswered"] == 2
    assert report["missed"] == [1, 2, 4, 7, 8, 10]
    expected: dict[str, list[int]] = {}
    for entry in paper.items:
        counts = expected.setdefault(entry.area, [0, 0])
        counts[0] += entry.number in right
        counts[1] += 1
    assert {a["id"]: [a["right"], a["items"]] for a in report["areas"]} == expected
    # nothing lost: every given answer is in the database, the wrong ones are lapses
    db = sqlite3.connect(tmp_path / "progress.sqlite3")
    rows = dict(db.execute("SELECT item, answer FROM exam_answers WHERE answer != ''"))
    assert rows == {
        1: wrong(keys[1]), 2: wrong(keys[2]), 3: keys[3], 4: wrong(keys[4]),
        5: keys[5], 6: keys[6], 7: wrong(keys[7]), 9: keys[9],
    }  # fmt: skip
    lapses = [r[0] for r in db.execute("SELECT question_id FROM reviews WHERE rating = 1")]
    assert sorted(lapses) == sorted(paper.items[n - 1].question_id for n in (1, 2, 4, 7))
    assert db.execute("SELECT count(*) FROM exams WHERE submitted_at IS NULL").fetchone() == (0,)
    again = run_exam(tmp_path, [], "--resume")
    assert again.returncode == 2 and "no unfinished exam to resume" in again.stderr

    (past,) = json.loads(run_exam(tmp_path, [], "--history", "--json").stdout)
    assert (past["right"], past["items"]) == (4, 10)
    assert {a: [s["right"], s["items"]] for a, s in past["areas"].items()} == expected
    chart = run_exam(tmp_path, [], "--history", "--lang", "ja").stdout.splitlines()
    assert chart[0] == "模擬試験 1 回"
    assert chart[1] == "  ▄   40.0%  合計"  # 40 % is the fourth of eight bars
    env = {**os.environ, "EPREP_HOME": str(tmp_path), "EPREP_BANK": "", "EPREP_CACHE": "0"}
    stats = subprocess.run(
        [sys.executable, "-m", "eprep", "stats", "--json"], capture_output=True, text=True, env=env
    )
    assert json.loads(stats.stdout)["exams"] == [past]


def test_time_running_out_submits_what_was_answered(tmp_path: Path) -> None:
    from eprep.quiz.store import Store

    _, _, keys = the_paper()
    run_exam(tmp_path, [keys[1]], "--count", "10", "--seed", str(SEED), "--minutes", "1")
    with Store.open(tmp_path / "progress.sqlite3") as store:  # pretend the minute went by
        exam = store.unfinished_exam()
        store.set_exam_elapsed(exam.id, 60_000)
    done = run_exam(tmp_path, [keys[2]], "--resume", "--json")
    assert "Time is up" in done.stderr
    report = json.loads(done.stdout)
    assert report["right"] == 1 and report["unanswered"] == 9  # item 2's late answer not counted
