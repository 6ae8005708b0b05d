"""A day of the bank that has no questions yet: `eprep quiz` and `eprep exam` say so in one
wording (en, and ja in the exam's register), exit 0, and ask nothing; a day beside it with
questions is still asked; a name the bank does not have is still an error; the site's day
page says the same.

The empty day is a user bank's (`day9`), not a bundled day that is still being written.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

DAY_TOML = """[day]
title.en = "Day 9: still to come"
title.ja = "Day 9: これから"
order = 9
"""
NOT_YET = {
    "en": "day9 (Day 9: still to come) is in the bank but has no questions yet",
    "ja": "day9（Day 9: これから）は問題集にあるが、問題はまだない。",
}
COMMANDS = ("quiz", "exam")


@pytest.fixture
def empty_day_bank(tmp_path: Path) -> Path:
    root = tmp_path / "bank"
    (root / "day9").mkdir(parents=True)
    (root / "day9" / "_day.toml").write_text(DAY_TOML, encoding="utf-8")
    return root


def run(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env = {**os.environ, "EPREP_HOME": str(home), "EPREP_BANK": "", "EPREP_CACHE": "0"}
    env.pop("EPREP_SYLLABUS", None)
    return subprocess.run(
        [sys.executable, "-m", "eprep", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.mark.parametrize("lang", sorted(NOT_YET))
@pytest.mark.parametrize("command", COMMANDS)
def test_a_day_without_questions(tmp_path: Path, empty_day_bank: Path, command, lang) -> None:
    result = run(tmp_path, command, "day9", "--bank", str(empty_day_bank), "--lang", lang)
    assert (result.returncode, result.stderr) == (0, "")
    lines = result.stdout.splitlines()
    assert NOT_YET[lang] in lines
    if command == "exam":  # no paper is drawn: the line is all it says
        assert lines == [NOT_YET[lang]]
    else:  # nothing is asked, and no "nothing due" line on top of it
        assert "[1/" not in result.stdout and "nothing" not in result.stdout


@pytest.mark.parametrize(
    ("command", "args", "stdin", "asked"),
    [
        ("quiz", ("-n", "1"), "", "[1/1]"),
        ("exam", ("-n", "2"), "s\ny\n", "Item 1/2"),
    ],
)
def test_an_empty_day_beside_a_day_with_questions(
    tmp_path: Path, empty_day_bank: Path, command, args, stdin, asked
) -> None:
    result = run(
        tmp_path, command, "day9", "day2", *args, "--bank", str(empty_day_bank), stdin=stdin
    )
    assert result.returncode == 0, result.stderr
    assert asked in result.stdout and NOT_YET["en"] not in result.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_an_unknown_day_is_still_an_error(tmp_path: Path, empty_day_bank: Path, command) -> None:
    result = run(tmp_path, command, "day8", "--bank", str(empty_day_bank))
    assert result.returncode == 2
    assert "no day, topic, question id or tag matches 'day8'" in result.stderr


def test_the_site_day_page_says_the_same(empty_day_bank: Path, tmp_path: Path) -> None:
    """The site lists the same empty day and says on its page that it has no questions yet."""
    from eprep.questions.loader import load_bank
    from eprep.site.build import build_site

    out = tmp_path / "site"
    build_site(load_bank([empty_day_bank], bundled=False), out, search=False)
    for lang, wording in (("en", "no questions for this day"), ("ja", "この Day の問題はまだ")):
        page = (out / lang / "days" / "day9.html").read_text(encoding="utf-8")
        text = re.sub(r"<[^>]+>", " ", page)
        assert wording.lower() in text.lower()
