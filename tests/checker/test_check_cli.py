"""`eprep check` and `eprep derive` through click: exit codes, human and JSON output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from eprep.cli import main


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def test_check_equivalent(runner: CliRunner) -> None:
    result = runner.invoke(main, ["check", "σ(x)(1-σ(x))", "--expected", "diff(sigmoid(x), x)"])
    assert result.exit_code == 0, result.output
    assert "read as:  sigmoid(x)*(1 - sigmoid(x))" in result.output
    assert "✓" in result.output


def test_check_wrong_with_witness(runner: CliRunner) -> None:
    result = runner.invoke(main, ["check", "-x", "--expected", "x"])
    assert result.exit_code == 1
    assert "read as:  -x" in result.output and "wrong sign" in result.output


def test_check_assume_changes_verdict(runner: CliRunner) -> None:
    args = ["check", "sqrt(x^2)", "--expected", "x"]
    assert runner.invoke(main, args).exit_code == 1
    assert runner.invoke(main, [*args, "--assume", "x: nonnegative"]).exit_code == 0


def test_check_json(runner: CliRunner) -> None:
    result = runner.invoke(
        main,
        ["check", "(H+2P-F)/S", "--expected", "(H+2P-F)/S+1", "--json"]
        + [arg for name in "HPFS" for arg in ("--assume", f"{name}: positive integer")],
    )
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["equivalent"] is False and data["read_as"] == "(H + 2*P - F)/S"
    assert set(data["witness"]) == set("HPFS")
    assert data["answer_value"] == pytest.approx(data["expected_value"] - 1)
    assert "constant term" in data["diagnosis"]


@pytest.mark.parametrize(
    "args",
    [
        ["check", "x +", "--expected", "x"],
        ["check", "x", "--expected", "(x"],
        ["check", "x", "--expected", "x", "--assume", "x: reals"],
        ["check", "x", "--expected", "x", "--assume", "x"],
    ],
)
def test_check_rejects_with_exit_2(runner: CliRunner, args: list[str]) -> None:
    result = runner.invoke(main, args)
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_check_json_error(runner: CliRunner) -> None:
    result = runner.invoke(main, ["check", "x +", "--expected", "x", "--json"])
    assert result.exit_code == 2
    data = json.loads(result.output)
    assert data["position"] == 4 and "col 4" in data["error"]


def test_derive_cli(runner: CliRunner, tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("assume r: (0, 1)\n(1 - r)*y/(1 - r)\n= y\n")
    result = runner.invoke(main, ["derive", str(good), "--end", "y"])
    assert result.exit_code == 0, result.output
    assert "✓ line 2:" in result.output and "✓ line 3:" in result.output

    bad = tmp_path / "bad.txt"
    bad.write_text("(a + b)^2\n= a^2 + b^2\n")
    result = runner.invoke(main, ["derive", str(bad)])
    assert result.exit_code == 1
    assert "✗ line 2:" in result.output and "line 2 does not follow: with a=" in result.output

    result = runner.invoke(main, ["derive", str(bad), "--json"])
    data = json.loads(result.output)
    assert data["ok"] is False and data["first_failure_line"] == 2
    assert data["steps"][1]["verdict"]["witness"] is not None


def test_derive_cli_errors(runner: CliRunner, tmp_path: Path) -> None:
    assert runner.invoke(main, ["derive", str(tmp_path / "missing.txt")]).exit_code == 2
    broken = tmp_path / "broken.txt"
    broken.write_text("x\n= x $ 1\n")
    result = runner.invoke(main, ["derive", str(broken)])
    assert result.exit_code == 2 and f"{broken}:2: col 5:" in result.output
    result = runner.invoke(main, ["derive", str(broken), "--start", "x"])
    assert result.exit_code == 2
