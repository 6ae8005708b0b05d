"""`eprep site build` reports its progress on stderr (issue 14: the first build ran the examples in
full for 1 min 20 s with no output): it says how many examples will run and how to build quickly,
names each example as it starts, and, at a terminal, draws a bar with a counter."""

from __future__ import annotations

import io
import re

import pytest
from click.testing import CliRunner

from eprep.cli import main


@pytest.fixture
def two_examples(tmp_path, monkeypatch):
    """A private, empty examples cache, and the site showing only two (fast) examples."""
    import eprep.examples

    monkeypatch.setenv("EPREP_CACHE_DIR", str(tmp_path / "cache"))
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)  # English unless a test asks for a locale
    monkeypatch.setattr(eprep.examples, "names", lambda: ["perceptron", "dropout"])
    return tmp_path


def _build(folder, mode: str, env: dict[str, str] | None = None):
    args = ["site", "build", "-o", str(folder / "out"), "--lang", "en", "--no-search"]
    return CliRunner().invoke(main, [*args, "--run-examples", mode], env=env)


def test_first_full_build_says_what_runs_and_how_to_be_quick(two_examples):
    first = _build(two_examples, "full")
    assert first.exit_code == 0, first.output
    lines = first.stderr.splitlines()
    assert lines[0].startswith("running 2 of 2 examples (full)")
    assert "--run-examples quick" in lines[0] and "--run-examples none" in lines[0]
    assert lines[1:3] == ["[1/2] example perceptron: running", "[2/2] example dropout: running"]
    assert any(line.startswith("render") for line in lines[3:])
    assert "wrote" in first.stdout and "wrote" not in first.stderr
    assert (two_examples / "out" / "en" / "examples" / "perceptron.html").is_file()

    again = _build(two_examples, "full")
    assert again.exit_code == 0, again.output
    assert "running" not in again.stderr.splitlines()[0]  # nothing to run: no warning
    assert "[1/2] example perceptron: cached" in again.stderr.splitlines()


def test_a_quick_build_does_not_advise_itself(two_examples):
    result = _build(two_examples, "quick")
    assert result.exit_code == 0, result.output
    first = result.stderr.splitlines()[0]
    assert first.startswith("running 2 of 2 examples (quick)") and "--run-examples" not in first


def test_at_a_terminal_a_bar_counts_the_examples():
    from eprep.site.progress import build_progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    with build_progress(screen) as progress:
        progress.note("running 2 of 2 examples (full)")
        progress("example perceptron: running", 0, 2)
        progress("example dropout: running", 1, 2)
    text = screen.getvalue()
    assert "running 2 of 2 examples (full)" in text
    assert "\x1b[" in text  # drawn with terminal control codes, not as log lines
    assert "example dropout: running (2/2)" in text


def test_a_japanese_locale_gets_japanese_progress_lines(two_examples):
    # --lang en: the site is written in English, but the person at the terminal reads Japanese.
    first = _build(two_examples, "full", env={"LANG": "ja_JP.UTF-8"})
    assert first.exit_code == 0, first.output
    lines = first.stderr.splitlines()
    assert lines[0].startswith("実行例 2 件のうち 2 件を実行する（完全実行）")
    assert "--run-examples quick" in lines[0] and "--run-examples none" in lines[0]
    assert lines[1:3] == ["[1/2] 実行例 perceptron：実行中", "[2/2] 実行例 dropout：実行中"]
    assert "ページを生成中…" in lines[3:]
    assert "ページを書き出した" in first.stdout
    again = _build(two_examples, "quick", env={"LANG": "ja_JP.UTF-8"})
    assert "（短縮実行）" in again.stderr.splitlines()[0]
    # No English word of the catalogue's progress lines is left (command options and names aside).
    prose = re.sub(r"`[^`]*`|perceptron|dropout|\S*/\S*", "", first.stderr + first.stdout)
    for word in ("running", "cached", "render", "collect", "examples", "wrote", "pages", "quick"):
        assert word not in prose, word
    assert (two_examples / "out" / "en" / "index.html").is_file()  # --lang still picks the site
