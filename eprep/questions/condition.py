"""The `where` condition of a question: the answer grammar plus comparisons and logic, never eval'd.

Arithmetic is the answer grammar's (GRAMMAR.md): its tokenizer reads every stretch between the
condition's own operators and its parser (with its depth, size and literal limits) builds the
terms, extended here by `%` and `//` (as tight as `*`). Around them: comparisons
(`== != < <= > >=`, chainable), `not`, `and`, `or` (loosest), and `true`/`false`.
Evaluation is in floats: every intermediate value must stay finite (an overflow is an error, so
`(((H^100)^100)^100)^100` fails at once instead of building a huge integer), and the node count
bounds the work of one evaluation.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Mapping
from dataclasses import dataclass

from eprep.grammar import EvaluationError, GrammarError, evaluate
from eprep.grammar.lexer import MAX_LENGTH, Token, tokenize
from eprep.grammar.nodes import BinOp, Call, Const, Neg, Num, Sym
from eprep.grammar.parser import MAX_CONSTANT_POWER, MAX_EXPONENT
from eprep.grammar.parser import _Parser as _FormulaParser
from eprep.grammar.vocabulary import with_aliases

# The condition's own operators, longest first so that `<=` is not read as `<`.
_OPERATORS = ("==", "!=", "<=", ">=", "//", "<", ">", "%")
_COMPARE = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_ARITH = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}
_WORDS = ("and", "or", "not")
_CONSTANTS = {"pi": math.pi, "e": math.e}


class ConditionError(ValueError):
    """A `where` text that does not parse, or cannot be evaluated for a variant."""


@dataclass(frozen=True)
class Compare:
    """`a < b <= c`: operands and the operators between them."""

    operands: tuple
    ops: tuple[str, ...]


@dataclass(frozen=True)
class Logic:
    """`and` / `or` over two or more parts, or `not` over one."""

    op: str
    parts: tuple


def _tokens(text: str) -> list[Token]:
    """Grammar tokens for the formula stretches, op tokens for the condition's operators."""
    if len(text) > MAX_LENGTH:
        raise GrammarError(f"longer than {MAX_LENGTH} characters", 1)
    tokens: list[Token] = []
    start = index = 0

    def stretch(end: int) -> None:
        piece = text[start:end]
        if not piece.strip():
            return
        try:
            found = tokenize(piece)
        except GrammarError as error:  # its column counts from the stretch's start
            raise error.moved(error.position + start) from None
        tokens.extend(Token(t.kind, t.text, t.pos + start) for t in found if t.kind != "end")

    while index < len(text):
        found = next((op for op in _OPERATORS if text.startswith(op, index)), None)
        if found is None:
            index += 1
            continue
        stretch(index)
        tokens.append(Token("op", found, index + 1))
        index += len(found)
        start = index
    stretch(len(text))
    tokens.append(Token("end", "", len(text) + 1))
    return tokens


class _ConditionParser(_FormulaParser):
    """The grammar's parser with a boolean layer on top and `%`, `//` among the products."""

    def __init__(self, tokens: list[Token]) -> None:
        super().__init__(tokens, None, False)

    def at_word(self, word: str) -> bool:
        return self.tok.kind == "name" and self.tok.text == word

    def condition(self):
        if self.tok.kind == "end":
            raise GrammarError("empty condition", self.tok.pos)
        node = self.disjunction()
        if self.tok.kind != "end":
            raise self.unexpected("condition_operator")
        return node

    def disjunction(self):
        return self._logic("or", self.conjunction)

    def conjunction(self):
        return self._logic("and", self.negation)

    def _logic(self, word: str, part):
        first = self.tok.pos
        parts = [part()]
        while self.at_word(word):
            self.advance()
            parts.append(part())
        return parts[0] if len(parts) == 1 else self.node(Logic(word, tuple(parts)), first)

    def negation(self):
        if not self.at_word("not"):
            return self.comparison()
        word = self.advance()
        self.enter(word.pos)
        inner = self.negation()
        self.leave()
        return self.node(Logic("not", (inner,)), word.pos)

    def comparison(self):
        first = self.tok.pos
        operands = [self.expr()]
        ops: list[str] = []
        while self.at_op(*_COMPARE):
            ops.append(self.advance().text)
            operands.append(self.expr())
        if not ops:
            return operands[0]
        return self.node(Compare(tuple(operands), tuple(ops)), first)

    def starts_operand(self) -> bool:
        if self.tok.kind == "name" and self.tok.text in _WORDS:
            return False  # `a and b` is not the product a*and*b
        return super().starts_operand()

    def term(self):
        left = self.unary()
        while True:
            if self.at_op("*", "/", "%", "//"):
                op = self.advance()
                right = self.unary()
                left = self.node(BinOp(op.text, left, right), op.pos)
            elif self.starts_operand():
                pos = self.tok.pos
                left = self.node(BinOp("*", left, self.power()), pos)
            else:
                return left

    def atom(self):
        token = self.tok
        if self.at_op("("):  # may hold a whole condition: `not (a == 1 or a == 2)`
            self.advance()
            self.enter(token.pos)
            inner = self.disjunction()
            if not self.at_op(")"):
                raise self.unexpected("close")
            self.advance()
            self.leave()
            return inner
        if token.kind == "name" and token.text in ("true", "false"):
            self.advance()
            return self.node(Num(1.0 if token.text == "true" else 0.0, token.text), token.pos)
        if token.kind == "name" and token.text in _WORDS:
            raise self.unexpected("operand")
        return super().atom()

    def call(self, raw: str, name_token: Token):
        if raw == "diff":
            raise GrammarError("diff() has no place in a condition", name_token.pos)
        return super().call(raw, name_token)

    def check_power(self, base, exponent, result, pos: int) -> None:
        # The grammar's rule, with this module's evaluator (which knows `%` and comparisons).
        value = _constant(exponent)
        if value is not None and abs(value) > MAX_EXPONENT:
            raise GrammarError(
                f"exponent {value:.6g} is too large (at most {MAX_EXPONENT} in magnitude)", pos
            )
        folded = _constant(result) if value is not None else None
        if folded is not None and abs(folded) > MAX_CONSTANT_POWER:
            raise GrammarError(
                f"constant power {folded:.6g} is too large (at most {MAX_CONSTANT_POWER:g})", pos
            )


