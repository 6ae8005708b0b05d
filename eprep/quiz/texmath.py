"""LaTeX math as one line of readable Unicode: `\\frac{a}{b}` → `a/b`, `\\sigma_1` → `σ₁`.

Every command of the bank's LaTeX vocabulary (`eprep/questions/latex.py`) is rendered here:
symbols from `unicodeit`'s table, the structure (fractions, roots, binomials, accents, braces,
scripts, matrices) by this module. Sub/superscripts that Unicode has no characters for are
written `x_b` / `x^(1/d)` rather than left with braces.
"""

from __future__ import annotations

import functools
import re
import threading
from typing import TYPE_CHECKING

from eprep.questions.latex import LAYOUT, OPERATORS

if TYPE_CHECKING:
    from eprep.grammar import Node
    from eprep.grammar.equation import Equation

_TEXT_COMMANDS = {"text", "textrm", "mathrm", "operatorname", "textit", "mathit", "textbf", "mbox"}
_FRAC_COMMANDS = {"frac", "dfrac", "tfrac"}
_SPACES = {",": " ", ";": " ", ":": " ", "!": "", " ": " ", "quad": "  ", "qquad": "    "}
_BOLD = {"boldsymbol", "bm", "mathbf"}
_ALPHABETS = {"mathbb", "mathcal", "mathfrak", "mathscr", "mathsf", "mathtt"}
_ROOTS = {"2": "√", "3": "∛", "4": "∜"}
# accents as combining marks (the same marks unicodeit uses)
_ACCENTS = {"hat": "\u0302", "widehat": "\u0302", "bar": "\u0305", "overline": "\u0305",
            "tilde": "\u0303", "widetilde": "\u0303", "vec": "\u20d7", "dot": "\u0307",
            "ddot": "\u0308"}  # fmt: skip
_BRACES = {"underbrace": "_", "overbrace": "^"}
# symbols unicodeit writes in a way that reads badly in a terminal: 〈 is a wide CJK bracket
_SYMBOL_OVERRIDES = {"langle": "⟨", "rangle": "⟩", "lVert": "‖", "rVert": "‖", "Vert": "‖",
                     "lvert": "|", "rvert": "|", "vert": "|", "top": "T", "dots": "…",
                     "ldots": "…", "cdots": "⋯", "prime": "′", "star": "⋆", "ast": "∗"}  # fmt: skip
_OPENING = {"langle", "lVert", "lvert", "lfloor", "lceil"}
_CLOSING = {"rangle", "rVert", "rvert", "rfloor", "rceil"}
_ESCAPED = {"{": "{", "}": "}", "%": "%", "$": "$", "_": "_", "&": "&", "#": "#", "|": "‖"}
# Private-use characters stand for already-rendered pieces until the end: nothing after may
# read them as LaTeX again (a rendered `e^(−λ)` inside a fraction must stay as it is).
_STASH_BASE = 0xE000


@functools.cache
def _unicodeit_table() -> dict[str, str]:
    import unicodeit.data

    return dict(unicodeit.data.REPLACEMENTS)


@functools.cache
def _scripts() -> tuple[dict[str, str], dict[str, str]]:
    import unicodeit.data

    sub: dict[str, str] = {}
    sup: dict[str, str] = {}
    for key, value in unicodeit.data.SUBSUPERSCRIPTS:
        # `.` (ᐧ), `*`, `<`, `>` and `∫` have no script form a terminal shows well
        if key[1:] not in (".", "*", "<", ">", "∫"):
            (sub if key[0] == "_" else sup)[key[1:]] = value
    sub["-"], sup["-"] = sub["−"], sup["−"]
    return sub, sup


