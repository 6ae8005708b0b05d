"""Terminal wrapping: East-Asian widths, kinsoku, English words never cut; in the quiz and exam.

Widths are checked against `unicodedata.east_asian_width` (wide and full-width characters take
two columns, combining marks none), not against the module's own measure.
"""

from __future__ import annotations

import io
import itertools
import re
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

from eprep.questions import load_bank
from eprep.quiz.render import render_markdown
from eprep.quiz.wrap import terminal_width, wrap_text

from .conftest import eprep_env

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_FENCE = re.compile(r"```.*?```", re.DOTALL)
# written here from JIS X 4051's classes, not read from the module under test
MAY_NOT_START = set("、。，．・：；？！）」』】〕ーぁぃぅぇぉっゃゅょァィゥェォッャュョ")
MAY_NOT_END = set("（「『【〔")


def columns(text: str) -> int:
    """Display columns by the Unicode East Asian Width property."""
    total = 0
    for char in _ANSI.sub("", text):
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        total += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return total


def _prose(lang: str) -> Iterator[tuple[str, str]]:
    """Every prompt and explanation of the bundled bank in `lang`, code blocks removed."""
    for question in load_bank():
        variant = question.variant(0)
        for text in (variant.prompt(lang), variant.explanation(lang)):
            yield question.id, _FENCE.sub("", text)


def _check(original: str, wrapped: str, width: int) -> list[str]:
    problems = []
    lines = wrapped.split("\n")
    for line in lines:
        if columns(line) > width:
            problems.append(f"{columns(line)} columns: {line!r}")
    for before, after in itertools.pairwise(lines):
        if after.strip() and after.strip()[0] in MAY_NOT_START:
            problems.append(f"line starts with {after.strip()[0]!r}: {after!r}")
        if before.strip() and before.rstrip()[-1] in MAY_NOT_END:
            problems.append(f"line ends with {before.rstrip()[-1]!r}: {before!r}")
    # nothing lost or added, only spaces and line breaks moved (and emphasis that spanned a
    # source line break, which only the reflowed text reads as emphasis)
    if "".join(original.replace("*", "").split()) != "".join(wrapped.replace("*", "").split()):
        problems.append("the text changed")
    # no English word (or number) cut in two, in either language
    if re.findall(r"[A-Za-z0-9]+", original) != re.findall(r"[A-Za-z0-9]+", wrapped):
        problems.append("an English word was cut")
    return problems


@pytest.mark.parametrize("width", [40, 80])
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_bank_prose_wraps_to_width(lang: str, width: int) -> None:
    failures = []
    for qid, text in _prose(lang):
        unwrapped = render_markdown(text, color=False, width=0)
        wrapped = render_markdown(text, color=False, width=width)
        failures += [f"{qid}: {p}" for p in _check(unwrapped, wrapped, width)]
    assert not failures, "\n".join(failures[:20])


def test_english_words_are_not_cut() -> None:
    text = "Xavier initialisation draws weights with standard deviation sqrt(1/n) for n inputs."
    for width in range(20, 60):
        wrapped = wrap_text(text, width)
        assert "standard deviation" in wrapped.replace("\n", " "), wrapped
        assert all(columns(line) <= width for line in wrapped.split("\n"))
    assert wrap_text(text, 40) == (
        "Xavier initialisation draws weights with\nstandard deviation sqrt(1/n) for n\ninputs."
    )


def test_japanese_counts_two_columns_and_keeps_kinsoku() -> None:
    text = "バッチ正規化では、ミニバッチごとに平均と分散を求める。「学習率」を大きくしてもよい。"
    # 10 wide characters fill 20 columns; the 11th (、) may not start a line, so it stays
    assert wrap_text(text, 20).split("\n")[0] == "バッチ正規化では、ミ"
    for width in range(20, 50):
        wrapped = wrap_text(text, width)
        assert not _check(text, wrapped, width), (width, wrapped)
        assert wrapped.replace("\n", "") == text


def test_kinsoku_pulls_the_opening_bracket_down() -> None:
    # at 12 columns 「 would end the first line: it moves down with the word it opens
    wrapped = wrap_text("あいうえお「かき」くけこ", 12)
    assert wrapped.split("\n")[0] == "あいうえお"
    assert wrapped.split("\n")[1].startswith("「かき」")


