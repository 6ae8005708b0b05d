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

    kind: str  # "randint" | "choice" | "uniform" | "constant"
    args: tuple[Number, ...]
    digits: int = 2

    def draw(self, rng: random.Random) -> Number:
        if self.kind == "constant":
            return self.args[0]
        if self.kind == "randint":
            return rng.randint(int(self.args[0]), int(self.args[1]))
        if self.kind == "choice":
            return self.args[rng.randrange(len(self.args))]
        value = round(rng.uniform(self.args[0], self.args[1]), self.digits)
        return int(value) if self.digits == 0 else value

    def describe(self) -> str:
        if self.kind == "constant":
            return str(self.args[0])
        return f"{self.kind}({', '.join(str(a) for a in self.args)})"


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
    kind, body = match.groups()
    args = tuple(_number(part) for part in body.split(",")) if body.strip() else ()
    if kind == "randint":
        if len(args) != 2 or not all(isinstance(a, int) for a in args):
            raise ParamSpecError(f"bad parameter spec {spec!r}: randint takes two integers")
        if args[0] > args[1]:
            raise ParamSpecError(f"bad parameter spec {spec!r}: empty range")
        return ParamSpec(kind, args)
    if kind == "choice":
        if not args:
            raise ParamSpecError(f"bad parameter spec {spec!r}: choice needs at least one value")
        return ParamSpec(kind, args)
    if len(args) not in (2, 3):
        raise ParamSpecError(f"bad parameter spec {spec!r}: uniform takes (a, b) or (a, b, digits)")
    digits = 2
    if len(args) == 3:
        if not isinstance(args[2], int) or not 0 <= args[2] <= 12:
            raise ParamSpecError(f"bad parameter spec {spec!r}: digits must be an integer 0..12")
        digits = args[2]
    if args[0] >= args[1]:
        raise ParamSpecError(f"bad parameter spec {spec!r}: empty range")
    return ParamSpec(kind, (float(args[0]), float(args[1])), digits)
