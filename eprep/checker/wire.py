"""Formula trees as JSON for the checker's worker: sent as trees, not re-printed text.

Re-printing a formula and parsing it again in the worker would apply the input limits (500
characters) to the spaced-out "read as" text rather than to what the learner typed, and would
re-parse `let`-substituted formulas. The receiving side rebuilds only well-formed grammar nodes,
at most `MAX_NODES` of them.
"""

from __future__ import annotations

from typing import Any

from eprep.errors import EprepError
from eprep.grammar.nodes import BinOp, Call, Const, Neg, Node, Num, Sym

MAX_NODES = 2000  # generous: the parent has already enforced the grammar's limits


def to_wire(node: Node) -> list:
    """`node` as nested JSON lists."""
    if isinstance(node, Num):
        return ["num", node.value, node.text]
    if isinstance(node, Sym):
        return ["sym", node.name]
    if isinstance(node, Const):
        return ["const", node.name]
    if isinstance(node, Neg):
        return ["neg", to_wire(node.operand)]
    if isinstance(node, BinOp):
        return ["bin", node.op, to_wire(node.left), to_wire(node.right)]
    return ["call", node.func, [to_wire(arg) for arg in node.args]]


def from_wire(data: Any) -> Node:
    """The node `to_wire` encoded; EprepError for anything else."""
    budget = [MAX_NODES]
    return _build(data, budget)


def _build(data: Any, budget: list[int]) -> Node:
    budget[0] -= 1
    if budget[0] < 0 or not isinstance(data, list) or not data:
        raise EprepError("bad formula in request")
    tag, *rest = data
    if tag == "num" and len(rest) == 2 and isinstance(rest[0], int | float):
        return Num(float(rest[0]), str(rest[1]))
    if tag in ("sym", "const") and len(rest) == 1 and isinstance(rest[0], str):
        return Sym(rest[0]) if tag == "sym" else Const(rest[0])
    if tag == "neg" and len(rest) == 1:
        return Neg(_build(rest[0], budget))
    if tag == "bin" and len(rest) == 3 and rest[0] in ("+", "-", "*", "/", "^"):
        return BinOp(rest[0], _build(rest[1], budget), _build(rest[2], budget))
    if tag == "call" and len(rest) == 2 and isinstance(rest[0], str) and isinstance(rest[1], list):
        return Call(rest[0], tuple(_build(arg, budget) for arg in rest[1]))
    raise EprepError("bad formula in request")
