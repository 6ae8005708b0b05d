"""Question text for a terminal: Markdown with math as Unicode, code highlighted in colour, prose
wrapped to the terminal's width (`eprep/quiz/wrap.py`)."""

from __future__ import annotations

import re

from eprep.quiz.texmath import replace_math
from eprep.quiz.wrap import terminal_width, wrap_text

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


def _render_prose(text: str, *, color: bool) -> str:
    out = []
    # inline code is shown as written: no math, no emphasis inside backticks
    for i, part in enumerate(_INLINE_CODE.split(text)):
        if i % 2:
            out.append(style(part, "cyan", color=True) if color else f"`{part}`")
            continue
        part = replace_math(part)
        part = _BOLD.sub(lambda m: style(m.group(1) or m.group(2), "bold", color=color), part)
        part = _ITALIC.sub(lambda m: style(m.group(1), "italic", color=color), part)
        out.append(part)
    return "".join(out)


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
        parts.append(wrap_text(_render_prose(text[position : match.start()], color=color), width))
        code = highlight_code(match.group(2), color=color, language=match.group(1) or "python")
        parts.append(indent(code, "    ") + "\n")
        position = match.end()
    parts.append(wrap_text(_render_prose(text[position:], color=color), width))
    return re.sub(r"\n{3,}", "\n\n", "".join(parts)).strip("\n")


def indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line if line.strip() else line for line in text.split("\n"))


_GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "eta": "η",
    "theta": "θ", "lambda": "λ", "mu": "μ", "rho": "ρ", "tau": "τ", "pi": "π", "sigmoid": "σ",
}  # fmt: skip
_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def pretty_formula(text: str) -> str:
    """A grammar formula made easier to read: `sigmoid(x)*(1-sigmoid(x))` → `σ(x)·(1-σ(x))`."""
    text = text.replace("**", "^")
    text = re.sub(r"\^(-?\d+)\b", lambda m: m.group(1).translate(_SUPERSCRIPTS), text)
    text = re.sub(r"\bsqrt\(", "√(", text)
    text = re.sub(r"\b([A-Za-z]+)\b", lambda m: _GREEK.get(m.group(1), m.group(1)), text)
    text = text.replace("*", "·")
    return text
