"""The bank cache never serves a stale bank; --bank and EPREP_BANK add folders."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from eprep.commands.options import load_bank_from_options
from eprep.questions import load_bank

GOOD = Path(__file__).parents[1] / "checker" / "verify_banks" / "good"


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("EPREP_CACHE_DIR", str(folder))
    monkeypatch.setenv("EPREP_CACHE", "1")
    return folder


def test_cache_is_used_and_invalidated_by_edits(tmp_path: Path, cache_dir: Path) -> None:
    bank_dir = tmp_path / "bank"
    shutil.copytree(GOOD, bank_dir)
    first = load_bank([bank_dir], bundled=False)
    assert len(list(cache_dir.glob("bank-*.pickle"))) == 1
    again = load_bank([bank_dir], bundled=False)
    assert [q.id for q in again.questions] == [q.id for q in first.questions]
    topic = bank_dir / "day2" / "t.toml"
    topic.write_text(
        topic.read_text(encoding="utf-8").replace('title.en = "T"', 'title.en = "Edited"', 1),
        encoding="utf-8",
    )
    edited = load_bank([bank_dir], bundled=False)
    assert edited.questions[0].title.get("en") == "Edited"
    assert len(list(cache_dir.glob("bank-*.pickle"))) == 2


def test_corrupt_cache_is_rebuilt(tmp_path: Path, cache_dir: Path) -> None:
    load_bank([GOOD], bundled=False)
    for path in cache_dir.glob("bank-*.pickle"):
        path.write_bytes(b"eprep-bank-cache-1 garbage")
    assert len(load_bank([GOOD], bundled=False)) == 5


def test_env_and_option_banks(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("EPREP_BUNDLED", "0")
    monkeypatch.setenv("EPREP_BANK", str(GOOD))
    assert len(load_bank_from_options()) == 5
    monkeypatch.setenv("EPREP_BANK", "")
    assert len(load_bank_from_options([str(GOOD)])) == 5
    monkeypatch.setenv("EPREP_BUNDLED", "1")
    assert len(load_bank_from_options([str(GOOD)])) == 5 + len(load_bank())
