"""Unicode normalisation and tokenization of answer text, keeping original positions."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from eprep.grammar.errors import GrammarError

MAX_LENGTH = 500

# Applied per character before NFKC (GRAMMAR.md, "Characters").
_REPLACE = {
    "²": "^2",
    "³": "^3",
    "·": "*",
    "×": "*",
    "∙": "*",
    "÷": "/",
    "−": "-",
    "–": "-",
    "α": "alpha",
    "β": "beta",
    "γ": "gamma",
    "δ": "delta",
    "ε": "epsilon",
    "η": "eta",
    "θ": "theta",
    "λ": "lambda",
    "μ": "mu",
    "ρ": "rho",
    "σ": "sigma",
    "τ": "tau",
    "π": "pi",
}
_ALLOWED = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+-*/^(),. ")

_NUMBER = re.compile(r"\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Token:
    kind: str  # "num", "name", "op", "end"
    text: str
    pos: int  # 1-based column in the original input


def _normalise_char(char: str) -> str:
    if char in _REPLACE:
        return _REPLACE[char]
    folded = unicodedata.normalize("NFKC", char)
    # NFKC can produce a character of the table (micro sign -> Greek mu), so map again.
    return "".join(_REPLACE.get(c, c) for c in folded)


def normalise(text: str) -> tuple[str, list[int]]:
    """The normalised text and, for each of its characters, the 1-based original column."""
    if len(text) > MAX_LENGTH:
        raise GrammarError.keyed("too_long_input", 1, length=len(text), limit=MAX_LENGTH)
    out: list[str] = []
    positions: list[int] = []
    for index, char in enumerate(text):
        for produced in _normalise_char(char):
            if produced not in _ALLOWED:
                shown = char if char.isprintable() else f"U+{ord(char):04X}"
                raise GrammarError.keyed("char_not_allowed", index + 1, char=shown)
            out.append(produced)
            positions.append(index + 1)
    return "".join(out), positions


def tokenize(text: str) -> list[Token]:
    """Tokens of `text` ending with an `end` token; positions refer to the original text."""
    norm, positions = normalise(text)
    end_pos = len(text) + 1
    tokens: list[Token] = []
    i = 0
    while i < len(norm):
        char = norm[i]
        if char == " ":
            i += 1
            continue
        pos = positions[i]
        if char.isdigit() or (char == "." and i + 1 < len(norm) and norm[i + 1].isdigit()):
            match = _NUMBER.match(norm, i)
            assert match is not None  # a digit or ".digit" always starts a number
            tokens.append(Token("num", match.group(), pos))
            i = match.end()
        elif char.isalpha() or char == "_":
            match = _NAME.match(norm, i)
            assert match is not None
            tokens.append(Token("name", match.group(), pos))
            i = match.end()
        elif char == "*" and norm.startswith("**", i):
            tokens.append(Token("op", "^", pos))
            i += 2
        elif char in "+-*/^(),":
            tokens.append(Token("op", char, pos))
            i += 1
        else:  # a lone "."
            raise GrammarError.keyed("stray_char", pos, char=char)
    tokens.append(Token("end", "", end_pos))
    return tokens