@dataclass(frozen=True)
class Condition:
    """A parsed `where` condition; `holds(values)` evaluates it for one variant."""

    text: str
    root: object
    location: str = ""  # `file:line` of the `where` key, for error messages

    def names(self) -> set[str]:
        """The names the condition reads, in the grammar's spelling (`lam` is `lambda`)."""
        found: set[str] = set()
        stack = [self.root]
        while stack:
            node = stack.pop()
            if isinstance(node, Sym):
                found.add(node.name)
            stack.extend(_children(node))
        return found

    def holds(self, values: Mapping[str, float]) -> bool:
        try:
            # The grammar reads `lam` as `lambda`: bind the canonical names too.
            return _value(self.root, with_aliases(values)) != 0
        except (ArithmeticError, ValueError, EvaluationError) as error:
            reason = "overflow" if isinstance(error, OverflowError) else error
            raise ConditionError(f"cannot evaluate {self.text!r}: {reason}") from None


def parse_condition(text: str, location: str = "") -> Condition:
    """Parse a `where` text; raises ConditionError naming the column."""
    try:
        root = _ConditionParser(_tokens(text)).condition()
    except GrammarError as error:
        raise ConditionError(str(error)) from None
    except RecursionError:
        raise ConditionError("nested too deeply") from None
    return Condition(text, root, location)


def _children(node) -> tuple:
    if isinstance(node, Compare):
        return node.operands
    if isinstance(node, Logic):
        return node.parts
    if isinstance(node, Neg):
        return (node.operand,)
    if isinstance(node, BinOp):
        return (node.left, node.right)
    if isinstance(node, Call):
        return node.args
    return ()


def _constant(node) -> float | None:
    """The value of a constant sub-expression, None if it has names or no finite value."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, Sym):
            return None
        stack.extend(_children(current))
    try:
        return _value(node, {})
    except (ArithmeticError, ValueError, EvaluationError):
        return None


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise OverflowError("overflow")
    return value


def _value(node, values: Mapping[str, float]) -> float:
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Sym):
        if node.name not in values:
            raise ValueError(f"unknown name {node.name!r}")
        return _finite(float(values[node.name]))
    if isinstance(node, Const):
        return _CONSTANTS[node.name]
    if isinstance(node, Neg):
        return -_value(node.operand, values)
    if isinstance(node, Logic):
        if node.op == "not":
            return float(_value(node.parts[0], values) == 0)
        truths = (_value(part, values) != 0 for part in node.parts)
        return float(all(truths) if node.op == "and" else any(truths))
    if isinstance(node, Compare):
        left = _value(node.operands[0], values)
        for symbol, operand in zip(node.ops, node.operands[1:], strict=True):
            right = _value(operand, values)
            if not _COMPARE[symbol](left, right):
                return 0.0
            left = right
        return 1.0
    if isinstance(node, BinOp):
        a, b = _value(node.left, values), _value(node.right, values)
        if node.op == "^":
            return _finite(math.pow(a, b))
        if node.op == "%":
            return _finite(a % b)
        if node.op == "//":
            return _finite(a // b)
        return _finite(_ARITH[node.op](a, b))
    assert isinstance(node, Call)
    # The grammar's own function semantics, on arguments already evaluated.
    args = tuple(Num(_value(arg, values), "") for arg in node.args)
    return evaluate(Call(node.func, args), {})
