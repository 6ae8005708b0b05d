"""The answer grammar's parser (GRAMMAR.md): text to a tree, with every size limit.

The recursive descent is in descent.py; this adds the one limit that needs evaluation: a
constant power too large to compare (`2^(10^4)`, or an exponent `diff` makes constant).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from eprep.grammar.descent import (
    FUNCTIONS,
    MAX_DEPTH,
    MAX_DIFF_ORDER,
    MAX_DIGITS,
    MAX_LITERAL,
    MAX_NAME,
    MAX_NODES,
    Descent,
    _canonical,
    declared_functions,
)
from eprep.grammar.errors import GrammarError
from eprep.grammar.evaluator import MAX_FLOAT_EXPONENT, constant_value
from eprep.grammar.nodes import Node
from eprep.grammar.tex_reader import read_tokens

__all__ = [
    "FUNCTIONS",
    "MAX_CONSTANT_POWER",
    "MAX_DEPTH",
    "MAX_DIFF_ORDER",
    "MAX_DIGITS",
    "MAX_EXPONENT",
    "MAX_INTEGER_EXPONENT",
    "MAX_LITERAL",
    "MAX_NAME",
    "MAX_NODES",
    "declared_functions",
    "parse",
]

MAX_CONSTANT_POWER = 1e30
MAX_EXPONENT = MAX_FLOAT_EXPONENT
MAX_INTEGER_EXPONENT = 10_000  # compared symbolically; floats stop at MAX_EXPONENT


def parse(
    text: str,
    *,
    variables: Iterable[str] | None = None,
    e_is_variable: bool = False,
    functions: Mapping[str, int | None] | Iterable[str] | None = None,
    known: Iterable[str] = (),
) -> Node:
    """Parse `text` into an AST.

    `variables`, when given, lists the only variable names allowed (aliases such as `eps` are
    accepted); a declared `e` is a variable rather than Euler's number, and a declared `sigma`
    makes `sigma(...)` a product. `functions` declares names of unknown functions (`f`, with
    its number of arguments, None for any) that may be called: `f(x)` is then a Call. `known`
    names variables without restricting the others (domains given with --assume): `f(x)` is
    then `f*x`. Raises GrammarError with a 1-based position.
    """
    declared = None if variables is None else {_canonical(v) for v in variables}
    if declared is not None and "e" in declared:
        e_is_variable = True
    calls = declared_functions(functions)
    # LaTeX and notations such as d/dx are read into plain tokens here (tex_reader.py).
    tokens = read_tokens(text, FUNCTIONS.keys() | calls.keys())
    parser = _Parser(tokens, declared, e_is_variable, calls)
    parser.plain |= set(known)
    return parser.parse()


class _Parser(Descent):
    """The descent plus the constant-power limit."""

    def check_power(self, base: Node, exponent: Node, result: Node, pos: int) -> None:
        try:
            value = constant_value(exponent)
        except OverflowError:
            value = float("inf")
        whole = value is not None and math.isfinite(value) and value == int(value)
        cap = MAX_INTEGER_EXPONENT if whole else MAX_EXPONENT
        if value is not None and abs(value) > cap:
            raise GrammarError.keyed(
                "exponent_too_large",
                pos,
                value=f"{value:.6g}",
                limit=MAX_EXPONENT,
                whole_limit=MAX_INTEGER_EXPONENT,
            )
        if value is None:
            return
        try:
            folded = constant_value(result)
        except OverflowError:
            folded = float("inf")
        if folded is not None and abs(folded) > MAX_CONSTANT_POWER:
            shown = "" if math.isinf(folded) else f" {folded:.6g}"
            raise GrammarError.keyed(
                "constant_power_too_large", pos, shown=shown, limit=f"{MAX_CONSTANT_POWER:g}"
            )
