"""The site's numeric self-check judges with the checker's precision rule, as the quiz does."""

from __future__ import annotations

import math
import random

import pytest

from eprep.checker.kinds.numeric import judge_numeric
from eprep.checker.precision import precision

BCE = "day1.losses.binary-cross-entropy"


def _url(site, lang: str) -> str:
    return (site / lang / "questions" / f"{BCE}.html").resolve().as_uri()


def _verdict(page, text: str) -> str:
    """What the page says of `text`: "right", "near", "known" or "wrong"."""
    box = page.locator("section.question > form input.answer")
    result = page.locator("section.question > form .result")
    box.fill(text)
    box.press("Enter")
    classes = result.get_attribute("class").split()
    if "right" in classes:
        return "right"
    if "near" in classes:
        return "near"
    return "known" if result.locator(".feedback").count() else "wrong"


def _oracle(variant, value: float) -> str:
    """The checker's own verdict (the function the quiz calls)."""
    outcome = judge_numeric(variant, value, repr(value), "en")
    if outcome.correct:
        return "right"
    if outcome.feedback is not None:
        return "known"
    return "near" if outcome.near else "wrong"


def test_the_page_states_the_precision_the_checker_asks(built_site, bank):
    variant = bank.get(BCE).variant(0)
    asked = precision(bank.get(BCE).tolerance, variant.key_value())
    assert asked.figures == 3
    en = (built_site / "en" / "questions" / f"{BCE}.html").read_text(encoding="utf-8")
    ja = (built_site / "ja" / "questions" / f"{BCE}.html").read_text(encoding="utf-8")
    assert "Give the answer to 3 significant figures." in en
    assert "有効数字3桁で答えよ。" in ja


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_numeric_selfcheck_rounds_as_the_quiz(built_site, bank, page, lang, screenshot):
    question = bank.get(BCE)
    variant = question.variant(0)
    y1, y2 = variant.values["y1"], variant.values["y2"]
    # Hand derivation: mean BCE of (y1, t=1) and (y2, t=0).
    key = -(math.log(y1) + math.log(1 - y2)) / 2
    assert key == pytest.approx(variant.key_value(), rel=1e-12)
    assert (y1, y2) == (0.9, 0.1)  # so key = -ln 0.9 = 0.1053605…, by hand 0.105 to 3 figures
    assert not question.tolerance.accepts(0.105, key)  # the raw tolerance alone rejects it
    page.goto(_url(built_site, lang))

    assert _verdict(page, "0.105") == "right"
    assert _verdict(page, "0.11") == "near"
    text = page.locator("section.question > form .result").inner_text()
    assert ("Close — rounding?" if lang == "en" else "惜しい") in text
    screenshot(page, f"numeric-near-{lang}")
    assert _verdict(page, "0.2") == "wrong"

    # The same verdicts as the checker's function, on rounded, near, wrong and random inputs.
    rng = random.Random(14)
    values = [0.105, 0.1054, 0.1055, 0.1049, 0.11, 0.1, 0.1005, 0.0999, -0.105, 0.2, 1.0, key]
    values += [key + rng.uniform(-0.008, 0.008) for _ in range(12)]
    values += [variant.evaluate(m.answer) for m in question.mistakes]
    for value in values:
        text = repr(round(value, 6))
        assert _verdict(page, text) == _oracle(variant, float(text)), text
