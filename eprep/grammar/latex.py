"""`to_latex`: typeset a formula of the answer grammar (for the study site's MathML).

Names follow the course's notation: Greek names become letters (`epsilon` → ε), a trailing
number or an `_suffix` becomes a subscript (`W1` → W₁, `beta_1` → β₁), `*_hat`, `*_bar` and
`*_tilde` get their accent and other multi-letter names are upright (`lr`). `sigmoid` is
written σ, as in the course notes.
"""

from __future__ import annotations

import re

from eprep.grammar.functions import FUNCTIONS_TABLE
from eprep.grammar.nodes import BinOp, Call, Const, Neg, Node, Num, Sym

_ADD, _MUL, _NEG, _POW, _ATOM = 1, 2, 3, 4, 5

_GREEK = {
    "alpha": r"\alpha",
    "beta": r"\beta",
    "gamma": r"\gamma",
    "delta": r"\delta",
    "epsilon": r"\varepsilon",
    "eta": r"\eta",
    "theta": r"\theta",
    "lambda": r"\lambda",
    "mu": r"\mu",
    "rho": r"\rho",
    "sigma": r"\sigma",
    "tau": r"\tau",
    "pi": r"\pi",
}


_SCIENTIFIC = re.compile(r"^(\d+(?:\.\d*)?|\.\d+)[eE]([+-]?\d+)$")


_ACCENTS = {"_hat": "hat", "_bar": "bar", "_tilde": "tilde"}  # as the LaTeX reader names them


def _name(name: str) -> str:
    accent = next((a for a in _ACCENTS if name.endswith(a) and len(name) > len(a)), None)
    if accent:
        name = name[: -len(accent)]
    base, _, subscript = name.partition("_")
    digits = re.search(r"\d+$", base)
    if digits and digits.start() > 0 and not subscript:
        base, subscript = base[: digits.start()], digits.group(0)
    if base in _GREEK:
        body = _GREEK[base]
    elif len(base) == 1:
        body = base
    else:
        body = rf"\mathrm{{{base}}}"
    if accent:
        body = rf"\{_ACCENTS[accent]}{{{body}}}"
    if subscript:
        body += f"_{{{_name(subscript) if subscript.isalpha() else subscript}}}"
    return body


def _number(text: str) -> str:
    scientific = _SCIENTIFIC.match(text)
    if not scientific:
        return text
    mantissa, exponent = scientific.groups()
    power = f"10^{{{int(exponent)}}}"
    return power if float(mantissa) == 1 else rf"{mantissa} \times {power}"


def _prec(node: Node) -> int:
    if isinstance(node, BinOp):
        # A fraction is typeset as a block, so it binds like an atom.
        return {"+": _ADD, "-": _ADD, "*": _MUL, "/": _ATOM, "^": _POW}[node.op]
    if isinstance(node, Neg):
        return _NEG
    if isinstance(node, Num) and "e" in node.text.lower():
        return _MUL  # 1 \times 10^{-7}
    return _ATOM


def _paren(tex: str) -> str:
    return rf"\left({tex}\right)"


def _wrap(node: Node, wrap: bool) -> str:
    tex = to_latex(node)
    return _paren(tex) if wrap else tex


def _call(node: Call) -> str:
    args = [to_latex(arg) for arg in node.args]
    func = node.func
    if func == "sqrt":
        return rf"\sqrt{{{args[0]}}}"
    if func == "abs":
        return rf"\left|{args[0]}\right|"
    if func == "floor":
        return rf"\left\lfloor {args[0]} \right\rfloor"
    if func == "ceil":
        return rf"\left\lceil {args[0]} \right\rceil"
    if func == "log" and len(args) == 2:
        return rf"\log_{{{args[1]}}}{_paren(args[0])}"
    if func == "diff":
        order = f"^{{{args[2]}}}" if len(args) == 3 else ""
        return rf"\frac{{d{order}}}{{d{args[1]}{order}}}{_paren(args[0])}"
    info = FUNCTIONS_TABLE.get(func)
    # A function of the table has its command; a declared function (`f`) is written as named.
    command = info.latex if info is not None and info.latex else _name(func)
    return rf"{command}{_paren(', '.join(args))}"


def _starts_with_digit(tex: str) -> bool:
    return tex[:1].isdigit() or tex[:1] == "."


def to_latex(node: Node) -> str:
    """LaTeX for `node`, with the parentheses its structure needs and no more."""
    if isinstance(node, Num):
        return _number(node.text)
    if isinstance(node, Sym):
        return _name(node.name)
    if isinstance(node, Const):
        return r"\pi" if node.name == "pi" else "e"
    if isinstance(node, Call):
        return _call(node)
    if isinstance(node, Neg):
        return "-" + _wrap(node.operand, _prec(node.operand) <= _NEG)
    assert isinstance(node, BinOp)
    left, right = node.left, node.right
    if node.op == "/":
        return rf"\frac{{{to_latex(left)}}}{{{to_latex(right)}}}"
    if node.op in "+-":
        wrap_right = _prec(right) <= _ADD or isinstance(right, Neg)
        return f"{to_latex(left)} {node.op} {_wrap(right, wrap_right)}"
    if node.op == "*":
        lhs = _wrap(left, _prec(left) < _MUL)
        rhs = _wrap(right, _prec(right) <= _MUL or isinstance(right, Neg))
        # Juxtaposition reads as a product unless two numbers would run together.
        joiner = r" \cdot " if _starts_with_digit(rhs) else " "
        return f"{lhs}{joiner}{rhs}"
    base = _wrap(left, _prec(left) <= _POW or (isinstance(left, Call) and left.func != "sqrt"))
    return f"{base}^{{{to_latex(right)}}}"
