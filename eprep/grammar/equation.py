"""Equations (`y = 2x + 1`): two formulas of the grammar joined by one `=`.

An equation is not a node of the AST: it is read here, and the checker decides how its sides
are compared (GRAMMAR.md, "Equations").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eprep.grammar.errors import GrammarError
from eprep.grammar.nodes import Node
from eprep.grammar.parser import parse
from eprep.grammar.printer import to_text
from eprep.grammar.tex_reader import blank_delimiters


@dataclass(frozen=True)
class Equation:
    lhs: Node
    rhs: Node

    def text(self) -> str:
        """The "read as" form: `y = 2*x + 1`."""
        return f"{to_text(self.lhs)} = {to_text(self.rhs)}"


def is_equation(text: str) -> bool:
    return "=" in text


def parse_equation(text: str, **options: Any) -> Equation:
    """Parse `lhs = rhs` (options as for `parse`); errors point into the original text."""
    first = text.find("=")
    if first < 0:
        raise GrammarError.keyed("eq_no_equals", len(text) + 1)
    second = text.find("=", first + 1)
    if second >= 0:
        raise GrammarError.keyed("eq_two_equals", second + 1)
    left, right = text[:first], text[first + 1 :]
    if not left.strip():
        raise GrammarError.keyed("eq_no_left", first + 1)
    if not right.strip():
        raise GrammarError.keyed("eq_no_right", first + 1)
    lhs = parse(left, **options)
    try:
        rhs = parse(right, **options)
    except GrammarError as error:
        raise error.moved(error.position + first + 1) from None
    return Equation(lhs, rhs)


def parse_formula(text: str, **options: Any) -> Node | Equation:
    """A formula, or an equation when the text has an `=`."""
    if is_equation(text):
        # `$y = 2x$`: the LaTeX delimiters go around the equation, not around each side
        return parse_equation(blank_delimiters(text), **options)
    return parse(text, **options)
