"""`eprep verify` through the real CLI on tiny banks: a sound bank passes; a wrong key, a secretly
correct distractor, a mistake equal to the key and a code distractor that passes are all caught.

The probes live in verify_probes.py (loaded with EPREP_PROBE_FILES) and compute the truth
independently (window counting, central differences written there).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

HERE = Path(__file__).parent
BANKS = HERE / "verify_banks"
PROBES = HERE / "verify_probes.py"


def verify(bank: str, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "EPREP_BUNDLED": "0",
        "EPREP_BANK": "",
        "EPREP_CACHE": "0",
        "EPREP_PROBE_FILES": str(PROBES),
    }
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "eprep",
            "verify",
            "--bank",
            str(BANKS / bank),
            "--timeout",
            "10",  # nothing here loops: the limit need only let sound code end under load
            *args,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


# Every verification run of this module, started together (each is a separate `eprep verify`).
RUNS = {
    "good": ("good", "--variants", "4", "--workers", "2"),
    "wrong_key": ("wrong_key", "--variants", "3"),
    "secret_distractor": ("secret_distractor",),
    "mistake_is_key": ("mistake_is_key", "--variants", "2"),
    "code_distractor_passes": ("code_distractor_passes", "--json"),
}


@pytest.fixture(scope="module")
def runs() -> dict[str, subprocess.CompletedProcess]:
    with ThreadPoolExecutor(max_workers=len(RUNS)) as pool:
        futures = {name: pool.submit(verify, *args) for name, args in RUNS.items()}
        return {name: future.result() for name, future in futures.items()}


def failure_lines(output: str) -> list[str]:
    return [line.strip() for line in output.splitlines() if line.startswith("  day2.")]


def test_sound_bank_verifies_with_two_workers(runs) -> None:
    result = runs["good"]
    assert result.returncode == 0, result.stdout + result.stderr
    # conv-height and power have parameters (4 variants each); the choice, derivation and
    # code questions have none (1 each): 5 questions, 11 variants. The window count and the
    # code are proven exactly (a floor; a run), the three calculus keys as identities.
    assert (
        result.stdout.rstrip().splitlines()[-1]
        == "verified 5 questions (3 identity, 2 exact, 5 engine), 11 variants, 0 failed"
    )
    assert failure_lines(result.stdout) == []


def test_wrong_key_fails_every_variant_in_every_check(runs) -> None:
    result = runs["wrong_key"]
    assert result.returncode == 1
    assert (
        result.stdout.rstrip().splitlines()[-1]
        == "verified 1 questions (0 identity, 0 exact, 0 engine), 3 variants, 3 failed"
    )
    # (the exam-format check also fails: a mistake equal to the key is no distractor)
    lines = [line for line in failure_lines(result.stdout) if "[exam]" not in line]
    # The key forgot the +1 — which is also a listed mistake — so each variant fails the engine,
    # the reference definition (exactly: the identity cannot hold) and the mistake check.
    for k in range(3):
        mine = [line for line in lines if line.startswith(f"day2.t.conv-height variant {k} [")]
        assert any("[engine]" in line and "engine =" in line for line in mine), mine
        assert any("[symbolic]" in line and "is accepted as the key" in line for line in mine), mine
        assert any("[reference]" in line and "the definition gives" in line for line in mine)
    assert len(lines) == 9


def test_secretly_correct_distractor_is_caught_twice(runs) -> None:
    result = runs["secret_distractor"]
    assert result.returncode == 1
    assert (
        result.stdout.rstrip().splitlines()[-1]
        == "verified 1 questions (1 identity, 0 exact, 0 engine), 1 variants, 1 failed"
    )
    lines = failure_lines(result.stdout)
    assert any("[symbolic]" in line and "options 1 and 4 are equivalent" in line for line in lines)
    assert any("[engine]" in line and "distractor option 4 also matches" in line for line in lines)


def test_mistake_equivalent_to_key_is_caught(runs) -> None:
    result = runs["mistake_is_key"]
    assert result.returncode == 1
    lines = [line for line in failure_lines(result.stdout) if "[exam]" not in line]
    assert len(lines) == 2 and all(
        "'a*x*x^(a - 2)' is equivalent to the key" in line for line in lines
    )


def test_code_distractor_that_passes_is_caught_and_runs_are_time_limited(runs) -> None:
    result = runs["code_distractor_passes"]
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert (
        report["summary"]["line"]
        == "verified 1 questions (0 identity, 1 exact, 0 engine), 1 variants, 1 failed"
    )
    (question,) = report["questions"]
    # The key itself matches its definition exactly; the engine witness fails (a distractor passes).
    assert question["witnesses"] == ["exact"] and question["reference"] == "test_relu_code"
    reasons = [f["reason"] for f in question["failures"]]
    assert reasons == ["distractor option 2 (x * (x > 0)) passes the code probe"]
    # Option 4 loops forever: it must have been stopped by the 1 s limit, not hung the run.
    assert question["seconds"] < 30


def test_missing_probe_file_is_a_clean_error() -> None:
    env = {**os.environ, "EPREP_BUNDLED": "0", "EPREP_PROBE_FILES": str(HERE / "no_such_probes.py")}
    result = subprocess.run(
        [sys.executable, "-m", "eprep", "verify", "--bank", str(BANKS / "good")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("eprep: error: ") and "no_such_probes.py" in result.stderr


def test_unknown_day_and_id_are_clean_errors() -> None:
    for option in (["--day", "day9"], ["--id", "day2.t.nope"]):
        result = verify("good", *option)
        assert result.returncode == 2
        assert result.stderr.startswith("eprep: error: --")
        assert "Traceback" not in result.stderr


@pytest.mark.parametrize("family", ["probe", "reference"])
def test_a_witness_name_registered_twice_is_a_one_line_error(tmp_path: Path, family: str) -> None:
    # A user probe file reuses the name of a bundled witness (`ols_fit`, in probes/ml.py and
    # references/ml.py): verify must say so in one line naming both definitions, exit 2.
    extra = tmp_path / "clash.py"
    module = "probes" if family == "probe" else "references"
    extra.write_text(
        f"from eprep.checker.{module} import {family}\n\n\n"
        f'@{family}("ols_fit")\n'
        "def mine(*args, **kwargs):\n"
        "    return None\n",
        encoding="utf-8",
    )
    env = {**os.environ, "EPREP_CACHE": "0", "EPREP_PROBE_FILES": str(extra)}
    result = subprocess.run(
        [sys.executable, "-m", "eprep", "verify", "--id", "ml.regression.ols-slope"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("eprep: error: "), result.stderr
    assert f"{family} 'ols_fit' is registered twice" in lines[0]
    assert "clash.py:4" in lines[0] and f"{module}/ml.py:" in lines[0]
