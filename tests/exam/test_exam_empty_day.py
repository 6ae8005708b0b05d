"""`eprep exam` on a day of the bank that has no questions yet says so (as the quiz and the site
do), in en and ja, with exit 0; a day beside it with questions is examined; an unknown name is
still an error."""

from __future__ import annotations

from pathlib import Path

import pytest

from .test_exam_cli import run_exam

DAY_TOML = """[day]
title.en = "Day 9: still to come"
title.ja = "Day 9: これから"
order = 9
"""


@pytest.fixture
def empty_day_bank(tmp_path: Path) -> Path:
    root = tmp_path / "bank"
    (root / "day9").mkdir(parents=True)
    (root / "day9" / "_day.toml").write_text(DAY_TOML, encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "day9 (Day 9: still to come) is in the bank but has no questions yet\n"),
        ("ja", "day9（Day 9: これから）は問題集にあるが、問題はまだない。\n"),
    ],
)
def test_exam_on_a_day_without_questions(tmp_path: Path, empty_day_bank: Path, lang, expected):
    result = run_exam(tmp_path, [], "day9", "--bank", str(empty_day_bank), "--lang", lang)
    assert (result.returncode, result.stdout, result.stderr) == (0, expected, "")


def test_an_empty_day_beside_a_day_with_questions(tmp_path: Path, empty_day_bank: Path) -> None:
    result = run_exam(
        tmp_path, ["s", "y"], "day9", "day2", "-n", "2", "--bank", str(empty_day_bank)
    )
    assert result.returncode == 0, result.stderr
    assert "Item 1/2" in result.stdout and "no questions yet" not in result.stdout


def test_an_unknown_day_is_still_an_error(tmp_path: Path, empty_day_bank: Path) -> None:
    result = run_exam(tmp_path, [], "day8", "--bank", str(empty_day_bank))
    assert result.returncode == 2
    assert "no day, topic, question id or tag matches 'day8'" in result.stderr
