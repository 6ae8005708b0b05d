"""Where the progress database lives: --db, then EPREP_HOME, then the platform's data folder."""

from __future__ import annotations

from pathlib import Path

import platformdirs
import pytest

from eprep.quiz.paths import DB_FILENAME, database_path


def test_precedence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("EPREP_HOME", raising=False)
    default = Path(platformdirs.user_data_dir("eprep", appauthor=False)) / DB_FILENAME
    assert database_path() == default
    monkeypatch.setenv("EPREP_HOME", str(tmp_path / "home"))
    assert database_path() == tmp_path / "home" / DB_FILENAME
    assert database_path(tmp_path / "x.db") == tmp_path / "x.db"  # --db wins over EPREP_HOME


def test_session_is_recorded_with_its_selectors(tmp_path: Path) -> None:
    from .conftest import FIXTURE_BANK, run_eprep

    run_eprep(["quiz", "qz.basics.relu-grad", "--bank", str(FIXTURE_BANK)], tmp_path, "a\n")
    import sqlite3

    conn = sqlite3.connect(tmp_path / DB_FILENAME)
    ((selectors, started, ended),) = conn.execute(
        "SELECT selectors, started_at, ended_at FROM sessions"
    ).fetchall()
    assert selectors == "qz.basics.relu-grad" and started <= ended
    assert conn.execute("SELECT session_id FROM reviews").fetchall() == [(1,)]
