"""LaTeX math as one line of readable Unicode: `\\frac{a}{b}` → `a/b`, `\\sigma_1` → `σ₁`.

The symbol work (Greek, operators, sub/superscripts, blackboard and calligraphic letters) is done
by `unicodeit`. Before it, this module rewrites the constructs unicodeit leaves as LaTeX (fractions,
roots, text, operator names, `\\left`/`\\right`, spacing); after it, sub/superscripts that Unicode
has no characters for are written `x_(ij)` / `x^(T)` rather than left with braces.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from eprep.grammar import Node
    from eprep.grammar.equation import Equation

# \name -> plain text: operator names (must come before unicodeit, which reads `\log` as `\l`+`og`)
_OPERATOR_NAMES = {
    "arg", "argmax", "argmin", "cos", "cosh", "det", "dim", "exp", "lim", "ln", "log", "max",
    "min", "sin", "sinh", "tan", "tanh", "sup", "inf", "Pr", "sgn", "softmax", "sigmoid", "ReLU",
}  # fmt: skip
_TEXT_COMMANDS = {"text", "textrm", "mathrm", "operatorname", "textit", "mathit", "textbf", "mbox"}
_FRAC_COMMANDS = {"frac", "dfrac", "tfrac"}
_DROP_COMMANDS = {"left", "right", "big", "Big", "bigg", "Bigg", "displaystyle", "limits"}
_SPACES = {",": " ", ";": " ", ":": " ", "!": "", " ": " ", "quad": "  ", "qquad": "    "}
_BOLD = {"boldsymbol", "bm", "mathbf"}
_ROOTS = {"2": "√", "3": "∛", "4": "∜"}
_ACCENTS = {"hat", "bar", "tilde", "vec", "dot", "ddot", "widehat", "overline"}


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


def _wrap(text: str) -> str:
    """Parenthesise a fraction's or root's part unless it is one term (no operator at top level)."""
    text = text.strip()
    return f"({text})" if _has_top_level_op(text) else text


def _has_top_level_op(text: str) -> bool:
    depth = 0
    for char in text:
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif depth == 0 and char in "+-−*/= ,":
            return True
    return False


def _rewrite(tex: str) -> str:
    """Rewrite what unicodeit does not handle into plain LaTeX-ish text it can finish."""
    out: list[str] = []
    i = 0
    while i < len(tex):
        char = tex[i]
        if char != "\\":
            out.append(char)
            i += 1
            continue
        match = re.match(r"\\([A-Za-z]+|.)", tex[i:])
        if match is None:  # a trailing backslash
            i += 1
            continue
        name = match.group(1)
        i += len(match.group(0))
        if name in _FRAC_COMMANDS:
            num, i = _read_group(tex, i)
            den, i = _read_group(tex, i)
            out.append(f"{_wrap(tex_to_unicode(num))}/{_wrap(tex_to_unicode(den))}")
            if i < len(tex) and (tex[i].isalnum() or tex[i] == "\\"):
                out.append(" ")  # `\frac{d}{dx}\max` reads `d/dx max`, not `d/dxmax`
        elif name == "sqrt":
            index = "2"
            if i < len(tex) and tex[i] == "[":
                end = tex.find("]", i)
                index, i = tex[i + 1 : end].strip(), end + 1
            body, i = _read_group(tex, i)
            root = _ROOTS.get(index, f"{index}√")
            inner = tex_to_unicode(body)
            # √n and √2 read fine; anything longer gets parentheses: √(v̂)+ε, √(1−β₂ᵗ)
            out.append(root + (inner if re.fullmatch(r"\w|\d+", inner) else f"({inner})"))
        elif name in _TEXT_COMMANDS:
            body, i = _read_group(tex, i)
            out.append(body.replace("\\", ""))
        elif name in _BOLD:
            body, i = _read_group(tex, i)
            inner = _rewrite(body)
            # unicodeit has bold for ASCII letters and digits only
            out.append(f"\\mathbf{{{inner}}}" if re.fullmatch(r"[A-Za-z0-9]+", inner) else inner)
        elif name in _ACCENTS:
            body, i = _read_group(tex, i)
            name = {"widehat": "hat", "overline": "bar"}.get(name, name)
            out.append(f"\\{name}{{{_rewrite(body)}}}")
        elif name in ("dots", "ldots", "cdots"):
            out.append("⋯" if name == "cdots" else "…")
        elif name == "top":
            out.append("T")
        elif name == "prime":
            if out and out[-1] == "^":
                out.pop()  # x^\prime is x′, not a superscript
            out.append("′")
        elif name in _DROP_COMMANDS:
            if name in ("left", "right") and tex[i : i + 1] == ".":
                i += 1
        elif name in _SPACES:
            out.append(_SPACES[name])
        elif name in _OPERATOR_NAMES or name in ("{", "}", "%", "$", "_", "&", "#"):
            out.append(name)
        else:
            out.append(match.group(0))
            # keep a separating space: `\alpha x` must not become `\alphax`
            if name.isalpha() and i < len(tex) and tex[i].isalpha():
                out.append(" ")
    return "".join(out)


def _finish_scripts(text: str) -> str:
    """`x_{ij}` → `x_(ij)`, `x_b` stays; braces of unconverted scripts become parentheses."""

    def group(match: re.Match[str]) -> str:
        body = match.group(2)
        return match.group(1) + (body if len(body) == 1 else f"({body})")

    previous = None
    while previous != text:
        previous = text
        text = re.sub(r"([_^])\{([^{}]*)\}", group, text)
    return text


_MATRIX = re.compile(r"\\begin\{([pbvB]?)matrix\}(.*?)\\end\{\1matrix\}", re.DOTALL)


def _matrix(match: re.Match[str]) -> str:
    """A matrix environment as NumPy-style nested rows: [[5, −2], [1, 2]] (vmatrix: |[…], […]|)."""
    rows = [row for row in re.split(r"\\\\", match.group(2)) if row.strip()]
    shown = ", ".join(
        "[" + ", ".join(tex_to_unicode(entry) for entry in row.split("&")) + "]" for row in rows
    )
    return f"|{shown}|" if match.group(1) == "v" else f"[{shown}]"


def tex_to_unicode(tex: str) -> str:
    """One line of readable Unicode for a LaTeX math fragment."""
    import unicodeit

    tex = _MATRIX.sub(_matrix, tex)  # unicodeit would leave `beginpmatrix … endpmatrix`
    tex = re.sub(r"\^\s*\{?\s*\\prime\s*\}?", "′", tex)  # x^{\prime} is x′
    text = unicodeit.replace(_rewrite(tex))
    text = _finish_scripts(text)
    # unknown commands: drop the backslash rather than show LaTeX syntax
    text = re.sub(r"\\([A-Za-z]+)", r"\1", text)
    text = text.replace("{", "").replace("}", "")
    text = re.sub(r"([∂∇]) (?=\w)", r"\1", text)  # `∂ L` reads better as `∂L`
    return re.sub(r"  +", " ", text).strip()


_MATH = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$", re.DOTALL)


def replace_math(text: str) -> str:
    """Replace every `$…$` and `$$…$$` in Markdown text by its Unicode rendering."""

    def convert(match: re.Match[str]) -> str:
        if match.group(1) is not None:
            return "\n    " + tex_to_unicode(match.group(1)) + "\n"
        return tex_to_unicode(match.group(2))

    return _MATH.sub(convert, text)


def typeset(node: Node | Equation) -> str:
    """A parsed formula (or equation) as the site typesets it (`to_latex`), in one line of
    Unicode."""
    from eprep.grammar import to_latex
    from eprep.grammar.equation import Equation

    if isinstance(node, Equation):
        return f"{typeset(node.lhs)} = {typeset(node.rhs)}"
    return tex_to_unicode(to_latex(node))
