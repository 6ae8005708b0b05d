"""Issue 14: `eprep check --lang ja` explains an unreadable formula in Japanese."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from eprep.cli import main


def _english_words(line: str, *formulas: str) -> list[str]:
    """ASCII words (3+ letters) not quoted, not the program's name, not a name in the formulas."""
    rest = re.sub(r"'[^']*'|\"[^\"]*\"", "", line)
    for formula in formulas:
        rest = rest.replace(formula, "")
    named = {w for formula in formulas for w in re.findall(r"[A-Za-z]+", formula)}
    return [w for w in re.findall(r"[A-Za-z]{3,}", rest) if w != "eprep" and w not in named]


@pytest.mark.parametrize("answer", ["1+", "(x", "x$", "sin x", "__a", "1" * 100])
def test_unreadable_answer_in_japanese(answer: str) -> None:
    result = CliRunner().invoke(main, ["check", answer, "--expected", "x", "--lang", "ja"])
    assert result.exit_code == 2, result.output
    out = result.output.strip()
    assert "\n" not in out and "文字目" in out, out
    assert _english_words(out, answer) == [], out


def test_english_session_is_unchanged() -> None:
    result = CliRunner().invoke(main, ["check", "1+", "--expected", "x", "--lang", "en"])
    assert result.exit_code == 2
    assert "eprep: error: col 3: unexpected end of input" in result.output


def test_unreadable_expected_names_it_in_japanese() -> None:
    result = CliRunner().invoke(main, ["check", "x", "--expected", "(x", "--lang", "ja"])
    assert result.exit_code == 2
    assert "正解: 式が途中で終わっている。')' がない。" in result.output, result.output
    english = CliRunner().invoke(main, ["check", "x", "--expected", "(x"])
    assert "col 3: expected: unexpected end of input — expected ')'" in english.output
