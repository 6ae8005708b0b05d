"""Faults around the progress database: nothing given is lost, every error is one line, exit 2.

- a kill at the rating prompt (SIGKILL, SIGHUP, SIGTERM): the answer is already recorded with
  the proposed rating; a rating changed afterwards reschedules the card as fsrs would;
- a read-only database file, and a read-only folder around a healthy database: "no write
  permission", not "corrupt";
- a full disk at start and in the middle of a session, on a real tmpfs of a few hundred kB
  where this process may mount one (root), else with the SQLite error injected at the write.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pexpect
import pytest
from fsrs import Card, Rating, Scheduler

from eprep.quiz.store import DatabaseFileError, Store

from .conftest import FIXTURE_BANK, eprep_env, run_eprep

BANK = ["--bank", str(FIXTURE_BANK)]
CHOICE = "qz.basics.relu-grad"  # a choice question: "one" is the right option
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _rows(db: Path) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT question_id, rating, auto_rating FROM reviews").fetchall()
    finally:
        conn.close()


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGHUP, signal.SIGTERM])
def test_killed_at_the_rating_prompt_keeps_the_answer(home: Path, signum: int) -> None:
    child = pexpect.spawn(
        sys.executable, ["-m", "eprep", "quiz", CHOICE, *BANK],
        env=eprep_env(home), encoding="utf-8", timeout=60, dimensions=(50, 200),
    )  # fmt: skip
    child.expect(r"answer \(a–d\)> ")
    letter = next(line[2] for line in child.before.splitlines() if line.endswith(") one"))
    child.send(letter)
    child.send("\r")
    child.expect("✓ right")
    child.expect(r"rating (\w+) — Enter keeps it")
    proposed = child.match.group(1)
    child.kill(signum)
    child.expect(pexpect.EOF)
    child.close()
    rows = _rows(home / "progress.sqlite3")
    expected = {"Again": 1, "Hard": 2, "Good": 3, "Easy": 4}[proposed]
    assert rows == [(CHOICE, expected, expected)]


def test_a_changed_rating_reschedules_as_fsrs_does(tmp_path: Path) -> None:
    with Store.open(tmp_path / "p.db") as store:
        first = store.record_review(
            question_id="q", variant=0, kind="choice", answer="a", correct=True, rating=4,
            auto_rating=4, duration_ms=1500, now=T0,
        )  # fmt: skip
        changed = store.change_rating(first.review_id, 1)
        (review,) = store.reviews("q")
        card = store.cards()["q"]
    scheduler = Scheduler(enable_fuzzing=False)
    oracle, _ = scheduler.review_card(
        Card(card_id=json.loads(review.card_before)["card_id"], due=T0),
        Rating.Again,
        review_datetime=T0,
        review_duration=1500,
    )
    assert review.rating == 1 and review.auto_rating == 4
    assert card.due == changed.due == oracle.due
    assert card.lapses == 1 and card.reps == 1
    assert changed.due < first.due  # Again comes back sooner than Easy


def test_a_rating_typed_at_the_prompt_replaces_the_recorded_one(home: Path) -> None:
    child = pexpect.spawn(
        sys.executable, ["-m", "eprep", "quiz", CHOICE, *BANK],
        env=eprep_env(home), encoding="utf-8", timeout=60, dimensions=(50, 200),
    )  # fmt: skip
    child.expect(r"answer \(a–d\)> ")
    letter = next(line[2] for line in child.before.splitlines() if line.endswith(") one"))
    child.send(letter + "\r")
    child.expect(r"rating (\w+) — Enter keeps it")
    proposed = {"Again": 1, "Hard": 2, "Good": 3, "Easy": 4}[child.match.group(1)]
    other = 2 if proposed != 2 else 3
    child.send(str(other))
    child.expect("rated ")
    child.expect(pexpect.EOF)
    child.close()
    assert _rows(home / "progress.sqlite3") == [(CHOICE, other, proposed)]


# --- read-only file and folder, full disk ----------------------------------------------------


def _can_mount() -> bool:
    return (
        os.geteuid() == 0
        and sys.platform.startswith("linux")
        and bool(subprocess.run(["which", "mount"], capture_output=True).stdout)
    )


@contextlib.contextmanager
def tmpfs(folder: Path, size_kb: int):
    """A tmpfs of `size_kb` at `folder`, unmounted afterwards (skip where it cannot be made)."""
    folder.mkdir(parents=True, exist_ok=True)
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_kb}k,mode=0755", "tmpfs", str(folder)],
        capture_output=True,
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def _read_only(path: Path):
    """Make `path` (a file or folder) read-only even for root: a read-only bind mount."""
    subprocess.run(["mount", "--bind", str(path), str(path)], check=True)
    subprocess.run(["mount", "-o", "remount,bind,ro", str(path)], check=True)
    return path


def _answer_once(home: Path, db: Path) -> subprocess.CompletedProcess[str]:
    """Answer the choice question right, in a session of its own."""
    probe = run_eprep(["quiz", CHOICE, *BANK, "--db", str(home / "letters.db")], home, "")
    letter = next(line[2] for line in probe.stdout.splitlines() if line.endswith(") one"))
    return run_eprep(["quiz", CHOICE, *BANK, "--db", str(db)], home, f"{letter}\n")


def _answer_another(home: Path, db: Path) -> subprocess.CompletedProcess[str]:
    """A session with a question not answered yet (so it has something to write)."""
    return run_eprep(["quiz", "qz.basics.output-height", *BANK, "--db", str(db)], home, "7\n")


def _one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


needs_root_mounts = pytest.mark.skipif(not _can_mount(), reason="needs root to mount")


@needs_root_mounts
def test_read_only_database_file(home: Path, tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite3"
    assert _answer_once(home, db).returncode == 0
    before = db.read_bytes()
    _read_only(db)
    try:
        line = _one_line_error(_answer_another(home, db))
        assert line.startswith(f"eprep: error: {db}: ") and "no write permission" in line, line
        assert "corrupt" not in line
        assert db.read_bytes() == before
    finally:
        subprocess.run(["umount", "-l", str(db)], capture_output=True)
    assert len(_rows(db)) == 1


@needs_root_mounts
def test_read_only_folder_with_a_healthy_database(home: Path, tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    db = folder / "p.sqlite3"
    assert _answer_once(home, db).returncode == 0
    _read_only(folder)
    try:
        line = _one_line_error(_answer_another(home, db))
        assert "no write permission" in line and "corrupt" not in line, line
        assert "move it aside" not in line
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)
    assert len(_rows(db)) == 1


def _fill(folder: Path) -> None:
    """Use up every free byte of the file system at `folder`."""
    with contextlib.suppress(OSError), (folder / "filler").open("wb") as out:
        while True:
            out.write(b"\0" * 4096)
            out.flush()


@needs_root_mounts
def test_full_disk_at_start(home: Path, tmp_path: Path) -> None:
    with tmpfs(tmp_path / "small", 256) as folder:
        _fill(folder)
        line = _one_line_error(_answer_once(home, folder / "p.sqlite3"))
        assert "the disk is full" in line, line


@needs_root_mounts
def test_full_disk_in_the_middle_of_a_session(home: Path, tmp_path: Path) -> None:
    """Answer one question, fill the disk at the next prompt: the first answer stays."""
    with tmpfs(tmp_path / "small", 512) as folder:
        db = folder / "p.sqlite3"
        child = pexpect.spawn(
            sys.executable,
            ["-m", "eprep", "quiz", CHOICE, "qz.basics.output-height", *BANK, "--db", str(db)],
            env=eprep_env(home), encoding="utf-8", timeout=60, dimensions=(50, 200),
        )  # fmt: skip
        child.expect(r"answer \(a–d\)> ")
        letter = next(line[2] for line in child.before.splitlines() if line.endswith(") one"))
        child.send(letter + "\r")
        child.expect("rating")
        child.send("\r")
        child.expect(r"answer \(a number\)> ")
        _fill(folder)
        child.send("7\r")
        child.expect(pexpect.EOF)
        child.close()
        output = child.before
        assert child.exitstatus == 2, output
        assert "Traceback" not in output
        assert "the disk is full" in output and "answers already given are saved" in output
        (folder / "filler").unlink()
        assert _rows(db)[0][0] == CHOICE


class _FailingConnection:
    """A connection whose review inserts fail with `error`, as SQLite's would."""

    def __init__(self, conn: sqlite3.Connection, error: sqlite3.Error) -> None:
        self.conn, self.error = conn, error

    def __getattr__(self, name: str):
        return getattr(self.conn, name)

    def execute(self, sql: str, *args):
        if sql.startswith("INSERT INTO reviews"):
            raise self.error
        return self.conn.execute(sql, *args)


