"""Variants: reproducible, independent of the process, honouring `where`, rendered nicely."""

from __future__ import annotations

import hashlib
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from eprep.questions import format_number, load_bank, substitute
from eprep.questions.params import ParamSpecError, parse_spec

GOOD = Path(__file__).parents[1] / "checker" / "verify_banks" / "good"


def conv_question():
    return load_bank([GOOD], bundled=False).get("day2.t.conv-height")


def test_variant_k_is_the_same_in_another_process() -> None:
    here = [dict(conv_question().variant(k).values) for k in range(8)]
    code = (
        "import json; from eprep.questions import load_bank\n"
        f"q = load_bank([{str(GOOD)!r}], bundled=False).get('day2.t.conv-height')\n"
        "print(json.dumps([dict(q.variant(k).values) for k in range(8)]))\n"
    )
    there = json.loads(
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
    )
    assert here == there
    assert len({json.dumps(v, sort_keys=True) for v in here}) > 4  # variants differ


def test_first_draw_follows_the_documented_seed() -> None:
    # SCHEMA.md: the stream is random.Random seeded from sha256(f"{id}:{k}"); params drawn in order.
    question = conv_question()
    for k in range(30):
        variant = question.variant(k)
        if variant.draws != 1:
            continue
        digest = hashlib.sha256(f"day2.t.conv-height:{k}".encode()).digest()
        rng = random.Random(int.from_bytes(digest[:8], "big"))
        expected = {"H": rng.randint(6, 30), "F": (3, 5)[rng.randrange(2)], "P": rng.randint(1, 2)}
        expected["S"] = (1, 2)[rng.randrange(2)]
        assert {name: variant.values[name] for name in "HFPS"} == expected


def test_where_holds_and_params_stay_in_range() -> None:
    question = conv_question()
    for k in range(200):
        v = question.variant(k).values
        assert (v["H"] + 2 * v["P"] - v["F"]) % v["S"] == 0
        assert 6 <= v["H"] <= 30 and v["F"] in (3, 5) and 1 <= v["P"] <= 2 and v["S"] in (1, 2)


def test_numeric_key_and_bound_formula() -> None:
    question = conv_question()
    variant = question.variant(3)
    v = variant.values
    assert variant.key_value() == (v["H"] + 2 * v["P"] - v["F"]) / v["S"] + 1
    assert variant.bind(question.answer) == f"({v['H']} + 2*{v['P']} - {v['F']})/{v['S']} + 1"


def test_rendering_substitutes_only_double_braces() -> None:
    values = {"H": 28, "eta": 0.1, "eps": 1e-8, "g": 2.0}
    text = r"$\frac{H}{2}$ with H={{H}}, η={{ eta }}, ε={{eps}}, g={{g}}, {{unknown}}, {H}"
    assert (
        substitute(text, values) == r"$\frac{H}{2}$ with H=28, η=0.1, ε=1e-8, g=2, {{unknown}}, {H}"
    )


@pytest.mark.parametrize(
    ("value", "shown"),
    [(3, "3"), (3.0, "3"), (0.25, "0.25"), (1 / 3, "0.333333"), (-2.5, "-2.5"), (1.5e-8, "1.5e-8"),
     (123456789.0, "123456789"), (0.1 + 0.2, "0.3")],
)  # fmt: skip
def test_numbers_are_formatted_nicely(value: float, shown: str) -> None:
    assert format_number(value) == shown


def test_param_specs() -> None:
    rng = random.Random(5)
    uniform = parse_spec("uniform(0.1, 0.9, 3)")
    draws = [uniform.draw(rng) for _ in range(200)]
    assert all(0.1 <= d <= 0.9 and round(d, 3) == d for d in draws)
    assert parse_spec(0.5).draw(rng) == 0.5
    assert {parse_spec("choice(1, 2.5, -3)").draw(rng) for _ in range(200)} == {1, 2.5, -3}
    for bad in (
        "randint(3, 1)",
        "randint(1.5, 3)",
        "uniform(1)",
        "choice()",
        "normal(0, 1)",
        "randint(1, x)",
        True,
    ):
        with pytest.raises(ParamSpecError):
            parse_spec(bad)


def test_option_order_is_a_reproducible_shuffle() -> None:
    question = load_bank([GOOD], bundled=False).get("day2.t.sigmoid-choice")
    orders = [tuple(question.variant(k).option_order()) for k in range(40)]
    assert all(sorted(order) == [0, 1, 2, 3] for order in orders)
    # Reproducible: a fresh load draws the same order for every variant.
    again = load_bank([GOOD], bundled=False).get("day2.t.sigmoid-choice")
    assert [tuple(again.variant(k).option_order()) for k in range(40)] == orders
    # Shuffled: the bank order is not what is shown, and the correct option moves about.
    # (40 uniform shuffles of 4 give fewer than 8 distinct orders with probability < 1e-9.)
    assert len(set(orders)) >= 8
    correct = next(o.index for o in question.options if o.correct)
    assert {order.index(correct) for order in orders} == {0, 1, 2, 3}


def test_bound_trees_are_what_the_printed_formulas_parse_to() -> None:
    """The checker gets `bind_tree` where it used to re-parse `bind`'s text: the same trees,
    for every formula-answer question of the bundled bank (key and known mistakes)."""
    from eprep.grammar.equation import parse_formula

    checked = 0
    for question in load_bank().questions:
        if question.kind not in ("expression", "derivation") or question.answer is None:
            continue
        variant = question.variant(0)
        variables = dict(question.variables)
        for formula in [question.answer, *(m.answer for m in question.mistakes)]:
            printed = parse_formula(
                variant.bind(formula),
                e_is_variable="e" in variables,
                functions=question.functions,
                known=tuple(variables),
            )
            assert variant.bind_tree(formula) == printed, (question.id, formula)
            checked += 1
    assert checked > 50
