"""Bank Markdown to card HTML: math as MathJax-ready `\\( … \\)` / `\\[ … \\]`, code by Pygments.

Anki typesets `\\( … \\)` and `\\[ … \\]` with its bundled MathJax, so formulas are not converted
here, only re-delimited. The bank writes `$…$` and `$$…$$`; a Markdown parser (not a regex) finds
them, so a `$` inside inline code or a fenced block stays a dollar sign, and the TeX is
HTML-escaped (MathJax reads the text, so `&lt;` is still `<` to it). Code is highlighted into
spans with Pygments classes, styled by the note type's CSS (`CSS`), light and night mode.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from eprep.questions import BLANK

# dollarmath renders `$$…$$` inside a paragraph as a <div>, which may not sit in a <p>.
_INLINE_DISPLAY = re.compile(r'<div class="math inline">(.*?)</div>', re.S)
# A stand-in for the blank `(あ)` that Pygments keeps as one identifier token.
_BLANK_TOKEN = "EPREPBLANKTOKEN"


def math_inline(tex: str) -> str:
    """A formula as inline MathJax."""
    return f"\\({html.escape(tex, quote=False)}\\)"


def math_display(tex: str) -> str:
    """A formula as display MathJax."""
    return f"\\[{html.escape(tex, quote=False)}\\]"


def _render_math(content: str, options: dict) -> str:
    return math_display(content) if options.get("display_mode") else math_inline(content)


@lru_cache(maxsize=4096)
def highlight(code: str, language: str = "python") -> str:
    """Code as Pygments spans (classes); the blank `(あ)` as a marked span."""
    from pygments import highlight as pyg_highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import TextLexer, get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        lexer = get_lexer_by_name(language or "python")
    except ClassNotFound:
        lexer = TextLexer()
    spans = pyg_highlight(code.replace(BLANK, _BLANK_TOKEN), lexer, HtmlFormatter(nowrap=True))
    return spans.replace(_BLANK_TOKEN, f'<span class="eprep-blank">{BLANK}</span>')


def code_block(code: str, language: str = "python") -> str:
    """A highlighted `<pre><code>` block."""
    return f'<pre class="highlight"><code>{highlight(code.strip(chr(10)), language)}</code></pre>'


def code_inline(code: str) -> str:
    """A short code snippet (an option) highlighted on one line."""
    return f'<code class="highlight">{highlight(code.strip(), "python").rstrip(chr(10))}</code>'


class Markup:
    """Renders bank Markdown (prompts, explanations, feedback) to card HTML."""

    def __init__(self) -> None:
        from markdown_it import MarkdownIt
        from mdit_py_plugins.dollarmath import dollarmath_plugin

        self._md = (
            MarkdownIt("commonmark", {"html": False, "highlight": self._highlight})
            .enable("table")
            .use(dollarmath_plugin, allow_digits=False, double_inline=True, renderer=_render_math)
        )

    @staticmethod
    def _highlight(code: str, language: str, _attrs: str) -> str:
        return highlight(code, language or "python")

    def block(self, text: str) -> str:
        """Markdown to block HTML (paragraphs, lists, code, display math)."""
        rendered = self._md.render(text)
        return _INLINE_DISPLAY.sub(r'<span class="math display">\1</span>', rendered).strip()

    def inline(self, text: str) -> str:
        """Markdown to inline HTML (titles, option texts, feedback): no surrounding <p>."""
        rendered = self._md.renderInline(text)
        return _INLINE_DISPLAY.sub(r'<span class="math display">\1</span>', rendered).strip()


def _css() -> str:
    from pygments.formatters import HtmlFormatter

    light = HtmlFormatter(style="friendly").get_style_defs(".highlight")
    # Anki adds `.nightMode` to the card's body in dark mode (desktop and mobile).
    dark = HtmlFormatter(style="monokai").get_style_defs(".nightMode .highlight")
    return "\n".join([_BASE_CSS, light, dark])


_BASE_CSS = """\
.card { font-family: "Noto Sans CJK JP", "Hiragino Sans", "Yu Gothic", sans-serif;
  font-size: 18px; line-height: 1.55; text-align: left; color: #1b1b1b; background: #fff; }
.nightMode.card, .card.nightMode { color: #e8e8e8; background: #1e1e1e; }
.eprep { max-width: 46em; margin: 0 auto; }
.eprep-title { font-size: 0.85em; color: #666; margin-bottom: 0.4em; }
.eprep h3 { font-size: 0.9em; margin: 1.1em 0 0.3em; color: #555;
  border-bottom: 1px solid #ddd; }
.nightMode .eprep h3, .nightMode .eprep-title { color: #aaa; }
.eprep-options { list-style: none; padding-left: 0; }
.eprep-options li { margin: 0.35em 0; }
.eprep-label { font-weight: bold; margin-right: 0.4em; }
.eprep-key { font-weight: bold; }
.eprep .eprep-dt { margin: 0.6em 0 0.1em; }
.eprep .eprep-dd { margin: 0 0 0.3em 1.2em; }
.eprep .eprep-second .eprep-dd, .eprep .eprep-dd + .eprep-second { margin-left: 1.2em; }
.eprep pre.highlight { padding: 0.6em 0.8em; border-radius: 4px; overflow-x: auto;
  font-size: 0.85em; background: #f6f8fa; }
.nightMode .eprep pre.highlight { background: #272822; }
.eprep code.highlight { padding: 0 0.2em; background: #f6f8fa; border-radius: 3px; }
.nightMode .eprep code.highlight { background: #272822; }
.eprep-blank { font-weight: bold; color: #b00020; background: #ffeef0; padding: 0 0.15em; }
.nightMode .eprep-blank { color: #ff8a9a; background: #4a1f26; }
.eprep-second { margin-top: 0.6em; padding-top: 0.4em; border-top: 1px dashed #ccc;
  font-size: 0.85em; color: #555; }
.nightMode .eprep-second { color: #bbb; }
.eprep-plots img { max-width: 100%; height: auto; background: #fff; margin: 0.4em 0; }
.eprep-meta { margin-top: 1.5em; font-size: 0.75em; color: #888; }
"""


@lru_cache(maxsize=1)
def note_css() -> str:
    """The note type's stylesheet: layout, highlighted code (light and night mode)."""
    return _css()