def test_injected_full_disk_and_read_only_errors_are_one_line(tmp_path: Path, monkeypatch) -> None:
    """Where no tmpfs can be mounted: the SQLite errors a full disk and a read-only file raise,
    injected at the write, give the same messages, and the earlier review stays."""
    path = tmp_path / "p.db"
    with Store.open(path) as store:
        store.record_review(
            question_id="q", variant=0, kind="choice", answer="a", correct=True, rating=3,
            auto_rating=3, duration_ms=1500, now=T0,
        )  # fmt: skip
        for message, code, expected in [
            ("database or disk is full", "SQLITE_FULL", "the disk is full"),
            ("attempt to write a readonly database", "SQLITE_READONLY", "read-only"),
        ]:
            error = sqlite3.OperationalError(message)
            error.sqlite_errorname = code
            original = store._conn
            store._conn = _FailingConnection(original, error)
            try:
                with pytest.raises(DatabaseFileError) as caught:
                    store.record_review(
                        question_id="q", variant=1, kind="choice", answer="b", correct=True,
                        rating=3, auto_rating=3, duration_ms=1500, now=T0 + timedelta(days=3),
                    )  # fmt: skip
            finally:
                store._conn = original
            text = str(caught.value)
            assert expected in text and "\n" not in text and "answers already given" in text
        assert [r.variant for r in store.reviews("q")] == [0]  # the failed one rolled back
