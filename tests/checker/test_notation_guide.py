"""The learner's notation guide and the derivation example in `eprep derive --help` are true."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from eprep.cli import main


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_help_notation_in_both_languages(lang: str) -> None:
    result = CliRunner().invoke(main, ["help", "notation", "--lang", lang])
    assert result.exit_code == 0
    for must in ("\\frac{a}{b}", "σ'(x)", "d/dx sigmoid(x)", "assume x: positive", "let s ="):
        assert must in result.output
    if lang == "ja":
        assert "導出ファイル" in result.output


def test_top_level_help_points_to_the_guide() -> None:
    assert "eprep help notation" in CliRunner().invoke(main, ["--help"]).output


def _example(text: str) -> str:
    """The indented derivation example of a help text or guide."""
    block = re.search(r"(?m)^( *)# .*\n(?:\1.*\n)+", text)
    assert block, text
    lines = [line.strip() for line in block.group(0).splitlines()]
    # the guide annotates its lines in a second column; the file itself is the first column
    return "\n".join(re.split(r"\s{3,}", line)[0] for line in lines) + "\n"


@pytest.mark.parametrize("source", ["derive --help", "guide"])
def test_the_documented_derivation_holds(source: str, tmp_path) -> None:
    runner = CliRunner()
    if source == "guide":
        text = runner.invoke(main, ["help", "notation"]).output
        text = text[text.index("## Derivation files") :]
    else:
        text = runner.invoke(main, ["derive", "--help"]).output
    path = tmp_path / "example.txt"
    path.write_text(_example(text), encoding="utf-8")
    result = runner.invoke(main, ["derive", str(path)])
    assert result.exit_code == 0, (path.read_text(), result.output)
    assert "every step holds" in result.output


def test_a_latex_derivation(tmp_path) -> None:
    path = tmp_path / "latex.txt"
    path.write_text(
        "assume x: real\n"
        "\\frac{d}{dx} \\frac{1}{1+e^{-x}}\n"
        "= \\frac{e^{-x}}{\\left(1+e^{-x}\\right)^{2}}\n"
        "= \\sigma(x)\\,(1-\\sigma(x))\n"
        "= \\sigma(x)\\,(1+\\sigma(x))\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["derive", str(path)])
    assert result.exit_code == 1
    assert "line 5 does not follow" in result.output