class _Renderer:
    """One fragment's rendering: LaTeX in, one line of Unicode out."""

    def __init__(self) -> None:
        self._table = _unicodeit_table()
        self._sub, self._sup = _scripts()
        self.stash: list[str] = []

    def keep(self, text: str) -> str:
        """A placeholder for finished text (restored by `finish`)."""
        self.stash.append(text)
        return chr(_STASH_BASE + len(self.stash) - 1)

    def finish(self, text: str) -> str:
        for _ in range(len(self.stash) + 1):  # a kept piece may hold earlier placeholders
            if not any(_STASH_BASE <= ord(c) < _STASH_BASE + len(self.stash) for c in text):
                break
            text = re.sub(
                f"[{chr(_STASH_BASE)}-{chr(_STASH_BASE + len(self.stash) - 1)}]",
                lambda m: self.stash[ord(m.group(0)) - _STASH_BASE],
                text,
            )
        return text

    def symbol(self, name: str) -> str | None:
        if name in _SYMBOL_OVERRIDES:
            return _SYMBOL_OVERRIDES[name]
        return self._table.get("\\" + name)

    def script(self, mark: str, body: str) -> str:
        """`^{…}`/`_{…}` as Unicode super/subscripts when every character has one, else
        `x^(…)` / `x_b` (one character) so nothing reads as braces."""
        inner = tex_to_unicode(body)
        table = self._sup if mark == "^" else self._sub
        if inner and all(char in table for char in inner):
            return "".join(table[char] for char in inner)
        if _is_one_symbol(inner):
            return mark + inner
        return f"{mark}({inner})"

    def accent(self, name: str, body: str) -> str:
        inner = tex_to_unicode(body)
        mark = _ACCENTS[name]
        if _is_one_symbol(inner):
            return inner + mark
        if mark == "\u0305":  # a bar over several symbols: over each of them
            return "".join(c + mark if c.isalnum() else c for c in inner)
        return f"({inner}){mark}"

    def rewrite(self, tex: str) -> str:
        """LaTeX → text with every command replaced (finished pieces kept as placeholders)."""
        out: list[str] = []
        i = 0
        after_operator = False  # `\ln\frac{a}{b}` reads ln(a/b)
        while i < len(tex):
            char = tex[i]
            if char in "^_":
                body, i = _read_group(tex, i + 1)
                out.append(self.keep(self.script(char, body)))
                after_operator = False
                continue
            if char in "{}":
                i += 1
                continue
            if char != "\\":
                out.append("−" if char == "-" else char)  # a minus sign, not a hyphen
                i += 1
                if not char.isspace():
                    after_operator = False
                continue
            match = re.match(r"\\([A-Za-z]+|.)", tex[i:])
            if match is None:  # a trailing backslash
                i += 1
                continue
            name = match.group(1)
            i += len(match.group(0))
            was_operator, after_operator = after_operator, False
            if name in _FRAC_COMMANDS:
                num, i = _read_group(tex, i)
                den, i = _read_group(tex, i)
                text = f"{_numerator(tex_to_unicode(num))}/{_denominator(tex_to_unicode(den))}"
                if was_operator:
                    text = f"({text})"
                out.append(self.keep(text))
                if _next_is_word(tex, i):
                    out.append(" ")  # `\frac{d}{dx}\max` reads `d/dx max`, not `d/dxmax`
            elif name == "binom":
                top, i = _read_group(tex, i)
                bottom, i = _read_group(tex, i)
                out.append(self.keep(f"C({tex_to_unicode(top)}, {tex_to_unicode(bottom)})"))
            elif name == "sqrt":
                index = "2"
                if i < len(tex) and tex[i] == "[":
                    end = tex.find("]", i)
                    index, i = tex[i + 1 : end].strip(), end + 1
                body, i = _read_group(tex, i)
                root = _ROOTS.get(index, f"{index}√")
                inner = tex_to_unicode(body)
                # √n and √2 read fine; anything longer gets parentheses: √(v̂)+ε, √(1−β₂ᵗ)
                shown = inner if re.fullmatch(r"\w|\d+", inner) else f"({inner})"
                out.append(self.keep(root + shown))
            elif name in _TEXT_COMMANDS:
                body, i = _read_group(tex, i)
                body = re.sub(r"\\[,;: ]", " ", body).replace("\\!", "")  # `arg\,min`
                out.append(self.keep(re.sub(r"\\(.)", r"\1", body)))
            elif name in _BOLD or name in _ALPHABETS:
                body, i = _read_group(tex, i)
                style = "mathbf" if name in _BOLD else name
                letters = re.sub(r"\s+", "", body)
                shown = [self._table.get(f"\\{style}{{{c}}}") for c in letters]
                if letters and all(shown):
                    out.append(self.keep("".join(s for s in shown if s)))
                else:  # unicodeit has these alphabets for ASCII letters (and digits) only
                    out.append(self.keep(tex_to_unicode(body)))
            elif name in _ACCENTS:
                body, i = _read_group(tex, i)
                out.append(self.keep(self.accent(name, body)))
            elif name in _BRACES:
                body, i = _read_group(tex, i)
                shown = tex_to_unicode(body)
                j = i
                while j < len(tex) and tex[j] == " ":
                    j += 1
                if tex[j : j + 1] == _BRACES[name]:
                    label, i = _read_group(tex, j + 1)
                    shown = f"[{shown} = {tex_to_unicode(label)}]"  # the braced part is named
                out.append(self.keep(shown))
            elif name == "prime":
                out.append("′")
            elif name in _SPACES:
                out.append(_SPACES[name])
            elif name in LAYOUT:
                if name in ("left", "right") and tex[i : i + 1] == ".":
                    i += 1
            elif name in OPERATORS:
                if out and (out[-1][-1:].isalnum() or _is_kept(out[-1])):
                    out.append(" ")  # `0.4\ln 2` reads `0.4 ln 2`
                out.append(self.keep(name))
                after_operator = True
                if _next_is_word(tex, i) and not re.match(r"\s*\\[dt]?frac\b", tex[i:]):
                    out.append(" ")  # `\log x`, `\ln\sigma`: a space, never `logx`
            elif name in _ESCAPED:
                out.append(_ESCAPED[name])
            elif name == "\\":
                out.append(" ")
            elif (symbol := self.symbol(name)) is not None:
                if name in _CLOSING:  # `\lVert x \rVert` reads ‖x‖
                    while out and out[-1] == " ":
                        out.pop()
                out.append(self.keep(symbol))
                if name in _OPENING:
                    while i < len(tex) and tex[i] == " ":
                        i += 1
            else:
                out.append(name)  # unknown (refused when a bank is loaded): no backslash
        return "".join(out)


