"""Symbolic differentiation on the grammar's AST, so `diff(expr, var)` evaluates without SymPy.

The result may contain internal calls, never printed to a learner, only evaluated:
`_pick_max` / `_pick_min` (the derivative of the active argument of max/min) and
`_defined(f, d)` (d, but undefined wherever f is).
"""

from __future__ import annotations

import functools

from eprep.grammar.descent import parse_rule
from eprep.grammar.errors import EvaluationError
from eprep.grammar.functions import FUNCTIONS_TABLE
from eprep.grammar.nodes import (
    BinOp,
    Call,
    Const,
    Neg,
    Node,
    Num,
    Sym,
    map_children,
    substitute,
    walk,
)

MAX_DERIVATIVE_NODES = 5_000

ZERO = Num(0.0, "0")
ONE = Num(1.0, "1")
TWO = Num(2.0, "2")


def _is(node: Node, value: float) -> bool:
    return isinstance(node, Num) and node.value == value


def add(a: Node, b: Node) -> Node:
    if _is(a, 0):
        return b
    if _is(b, 0):
        return a
    return BinOp("+", a, b)


def sub(a: Node, b: Node) -> Node:
    if _is(b, 0):
        return a
    if _is(a, 0):
        return neg(b)
    return BinOp("-", a, b)


def mul(a: Node, b: Node) -> Node:
    if _is(a, 0) or _is(b, 0):
        return ZERO
    if _is(a, 1):
        return b
    if _is(b, 1):
        return a
    return BinOp("*", a, b)


def div(a: Node, b: Node) -> Node:
    if _is(a, 0):
        return ZERO
    if _is(b, 1):
        return a
    return BinOp("/", a, b)


def neg(a: Node) -> Node:
    if _is(a, 0):
        return ZERO
    if isinstance(a, Neg):
        return a.operand
    return Neg(a)


def power(a: Node, b: Node) -> Node:
    if _is(b, 1):
        return a
    return BinOp("^", a, b)


def names(node: Node) -> set[str]:
    """Every variable name in `node`, including the variable of a `diff`."""
    return {item.name for item in walk(node) if isinstance(item, Sym)}


def size(node: Node) -> int:
    return sum(1 for _ in walk(node))


def expand_diff(node: Node) -> Node:
    """`node` with every `diff(...)` replaced by the derivative it denotes."""
    if isinstance(node, Call) and node.func == "diff":
        body = expand_diff(node.args[0])
        var = node.args[1]
        assert isinstance(var, Sym)
        order = int(node.args[2].value) if len(node.args) == 3 else 1  # type: ignore[union-attr]
        result = body
        for _ in range(order):
            result = derivative(result, var.name)
            if size(result) > MAX_DERIVATIVE_NODES:
                raise EvaluationError("the derivative is too large to evaluate", reason="size")
        # A derivative exists only where the function does: d/dx log(x) is not 1/x at x<0.
        return Call("_defined", (body, result))
    return map_children(node, expand_diff)


def derivative(node: Node, var: str) -> Node:
    """d(node)/d(var) for a node without `diff` calls."""
    if isinstance(node, (Num, Const)):
        return ZERO
    if isinstance(node, Sym):
        return ONE if node.name == var else ZERO
    if var not in names(node):
        return ZERO
    if isinstance(node, Neg):
        return neg(derivative(node.operand, var))
    if isinstance(node, BinOp):
        return _binop(node, var)
    assert isinstance(node, Call)
    return _call(node, var)


def _binop(node: BinOp, var: str) -> Node:
    u, v = node.left, node.right
    du, dv = derivative(u, var), derivative(v, var)
    if node.op == "+":
        return add(du, dv)
    if node.op == "-":
        return sub(du, dv)
    if node.op == "*":
        return add(mul(du, v), mul(u, dv))
    if node.op == "/":
        return div(sub(mul(du, v), mul(u, dv)), power(v, TWO))
    # power
    if var not in names(v):
        return mul(mul(v, power(u, sub(v, ONE))), du)
    if var not in names(u):
        return mul(mul(node, Call("log", (u,))), dv)
    return mul(node, add(mul(dv, Call("log", (u,))), div(mul(v, du), u)))


def _call(node: Call, var: str) -> Node:
    func, args = node.func, node.args
    if func in ("max", "min"):
        picks = tuple(derivative(arg, var) for arg in args)
        return Call(f"_pick_{func}", args + picks)
    if func == "log" and len(args) == 2:
        return derivative(div(Call("log", (args[0],)), Call("log", (args[1],))), var)
    if func == "_defined":
        return Call(func, (args[0], derivative(args[1], var)))
    if func in ("_pick_max", "_pick_min"):
        half = len(args) // 2
        picks = tuple(derivative(arg, var) for arg in args[half:])
        return Call(func, args[:half] + picks)
    u = args[0]
    du = derivative(u, var)
    if func == "log":
        return div(du, u)
    if func == "sqrt":
        return div(du, mul(TWO, node))
    rule = _rule(func)
    if rule is None:
        raise EvaluationError(f"cannot differentiate {func}(...)", reason="size")
    outer = substitute(rule, {"u": u})
    return mul(outer, du)


@functools.cache
def _rule(func: str) -> Node | None:
    """d/du func(u) from the function table, parsed once; None for a function without one."""
    info = FUNCTIONS_TABLE.get(func)
    if info is None or info.derivative is None:
        return None
    return parse_rule(info.derivative, variables=["u"])
