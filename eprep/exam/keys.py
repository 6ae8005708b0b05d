"""Reading a line key by key in a terminal while the exam's countdown ticks on the same line.

The terminal is put in cbreak mode for the whole sitting (keys arrive one by one, not echoed;
Ctrl-C still raises KeyboardInterrupt). Every read redraws its line — the time left, the prompt,
what was typed and a note — at each second, and raises `TimeUp` when the clock reaches zero
while the learner is idle. A key map turns arrows and other keys into edits of the line or
into a finished line; keys typed ahead of a read are kept for the next one.
"""

from __future__ import annotations

import codecs
import contextlib
import math
import os
import re
import select
import shutil
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TextIO

UP, DOWN, RIGHT, LEFT = "up", "down", "right", "left"
_ARROWS = {"A": UP, "B": DOWN, "C": RIGHT, "D": LEFT}
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class TimeUp(Exception):
    """The clock reached zero while a read was waiting."""


@dataclass(frozen=True)
class Line:
    """The line being typed, and a note drawn dim after it (e.g. the highlighted option)."""

    text: str = ""
    note: str = ""


# key, line -> a new Line (an edit), a str (the line is finished: that is what was read), or
# None (not the map's key: the reader handles it)
KeyMap = Callable[[str, Line], "Line | str | None"]


def split_keys(chunk: str) -> list[str]:
    """The keys in one read: arrows named, Enter as "\\n", other characters one by one."""
    keys: list[str] = []
    i = 0
    while i < len(chunk):
        c = chunk[i]
        if c == "\x1b" and chunk[i + 1 : i + 2] in ("[", "O") and i + 2 < len(chunk):
            j = i + 2
            while j < len(chunk) and not chunk[j].isalpha() and chunk[j] != "~":
                j += 1  # parameters such as "1;5" (Ctrl-arrow)
            keys.append(_ARROWS.get(chunk[j : j + 1], "unknown"))
            i = j + 1
        elif c == "\r":
            keys.append("\n")
            i += 2 if chunk[i + 1 : i + 2] == "\n" else 1
        else:
            keys.append(c)
            i += 1
    return keys


def display_width(text: str) -> int:
    """Columns `text` takes in a terminal (wide East Asian characters take two)."""
    plain = _ANSI.sub("", text)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in plain)


def clip(text: str, columns: int) -> str:
    """`text` cut to at most `columns` columns, an ellipsis marking the cut (plain text)."""
    if display_width(text) <= columns:
        return text
    out, used = [], 0
    for c in text:
        used += display_width(c)
        if used > columns - 1:
            break
        out.append(c)
    return "".join(out) + "…" if columns > 0 else ""


class LiveReader:
    """Reads lines from terminal `fd`, drawing `[time left] prompt text note` on `out`."""

    def __init__(
        self,
        fd: int,
        out: TextIO,
        remaining: Callable[[], float],
        clock_text: Callable[[float], str],
        dim: Callable[[str], str] = str,
    ) -> None:
        self.fd = fd
        self.out = out
        self.remaining = remaining
        self.clock_text = clock_text
        self.dim = dim
        self._pending: list[str] = []
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

    @contextlib.contextmanager
    def cbreak(self) -> Iterator[None]:
        """Keys one by one without echo, for the whole `with` block; the terminal is restored."""
        import termios

        saved = termios.tcgetattr(self.fd)
        mode = termios.tcgetattr(self.fd)
        mode[3] &= ~(termios.ECHO | termios.ICANON)
        mode[6][termios.VMIN], mode[6][termios.VTIME] = 1, 0
        termios.tcsetattr(self.fd, termios.TCSADRAIN, mode)  # keys typed ahead are kept
        try:
            yield
        finally:
            termios.tcsetattr(self.fd, termios.TCSADRAIN, saved)

    def read(self, prompt: str, keymap: KeyMap | None = None) -> str:
        """One line; KeyboardInterrupt on Ctrl-C, EOFError on Ctrl-D, TimeUp at zero."""
        line = Line()
        while True:
            self._draw(prompt, line)
            if not self._pending:
                left = self.remaining()
                if left <= 0:
                    self._end()
                    raise TimeUp
                self._pending += self._wait(left)
                continue
            key = self._pending.pop(0)
            outcome = keymap(key, line) if keymap else None
            if isinstance(outcome, str):
                self._draw(prompt, Line(outcome, line.note))
                self._end()
                return outcome
            if outcome is not None:
                line = outcome
            elif key == "\n":
                self._end()
                return line.text
            elif key == "\x03":
                self._end()
                raise KeyboardInterrupt
            elif key == "\x04" and not line.text:
                self._end()
                raise EOFError
            elif key in ("\x7f", "\x08"):
                line = Line(line.text[:-1])
            elif key == "\x15":  # Ctrl-U: clear the line
                line = Line()
            elif len(key) == 1 and key.isprintable():
                line = Line(line.text + key)

    def _wait(self, left: float) -> list[str]:
        """Keys that arrive before the next whole second of the countdown (maybe none)."""
        fraction = left - math.floor(left)
        timeout = min(left, fraction if fraction > 0.02 else 1.0)
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return []
        try:
            data = os.read(self.fd, 1024)
        except OSError:  # e.g. EIO: the terminal was closed
            data = b""
        if not data:
            return ["\x04"]  # the terminal is gone: end of input
        text = self._decoder.decode(data)
        if text.endswith("\x1b") or re.search(r"\x1b[\[O][0-9;]*$", text):
            # an escape sequence split across reads: wait a moment for the rest
            more, _, _ = select.select([self.fd], [], [], 0.05)
            if more:
                text += self._decoder.decode(os.read(self.fd, 1024))
        return split_keys(text)

    def _draw(self, prompt: str, line: Line) -> None:
        # one terminal row, never wrapped (a wrapped row could not be redrawn with \r): the
        # prompt and then the note give way to the clock and what was typed
        columns = shutil.get_terminal_size((80, 24)).columns - 1
        clock = f"[{self.clock_text(self.remaining())}] "
        room = columns - display_width(clock) - display_width(line.text)
        head = clock + clip(prompt, max(0, room)) + line.text
        note = clip("  " + line.note, columns - display_width(head)) if line.note else ""
        self.out.write("\r\x1b[K" + head + (self.dim(note) if note else ""))
        self.out.flush()

    def _end(self) -> None:
        self.out.write("\n")
        self.out.flush()
