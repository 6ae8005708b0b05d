"""Markdown with `$…$` / `$$…$$` math to HTML: MathML at build time, code highlighted by Pygments.

latex2mathml passes unknown commands through as `<mi>\\foo</mi>` and leaves `\\text{…}`
unescaped, so formulas are escaped before conversion and the output is linted; a formula that
cannot be rendered is a `MathError` naming where it came from.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from eprep.errors import EprepError

# Text-mode commands whose braced argument latex2mathml copies verbatim into <mtext>.
_TEXT_COMMANDS = re.compile(r"\\(?:text|textrm|textbf|textit|mbox|mathrm|operatorname)\s*\{")
_UNCONVERTED = re.compile(r">\\([A-Za-z]+)<")
_FORBIDDEN = re.compile(r"\\(href|url|html|class|style|id|data)\b")


class MathError(EprepError):
    """A formula the converter cannot render; the message names where it was written."""


def _escape_text_arguments(tex: str) -> str:
    """Escape `& < >` inside `\\text{…}`-like arguments (latex2mathml does not)."""
    out: list[str] = []
    pos = 0
    for match in _TEXT_COMMANDS.finditer(tex):
        if match.start() < pos:
            continue
        out.append(tex[pos : match.end()])
        depth, i = 1, match.end()
        while i < len(tex) and depth:
            depth += {"{": 1, "}": -1}.get(tex[i], 0)
            i += 1
        inner = tex[match.end() : i - 1] if depth == 0 else tex[match.end() :]
        out.append(html.escape(inner, quote=False))
        if depth == 0:
            out.append("}")
        pos = i
    out.append(tex[pos:])
    return "".join(out)


@lru_cache(maxsize=8192)
def _convert(tex: str, display: bool, standalone: bool) -> str:
    from latex2mathml.converter import convert

    from eprep.site.mathml import mend

    mathml = convert(_escape_text_arguments(tex), display="block" if display else "inline")
    return mend(mathml, displaystyle=standalone)


def tex_to_mathml(
    tex: str, *, display: bool = False, standalone: bool = False, where: str = ""
) -> str:
    """MathML for one formula; raises MathError naming `where` and the formula if it fails.

    `standalone` is for a formula that stands on its own line or in a box of its own (an option,
    a key, a solution step): typeset in display style, with limits under and over `∑`.
    """
    forbidden = _FORBIDDEN.search(tex)
    if forbidden:
        raise MathError(
            f"{where}: formula ${tex}$ uses \\{forbidden.group(1)}, which the site does not allow"
        )
    try:
        mathml = _convert(tex, display, standalone)
    except Exception as error:  # latex2mathml raises a zoo of exception types on bad input
        raise MathError(
            f"{where}: cannot render formula ${tex}$ ({type(error).__name__})"
        ) from None
    leftover = _UNCONVERTED.search(mathml)
    if leftover:
        raise MathError(
            f"{where}: formula ${tex}$ has a command the converter does not know: "
            f"\\{leftover.group(1)}"
        )
    return with_search_text(mathml)


def with_search_text(mathml: str) -> str:
    """MathML that search skips, beside its one-line reading for search (σ(x) = 1/(1+e⁻ˣ)).

    Pagefind indexes a `<math>` as the concatenation of its leaves ("σ(x)=11+e−x"); the reading
    is hidden from view and from screen readers, which read the MathML itself.
    """
    from eprep.site.mathml import reading

    text = html.escape(reading(mathml), quote=False)
    if not text:
        return mathml
    return (
        mathml.replace("<math ", "<math data-pagefind-ignore ", 1)
        + f'<span class="math-text" aria-hidden="true">{text}</span>'
    )


@lru_cache(maxsize=4096)
def highlight(code: str, language: str = "python") -> str:
    """Code highlighted to HTML spans (classes, no inline styles) at build time."""
    from pygments import highlight as pyg_highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import TextLexer, get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        lexer = get_lexer_by_name(language or "python")
    except ClassNotFound:
        lexer = TextLexer()
    return pyg_highlight(code, lexer, HtmlFormatter(nowrap=True))


def code_block(code: str, language: str = "python") -> str:
    """A highlighted `<pre><code>` block."""
    return f'<pre class="highlight"><code>{highlight(code, language)}</code></pre>'


# dollarmath renders `$$…$$` inside a paragraph as a <div>, which may not sit in a <p>.
_INLINE_DISPLAY = re.compile(r'<div class="math inline">(.*?)</div>', re.S)


class Markup:
    """Renders bank Markdown to HTML; `where` in each call names the source for errors."""

    def __init__(self) -> None:
        from markdown_it import MarkdownIt
        from mdit_py_plugins.dollarmath import dollarmath_plugin

        self._where = ""
        self._md = (
            MarkdownIt("commonmark", {"html": False, "highlight": self._highlight})
            .enable("table")
            .use(
                dollarmath_plugin,
                allow_digits=False,
                double_inline=True,
                renderer=self._math,
            )
        )

    def _math(self, content: str, options: dict) -> str:
        return tex_to_mathml(content, display=bool(options.get("display_mode")), where=self._where)

    def _highlight(self, code: str, language: str, _attrs: str) -> str:
        return highlight(code, language or "python")

    def block(self, text: str, where: str) -> str:
        """Markdown to block HTML (paragraphs, lists, code, display math)."""
        self._where = where
        return _INLINE_DISPLAY.sub(r'<span class="math display">\1</span>', self._md.render(text))

    def inline(self, text: str, where: str) -> str:
        """Markdown to inline HTML (titles, option texts): no surrounding <p>."""
        self._where = where
        return _INLINE_DISPLAY.sub(
            r'<span class="math display">\1</span>', self._md.renderInline(text)
        )


def pygments_css() -> str:
    """The stylesheet for highlighted code (light theme)."""
    from pygments.formatters import HtmlFormatter

    return HtmlFormatter(style="friendly").get_style_defs(".highlight")
