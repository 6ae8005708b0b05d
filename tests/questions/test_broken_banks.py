"""Every kind of broken question file is rejected by the real CLI with `file:line: message`, exit 2.

Each folder under broken/ is a user bank with one mistake; the offending line carries the comment
`# ERROR`, so the expected line number is read from the file, not from the loader.
"""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

BROKEN = Path(__file__).parent / "broken"

# case -> a fragment the one-line message must contain (what was wrong)
CASES = {
    "toml-syntax": "TOML syntax",
    "unknown-key": "unknown key 'hint'",
    "unknown-key-in-mistake": "unknown key 'feedbak'",
    "missing-field": "missing required key 'difficulty'",
    "wrong-type": "difficulty must be an integer from 1 to 3",
    "duplicate-id": "duplicate question id 'day2.cnn.q1'",
    "bad-id": "must be 'day2.cnn.' followed by a slug",
    "unparseable-formula": "cannot parse '(H + 2'",
    "unknown-name-in-formula": "'K'",
    "bad-param-spec": "randint takes two integers",
    "where-never-satisfied": "'where' never holds in 1000 draws",
    "where-unparseable": "where: cannot parse 'H >> 2'",
    "missing-probe": "needs a probe (or concept = true)",
    "unknown-placeholder": "{{K}} is not a parameter",
    "missing-en-text": "has no 'en' text",
    "choice-two-correct": "exactly one option must have correct = true, found 2",
    "choice-option-two-forms": "exactly one of text, formula, value, code",
    "code-no-blank": "blank (あ) exactly once, not 0 times",
    "code-blank-twice": "blank (あ) exactly once, not 2 times",
    "field-not-for-kind": "'start' is not used by numeric questions",
    "bad-day-file": "unknown key 'colour'",
    "bad-domain": "bad domain 'reals'",
    "misplaced-file": "belong in a day folder",
    "reference-args-alone": "reference_args without a reference",
    "bad-reference-name": "reference must be a name like 'conv_output'",
}


def marked_line(bank: Path) -> tuple[Path, int]:
    """The file and 1-based line that carry the `# ERROR` marker."""
    found = [
        (path, number)
        for path in sorted(bank.rglob("*.toml"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if "# ERROR" in line
    ]
    assert len(found) == 1, f"{bank} must mark exactly one line"
    return found[0]


def run_cli(*args: str, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "EPREP_BUNDLED": "0", "EPREP_BANK": "", "EPREP_CACHE": "0"}
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-m", "eprep", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


@pytest.fixture(scope="module")
def cli_results() -> dict[str, subprocess.CompletedProcess]:
    """Every broken bank through `eprep verify --bank`, run a few at a time (they only load)."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {
            case: pool.submit(run_cli, "verify", "--bank", str(BROKEN / case)) for case in CASES
        }
        return {case: future.result() for case, future in futures.items()}


def test_every_case_folder_is_listed() -> None:
    assert sorted(p.name for p in BROKEN.iterdir() if p.is_dir()) == sorted(CASES)


@pytest.mark.parametrize("case", sorted(CASES))
def test_broken_bank_is_rejected_with_file_and_line(case: str, cli_results) -> None:
    path, line = marked_line(BROKEN / case)
    result = cli_results[case]
    assert result.returncode == 2, result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr  # one line, no traceback
    assert lines[0].startswith(f"eprep: error: {path}:{line}: "), lines[0]
    assert CASES[case] in lines[0], lines[0]
    assert "Traceback" not in result.stderr


def test_same_topic_in_two_banks_is_rejected(tmp_path: Path) -> None:
    source = (BROKEN / "duplicate-id" / "day2" / "cnn.toml").read_text(encoding="utf-8")
    first_question = source.split("[[question]]")[1]
    for name in ("a", "b"):
        (tmp_path / name / "day2").mkdir(parents=True)
        text = source.split("[[question]]")[0] + "[[question]]" + first_question
        (tmp_path / name / "day2" / "cnn.toml").write_text(
            text.replace("# ERROR", ""), encoding="utf-8"
        )
    result = run_cli("verify", "--bank", str(tmp_path / "a"), "--bank", str(tmp_path / "b"))
    assert result.returncode == 2
    assert result.stderr.startswith(f"eprep: error: {tmp_path / 'b' / 'day2' / 'cnn.toml'}:1: ")
    assert "also defined in" in result.stderr


def test_missing_bank_folder_is_a_clean_error(tmp_path: Path) -> None:
    result = run_cli("verify", "--bank", str(tmp_path / "nope"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
