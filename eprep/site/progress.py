"""What `eprep site build` says on stderr while it works: a bar at a terminal, lines elsewhere.

The first build runs every example in full (a minute or more); it must not look hung, so each
example is named as it starts, and the reader is told how to build quickly instead. The steps
arrive as identifiers ("collect", "example NAME: running"); the words come from `eprep.i18n`'s
catalogue in the interface language (`system_lang()`, not `site build --lang`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol, TextIO

from eprep.i18n import MESSAGES, message


def step_text(step: str, lang: str) -> str:
    """A progress step in words: `example NAME: running` → 「実行例 NAME：実行中」 in ja."""
    if step.startswith("example ") and ": " in step:
        name, state = step[len("example ") :].rsplit(": ", 1)
        return message(lang, "site.example", name=name, state=step_text(state, lang))
    return message(lang, f"site.{step}") if f"site.{step}" in MESSAGES["en"] else step


class Reporter(Protocol):
    def __call__(self, step: str, done: int, total: int) -> None: ...

    def note(self, text: str) -> None: ...


class _Lines:
    """Plain lines, one per example and one per stage: for logs, CI and pipes."""

    def __init__(self, stream: TextIO, lang: str) -> None:
        self._stream, self._lang = stream, lang
        self._last = ""

    def __call__(self, step: str, done: int, total: int) -> None:
        stage = step.split(" ", 1)[0]
        if stage == "example":
            self._say(f"[{done + 1}/{total}] {step_text(step, self._lang)}")
        elif stage != self._last:
            self._say(f"{step_text(step, self._lang)}…")
        self._last = stage

    def note(self, text: str) -> None:
        self._say(text)

    def _say(self, text: str) -> None:
        print(text, file=self._stream, flush=True)


class _Bar:
    """A rich progress bar with a counter, notes printed above it."""

    def __init__(self, bar, task, lang: str) -> None:
        self._bar, self._task, self._lang = bar, task, lang

    def __call__(self, step: str, done: int, total: int) -> None:
        label = step_text(step, self._lang)
        if step.startswith("example "):
            label = f"{label} ({done + 1}/{total})"
        self._bar.update(self._task, description=label, completed=done, total=total or None)

    def note(self, text: str) -> None:
        self._bar.console.print(text, markup=False, highlight=False)


@contextmanager
def build_progress(stream: TextIO, lang: str = "en") -> Iterator[Reporter]:
    """A reporter on `stream` in `lang`: a live bar at a terminal, else one line per step."""
    if not stream.isatty():
        yield _Lines(stream, lang)
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    console = Console(file=stream)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        yield _Bar(bar, bar.add_task(message(lang, "site.building"), total=None), lang)


def examples_notice(to_run: list[str], total: int, quick: bool, lang: str = "en") -> str:
    """The line said before examples run: how many, why it is slow, how to be quick."""
    mode = message(lang, "site.quick" if quick else "site.full")
    text = message(lang, "site.notice", count=len(to_run), total=total, mode=mode)
    return text if quick else message(lang, "site.slow", notice=text)
