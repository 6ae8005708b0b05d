"""The one table of the grammar's functions: arity, float value, SymPy name, LaTeX, derivative.

Every layer reads its function facts from here (parser, float evaluator, derivative, `to_latex`,
the checker's SymPy translation); `eprep/site/static/grammar.js` mirrors the same rows and the
shared corpus tests that both agree. A derivative is written in the grammar itself, as a
formula of the argument `u` (d/du f(u)); the chain rule multiplies by du.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass


def _sigmoid(x: float) -> float:
    # Two branches so that neither overflows for large |x|.
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def _softplus(x: float) -> float:
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def _sign(x: float) -> float:
    return (x > 0) - (x < 0) + 0.0


@dataclass(frozen=True)
class Function:
    """One function of the grammar.

    `real`: the float function (None: evaluated by hand: log, max, min, diff). `sympy`: the
    attribute of the `sympy` module, or "" when the checker builds it from other functions.
    `latex`: `\\sin` for an operator LaTeX knows, otherwise a command to wrap the argument in.
    `derivative`: d/du f(u) as a grammar formula of `u` (None: handled by hand or 0).
    `regions`: points of the argument where the function changes its nature (undefined on one
    side, a kink, a jump): the checker samples on both sides of each.
    """

    arity: tuple[int, int | None]
    real: Callable[[float], float] | None = None
    sympy: str = ""
    latex: str = ""
    derivative: str | None = None
    regions: tuple[float, ...] = ()


FUNCTIONS_TABLE: dict[str, Function] = {
    "exp": Function((1, 1), math.exp, "exp", r"\exp", "exp(u)"),
    "log": Function((1, 2), None, "log", r"\log", None, (0.0,)),
    "sqrt": Function((1, 1), math.sqrt, "sqrt", "", None, (0.0,)),
    "abs": Function((1, 1), abs, "Abs", "", "u/abs(u)", (0.0,)),
    "sin": Function((1, 1), math.sin, "sin", r"\sin", "cos(u)"),
    "cos": Function((1, 1), math.cos, "cos", r"\cos", "-sin(u)"),
    "tan": Function((1, 1), math.tan, "tan", r"\tan", "1/cos(u)^2"),
    "asin": Function((1, 1), math.asin, "asin", r"\arcsin", "1/sqrt(1 - u^2)", (-1.0, 1.0)),
    "acos": Function((1, 1), math.acos, "acos", r"\arccos", "-1/sqrt(1 - u^2)", (-1.0, 1.0)),
    "atan": Function((1, 1), math.atan, "atan", r"\arctan", "1/(1 + u^2)"),
    "tanh": Function((1, 1), math.tanh, "tanh", r"\tanh", "1 - tanh(u)^2"),
    "sinh": Function((1, 1), math.sinh, "sinh", r"\sinh", "cosh(u)"),
    "cosh": Function((1, 1), math.cosh, "cosh", r"\cosh", "sinh(u)"),
    "sigmoid": Function((1, 1), _sigmoid, "", r"\sigma", "sigmoid(u)*(1 - sigmoid(u))"),
    "softplus": Function((1, 1), _softplus, "", r"\operatorname{softplus}", "sigmoid(u)"),
    "sign": Function((1, 1), _sign, "sign", r"\operatorname{sign}", "0", (0.0,)),
    "erf": Function((1, 1), math.erf, "erf", r"\operatorname{erf}", "2/sqrt(pi)*exp(-u^2)"),
    "max": Function((2, None), None, "Max", r"\max"),
    "min": Function((2, None), None, "Min", r"\min"),
    "floor": Function((1, 1), lambda x: float(math.floor(x)), "floor", "", "0"),
    "ceil": Function((1, 1), lambda x: float(math.ceil(x)), "ceiling", "", "0"),
    "diff": Function((2, 3)),
}

# Other spellings of a function: the parser reads them as the canonical name.
FUNCTION_ALIASES = {"ln": "log", "sgn": "sign", "arcsin": "asin", "arccos": "acos"}
FUNCTION_ALIASES |= {"arctan": "atan"}

# Functions learners write that the grammar does not have, and what to write instead.
SUGGESTIONS = {
    "sec": "1/cos(x)",
    "csc": "1/sin(x)",
    "cosec": "1/sin(x)",
    "cot": "1/tan(x)",
    "log10": "log(x, 10)",
    "lg": "log(x, 10)",
    "log2": "log(x, 2)",
    "relu": "max(0, x)",
    "ReLU": "max(0, x)",
    "erfc": "1 - erf(x)",
    "Phi": "(1 + erf(x/sqrt(2)))/2",
    "gelu": "x*(1 + erf(x/sqrt(2)))/2",
    "GELU": "x*(1 + erf(x/sqrt(2)))/2",
    "asinh": "log(x + sqrt(x^2 + 1))",
    "arsinh": "log(x + sqrt(x^2 + 1))",
    "acosh": "log(x + sqrt(x^2 - 1))",
    "atanh": "log((1 + x)/(1 - x))/2",
    "coth": "1/tanh(x)",
    "sech": "1/cosh(x)",
    "expm1": "exp(x) - 1",
    "log1p": "log(1 + x)",
    "pow": "x^y",
    "square": "x^2",
    "sum": "a + b + …",
    "mean": "(a + b + …)/n",
}
