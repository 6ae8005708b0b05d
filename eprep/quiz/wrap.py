"""Terminal text wrapped to the terminal's width, for English and Japanese alike.

Widths are display columns (`rich.cells`: wide CJK characters take 2, combining marks 0, ANSI
colour codes 0). English words are never cut; Japanese may break between any two characters
except where kinsoku forbids it: no line starts with closing punctuation or a prolonged-sound
mark (。、）」』・ー …) and no line ends with an opening bracket (（「『 …).
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import sys
from collections import deque
from typing import TextIO

from rich.cells import cell_len

DEFAULT_WIDTH = 80  # when the output is not a terminal and COLUMNS is not set
MIN_WIDTH = 20  # narrower than this, wrapping would do more harm than good

# 行頭禁則: characters that may not begin a line
NO_START = frozenset(
    "、。，．・：；？！゛゜ヽヾゝゞ々〻ー—‐‥…〜～"
    "）〕］｝〉》」』】〙〗〟’”｠»"
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ"
    ",.:;!?)]}%"
)
# 行末禁則: characters that may not end a line
NO_END = frozenset("（〔［｛〈《「『【〘〖〝‘“｟«([{")

NO_BREAK = "\u00a0"  # a space the wrapper breaks at only when a formula is wider than a line
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# colour codes, runs of spaces, single characters
_TOKEN = re.compile(r"\x1b\[[0-9;]*[A-Za-z]|[ \t]+|[!-~]+|[^ \t\x1b]")  # ASCII runs at once
_LIST_MARK = re.compile(r"^(\s*)((?:[-*•]|\d+[.)]|\([a-z0-9あ-ん]+\)|[a-d]\))\s+)?")


def terminal_width(stream: TextIO | None = None) -> int:
    """Columns of the terminal `stream` (else stdout, else stderr) writes to; COLUMNS wins,
    `DEFAULT_WIDTH` when there is no terminal."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return max(MIN_WIDTH, int(columns))
    for candidate in (stream, sys.stdout, sys.stderr):
        try:
            if candidate is not None and candidate.isatty():
                return max(MIN_WIDTH, os.get_terminal_size(candidate.fileno()).columns)
        except (AttributeError, ValueError, OSError):
            continue
    return max(MIN_WIDTH, shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns)


def display_width(text: str) -> int:
    """Columns `text` takes in a terminal (ANSI escapes take none)."""
    return cell_len(_ANSI.sub("", text) if "\x1b" in text else text)


@functools.cache
def _is_wide(char: str) -> bool:
    return cell_len(char) == 2


def _atoms(text: str) -> list[str]:
    """Unbreakable pieces: spaces, English words (with ANSI codes), single wide characters."""
    atoms: list[str] = []
    last = ""  # the last visible character of atoms[-1] ("" for a space or colour codes only)
    for token in _TOKEN.findall(text):
        if token[0] in " \t":
            atoms.append(" ")
            last = ""
            continue
        code = token.startswith("\x1b")
        # colour codes stick to their word; a narrow character to a narrow one before it
        first = token[0]
        sticks = code or not last or (not _is_wide(first) and not _is_wide(last))
        if atoms and atoms[-1] != " " and sticks:
            atoms[-1] += token
            last = last if code else token[-1]
            continue
        atoms.append(token)
        last = "" if code else token[-1]
    return atoms


def _last_char(atom: str) -> str:
    plain = _ANSI.sub("", atom) if "\x1b" in atom else atom
    return plain[-1:] if plain else ""


def _first_char(atom: str) -> str:
    plain = _ANSI.sub("", atom) if "\x1b" in atom else atom
    return plain[:1] if plain else ""


def _chunks(atoms: list[str]) -> list[str]:
    """Atoms joined where a line break is forbidden (kinsoku), spaces kept as their own."""
    chunks: list[str] = []
    for atom in atoms:
        glued = _first_char(atom) in NO_START or (chunks and _last_char(chunks[-1]) in NO_END)
        if atom != " " and chunks and chunks[-1] != " " and glued:
            chunks[-1] += atom
            continue
        chunks.append(atom)
    return chunks


def _hard_split(chunk: str, width: int) -> list[str]:
    """A chunk wider than a whole line, cut into pieces of at most `width` columns."""
    pieces, current, used = [], "", 0
    for token in _TOKEN.findall(chunk):
        size = display_width(token)
        if used + size > width and current:
            pieces.append(current)
            current, used = "", 0
        current += token
        used += size
    if current:
        pieces.append(current)
    return pieces


def wrap_line(line: str, width: int, indent: str | None = None) -> list[str]:
    """One line as lines of at most `width` columns; continuation lines start with `indent`
    (by default: the line's own indentation, past a list mark such as `- ` or `1. `)."""
    if width <= 0 or display_width(line) <= width:
        return [line]
    if indent is None:
        mark = _LIST_MARK.match(_ANSI.sub("", line))
        indent = " " * display_width(mark.group(0)) if mark else ""
    lead = re.match(r"\s*", line).group(0)  # type: ignore[union-attr]
    room = max(1, width - display_width(indent))
    lines: list[str] = []
    current, used, pending = lead, display_width(lead), False
    queue = deque(_chunks(_atoms(line[len(lead) :])))
    while queue:
        chunk = queue.popleft()
        if chunk == " ":
            pending = bool(current.strip())
            continue
        size = display_width(chunk)
        space = 1 if pending else 0
        if used + space + size <= width:
            current += " " * space + chunk
            used += space + size
        elif size > room and NO_BREAK in chunk:  # a formula wider than a line: at its spaces
            parts = chunk.split(NO_BREAK)
            queue.extendleft(reversed([piece for part in parts for piece in (part, " ")][:-1]))
            continue
        elif size > room:  # a word longer than a line: cut it, nothing else can be done
            for piece in _hard_split(chunk, room):
                if current.strip():
                    lines.append(current.rstrip())
                current, used = indent + piece, display_width(indent + piece)
        else:
            if current.strip():
                lines.append(current.rstrip())
            current, used = indent + chunk, display_width(indent) + size
        pending = False
    if current.strip():
        lines.append(current.rstrip())
    return lines or [line]


def wrap_text(text: str, width: int | None = None, indent: str | None = None) -> str:
    """Every line of `text` wrapped to `width` columns (the terminal's when None; 0: as is)."""
    if width is None:
        width = terminal_width()
    return "\n".join(
        wrapped for line in text.split("\n") for wrapped in wrap_line(line, width, indent)
    )


PREFORMATTED_INDENT = 4  # lines indented this far (code, display math) are never re-wrapped


def fit(text: str, width: int) -> str:
    """`text` for a terminal `width` columns wide: every line wrapped, except lines indented
    by 4 or more spaces (code listings, display formulas: their producer decides)."""
    out = []
    for line in text.split("\n"):
        plain = _ANSI.sub("", line)
        if len(plain) - len(plain.lstrip(" ")) >= PREFORMATTED_INDENT:
            out.append(line)
        else:
            out.extend(wrap_line(line, width))
    return "\n".join(out)
