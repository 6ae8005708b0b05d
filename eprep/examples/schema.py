"""The shape of an example's result, declared beside its `run`, and a checker for it.

A cached result is used only if it has this shape: an entry with the right key but the wrong
shape (a hand edit, another eprep's bug, a damaged disk) is recomputed and overwritten instead
of crashing `example run` or `site build`.

Notation: "int", "float" (an int is also a float), "str", "bool", "null"; a tuple is "one of";
`[X]` is a list of X; a dict lists required keys (others are allowed); `{"*": X}` maps any keys
to X.
"""

from __future__ import annotations

from typing import Any

_SCALARS = {
    "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "float": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "str": lambda v: isinstance(v, str),
    "bool": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}

# The learning curve every training example records (eprep.examples.training).
CURVE = {
    "iteration": ["int"],
    "train_loss": ["float"],
    "train_acc": ["float"],
    "test_acc": ["float"],
}


def shape_error(value: Any, schema: Any, where: str = "result") -> str | None:
    """The first place where `value` does not have the shape `schema`, or None."""
    if isinstance(schema, str):
        return None if _SCALARS[schema](value) else f"{where} is not {schema}"
    if isinstance(schema, tuple):
        if any(shape_error(value, option, where) is None for option in schema):
            return None
        return f"{where} is none of {', '.join(map(str, schema))}"
    if isinstance(schema, list):
        if not isinstance(value, list):
            return f"{where} is not a list"
        for index, item in enumerate(value):
            problem = shape_error(item, schema[0], f"{where}[{index}]")
            if problem:
                return problem
        return None
    if not isinstance(value, dict):
        return f"{where} is not a table"
    if set(schema) == {"*"}:
        items = [(key, schema["*"]) for key in value]
    else:
        missing = [key for key in schema if key not in value]
        if missing:
            return f"{where} has no {missing[0]!r}"
        items = list(schema.items())
    for key, inner in items:
        problem = shape_error(value[key], inner, f"{where}.{key}")
        if problem:
            return problem
    return None
