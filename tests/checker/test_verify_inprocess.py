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


def _with_probe(tmp_path: Path, probe_name: str):
    """The `good` bank with its conv question's probe replaced by `probe_name`."""
    import shutil

    shutil.copytree(HERE / "verify_banks" / "good", tmp_path / "bank")
    topic = tmp_path / "bank" / "day2" / "t.toml"
    text = topic.read_text(encoding="utf-8")
    assert text.count('probe = "test_conv_height"') == 1
    topic.write_text(text.replace("test_conv_height", probe_name), encoding="utf-8")
    return load_bank([tmp_path / "bank"], bundled=False).questions


@pytest.mark.parametrize("workers", [1, 2])
def test_a_worker_that_dies_fails_only_its_question(tmp_path: Path, workers: int) -> None:
    questions = _with_probe(tmp_path, "test_kills_its_worker")
    report = verify_questions(questions, 2, workers=workers, code_timeout=1)
    failed = {r.id: [f.reason for f in r.failures] for r in report.results if r.failures}
    assert list(failed.values()) == [["the process verifying it died (killed, or out of memory)"]]
    assert len(report.results) == len(questions)  # every question reported, in bank order
    assert [r.id for r in report.results] == [q.id for q in questions]


def test_a_probe_gets_the_memory_limit_of_code_options(tmp_path: Path) -> None:
    questions = _with_probe(tmp_path, "test_memory_hog")
    report = verify_questions(questions, 1, workers=2, code_timeout=1)
    reasons = [f.reason for r in report.results for f in r.failures]
    assert reasons and all("MemoryError" in reason for reason in reasons), reasons