def _is_kept(piece: str) -> bool:
    return len(piece) == 1 and ord(piece) >= _STASH_BASE and ord(piece) < _STASH_BASE + 0x1000


def _next_is_word(tex: str, i: int) -> bool:
    """Whether what follows (after spaces and sizing commands) starts a word or a symbol."""
    while True:
        while i < len(tex) and tex[i] == " ":
            i += 1
        match = re.match(r"\\([A-Za-z]+)", tex[i:])
        if match and match.group(1) in LAYOUT and match.group(1) not in ("quad", "qquad"):
            i += len(match.group(0))
            continue
        break
    if i >= len(tex):
        return False
    if tex[i] == "\\":
        match = re.match(r"\\([A-Za-z]+)", tex[i:])
        return match is not None and match.group(1) not in ("quad", "qquad")
    return tex[i].isalnum()


_COMBINING = re.compile(r"[\u0300-\u036f\u20d0-\u20ff]")


def _is_one_symbol(text: str) -> bool:
    """One letter or digit with its accents (x̂, 𝐮, ℓ)."""
    return len(_COMBINING.sub("", text)) == 1


def _read_group(tex: str, i: int) -> tuple[str, int]:
    """The argument starting at tex[i] (a {…} group or one token) and the index after it."""
    while i < len(tex) and tex[i] == " ":
        i += 1
    if i >= len(tex):
        return "", i
    if tex[i] == "{":
        depth = 0
        for j in range(i, len(tex)):
            if tex[j] == "{":
                depth += 1
            elif tex[j] == "}":
                depth -= 1
                if depth == 0:
                    return tex[i + 1 : j], j + 1
        return tex[i + 1 :], len(tex)  # unbalanced: take the rest
    if tex[i] == "\\":
        match = re.match(r"\\([A-Za-z]+|.)", tex[i:])
        assert match is not None
        return match.group(0), i + len(match.group(0))
    return tex[i], i + 1


def _numerator(text: str) -> str:
    """Parenthesise a fraction's numerator unless it is one term (no operator at top level)."""
    text = text.strip()
    return f"({text})" if _has_top_level_op(text) else text


_SCRIPT_CHARS = "₀-ₜᵢ-ᵪ⁰-ⁿᴬ-ᵡᶜᶠᶻ′"
_ATOM = re.compile(
    rf"""[∂d]?                                  # d/dx, ∂L/∂xᵢ
    (?:\d+(?:\.\d+)?|[^\W\d_][\u0300-\u036f\u20d0-\u20ff]*|\([^()]*(?:\([^()]*\)[^()]*)*\)
       |‖[^‖]*‖|\|[^|]*\|)                    # (…), ‖w‖, |x|
    (?:[{_SCRIPT_CHARS}]|[_^]\w|[_^]\([^()]*\))*  # scripts: xᵢ, σ_B, e^(−x)
    (?:\([^()]*\))?!?                        # f(x), k!
    """,
    re.VERBOSE,
)


