"""verify_questions in this process (one worker, then a forked pool) with probes registered here."""

from __future__ import annotations

from pathlib import Path

import pytest

from eprep.checker.verify import load_probe_files, verify_questions
from eprep.questions import load_bank

HERE = Path(__file__).parent
load_probe_files([HERE / "verify_probes.py"])


@pytest.fixture(autouse=True)
def _private_bank_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EPREP_CACHE", "0")


def bank(name: str):
    return load_bank([HERE / "verify_banks" / name], bundled=False)


def test_one_worker_and_two_workers_agree() -> None:
    questions = bank("good").questions
    single = verify_questions(questions, 2, workers=1, code_timeout=1)
    pooled = verify_questions(questions, 2, workers=2, code_timeout=1)
    assert single.workers == 1 and pooled.workers == 2
    assert [r.id for r in pooled.results] == [q.id for q in questions]  # bank order kept
    assert (
        single.summary()
        == pooled.summary()
        == "verified 5 questions (3 identity, 2 exact, 5 engine), 7 variants, 0 failed"
    )


def test_failures_name_question_variant_and_check() -> None:
    report = verify_questions(bank("secret_distractor").questions, 1, workers=1)
    (result,) = report.results
    assert {(f.variant, f.check) for f in result.failures} == {(0, "symbolic"), (0, "engine")}
    assert report.failed == 1


def test_unknown_probe_fails_every_variant(tmp_path: Path) -> None:
    source = (HERE / "verify_banks" / "wrong_key" / "day2" / "t.toml").read_text(encoding="utf-8")
    (tmp_path / "day2").mkdir()
    (tmp_path / "day2" / "t.toml").write_text(
        source.replace("test_conv_height", "no_such_probe"), encoding="utf-8"
    )
    report = verify_questions(load_bank([tmp_path], bundled=False).questions, 3, workers=1)
    engine = [f for f in report.results[0].failures if f.check == "engine"]
    assert [f.variant for f in engine] == [0, 1, 2]
    assert all("no probe named 'no_such_probe'" in f.reason for f in engine)