def test_prolonged_sound_mark_does_not_start_a_line() -> None:
    wrapped = wrap_text("あいうえおかきくけソフトマックス", 20)
    assert not any(line.startswith("ー") for line in wrapped.split("\n")), wrapped


def test_list_items_hang_and_colour_codes_take_no_room() -> None:
    wrapped = wrap_text("- the first item of a list that is long enough to wrap twice over", 30)
    assert wrapped.split("\n")[1].startswith("  ") and not wrapped.split("\n")[1].startswith("   ")
    coloured = "\x1b[1mbold\x1b[0m " * 12
    assert all(columns(line) <= 30 for line in wrap_text(coloured, 30).split("\n"))
    # six 4-letter words and five spaces take 29 columns: two lines of six
    assert [line.count("bold") for line in wrap_text(coloured, 30).split("\n")] == [6, 6]


def test_code_is_never_wrapped() -> None:
    code = "x = " + " + ".join(f"w{i}" for i in range(30))
    text = f"Read it:\n\n```python\n{code}\n```\n"
    assert code in render_markdown(text, color=False, width=40)


def test_terminal_width_default_and_columns(monkeypatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.setattr(sys, "stdout", io.StringIO())  # not a terminal
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    monkeypatch.setattr(sys, "__stdout__", io.StringIO())
    assert terminal_width() == 80
    monkeypatch.setenv("COLUMNS", "52")
    assert terminal_width() == 52
    monkeypatch.setenv("COLUMNS", "3")
    assert terminal_width() == 20  # never narrower than a usable line


def _quiz_in_pty(home: Path, width: int, lang: str) -> str:
    env = {k: v for k, v in eprep_env(home).items() if k != "COLUMNS"}
    child = pexpect.spawn(
        sys.executable,
        ["-m", "eprep", "quiz", "day2.vanishing.xavier-std", "--lang", lang, "--seed", "1"],
        env=env, encoding="utf-8", timeout=60, dimensions=(40, width),
    )  # fmt: skip
    child.logfile_read = transcript = io.StringIO()
    child.expect(r"[)）]> ")  # the answer prompt
    child.send("0.1\r")  # wrong on purpose: the feedback and explanation are shown too
    child.expect(r"> ")  # the rating prompt (this question's texts hold no "> ")
    child.sendintr()  # end the session there: the summary follows, the answer is kept
    child.expect(pexpect.EOF)
    return _ANSI.sub("", transcript.getvalue().replace("\r", ""))


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("width", [40, 80])
def test_quiz_in_a_terminal_wraps_to_its_width(home: Path, lang: str, width: int) -> None:
    shown = _quiz_in_pty(home, width, lang)
    body = shown.split("— ")[0]  # up to the summary
    # Input prompts (and the answer typed after one) are readline's, not wrapped: left out.
    lines = [line for line in body.split("\n") if not re.search(r">( 0\.1)?$", line.rstrip())]
    assert len(lines) > 8
    too_wide = [line for line in lines if columns(line) > width]
    assert not too_wide, too_wide
    starts = [line for line in lines if line.strip() and line.strip()[0] in MAY_NOT_START]
    assert not starts, starts
    if lang == "en":
        assert "standard deviation" in " ".join(body.split())
        assert not re.search(r"standard dev\n|dev\niation", body)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_exam_in_a_terminal_wraps_to_its_width(home: Path, lang: str) -> None:
    """The mock exam prints its items through the same wrapper."""
    env = {k: v for k, v in eprep_env(home).items() if k != "COLUMNS"}
    child = pexpect.spawn(
        sys.executable, ["-m", "eprep", "exam", "--count", "6", "--seed", "3", "--lang", lang],
        env=env, encoding="utf-8", timeout=60, dimensions=(60, 40),
    )  # fmt: skip
    child.logfile_read = transcript = io.StringIO()
    shown = []
    for _ in range(3):  # three items, each skipped with Enter
        child.expect(r"> ")
        shown.append(_ANSI.sub("", child.before.replace("\r", "")))
        child.send("\r")
    child.sendintr()
    child.expect(pexpect.EOF)
    lines = [line for text in shown for line in text.split("\n")[:-1]]  # not the prompt line
    assert len(lines) > 10, transcript.getvalue()
    too_wide = [line for line in lines if columns(line) > 40]
    assert not too_wide, too_wide
