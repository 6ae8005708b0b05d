"""Float evaluation of a grammar AST with the math module (no SymPy, no eval)."""

from __future__ import annotations

import math
from collections.abc import Mapping

from eprep.grammar.derivative import expand_diff, names
from eprep.grammar.errors import EvaluationError
from eprep.grammar.functions import FUNCTIONS_TABLE
from eprep.grammar.nodes import BinOp, Call, Const, Neg, Node, Num, Sym, map_children, walk

_CONSTANTS = {"pi": math.pi, "e": math.e}
MAX_FLOAT_EXPONENT = 100  # a constant exponent larger than this is not evaluated (GRAMMAR.md)


# The float function of every one-argument function of the table (functions.py).
_UNARY = {name: info.real for name, info in FUNCTIONS_TABLE.items() if info.real is not None}


def free_symbols(node: Node) -> set[str]:
    """Names of the variables in `node` (constants excluded; a `diff` variable included)."""
    return names(node)


def evaluate(node: Node, env: Mapping[str, float]) -> float:
    """The value of `node` with variables from `env`; EvaluationError where it has no real value."""
    if any(isinstance(n, Call) and n.func == "diff" for n in walk(node)):
        node = expand_diff(node)
    try:
        value = _eval(node, env)
    except (ValueError, ZeroDivisionError, OverflowError) as error:
        reason = "overflow" if isinstance(error, OverflowError) else "domain"
        raise EvaluationError(
            f"{_reason(error)} at {_show_env(env, node)}", reason=reason
        ) from None
    if not math.isfinite(value):
        # inf or nan from float arithmetic (1e200*1e200, inf - inf): an overflow, not a domain gap
        raise EvaluationError(
            f"the value is not finite at {_show_env(env, node)}", reason="overflow"
        )
    return value


def value_at(node: Node, env: Mapping[str, float]) -> tuple[float | None, str]:
    """(value, "") or (None, reason) for a node without `diff` (see `expand_diff`).

    The checker's sampling loop: no tree scan and no message per point, so it stays cheap.
    """
    try:
        value = _eval(node, env)
    except (ValueError, ZeroDivisionError):
        return None, "domain"
    except OverflowError:
        return None, "overflow"
    except EvaluationError as error:
        return None, error.reason
    return (value, "") if math.isfinite(value) else (None, "overflow")


def _reason(error: Exception) -> str:
    if isinstance(error, ZeroDivisionError):
        return "division by zero"
    if isinstance(error, OverflowError):
        return "overflow"
    return "math domain error"


def _show_env(env: Mapping[str, float], node: Node) -> str:
    used = sorted(names(node))
    if not used:
        return "a constant expression"
    return ", ".join(f"{name}={env.get(name)!r}" for name in used)


def _eval(node: Node, env: Mapping[str, float]) -> float:
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Sym):
        if node.name not in env:
            raise EvaluationError(f"no value for variable {node.name!r}", reason="missing")
        return float(env[node.name])
    if isinstance(node, Const):
        return _CONSTANTS[node.name]
    if isinstance(node, Neg):
        return -_eval(node.operand, env)
    if isinstance(node, BinOp):
        a = _eval(node.left, env)
        b = _eval(node.right, env)
        if node.op == "+":
            return a + b
        if node.op == "-":
            return a - b
        if node.op == "*":
            return a * b
        if node.op == "/":
            return a / b
        if abs(b) > MAX_FLOAT_EXPONENT and not names(node.right):
            # x^6000 parses (the checker can compare it symbolically) but floats are no use.
            raise EvaluationError(
                f"exponent {b:.6g} is too large to evaluate in floats", reason="size"
            )
        return math.pow(a, b)
    assert isinstance(node, Call)
    func = node.func
    if func == "_defined":
        _eval(node.args[0], env)
        return _eval(node.args[1], env)
    if func in ("_pick_max", "_pick_min"):
        half = len(node.args) // 2
        values = [_eval(arg, env) for arg in node.args[:half]]
        best = values.index(max(values) if func == "_pick_max" else min(values))
        return _eval(node.args[half + best], env)
    args = [_eval(arg, env) for arg in node.args]
    if func == "log":
        return math.log(args[0], args[1]) if len(args) == 2 else math.log(args[0])
    if func == "max":
        return max(args)
    if func == "min":
        return min(args)
    if func not in _UNARY:
        # A function the question declares: the caller passes its float version in `env`.
        declared = env.get(func)
        if not callable(declared):
            raise EvaluationError(f"no value for function {func!r}", reason="missing")
        return float(declared(*args))
    return float(_UNARY[func](args[0]))


def constant_value(node: Node) -> float | None:
    """The value of a constant expression; None if it has variables or no real value.

    Raises OverflowError when the value is too large for a float.
    """
    if any(isinstance(n, Call) and n.func == "diff" for n in walk(node)):
        try:
            node = _strip_guards(expand_diff(node))
        except EvaluationError:
            return None
    if names(node):
        return None
    try:
        value = _eval(node, {})
    except (ValueError, ZeroDivisionError):
        return None
    except EvaluationError as error:
        if error.reason == "size":  # 2^6000: far beyond any float
            raise OverflowError from None
        raise
    if math.isinf(value):
        raise OverflowError
    return None if math.isnan(value) else value


def _strip_guards(node: Node) -> Node:
    """`_defined(f, d)` -> `d`: for size limits only the derivative's value matters."""
    if isinstance(node, Call) and node.func == "_defined":
        return _strip_guards(node.args[1])
    return map_children(node, _strip_guards)
