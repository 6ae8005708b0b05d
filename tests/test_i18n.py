"""The interface language: the system locale picks the default of every `--lang`, in one place;
`stats`, `list`, `check` and `derive` say everything in Japanese with `--lang ja`."""

from __future__ import annotations

import os
import re
import string
import subprocess
import sys
from pathlib import Path

import click
import pytest

from eprep.cli import COMMANDS, main
from eprep.i18n import MESSAGES, system_lang


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "ja_JP.UTF-8"}, "ja"),
        ({"LANG": "ja_JP.eucJP"}, "ja"),
        ({"LANG": "ja"}, "ja"),
        ({"LANG": "en_GB.UTF-8"}, "en"),
        ({"LANG": "fr_FR.UTF-8"}, "en"),  # no French interface: English
        ({"LANG": "C.UTF-8"}, "en"),
        ({}, "en"),
        ({"LC_ALL": "C", "LANG": "ja_JP.UTF-8"}, "en"),  # LC_ALL wins over LANG
        ({"LC_MESSAGES": "ja_JP.UTF-8", "LANG": "en_US.UTF-8"}, "ja"),
        ({"LC_ALL": "ja_JP.UTF-8", "LC_MESSAGES": "en_US.UTF-8"}, "ja"),
        ({"LC_ALL": "", "LANG": "ja_JP.UTF-8"}, "ja"),  # an empty variable is not set
    ],
)
def test_system_lang(environ: dict[str, str], expected: str) -> None:
    assert system_lang(environ) == expected


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_catalogue_has_both_languages_with_the_same_blanks() -> None:
    assert set(MESSAGES["en"]) == set(MESSAGES["ja"])
    for key, english in MESSAGES["en"].items():
        # Japanese may leave out what only English grammar needs (a plural, an English reason)
        assert _fields(MESSAGES["ja"][key]) <= _fields(english), key
        assert "ください" not in MESSAGES["ja"][key]  # the exam's register, not requests


def _lang_options() -> list[tuple[str, click.Option]]:
    """Every interface `--lang` option of every command (site build and export choose which
    languages to write instead: all of them, or the deck's)."""
    found = []
    ctx = click.Context(main)
    for name in COMMANDS:
        command = main.get_command(ctx, name)
        commands = [command]
        if isinstance(command, click.Group):
            commands = [command.get_command(ctx, sub) for sub in command.list_commands(ctx)]
        for each in commands:
            for param in each.params:
                if param.name == "lang" and list(param.type.choices) == ["en", "ja"]:
                    found.append((f"{name} {each.name}", param))
    return found


def test_every_command_with_lang_follows_the_locale(monkeypatch) -> None:
    options = _lang_options()
    names = {name.split()[0] for name, _ in options}
    assert {"quiz", "stats", "list", "check", "derive", "exam", "lint", "help"} <= names
    for variable in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    for lang in ("ja", "en"):
        monkeypatch.setenv("LANG", f"{lang}_JP.UTF-8" if lang == "ja" else "en_US.UTF-8")
        for name, option in options:
            assert option.get_default(click.Context(main)) == lang, name


def _run(args: list[str], home: Path, env: dict[str, str] | None = None) -> str:
    base = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "LANG")}
    base.update({"EPREP_HOME": str(home), "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"})
    result = subprocess.run([sys.executable, "-m", "eprep", *args], capture_output=True,
                            text=True, env={**base, **(env or {})}, timeout=120)  # fmt: skip
    assert result.returncode in (0, 1, 3, 4), result.stderr
    return result.stdout


def test_locale_picks_the_language_end_to_end(tmp_path: Path) -> None:
    from eprep.questions import load_bank

    n = len(load_bank().day("day1").questions)
    assert f"全 {n} 問" in _run(["list", "day1"], tmp_path, {"LANG": "ja_JP.UTF-8"})
    assert f"{n} questions" in _run(["list", "day1"], tmp_path, {"LANG": "en_US.UTF-8"})
    assert f"{n} questions" in _run(["list", "day1"], tmp_path, {"LC_ALL": "C", "LANG": "ja_JP"})
    # an explicit --lang beats the locale
    assert f"{n} questions" in _run(["list", "day1", "--lang", "en"], tmp_path, {"LANG": "ja_JP"})


