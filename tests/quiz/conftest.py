"""Shared helpers for the quiz tests: the fixture bank and running the real `eprep` process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURE_BANK = Path(__file__).parent / "fixtures" / "bank"


def eprep_env(home: Path) -> dict[str, str]:
    """Environment for an `eprep` subprocess: its own EPREP_HOME, no colour, no user banks."""
    env = {k: v for k, v in os.environ.items() if k not in ("EPREP_BANK", "NO_COLOR")}
    env["EPREP_HOME"] = str(home)
    env["NO_COLOR"] = "1"
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def run_eprep(
    args: list[str], home: Path, stdin: str = "", timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run `python -m eprep ARGS` with piped stdin (so: without a terminal)."""
    return subprocess.run(
        [sys.executable, "-m", "eprep", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=eprep_env(home),
        timeout=timeout,
    )


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture(scope="session")
def fixture_bank():
    """The fixture bank, loaded (bundled bank included, as the CLI loads it)."""
    from eprep.questions import load_bank

    return load_bank([FIXTURE_BANK])
