"""`eprep site build` reports its progress on stderr (issue 14: the first build ran the examples in
full for 1 min 20 s with no output): it says how many examples will run and how to build quickly,
names each example as it starts, and, at a terminal, draws a bar with a counter."""

from __future__ import annotations

import io

import pytest
from click.testing import CliRunner

from eprep.cli import main


@pytest.fixture
def two_examples(tmp_path, monkeypatch):
    """A private, empty examples cache, and the site showing only two (fast) examples."""
    import eprep.examples

    monkeypatch.setenv("EPREP_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(eprep.examples, "names", lambda: ["perceptron", "dropout"])
    return tmp_path


def _build(folder, mode: str):
    args = ["site", "build", "-o", str(folder / "out"), "--lang", "en", "--no-search"]
    return CliRunner().invoke(main, [*args, "--run-examples", mode])


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