# Words allowed in Japanese output: proper names and the option syntax the learner types.
ALLOWED = {"SymPy", "assume", "positive", "eprep"}


def english_words(text: str, formulas: list[str] = ()) -> list[str]:
    """ASCII words left in `text` once formulas, ids, numbers and option syntax are removed."""
    text = re.sub(r"\b[a-z0-9_-]+(?:\.[a-z0-9_-]+)+\b", " ", text)  # ids: day2.cnn.x
    for formula in sorted(formulas, key=len, reverse=True):
        text = text.replace(formula, " ")
    text = re.sub(r"--[a-z-]+|'[^']*'", " ", text)  # options and their quoted values
    words = re.findall(r"[A-Za-z]{2,}", text)
    return [word for word in words if word not in ALLOWED]


def test_stats_in_japanese(tmp_path: Path) -> None:
    from eprep.questions import load_bank

    bank = load_bank()
    days_and_topics = [d.name for d in bank.days] + [t.name for t in bank.topics]
    out = _run(["stats", "--lang", "ja"], tmp_path)
    assert "選択した範囲の合計" in out and "連続学習日数" in out
    leftover = english_words(out, days_and_topics)
    assert not leftover, leftover


def test_list_in_japanese(tmp_path: Path) -> None:
    out = _run(["list", "day2", "--lang", "ja"], tmp_path)
    from eprep.questions import load_bank

    bank = load_bank()
    day = bank.day("day2")
    titles = [q.title.get("ja") for q in bank.select(["day2"])] + [day.title.get("ja")]
    titles += [topic.title.get("ja") for topic in day.topics]
    # titles are bank content (they may name Adam, ReLU, …): only the frame is checked here
    leftover = english_words(out, [*titles, "day2"])
    assert "（101 問）" in out or "問）" in out
    assert not leftover, leftover


CHECKS = [
    ("2*x", "x"),  # not equivalent, with a diagnosis
    ("x + 1", "1 + x"),  # proved
    ("1/sqrt(n)", "sqrt(1/n)"),  # numbers only, with the --assume hint
    ("exp(1000) + x", "x"),  # cannot decide: overflow
    ("log(-1)", "log(-1)"),  # undefined
    ("y = 2*x", "y = x*2"),  # equations: which sides were compared
]


@pytest.mark.parametrize(("answer", "expected"), CHECKS)
def test_check_in_japanese(tmp_path: Path, answer: str, expected: str) -> None:
    from eprep.checker.api import parse_answer

    out = _run(["check", answer, "--expected", expected, "--lang", "ja"], tmp_path)
    formulas = [answer, expected, parse_answer(answer).read_as, parse_answer(expected).read_as]
    formulas += ["exp(1000)", "log(-1)", "sqrt"]
    assert out.strip()
    leftover = english_words(out, formulas)
    assert not leftover, (leftover, out)
    english = _run(["check", answer, "--expected", expected, "--lang", "en"], tmp_path)
    assert english_words(english, formulas)  # the same check in English does use words


DERIVATION = """diff(sigmoid(x), x)
= exp(-x)/(1 + exp(-x))^2
= sigmoid(x)*(1 - sigmoid(x))
"""


@pytest.mark.parametrize("broken", [False, True])
def test_derive_in_japanese(tmp_path: Path, broken: bool) -> None:
    text = DERIVATION.replace("1 - sigmoid", "1 + sigmoid") if broken else DERIVATION
    path = tmp_path / "d.txt"
    path.write_text(text, encoding="utf-8")
    args = ["derive", str(path), "--lang", "ja", "--end", "sigmoid(x)*(1 - sigmoid(x))"]
    out = _run(args, tmp_path)
    formulas = [line.lstrip("= ") for line in text.splitlines()]
    formulas += ["sigmoid(x)*(1 - sigmoid(x))", "sigmoid(x)*(1 + sigmoid(x))"]
    assert ("導出に誤りがある。" if broken else "すべての変形が成り立つ。") in out
    leftover = english_words(out, formulas)
    assert not leftover, (leftover, out)
