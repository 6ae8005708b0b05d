"""Reading answers and writing text, with a terminal (interactive) or without (one answer a line).

Ctrl-C raises KeyboardInterrupt and end of input raises EOFError from every read; the session
turns both into a clean end with a summary.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from eprep.checker.kinds.base import LETTERS
from eprep.quiz.render import style
from eprep.quiz.wrap import fit, terminal_width


class Console:
    """Where the session talks: `out` for text, `inp` for answers; `interactive` with a TTY."""

    def __init__(
        self,
        inp: TextIO | None = None,
        out: TextIO | None = None,
        *,
        interactive: bool | None = None,
        color: bool | None = None,
    ) -> None:
        self.inp = inp or sys.stdin
        self.out = out or sys.stdout
        if interactive is None:
            interactive = _isatty(self.inp) and _isatty(self.out)
        self.interactive = interactive
        if color is None:
            color = interactive and _isatty(self.out) and not os.environ.get("NO_COLOR")
        self.color = color
        self.rows = 0  # terminal rows written so far: how far up a shown option line is

    def print(self, text: str = "", *styles: str) -> None:
        """Write `text` (a line or several), wrapped to the terminal's width (quiz/wrap.py)."""
        text = fit(text, terminal_width(self.out))
        self.out.write(style(text, *styles, color=self.color) + "\n")
        self.out.flush()
        self.rows += sum(_rows(line) for line in text.split("\n"))

    def styled(self, text: str, *styles: str) -> str:
        return style(text, *styles, color=self.color)

    def read_line(self, prompt: str) -> str:
        """One line of input without its newline; EOFError at end of input."""
        if self.interactive and self.inp is sys.stdin:
            import readline  # noqa: F401  (line editing and history for input())

            self.rows += 1  # the prompt and what is typed (one row, as answers are short)
            if self.out is sys.stdout:
                return input(prompt)
            self.out.write(prompt)  # e.g. --json: the prompt must not go to stdout
            self.out.flush()
            return input()
        self.out.write(prompt)
        self.out.flush()
        line = self.inp.readline()
        if not line:
            raise EOFError
        line = line.rstrip("\r\n")
        if not self.interactive:
            self.out.write(line + "\n")  # echo: a piped answer is not shown otherwise
            self.out.flush()
        return line

    @property
    def keys(self) -> bool:
        """Whether single key presses can be read (a terminal on stdin)."""
        return self.interactive and self.inp is sys.stdin

    def choose(self, prompt: str, labels: list[str], rows: list[int] | None = None) -> int:
        """Pick one of `labels` with a terminal: its letter, or ↑/↓ and Enter.

        The choice is shown after the prompt and redrawn in place; with `rows` (the value of
        `self.rows` when each option's line was printed) the option line itself is marked too:
        `›` and its label in reverse video. Ctrl-C raises KeyboardInterrupt and Ctrl-D EOFError
        (as click.getchar does).
        """
        import click

        current: int | None = None
        marked: int | None = None
        while True:
            if rows is not None and current != marked:
                for index, on in ((marked, False), (current, True)):
                    if index is not None:
                        self._mark(rows[index], labels[index], on)
                marked = current
            shown = "" if current is None else labels[current]
            self.out.write("\r\x1b[K" + prompt + shown)
            self.out.flush()
            # one read may hold several keys (typed fast, pasted): handle each in turn
            for key in _split_keys(click.getchar()):
                if key in ("\r", "\n") and current is not None:
                    self.out.write("\n")
                    self.out.flush()
                    self.rows += 1
                    return current
                current = _move(key, current, len(labels))

    def _mark(self, row: int, label: str, on: bool) -> None:
        """Redraw the start of an option's line, `rows` above: `› a)` highlighted or `  a)`."""
        import shutil

        up = self.rows - row
        if up <= 0 or up >= shutil.get_terminal_size().lines:
            return  # scrolled out of sight: the echoed letter after the prompt still shows it
        if on:
            text = "› " + ("\x1b[7m" + label + "\x1b[0m" if self.color else label)
        else:
            text = "  " + self.styled(label, "bold")
        # up to the option's line, rewrite its first columns only, back down to the prompt
        self.out.write(f"\x1b[{up}A\r{text}\x1b[{up}B\r")

    def read_key(self, prompt: str) -> str:
        """One key press with a terminal (Ctrl-C → KeyboardInterrupt); a line without one."""
        if not self.keys:
            return self.read_line(prompt)
        import click

        self.out.write(prompt)
        self.out.flush()
        key = click.getchar()
        self.out.write("\n")
        self.out.flush()
        return key


def _rows(line: str) -> int:
    """Terminal rows one printed line takes (wide characters count two columns)."""
    import re
    import shutil
    import unicodedata

    plain = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", line)
    width = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in plain)
    columns = max(1, shutil.get_terminal_size().columns)
    return max(1, -(-width // columns))


def _split_keys(chunk: str) -> list[str]:
    """Keys in what one read returned: escape sequences (arrows) whole, other characters alone."""
    keys: list[str] = []
    i = 0
    while i < len(chunk):
        if chunk[i] == "\x1b" and chunk[i + 1 : i + 2] in ("[", "O") and i + 2 < len(chunk):
            keys.append(chunk[i : i + 3])
            i += 3
        else:
            keys.append(chunk[i])
            i += 1
    return keys


def _move(key: str, current: int | None, count: int) -> int | None:
    """The highlighted option after one key: a letter or digit picks, ↑/↓ (or k/j) move."""
    if key == "\x03":  # Ctrl-C arriving with other keys (alone, click.getchar raises it)
        raise KeyboardInterrupt
    if key == "\x04":
        raise EOFError
    if len(key) == 1 and key.lower() in LETTERS[:count]:
        return LETTERS.index(key.lower())
    if key in ("\x1b[A", "\x1bOA", "k"):  # up; k/j as in vi when they are not option letters
        return count - 1 if current is None else (current - 1) % count
    if key in ("\x1b[B", "\x1bOB", "j"):
        return 0 if current is None else (current + 1) % count
    if key in ("\x7f", "\x08"):
        return None
    if key.isdigit() and 1 <= int(key) <= count:
        return int(key) - 1
    return current


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


@contextmanager
def deferred_interrupt() -> Iterator[None]:
    """Hold a Ctrl-C that arrives inside the block until the block is done (quiz and exam:
    an answer being written is never lost half-way)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if received:
        raise KeyboardInterrupt
