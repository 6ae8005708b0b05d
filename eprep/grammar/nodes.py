"""The answer grammar's syntax tree: small frozen dataclasses, compared by value."""

from __future__ import annotations

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
