"""The answer grammar's recursive descent (GRAMMAR.md): tokens to a tree, with its size limits.

The one limit it leaves to a subclass is the constant-power check, which needs the float
evaluator (parser.py adds it). So the derivative module can read the function table's rules
with `parse_rule` without importing the evaluator that imports it (no import cycle).
"""

from __future__ import annotations

import itertools
import keyword
import re
from collections.abc import Iterable, Mapping

from eprep.grammar.errors import GrammarError
from eprep.grammar.functions import FUNCTION_ALIASES, FUNCTIONS_TABLE, SUGGESTIONS
from eprep.grammar.lexer import _REPLACE, Token
from eprep.grammar.messages import unexpected_facts
from eprep.grammar.names import ALIASES
from eprep.grammar.nodes import BinOp, Call, Const, Neg, Node, Num, Sym
from eprep.grammar.tex_reader import read_tokens

MAX_DEPTH = 40
MAX_NODES = 300
MAX_DIGITS = 20
MAX_LITERAL = 1e15
MAX_DIFF_ORDER = 4
MAX_NAME = 24

# name -> (fewest, most) arguments; None = no upper bound. Aliases (`ln`, `sgn`) included.
FUNCTIONS: dict[str, tuple[int, int | None]] = {
    name: info.arity for name, info in FUNCTIONS_TABLE.items()
} | {alias: FUNCTIONS_TABLE[name].arity for alias, name in FUNCTION_ALIASES.items()}
FUNCTIONS["ln"] = (1, 1)
# Spelled Greek letters are variables even when a parenthesis follows: `alpha(1 - alpha)`.
_GREEK = frozenset(value for value in _REPLACE.values() if value.isalpha()) | {"epsilon"}
# Letters a learner uses for an unknown function: `f(x)` is an error, not `f*x`.
_FUNCTION_LETTERS = frozenset("fgh")
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def _canonical(name: str) -> str:
    return ALIASES.get(name, name)


def declared_functions(
    functions: Mapping[str, int | None] | Iterable[str] | None,
) -> dict[str, int | None]:
    """Declared functions as name -> arity (None: any), each name checked."""
    if functions is None:
        return {}
    table = dict(functions) if isinstance(functions, Mapping) else dict.fromkeys(functions)
    for name in table:
        if not isinstance(name, str) or not _NAME.fullmatch(name) or name.startswith("_"):
            raise GrammarError.keyed("bad_function_name", 1, name=name)
        if name in FUNCTIONS or name in ("pi", "e") or keyword.iskeyword(name):
            raise GrammarError.keyed("name_taken", 1, name=name)
    return table


