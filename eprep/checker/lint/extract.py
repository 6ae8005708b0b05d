"""Finding the formulas of a note: math spans of Markdown or plain text, and fenced code lines.

Delimiters `$…$`, `$$…$$`, `\\(…\\)` and `\\[…\\]`; a `$$` block may span lines. Text that machine
translation broke is repaired only where the repair is certain: `\\ sqrt` → `\\sqrt` when the word
is a LaTeX command the answer grammar reads, and a closing `$$` left without its opening `$$` at
the end of a line closes the formula that runs from the delimiter before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from eprep.grammar.tex_reader import KNOWN_COMMANDS

_FENCE = re.compile(r"^\s*(```|~~~)")
_DELIMITER = re.compile(r"\$\$|\$|\\\(|\\\)|\\\[|\\\]")
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_BROKEN_COMMAND = re.compile(r"\\ +([A-Za-z]+)")
_CLOSERS = {"$$": "$$", "$": "$", "\\(": "\\)", "\\[": "\\]"}


@dataclass(frozen=True)
class Found:
    """A formula (`source` "math") or a line of code (`source` "code") at a 1-based line."""

    line: int
    text: str
    source: str


def repair(tex: str) -> str:
    """Undo what machine translation does to LaTeX, where the result is certain."""

    def command(match: re.Match[str]) -> str:
        word = match.group(1)
        return "\\" + word if word in KNOWN_COMMANDS else match.group(0)

    return _BROKEN_COMMAND.sub(command, tex)


def _spans(line: str) -> list[str]:
    """The math spans of one line (inline code blanked out first)."""
    line = _INLINE_CODE.sub(lambda m: " " * len(m.group()), line)
    marks = list(_DELIMITER.finditer(line))
    spans: list[str] = []
    k = 0
    last_end = 0
    while k < len(marks):
        opener = marks[k]
        closer_text = _CLOSERS.get(opener.group())
        if closer_text is None:  # a stray closer
            k += 1
            continue
        close = next((j for j in range(k + 1, len(marks)) if marks[j].group() == closer_text), None)
        if close is None:
            if opener.group() == "$$" and k == len(marks) - 1 and last_end:
                # `$\beta$. $$y=…$$` broken into `$ \ beta . $y=…$$`: the lone `$$` closes
                # the formula that starts after the previous delimiter.
                spans.append(line[last_end : opener.start()])
            break
        spans.append(line[opener.end() : marks[close].start()])
        last_end = marks[close].end()
        k = close + 1
    return spans


def extract(text: str) -> list[Found]:
    """Every formula and fenced code line of a note, in order."""
    found: list[Found] = []
    lines = text.splitlines()
    fence: str | None = None
    block: list[str] | None = None  # a `$$` display block spanning lines
    block_line = 0
    for number, line in enumerate(lines, start=1):
        opening = _FENCE.match(line)
        if fence is not None:
            if opening and opening.group(1) == fence:
                fence = None
            elif line.strip():
                found.append(Found(number, line.strip(), "code"))
            continue
        if opening:
            fence = opening.group(1)
            continue
        stripped = line.strip()
        if block is not None:
            if stripped.endswith("$$"):
                block.append(stripped[:-2])
                found.append(Found(block_line, repair(" ".join(block).strip()), "math"))
                block = None
            else:
                block.append(stripped)
            continue
        if stripped.startswith("$$") and stripped.count("$$") == 1:
            block, block_line = [stripped[2:]], number
            continue
        for span in _spans(line):
            if span.strip():
                found.append(Found(number, repair(span.strip()), "math"))
    return found