def _denominator(text: str) -> str:
    """Parenthesise a denominator unless it is one factor: a/(2b), a/(σ_Xσ_Y), but a/√n, d/dx."""
    text = text.strip()
    if _ATOM.fullmatch(text) or (text[:1] in "√∛∜" and _ATOM.fullmatch(text[1:])):
        return text
    return f"({text})"


def _has_top_level_op(text: str) -> bool:
    depth = 0
    for char in text:
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif depth == 0 and char in "+-−*/= ,±":
            return True
    return False


_CASES = re.compile(r"\\begin\{cases\}(.*?)\\end\{cases\}", re.DOTALL)


def _cases(match: re.Match[str]) -> str:
    """A cases environment on one line: {x (x > 0); αx (x ≤ 0)}."""
    rows = [row for row in re.split(r"\\\\", match.group(1)) if row.strip()]
    shown = []
    for row in rows:
        value, _, condition = row.partition("&")
        text = tex_to_unicode(value)
        shown.append(f"{text} ({tex_to_unicode(condition)})" if condition.strip() else text)
    return "{" + "; ".join(shown) + "}"


_MATRIX = re.compile(r"\\begin\{([pbvB]?)matrix\}(.*?)\\end\{\1matrix\}", re.DOTALL)


def _matrix(match: re.Match[str]) -> str:
    """A matrix environment as NumPy-style nested rows: [[5, −2], [1, 2]] (vmatrix: |[…], […]|)."""
    rows = [row for row in re.split(r"\\\\", match.group(2)) if row.strip()]
    shown = ", ".join(
        "[" + ", ".join(tex_to_unicode(entry) for entry in row.split("&")) + "]" for row in rows
    )
    return f"|{shown}|" if match.group(1) == "v" else f"[{shown}]"


MAX_NESTING = 60  # groups inside groups: deeper than any formula, shallower than the stack
_nesting = threading.local()


def tex_to_unicode(tex: str) -> str:
    """One line of readable Unicode for a LaTeX math fragment."""
    depth = getattr(_nesting, "depth", 0)
    if depth >= MAX_NESTING:  # a hostile bank's `x^{x^{x^{…}}}`: plain text, not a crash
        return re.sub(r"\\([A-Za-z]+)|[{}]", r"\1", tex).strip()
    _nesting.depth = depth + 1
    try:
        return _tex_to_unicode(tex)
    finally:
        _nesting.depth = depth


def _tex_to_unicode(tex: str) -> str:
    renderer = _Renderer()
    tex = _MATRIX.sub(lambda m: renderer.keep(_matrix(m)), tex)
    tex = _CASES.sub(lambda m: renderer.keep(_cases(m)), tex)
    tex = re.sub(r"\^\s*\{?\s*\\prime\s*\}?", "′", tex)  # x^{\prime} is x′
    text = renderer.finish(renderer.rewrite(tex))
    text = re.sub(r"([∂∇]) (?=\w)", r"\1", text)  # `∂ L` reads better as `∂L`
    return re.sub(r"  +", " ", text).strip()


_MATH = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$", re.DOTALL)


def replace_math(text: str, *, keep_together: bool = False) -> str:
    """Replace every `$…$` and `$$…$$` in Markdown text by its Unicode rendering.

    With `keep_together`, the spaces of inline math are no-break spaces (U+00A0): a wrapped
    line breaks a formula only when it does not fit on a line of its own.
    """

    def convert(match: re.Match[str]) -> str:
        if match.group(1) is not None:
            return "\n    " + tex_to_unicode(match.group(1)) + "\n"
        shown = tex_to_unicode(match.group(2))
        return shown.replace(" ", "\u00a0") if keep_together else shown

    return _MATH.sub(convert, text)


def typeset(node: Node | Equation) -> str:
    """A parsed formula (or equation) as the site typesets it (`to_latex`), in one line of
    Unicode."""
    from eprep.grammar import to_latex
    from eprep.grammar.equation import Equation

    if isinstance(node, Equation):
        return f"{typeset(node.lhs)} = {typeset(node.rhs)}"
    return tex_to_unicode(to_latex(node))
