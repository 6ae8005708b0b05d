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


class _Payload:
    """Unpickling this runs `os.system` on a command that leaves a marker file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        import os

        return (os.system, (f"touch {self.marker}",))


def test_a_planted_pickle_never_runs(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pickle

    from eprep.questions import cache

    monkeypatch.setenv("EPREP_HOME", str(tmp_path / "home"))
    load_bank([GOOD], bundled=False)
    [written] = cache_dir.glob("bank-*.pickle")
    key_file = tmp_path / "home" / cache.KEY_FILENAME
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert not key_file.is_relative_to(cache_dir)
    marker = tmp_path / "ran"
    evil = pickle.dumps(_Payload(marker))
    head_length = len(cache._FORMAT) + 64  # format tag + the full sha256 key in hex
    original = written.read_bytes()
    # A planted pickle: unsigned, with a forged (all-zero) signature, or a signature made
    # under another key; each must be ignored, rebuilt, and never unpickled.
    key = original[len(cache._FORMAT) : head_length].decode()
    for mac in (b"", b"\0" * 32, cache._sign(b"k" * 32, key, evil)):
        written.write_bytes(original[:head_length] + mac + evil)
        assert len(load_bank([GOOD], bundled=False)) == 5
        assert not marker.exists()
        assert written.read_bytes() != original[:head_length] + mac + evil  # rebuilt
    # The real key signs it: the check is what stops the payload (proof that it would run).
    secret = key_file.read_bytes()
    written.write_bytes(original[:head_length] + cache._sign(secret, key, evil) + evil)
    cache.read(key)
    assert marker.exists()


def test_no_cache_when_the_key_is_not_private(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from eprep.questions import cache

    monkeypatch.setenv("EPREP_HOME", str(tmp_path / "home"))
    assert cache.signing_key() is not None
    (tmp_path / "home" / cache.KEY_FILENAME).chmod(0o644)
    assert cache.signing_key() is None
    assert len(load_bank([GOOD], bundled=False)) == 5
    assert not list(cache_dir.glob("bank-*.pickle"))


def test_toml_nested_too_deeply_is_a_clean_error(tmp_path: Path) -> None:
    import subprocess
    import sys

    day = tmp_path / "bank" / "day2"
    day.mkdir(parents=True)
    (day / "deep.toml").write_text("x = " + "[" * 100_000 + "]" * 100_000 + "\n")
    result = subprocess.run(
        [sys.executable, "-m", "eprep", "list", "--bank", str(tmp_path / "bank")],
        capture_output=True,
        text=True,
        timeout=60,
        env={**__import__("os").environ, "EPREP_BUNDLED": "0", "EPREP_CACHE": "0"},
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip() == (
        f"eprep: error: {day / 'deep.toml'}:1: "
        "TOML nested too deeply (arrays or tables inside each other)"
    )
