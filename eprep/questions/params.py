"""Parameter specs: `randint(a, b)`, `choice(v1, ...)`, `uniform(a, b[, digits])`, a constant."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

_SPEC = re.compile(r"^\s*(randint|choice|uniform)\s*\((.*)\)\s*$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")

Number = int | float


class ParamSpecError(ValueError):
    """A parameter spec that is not one of the forms the schema allows."""


@dataclass(frozen=True)
class ParamSpec:
    """One parameter's distribution; `draw(rng)` gives its value for a variant."""

    form: str  # "randint" | "choice" | "uniform" | "constant"
    args: tuple[Number, ...]
    digits: int = 2

    def draw(self, rng: random.Random) -> Number:
        return _DRAW[self.form](self, rng)

    @property
    def is_random(self) -> bool:
        return self.form in _RANDOM

    def describe(self) -> str:
        if not self.is_random:
            return str(self.args[0])
        return f"{self.form}({', '.join(str(a) for a in self.args)})"


def _uniform(spec: ParamSpec, rng: random.Random) -> Number:
    value = round(rng.uniform(spec.args[0], spec.args[1]), spec.digits)
    return int(value) if spec.digits == 0 else value


_RANDOM = ("randint", "choice", "uniform")
_DRAW = {
    "constant": lambda spec, rng: spec.args[0],
    "randint": lambda spec, rng: rng.randint(int(spec.args[0]), int(spec.args[1])),
    "choice": lambda spec, rng: spec.args[rng.randrange(len(spec.args))],
    "uniform": _uniform,
}


def _number(text: str) -> Number:
    text = text.strip()
    if not _NUMBER.match(text):
        raise ParamSpecError(f"{text!r} is not a number")
    value = float(text)
    if abs(value) > 1e15:
        raise ParamSpecError(f"{text!r} is too large")
    if re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    return value


def parse_spec(spec: object) -> ParamSpec:
    """Read a spec from its TOML value (a string like `randint(1, 5)` or a number)."""
    if isinstance(spec, bool):
        raise ParamSpecError("a parameter must be a number or a spec string, not a boolean")
    if isinstance(spec, int | float):
        return ParamSpec("constant", (spec,))
    if not isinstance(spec, str):
        raise ParamSpecError("a parameter must be a number or a spec string like 'randint(1, 5)'")
    match = _SPEC.match(spec)
    if not match:
        raise ParamSpecError(
            f"bad parameter spec {spec!r}: expected randint(a, b), choice(v1, ...), uniform(a, b) "
            "or uniform(a, b, digits)"
        )
    form, body = match.groups()
    args = tuple(_number(part) for part in body.split(",")) if body.strip() else ()
    return _PARSE[form](spec, args)


def _randint(spec: str, args: tuple[Number, ...]) -> ParamSpec:
    if len(args) != 2 or not all(isinstance(a, int) for a in args):
        raise ParamSpecError(f"bad parameter spec {spec!r}: randint takes two integers")
    if args[0] > args[1]:
        raise ParamSpecError(f"bad parameter spec {spec!r}: empty range")
    return ParamSpec("randint", args)


def _choice(spec: str, args: tuple[Number, ...]) -> ParamSpec:
    if not args:
        raise ParamSpecError(f"bad parameter spec {spec!r}: choice needs at least one value")
    return ParamSpec("choice", args)


def _uniform_spec(spec: str, args: tuple[Number, ...]) -> ParamSpec:
    if len(args) not in (2, 3):
        raise ParamSpecError(f"bad parameter spec {spec!r}: uniform takes (a, b) or (a, b, digits)")
    digits = 2
    if len(args) == 3:
        if not isinstance(args[2], int) or not 0 <= args[2] <= 12:
            raise ParamSpecError(f"bad parameter spec {spec!r}: digits must be an integer 0..12")
        digits = args[2]
    if args[0] >= args[1]:
        raise ParamSpecError(f"bad parameter spec {spec!r}: empty range")
    return ParamSpec("uniform", (float(args[0]), float(args[1])), digits)


_PARSE = {"randint": _randint, "choice": _choice, "uniform": _uniform_spec}
