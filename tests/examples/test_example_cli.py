"""`eprep example list|run` through the real command line group."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from click.testing import CliRunner

from eprep.cli import main
from eprep.examples import load, names


def test_list_shows_every_example_with_its_claim() -> None:
    result = CliRunner().invoke(main, ["example", "list"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) == len(names())
    for line, name in zip(lines, names(), strict=True):
        assert line.split()[0] == name
        assert line.endswith(load(name).CLAIM)


def test_run_writes_result_and_plots(quick_results: dict, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["example", "run", "perceptron", "--quick", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "served from the cache" in result.output
    assert "hidden layer: XOR" in result.output  # the result table
    assert (
        json.loads((out / "result.json").read_text(encoding="utf-8")) == quick_results["perceptron"]
    )
    assert ET.parse(out / "decision-surfaces.svg").getroot().tag.endswith("svg")


def test_run_without_cache_runs_again(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["example", "run", "dropout", "--quick", "--no-cache", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert "served from the cache" not in result.output
    assert (tmp_path / "mask-fractions.svg").is_file()


def test_unknown_example_is_a_one_line_error() -> None:
    result = CliRunner().invoke(main, ["example", "run", "no-such-example"])
    assert result.exit_code == 2
    assert "eprep: error: unknown example 'no-such-example'" in result.output
    assert "Traceback" not in result.output


def test_negative_seed_is_rejected() -> None:
    result = CliRunner().invoke(main, ["example", "run", "dropout", "--seed", "-1"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_unwritable_output_folder_is_a_one_line_error(quick_results: dict, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["example", "run", "dropout", "--quick", "--out", str(blocker / "sub")]
    )
    assert result.exit_code == 2
    assert "eprep: error: cannot write example output to" in result.output