class Descent:
    """Recursive descent over tokens; subclasses add checks (`check_power`)."""

    def __init__(
        self,
        tokens: list[Token],
        declared: set[str] | None,
        e_var: bool,
        functions: dict[str, int | None] | None = None,
    ) -> None:
        self.tokens = tokens
        self.index = 0
        self.declared = declared
        self.e_var = e_var
        self.functions = functions or {}
        self.depth = 0
        self.nodes = 0
        # Names used somewhere without a parenthesis after them: variables, so `s(1-s)` is s*(1-s).
        self.plain = {
            tok.text
            for tok, after in itertools.pairwise(tokens)
            if tok.kind == "name" and not (after.kind == "op" and after.text == "(")
        }

    # -- helpers -------------------------------------------------------------------------
    @property
    def tok(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def at_op(self, *ops: str) -> bool:
        return self.tok.kind == "op" and self.tok.text in ops

    def unexpected(self, expected: str) -> GrammarError:
        """`expected` is a key of `messages.EXPECTED`."""
        token = self.tok
        found = None if token.kind == "end" else token.text
        return GrammarError.keyed("unexpected", token.pos, **unexpected_facts(found, expected))

    def enter(self, pos: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise GrammarError.keyed("too_deep", pos, limit=MAX_DEPTH)

    def leave(self) -> None:
        self.depth -= 1

    def node(self, made: Node, pos: int) -> Node:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise GrammarError.keyed("too_many_parts", pos, limit=MAX_NODES)
        return made

    # -- grammar -------------------------------------------------------------------------
    def parse(self) -> Node:
        if self.tok.kind == "end":
            raise GrammarError.keyed("empty", self.tok.pos)
        result = self.expr()
        if self.tok.kind != "end":
            raise self.unexpected("operator_or_end")
        return result

    def expr(self) -> Node:
        left = self.term()
        while self.at_op("+", "-"):
            op = self.advance()
            right = self.term()
            left = self.node(BinOp(op.text, left, right), op.pos)
        return left

    def starts_operand(self) -> bool:
        return self.tok.kind in ("num", "name") or self.at_op("(")

    def term(self) -> Node:
        left = self.unary()
        while True:
            if self.at_op("*", "/"):
                op = self.advance()
                right = self.unary()
                left = self.node(BinOp(op.text, left, right), op.pos)
            elif self.starts_operand():
                pos = self.tok.pos
                right = self.power()
                left = self.node(BinOp("*", left, right), pos)
            else:
                return left

    def unary(self) -> Node:
        if self.at_op("-", "+"):
            sign = self.advance()
            self.enter(sign.pos)
            operand = self.unary()
            self.leave()
            return operand if sign.text == "+" else self.node(Neg(operand), sign.pos)
        return self.power()

    def power(self) -> Node:
        base = self.atom()
        if not self.at_op("^"):
            return base
        op = self.advance()
        self.enter(op.pos)
        exponent = self.unary()
        self.leave()
        result = self.node(BinOp("^", base, exponent), op.pos)
        self.check_power(base, exponent, result, op.pos)
        return result

    def check_power(self, base: Node, exponent: Node, result: Node, pos: int) -> None:
        """Called for each `^` after it is read; the plain descent checks nothing here.

        parser.py's parser refuses a constant power too large to compare, which needs the
        evaluator (and through it `diff`); the function table's trusted rules need no check.
        """

    def atom(self) -> Node:
        token = self.tok
        if token.kind == "num":
            self.advance()
            return self.node(self.number(token), token.pos)
        if token.kind == "name":
            return self.name()
        if self.at_op("("):
            self.advance()
            self.enter(token.pos)
            inner = self.expr()
            if not self.at_op(")"):
                raise self.unexpected("close")
            self.advance()
            self.leave()
            return inner
        raise self.unexpected("operand")

    def number(self, token: Token) -> Num:
        mantissa = token.text.split("e")[0].split("E")[0]
        if sum(c.isdigit() for c in mantissa) > MAX_DIGITS:
            raise GrammarError.keyed("too_many_digits", token.pos, limit=MAX_DIGITS)
        value = float(token.text)
        if abs(value) > MAX_LITERAL:
            raise GrammarError.keyed("number_too_large", token.pos, number=token.text)
        return Num(value, token.text)

    def name(self) -> Node:
        token = self.advance()
        raw = token.text
        if keyword.iskeyword(raw) and raw != "lambda":
            raise GrammarError.keyed("reserved_word", token.pos, name=raw)
        if raw.startswith("__"):
            raise GrammarError.keyed("dunder_name", token.pos, name=raw)
        if len(raw) > MAX_NAME:
            raise GrammarError.keyed("name_too_long", token.pos, limit=MAX_NAME)
        canonical = _canonical(raw)
        sigma_declared = self.declared is not None and "sigma" in self.declared
        if raw == "sigma" and not sigma_declared and self.at_op("("):
            return self.call(raw, token)
        if raw in FUNCTIONS:
            if not self.at_op("("):
                raise GrammarError.keyed("needs_parentheses", token.pos, name=raw)
            return self.call(raw, token)
        if raw in self.functions:
            if not self.at_op("("):
                raise GrammarError.keyed("needs_parentheses", token.pos, name=raw)
            return self.call(raw, token)
        if canonical == "pi" or (canonical == "e" and not self.e_var):
            return self.node(Const(canonical), token.pos)
        if self.at_op("(") and not self.is_variable(raw, canonical):
            raise _unknown_function(raw, token.pos)
        return self.variable(canonical, token)

    def is_variable(self, raw: str, canonical: str) -> bool:
        """May `raw` followed by '(' be a variable times a parenthesis (`s(1 - s)`)?"""
        if self.declared is not None:
            return canonical in self.declared
        if raw in self.plain or canonical in _GREEK:
            return True
        return len(raw) == 1 and raw not in _FUNCTION_LETTERS

    def variable(self, name: str, token: Token) -> Node:
        if self.declared is not None and name not in self.declared:
            if not self.declared:
                raise GrammarError.keyed("unknown_name_none", token.pos, name=token.text)
            known = ", ".join(sorted(self.declared))
            raise GrammarError.keyed("unknown_name", token.pos, name=token.text, known=known)
        return self.node(Sym(name), token.pos)

    def call(self, raw: str, name_token: Token) -> Node:
        open_paren = self.advance()
        self.enter(open_paren.pos)
        args: list[Node] = []
        arg_pos: list[int] = []
        arg_pos.append(self.tok.pos)
        args.append(self.expr())
        while self.at_op(","):
            self.advance()
            arg_pos.append(self.tok.pos)
            args.append(self.expr())
        if not self.at_op(")"):
            raise self.unexpected("comma_or_close")
        self.advance()
        self.leave()
        func = "sigmoid" if raw == "sigma" else FUNCTION_ALIASES.get(raw, raw)
        if raw in self.functions:
            arity = self.functions[raw]
            low, high = (1, None) if arity is None else (arity, arity)
        else:
            low, high = FUNCTIONS.get(raw, FUNCTIONS[func])
        if len(args) < low or (high is not None and len(args) > high):
            facts = {"name": raw, "low": low, "high": high, "got": len(args)}
            if high is None:
                key = "arity_at_least"
            elif low == high:
                key, facts["plural"] = "arity_exact", "s" if low > 1 else ""
            else:
                key = "arity_range"
            raise GrammarError.keyed(key, name_token.pos, **facts)
        if func == "diff":
            self.check_diff(args, arg_pos, name_token)
        return self.node(Call(func, tuple(args)), name_token.pos)

    def check_diff(self, args: list[Node], arg_pos: list[int], name_token: Token) -> None:
        if not isinstance(args[1], Sym):
            raise GrammarError.keyed("diff_variable", name_token.pos)
        order = 1
        if len(args) == 3:
            n = args[2]
            if not (isinstance(n, Num) and n.value == int(n.value) and 1 <= n.value <= 4):
                raise GrammarError.keyed("diff_order", arg_pos[2])
            order = int(n.value)
        if order + _diff_order(args[0]) > MAX_DIFF_ORDER:
            raise GrammarError.keyed("diff_total_order", name_token.pos, limit=MAX_DIFF_ORDER)


def _diff_order(node: Node) -> int:
    """The largest total order of nested `diff` calls inside `node`."""
    if isinstance(node, Neg):
        return _diff_order(node.operand)
    if isinstance(node, BinOp):
        return max(_diff_order(node.left), _diff_order(node.right))
    if isinstance(node, Call):
        inner = max(_diff_order(arg) for arg in node.args)
        if node.func == "diff":
            own = int(node.args[2].value) if len(node.args) == 3 else 1  # type: ignore[union-attr]
            return own + _diff_order(node.args[0])
        return inner
    return 0


def _unknown_function(name: str, pos: int) -> GrammarError:
    """An unknown function, with what to write instead."""
    if name in SUGGESTIONS:
        return GrammarError.keyed("unknown_function_alias", pos, name=name, write=SUGGESTIONS[name])
    if len(name) == 1:
        return GrammarError.keyed("unknown_function_declare", pos, name=name)
    known = ", ".join(sorted(FUNCTIONS_TABLE))
    return GrammarError.keyed("unknown_function", pos, name=name, known=known)


def parse_rule(text: str, variables: Iterable[str]) -> Node:
    """Parse a trusted formula of `variables` (the function table's derivative rules)."""
    tokens = read_tokens(text, FUNCTIONS.keys())
    return Descent(tokens, {_canonical(v) for v in variables}, False).parse()
