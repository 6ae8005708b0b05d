"""The `where` condition of a question: a tiny whitelisted language, parsed once, never eval'd.

Grammar (loosest first): `or`, `and`, `not`, comparisons (`== != < <= > >=`, chainable),
`+ -`, `* / // %` (and juxtaposition `2P`), unary `+ -`, power `^`/`**` (right-assoc),
atoms: numbers, names (params and derived values), `true`/`false`, parentheses and the functions
`abs min max floor ceil sqrt exp log round`.
"""

from __future__ import annotations

import keyword
import math
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

_TOKEN = re.compile(
    r"\s*(?:(?P<num>(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<op>\*\*|//|==|!=|<=|>=|[-+*/%^()<>,]))"
)
_FUNCTIONS: dict[str, tuple[Callable[..., float], int, int]] = {
    "abs": (abs, 1, 1),
    "min": (min, 2, 16),
    "max": (max, 2, 16),
    "floor": (math.floor, 1, 1),
    "ceil": (math.ceil, 1, 1),
    "sqrt": (math.sqrt, 1, 1),
    "exp": (math.exp, 1, 1),
    "log": (math.log, 1, 1),
    "round": (round, 1, 2),
}
_COMPARE = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_ARITH = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "//": operator.floordiv,
    "%": operator.mod,
    "^": operator.pow,
    "**": operator.pow,
}
_KEYWORDS = {"and", "or", "not", "true", "false"}
_MAX_LENGTH = 500


class ConditionError(ValueError):
    """A `where` text that does not parse, or cannot be evaluated for a variant."""


@dataclass(frozen=True)
class Node:
    op: str  # "num" | "name" | "call" | "neg" | "not" | "and" | "or" | "cmp" | arithmetic op
    args: tuple
    value: object = None


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise ConditionError(f"col {position + 1}: unexpected {text[position]!r}")
        kind = match.lastgroup or "op"
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        if len(text) > _MAX_LENGTH:
            raise ConditionError(f"longer than {_MAX_LENGTH} characters")
        self.tokens = _tokenize(text)
        self.index = 0
        self.depth = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or (value is not None and token[1] != value):
            found = "the end" if token is None else repr(token[1])
            raise ConditionError(f"expected {value or 'more'} but found {found}")
        self.index += 1
        return token

    def at(self, *values: str) -> bool:
        token = self.peek()
        return token is not None and token[1] in values and token[0] != "num"

    def parse(self) -> Node:
        node = self.disjunction()
        if self.peek() is not None:
            raise ConditionError(f"unexpected {self.peek()[1]!r}")
        return node

    def disjunction(self) -> Node:
        parts = [self.conjunction()]
        while self.at("or"):
            self.take()
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else Node("or", tuple(parts))

    def conjunction(self) -> Node:
        parts = [self.negation()]
        while self.at("and"):
            self.take()
            parts.append(self.negation())
        return parts[0] if len(parts) == 1 else Node("and", tuple(parts))

    def negation(self) -> Node:
        if self.at("not"):
            self.take()
            return Node("not", (self.negation(),))
        return self.comparison()

    def comparison(self) -> Node:
        operands = [self.sum()]
        ops: list[str] = []
        while self.at(*_COMPARE):
            ops.append(self.take()[1])
            operands.append(self.sum())
        return operands[0] if not ops else Node("cmp", tuple(operands), tuple(ops))

    def sum(self) -> Node:
        node = self.product()
        while self.at("+", "-"):
            op = self.take()[1]
            node = Node(op, (node, self.product()))
        return node

    def product(self) -> Node:
        node = self.unary()
        while True:
            if self.at("*", "/", "//", "%"):
                op = self.take()[1]
                node = Node(op, (node, self.unary()))
            elif self._starts_atom():
                node = Node("*", (node, self.power()))  # juxtaposition: 2P, 2(H+P)
            else:
                return node

    def _starts_atom(self) -> bool:
        token = self.peek()
        if token is None:
            return False
        kind, value = token
        if kind == "name":
            return value not in ("and", "or", "not")
        return kind == "num" or value == "("

    def unary(self) -> Node:
        if self.at("-", "+"):
            op = self.take()[1]
            operand = self.unary()
            return Node("neg", (operand,)) if op == "-" else operand
        return self.power()

    def power(self) -> Node:
        base = self.atom()
        if self.at("^", "**"):
            self.take()
            return Node("^", (base, self.unary()))
        return base

    def atom(self) -> Node:
        self.depth += 1
        if self.depth > 40:
            raise ConditionError("nested too deeply")
        try:
            kind, value = self.take()
            if kind == "num":
                number = float(value)
                return Node("num", (), int(value) if value.isdigit() else number)
            if value == "(":
                node = self.disjunction()
                self.take(")")
                return node
            if kind != "name" or value in ("and", "or", "not"):
                raise ConditionError(f"unexpected {value!r}")
            if value in ("true", "false"):
                return Node("num", (), value == "true")
            if self.at("("):
                if value not in _FUNCTIONS:
                    raise ConditionError(f"unknown function {value!r}")
                self.take("(")
                args = [self.sum()]
                while self.at(","):
                    self.take()
                    args.append(self.sum())
                self.take(")")
                _, low, high = _FUNCTIONS[value]
                if not low <= len(args) <= high:
                    raise ConditionError(
                        f"{value}() takes {low}..{high} arguments, not {len(args)}"
                    )
                return Node("call", tuple(args), value)
            if value.startswith("__") or keyword.iskeyword(value):
                raise ConditionError(f"name {value!r} is not allowed")
            return Node("name", (), value)
        finally:
            self.depth -= 1


@dataclass(frozen=True)
class Condition:
    """A parsed `where` condition; `holds(values)` evaluates it for one variant."""

    text: str
    root: Node

    def names(self) -> set[str]:
        found: set[str] = set()
        stack = [self.root]
        while stack:
            node = stack.pop()
            if node.op == "name":
                found.add(node.value)
            stack.extend(arg for arg in node.args if isinstance(arg, Node))
        return found

    def holds(self, values: Mapping[str, float]) -> bool:
        try:
            return bool(_evaluate(self.root, values))
        except (ArithmeticError, ValueError, OverflowError) as error:
            raise ConditionError(f"cannot evaluate {self.text!r}: {error}") from None


def parse_condition(text: str) -> Condition:
    """Parse a `where` text; raises ConditionError with what and where."""
    return Condition(text, _Parser(text).parse())


def _evaluate(node: Node, values: Mapping[str, float]):
    op = node.op
    if op == "num":
        return node.value
    if op == "name":
        if node.value not in values:
            raise ValueError(f"unknown name {node.value!r}")
        return values[node.value]
    if op == "neg":
        return -_evaluate(node.args[0], values)
    if op == "not":
        return not _evaluate(node.args[0], values)
    if op == "and":
        return all(_evaluate(arg, values) for arg in node.args)
    if op == "or":
        return any(_evaluate(arg, values) for arg in node.args)
    if op == "cmp":
        left = _evaluate(node.args[0], values)
        for symbol, arg in zip(node.value, node.args[1:], strict=True):
            right = _evaluate(arg, values)
            if not _COMPARE[symbol](left, right):
                return False
            left = right
        return True
    if op == "call":
        function = _FUNCTIONS[node.value][0]
        return function(*(_evaluate(arg, values) for arg in node.args))
    left, right = (_evaluate(arg, values) for arg in node.args)
    if op in ("^", "**") and abs(right) > 100:
        raise ValueError("exponent too large")
    return _ARITH[op](left, right)
