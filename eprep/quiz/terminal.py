"""Reading answers and writing text, with a terminal (interactive) or without (one answer a line).

Ctrl-C raises KeyboardInterrupt and end of input raises EOFError from every read; the session
turns both into a clean end with a summary.
"""

from __future__ import annotations

import os
import sys
from typing import TextIO

from eprep.quiz.render import style


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

    def print(self, text: str = "", *styles: str) -> None:
        self.out.write(style(text, *styles, color=self.color) + "\n")
        self.out.flush()

    def styled(self, text: str, *styles: str) -> str:
        return style(text, *styles, color=self.color)

    def read_line(self, prompt: str) -> str:
        """One line of input without its newline; EOFError at end of input."""
        if self.interactive and self.inp is sys.stdin:
            import readline  # noqa: F401  (line editing and history for input())

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

    def read_key(self, prompt: str) -> str:
        """One key press with a terminal (Ctrl-C → KeyboardInterrupt); a line without one."""
        if not (self.interactive and self.inp is sys.stdin):
            return self.read_line(prompt)
        import click

        self.out.write(prompt)
        self.out.flush()
        key = click.getchar()
        self.out.write("\n")
        self.out.flush()
        return key


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
