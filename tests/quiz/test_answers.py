"""Reading answers by kind and judging choice/numeric answers (no SymPy involved)."""

from __future__ import annotations

import pytest

from eprep.checker.kinds.base import Unreadable
from eprep.checker.kinds.choice import judge_choice, read_letter, shown_options
from eprep.checker.kinds.expression import read_answer
from eprep.checker.kinds.numeric import judge_numeric, read_number
from eprep.errors import EprepError


def test_read_letter() -> None:
    assert read_letter(" B ", 4) == 1
    assert read_letter("c)", 4) == 2
    assert read_letter("4", 4) == 3
    for bad in ("e", "", "ab", "0", "5"):
        with pytest.raises(Unreadable):
            read_letter(bad, 4)


def test_read_number() -> None:
    assert read_number("1/4")[0] == 0.25
    assert read_number("2^-3")[0] == 0.125
    assert read_number("3e-2")[0] == pytest.approx(0.03)
    with pytest.raises(Unreadable, match="uses x"):
        read_number("2x")
    with pytest.raises(EprepError, match="col"):
        read_number("3 +")


def test_an_expression_answer_is_read_with_its_names() -> None:
    assert read_answer("s(1-s)", {"s": "real"}).read_as == "s*(1 - s)"
    with pytest.raises(EprepError, match="col 5: unknown name 'y'"):
        read_answer("x + y", {"x": "real"})


def test_choice_order_is_shuffled_reproducibly_and_judged(fixture_bank) -> None:
    question = fixture_bank.get("qz.basics.relu-grad")
    variant = question.variant(0)
    options = shown_options(variant)
    assert options == shown_options(question.variant(0))
    assert sorted(o.index for o in options) == [0, 1, 2, 3]
    right = next(i for i, o in enumerate(options) if o.text and o.text.get() == "one")
    zero = next(i for i, o in enumerate(options) if o.text and o.text.get() == "zero")
    outcome = judge_choice(variant, right, "en")
    assert outcome.correct and outcome.feedback is None
    wrong = judge_choice(variant, zero, "en")
    assert not wrong.correct and wrong.feedback.startswith("Zero is the slope")
    assert wrong.key == f"{'abcd'[right]}) one"


def test_choice_shuffle_moves_the_key_and_judging_follows_it(fixture_bank) -> None:
    """Across variants the key is shown at every letter, and the letter shown is what counts."""
    question = fixture_bank.get("qz.basics.relu-grad")
    seen = set()
    for k in range(40):
        variant = question.variant(k)
        texts = [o.text.get() for o in shown_options(variant)]
        right = texts.index("one")
        seen.add(right)
        assert judge_choice(variant, right, "en").correct
        assert not any(judge_choice(variant, i, "en").correct for i in range(4) if i != right)
    # 40 uniform shuffles leave a letter never holding the key with probability < 1e-4.
    assert seen == {0, 1, 2, 3}


def test_numeric_key_mistake_and_diagnosis(fixture_bank) -> None:
    variant = fixture_bank.get("qz.basics.output-height").variant(3)
    v = variant.values
    key = (v["H"] + 2 * v["P"] - v["F"]) / v["S"] + 1  # by hand
    assert judge_numeric(variant, key, str(key), "en").correct
    assert judge_numeric(variant, key * (1 + 5e-4), "x", "en").correct  # within rel 1e-3
    mistake = judge_numeric(variant, key - 1, "x", "en")
    assert not mistake.correct and "The +1 is missing" in mistake.feedback
    assert judge_numeric(variant, -key, "x", "en").diagnosis == "the sign is wrong"
    assert judge_numeric(variant, 3 * key, "x", "en").diagnosis == "yours is 3 times the key"


def test_key_handling_for_option_menus() -> None:
    from eprep.quiz.terminal import _move, _split_keys

    assert _split_keys("b\r") == ["b", "\r"]
    assert _split_keys("\x1b[B\x1b[Ba") == ["\x1b[B", "\x1b[B", "a"]
    assert _move("\x1b[B", None, 4) == 0 and _move("\x1b[A", None, 4) == 3
    assert _move("\x1b[B", 3, 4) == 0  # wraps
    assert _move("c", 0, 4) == 2 and _move("2", 0, 4) == 1 and _move("x", 1, 4) == 1
    assert _move("j", 1, 4) == 2  # j is not an option letter with 4 options: it moves down
    with pytest.raises(KeyboardInterrupt):
        _move("\x03", 1, 4)
