"""Declared functions (`functions = ["f"]`): which a formula calls, and random stand-ins.

SymPy proves identities with an undefined function; floats (and exact values at points) need a
concrete one, the same for both sides: a random smooth function defined everywhere.
"""

from __future__ import annotations

import random
from collections.abc import Mapping

from eprep.grammar.functions import FUNCTIONS_TABLE
from eprep.grammar.nodes import Call, Node, map_children, substitute, walk
from eprep.grammar.parser import parse


def declared_calls(node: Node) -> dict[str, int]:
    """The functions a question declared (`f`) that `node` calls, with their most arguments."""
    calls: dict[str, int] = {}
    for item in walk(node):
        if isinstance(item, Call) and item.func not in FUNCTIONS_TABLE and item.func[0] != "_":
            calls[item.func] = max(calls.get(item.func, 0), len(item.args))
    return calls


def random_functions(calls: Mapping[str, int], rng: random.Random) -> dict[str, Node]:
    """A smooth function defined everywhere for each name, of arguments u1, u2, ...

    f(u1, ..., uk) = sum of c*sin(a*ui + b) + d*ui, plus a constant: two draws that agree at
    many points are the same function, so sampling with it can tell formulas apart.
    """
    bodies: dict[str, Node] = {}
    for name in sorted(calls):
        terms = []
        for index in range(1, calls[name] + 1):
            a, b, c, d = (round(rng.uniform(0.3, 1.7), 3) for _ in range(4))
            terms.append(f"{c}*sin({a}*u{index} + {b}) + {d}*u{index}")
        bodies[name] = parse(" + ".join(terms) + f" + {round(rng.uniform(-1, 1), 3)}")
    return bodies


def with_functions(node: Node, bodies: Mapping[str, Node]) -> Node:
    """`node` with each call of a declared function replaced by its concrete body."""
    if not bodies:
        return node
    if isinstance(node, Call) and node.func in bodies:
        args = [with_functions(arg, bodies) for arg in node.args]
        values = {f"u{i}": arg for i, arg in enumerate(args, start=1)}
        return substitute(bodies[node.func], values)
    return map_children(node, lambda child: with_functions(child, bodies))
