"""A day (or topic) of the bank that has no questions yet: the quiz says so, as the site's day page
does, instead of "no such selection"; a name the bank does not have is still an error."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import run_eprep

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
        ("en", "day9 (Day 9: still to come) is in the bank but has no questions yet"),
        ("ja", "day9（Day 9: これから）の問題はまだ問題集にありません。"),
    ],
)
def test_quiz_on_a_day_without_questions(
    home: Path, empty_day_bank: Path, lang: str, expected: str
) -> None:
    result = run_eprep(["quiz", "day9", "--bank", str(empty_day_bank), "--lang", lang], home)
    assert result.returncode == 0, result.stderr
    assert expected in result.stdout
    assert "no day, topic" not in result.stderr + result.stdout
    assert "nothing" not in result.stdout and "[1/" not in result.stdout


def test_empty_day_beside_a_day_with_questions_quizzes_the_other(
    home: Path, empty_day_bank: Path
) -> None:
    result = run_eprep(["quiz", "day9", "day2", "-n", "1", "--bank", str(empty_day_bank)], home, "")
    assert result.returncode == 0, result.stderr
    assert "[1/1]" in result.stdout and "no questions yet" not in result.stdout


def test_unknown_day_is_still_an_error(home: Path, empty_day_bank: Path) -> None:
    result = run_eprep(["quiz", "day8", "--bank", str(empty_day_bank)], home)
    assert result.returncode == 2
    assert "no day, topic, question id or tag matches 'day8'" in result.stderr


def test_site_day_page_says_the_same(empty_day_bank: Path, tmp_path: Path) -> None:
    """The site lists the same empty day and says on its page that it has no questions yet."""
    import re

    from eprep.questions.loader import load_bank
    from eprep.site.build import build_site

    out = tmp_path / "site"
    build_site(load_bank([empty_day_bank], bundled=False), out, search=False)
    for lang, wording in (("en", "no questions for this day"), ("ja", "この Day の問題はまだ")):
        page = (out / lang / "days" / "day9.html").read_text(encoding="utf-8")
        text = re.sub(r"<[^>]+>", " ", page)
        assert wording.lower() in text.lower()
