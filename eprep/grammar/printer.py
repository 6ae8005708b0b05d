"""`to_text`: the "read as" form of an AST, with explicit `*` and minimal parentheses.

`parse(to_text(node))` gives back `node` (parentheses never create nodes).
"""

from __future__ import annotations

from eprep.grammar.nodes import BinOp, Call, Const, Neg, Node, Num, Sym

_ADD, _MUL, _NEG, _POW, _ATOM = 1, 2, 3, 4, 5


def _prec(node: Node) -> int:
    if isinstance(node, BinOp):
        return _ADD if node.op in "+-" else _MUL if node.op in "*/" else _POW
    if isinstance(node, Neg):
        return _NEG
    return _ATOM


def _wrap(node: Node, wrap: bool) -> str:
    text = to_text(node)
    return f"({text})" if wrap else text


def to_text(node: Node) -> str:
    """Print `node` in the grammar, e.g. `s*(1 - s)`."""
    if isinstance(node, Num):
        return node.text
    if isinstance(node, (Sym, Const)):
        return node.name
    if isinstance(node, Call):
        return f"{node.func}({', '.join(to_text(arg) for arg in node.args)})"
    if isinstance(node, Neg):
        return "-" + _wrap(node.operand, _prec(node.operand) < _POW)
    assert isinstance(node, BinOp)
    left, right = node.left, node.right
    # A negated right operand is bracketed for readability: `x - (-y)`, `2^(-1)`.
    right_neg = isinstance(right, Neg)
    if node.op in "+-":
        return f"{to_text(left)} {node.op} {_wrap(right, _prec(right) <= _ADD or right_neg)}"
    if node.op in "*/":
        lhs = _wrap(left, _prec(left) < _MUL)
        return f"{lhs}{node.op}{_wrap(right, _prec(right) <= _MUL or right_neg)}"
    return f"{_wrap(left, _prec(left) <= _POW)}^{_wrap(right, _prec(right) < _POW)}"
