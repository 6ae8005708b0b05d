"""The answer grammar's syntax tree: small frozen dataclasses, compared by value."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Num:
    """A number literal; `text` is how it was written (after normalisation), `value` its float."""

    value: float
    text: str


@dataclass(frozen=True)
class Sym:
    """A variable; `name` is canonical (`eps` -> `epsilon`, `lam` -> `lambda`)."""

    name: str


@dataclass(frozen=True)
class Const:
    """A named constant: `pi`, or `e` (Euler's number) when `e` is not a declared variable."""

    name: str


@dataclass(frozen=True)
class Neg:
    operand: Node


@dataclass(frozen=True)
class BinOp:
    op: str  # one of + - * / ^
    left: Node
    right: Node


@dataclass(frozen=True)
class Call:
    """A whitelisted function; `func` is canonical (`ln` -> `log`, `sigma(` -> `sigmoid`)."""

    func: str
    args: tuple[Node, ...]


Node = Num | Sym | Const | Neg | BinOp | Call


def map_children(node: Node, fn: Callable[[Node], Node]) -> Node:
    """`node` rebuilt with `fn` applied to each direct child; a leaf comes back as it is."""
    if isinstance(node, Neg):
        return Neg(fn(node.operand))
    if isinstance(node, BinOp):
        return BinOp(node.op, fn(node.left), fn(node.right))
    if isinstance(node, Call):
        return Call(node.func, tuple(fn(arg) for arg in node.args))
    return node


def substitute(node: Node, replacements: Mapping[str, Node]) -> Node:
    """`node` with variables replaced by formulas; the variable of a `diff` stays a name."""
    if isinstance(node, Sym):
        return replacements.get(node.name, node)
    if isinstance(node, Call) and node.func == "diff":
        body, var, *order = node.args
        return Call("diff", (substitute(body, replacements), var, *order))
    return map_children(node, lambda child: substitute(child, replacements))


def walk(node: Node) -> Iterator[Node]:
    """Every node of the tree, `node` first, without recursion."""
    stack = [node]
    while stack:
        item = stack.pop()
        yield item
        if isinstance(item, Neg):
            stack.append(item.operand)
        elif isinstance(item, BinOp):
            stack.extend((item.left, item.right))
        elif isinstance(item, Call):
            stack.extend(item.args)
