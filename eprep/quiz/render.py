"""Question text for a terminal: Markdown with math as Unicode, code highlighted in colour, prose
wrapped to the terminal's width (`eprep/quiz/wrap.py`)."""

from __future__ import annotations

import re

from rich.cells import cell_len

from eprep.grammar.pretty import pretty_formula as pretty_formula  # re-exported for the quiz
from eprep.quiz.texmath import replace_math
from eprep.quiz.wrap import NO_BREAK, terminal_width, wrap_text

_FENCE = re.compile(r"^```[ \t]*([\w+-]*)[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_INLINE_CODE = re.compile(r"`([^`\n]+)`")
_ITALIC = re.compile(r"(?<![*\w])\*(?![\s*])([^*\n]+?)(?<!\s)\*(?![*\w])")

# ANSI styles used when colour is on (no dependency: click.style would do the same)
_RESET = "\x1b[0m"
_STYLES = {"bold": "\x1b[1m", "dim": "\x1b[2m", "italic": "\x1b[3m", "green": "\x1b[32m",
           "red": "\x1b[31m", "yellow": "\x1b[33m", "cyan": "\x1b[36m"}  # fmt: skip


def style(text: str, *names: str, color: bool) -> str:
    """`text` wrapped in ANSI styles when colour is on, unchanged otherwise."""
    if not color or not names:
        return text
    return "".join(_STYLES[name] for name in names) + text + _RESET


def highlight_code(code: str, *, color: bool, language: str = "python") -> str:
    """Code for the terminal: Pygments-highlighted with colour, plain without."""
    code = code.strip("\n")
    if not color:
        return code
    from pygments import highlight
    from pygments.formatters import TerminalFormatter
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        lexer = get_lexer_by_name(language or "python")
    except ClassNotFound:
        lexer = get_lexer_by_name("text")
    return highlight(code, lexer, TerminalFormatter()).rstrip("\n")


_BLOCK_START = re.compile(r"^\s*(?:[-*+•]\s|\d+[.)]\s|#|\||\$\$)|^ {4}")


def _reflow(text: str) -> str:
    """Markdown paragraphs as one line each: a single line break in the source is a space
    (none between Japanese characters); list items, headings and display math keep theirs."""
    out: list[str] = []
    for line in text.split("\n"):
        previous = out[-1] if out else ""
        joinable = (
            previous.strip()
            and line.strip()
            and not _BLOCK_START.match(line)
            and not previous.rstrip().endswith("$$")
            and not previous.endswith("  ")  # Markdown's hard line break
        )
        if not joinable:
            out.append(line)
            continue
        left, right = previous.rstrip(), line.strip()
        wide = cell_len(left[-1]) == 2 or cell_len(right[0]) == 2
        out[-1] = left + ("" if wide else " ") + right
    return "\n".join(out)


def _render_prose(text: str, *, color: bool, wrap: bool = False) -> str:
    if wrap:
        text = _reflow(text)
    out = []
    # inline code is shown as written: no math, no emphasis inside backticks
    for i, part in enumerate(_INLINE_CODE.split(text)):
        if i % 2:
            out.append(style(part, "cyan", color=True) if color else f"`{part}`")
            continue
        part = replace_math(part, keep_together=wrap)
        part = _BOLD.sub(lambda m: style(m.group(1) or m.group(2), "bold", color=color), part)
        part = _ITALIC.sub(lambda m: style(m.group(1), "italic", color=color), part)
        out.append(part)
    # the line after a display formula starts at the margin
    return re.sub(r"(?m)^ (?=\S)", "", "".join(out))


def render_markdown(text: str, *, color: bool, width: int | None = None) -> str:
    """Markdown prose and fenced code as terminal text (math as Unicode, code indented).

    Prose is wrapped to `width` columns: the terminal's when None, not at all when 0. Code is
    never wrapped.
    """
    if width is None:
        width = terminal_width()
    parts: list[str] = []
    position = 0
    for match in _FENCE.finditer(text):
        prose = _render_prose(text[position : match.start()], color=color, wrap=width > 0)
        parts.append(_unglue(wrap_text(prose, width)))
        code = highlight_code(match.group(2), color=color, language=match.group(1) or "python")
        parts.append(indent(code, "    ") + "\n")
        position = match.end()
    prose = _render_prose(text[position:], color=color, wrap=width > 0)
    parts.append(_unglue(wrap_text(prose, width)))
    return re.sub(r"\n{3,}", "\n\n", "".join(parts)).strip("\n")


def _unglue(text: str) -> str:
    return text.replace(NO_BREAK, " ")


def indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line if line.strip() else line for line in text.split("\n"))
