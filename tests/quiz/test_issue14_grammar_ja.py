"""Issue 14: an unreadable answer in a Japanese session is explained in Japanese."""

from __future__ import annotations

import math
import re
from pathlib import Path

from .conftest import FIXTURE_BANK, run_eprep

BANK = ["--bank", str(FIXTURE_BANK)]
XAVIER = "day2.vanishing.xavier-std"


def _xavier_std() -> float:
    """Glorot and Bengio's std for n inputs, sqrt(1/n) (the paper, not the bank's formula)."""
    from eprep.questions import load_bank

    n = load_bank().get(XAVIER).variant(0).values["n"]
    return math.sqrt(1 / n)


def test_japanese_session_gives_the_grammar_reason_in_japanese(home: Path) -> None:
    answer = f"({_xavier_std():.3g}"  # an unclosed parenthesis, then the right answer
    out = run_eprep(["quiz", XAVIER, "--lang", "ja", *BANK], home, f"{answer}\n{answer})\n").stdout
    assert "')' がない。" in out, out
    assert f"{len(answer) + 1} 文字目" in out, out
    assert "unexpected" not in out and "expected" not in out, out


def test_unknown_selector_is_japanese_in_a_japanese_session(home: Path) -> None:
    result = run_eprep(["quiz", "no-such-day", "--lang", "ja", *BANK], home, "")
    assert result.returncode == 2
    line = result.stderr.strip()
    assert "'no-such-day' に一致する" in line and "\n" not in line, line
    assert not re.search(r"[A-Za-z]{3,}", line.replace("'no-such-day'", "").replace("eprep", ""))


DERIVATION = "qz.basics.dropout-derivation"  # start 1/(1 - r) * ((1 - r)*y + r*0), key y


def test_a_derivation_line_not_read_is_explained_in_japanese(home: Path) -> None:
    lines = "= 1/(1 - r) * (1 - r)*y\n= (y\n= y\n\n"
    out = run_eprep(["quiz", DERIVATION, "--lang", "ja", *BANK], home, lines).stdout
    assert "2 行目: 5 文字目: 式が途中で終わっている。')' がない。" in out, out
    assert "unexpected" not in out, out


def test_derive_names_the_file_line_in_japanese(home: Path, tmp_path: Path) -> None:
    steps = tmp_path / "d.txt"
    steps.write_text("x + x\n= (2*x\n", encoding="utf-8")
    result = run_eprep(["derive", str(steps), "--lang", "ja"], home)
    assert result.returncode == 2
    assert f"{steps}:2: 7 文字目: 式が途中で終わっている。')' がない。" in result.stderr
    english = run_eprep(["derive", str(steps), "--lang", "en"], home)
    assert f"{steps}:2: col 7: unexpected end of input — expected ')'" in english.stderr
