"""What `eprep site build` says on stderr while it works: a bar at a terminal, lines elsewhere.

The first build runs every example in full (a minute or more); it must not look hung, so each
example is named as it starts, and the reader is told how to build quickly instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol, TextIO

QUICK_HINT = (
    "for a quick build use `eprep site build --run-examples quick` "
    "(short runs, seconds) or `--run-examples none` (no plots)"
)


class Reporter(Protocol):
    def __call__(self, step: str, done: int, total: int) -> None: ...

    def note(self, text: str) -> None: ...


class _Lines:
    """Plain lines, one per example and one per stage: for logs, CI and pipes."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._last = ""

    def __call__(self, step: str, done: int, total: int) -> None:
        stage = step.split(" ", 1)[0]
        if stage == "example":
            self._say(f"[{done + 1}/{total}] {step}")
        elif stage != self._last:
            self._say(f"{step}…")
        self._last = stage

    def note(self, text: str) -> None:
        self._say(text)

    def _say(self, text: str) -> None:
        print(text, file=self._stream, flush=True)


class _Bar:
    """A rich progress bar with a counter, notes printed above it."""

    def __init__(self, bar, task) -> None:
        self._bar, self._task = bar, task

    def __call__(self, step: str, done: int, total: int) -> None:
        label = f"{step} ({done + 1}/{total})" if step.startswith("example ") else step
        self._bar.update(self._task, description=label, completed=done, total=total or None)

    def note(self, text: str) -> None:
        self._bar.console.print(text, markup=False, highlight=False)


@contextmanager
def build_progress(stream: TextIO) -> Iterator[Reporter]:
    """A reporter on `stream`: a live bar when it is a terminal, else one line per step."""
    if not stream.isatty():
        yield _Lines(stream)
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    console = Console(file=stream)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        yield _Bar(bar, bar.add_task("building", total=None))


def examples_notice(to_run: list[str], total: int, quick: bool) -> str:
    """The line said before examples run: how many, why it is slow, how to be quick."""
    mode = "quick" if quick else "full"
    text = f"running {len(to_run)} of {total} examples ({mode}); results are cached for next time"
    return text if quick else f"{text}; this can take a few minutes — {QUICK_HINT}"
