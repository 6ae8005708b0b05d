"""Every question can become a fair 4-choice exam item, on the whole loaded bank.

An exam item is the key plus three known mistakes (numeric, expression), or the options of a choice
question with numeric values. The rules: at least three known mistakes; options that a learner can
tell apart by reasoning (5% apart at four significant digits; exact counts only need to differ);
no key that merely repeats a number given in the prompt. A small bad bank shows each rule firing.
Also the regression checks of the issue-16 content fixes that can be stated mechanically.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from eprep.questions import load_bank
from eprep.questions.models import Bank, Question
from eprep.questions.variants import placeholders

MIN_MISTAKES = 3
GAP = 0.05  # smallest relative difference between two options
DIGITS = 4  # significant digits an option is compared at
VARIANTS = 50  # more than verify's 20: the quiz and the site use later variants too


def _rounded(value: float) -> float:
    if value == 0 or not math.isfinite(value):
        return value
    return round(value, DIGITS - 1 - math.floor(math.log10(abs(value))))


def apart(a: float, b: float, *, counts: bool) -> bool:
    """Whether two shown numbers differ visibly: 5% at 4 digits, or any difference for counts."""
    if counts:
        return abs(a - b) > 1e-9
    a, b = _rounded(a), _rounded(b)
    largest = max(abs(a), abs(b))
    return largest > 0 and abs(a - b) >= GAP * largest


def _item_formulas(q: Question) -> list[tuple[str, str]] | None:
    """(label, formula) of the options of q's exam item, the key first; None if not numeric."""
    if q.kind == "numeric":
        return [("key", q.answer or "")] + [(f"mistake {m.answer}", m.answer) for m in q.mistakes]
    if q.kind == "choice" and q.options and all(o.value is not None for o in q.options):
        ordered = sorted(q.options, key=lambda o: not o.correct)
        return [(f"option {o.id or o.index + 1}", o.value or "") for o in ordered]
    return None


def too_close(q: Question, variants: int = VARIANTS) -> list[str]:
    """Every pair of options of q's exam item that some variant shows too close together."""
    formulas = _item_formulas(q)
    if formulas is None:
        return []
    shown = [q.variant(k) for k in range(q.variant_count(variants))]
    values = [[v.evaluate(f) for _, f in formulas] for v in shown]
    counts = all(float(row[0]).is_integer() for row in values)
    found = []
    for i in range(len(formulas)):
        for j in range(i + 1, len(formulas)):
            bad = [k for k, row in enumerate(values) if not apart(row[i], row[j], counts=counts)]
            if bad:
                k = bad[0]
                found.append(
                    f"{q.id} variant {k}: {formulas[i][0]} = {values[k][i]:.6g} and "
                    f"{formulas[j][0]} = {values[k][j]:.6g} are not {GAP:.0%} apart"
                )
    return found


def repeats_a_given(q: Question, variants: int = VARIANTS) -> str | None:
    """The parameter shown in the prompt that q's key equals in every variant, if any."""
    formulas = _item_formulas(q)
    if formulas is None or not q.has_params:
        return None
    shown_names = set()
    for lang in ("en", "ja"):
        shown_names |= placeholders(q.prompt.values.get(lang, ""))
    given = [n for n in shown_names if n in q.params and q.params[n].is_random]
    shown = [q.variant(k) for k in range(q.variant_count(variants))]
    for name in sorted(given):
        if all(math.isclose(v.evaluate(formulas[0][1]), v.values[name]) for v in shown):
            return name
    return None


def too_few_mistakes(q: Question) -> bool:
    return q.kind in ("numeric", "expression") and len(q.mistakes) < MIN_MISTAKES


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank()


def test_every_numeric_and_expression_question_has_three_known_mistakes(bank: Bank) -> None:
    few = [f"{q.id} ({len(q.mistakes)})" for q in bank if too_few_mistakes(q)]
    assert not few, "fewer than 3 known mistakes: " + ", ".join(few)


def test_every_exam_item_has_options_a_learner_can_tell_apart(bank: Bank) -> None:
    close = [line for q in bank for line in too_close(q)]
    assert not close, "\n".join(close)


def test_no_key_is_a_number_given_in_the_prompt(bank: Bank) -> None:
    plug_ins = [f"{q.id} = {name}" for q in bank if (name := repeats_a_given(q)) is not None]
    assert not plug_ins, "keys that repeat a given value: " + ", ".join(plug_ins)


# ---------------------------------------------------------------- the rules can fail

_BAD_BANK = """
[topic]
title.en = "Exam items"
title.ja = "試験形式"
order = 1

[[question]]
id = "day9.items.two-mistakes"
kind = "numeric"
title.en = "t"
title.ja = "題"
difficulty = 1
tags = []
source = "fixture"
params = { a = "randint(2, 9)" }
prompt.en = "a = {{a}}. Twice a?"
prompt.ja = "a = {{a}} の 2 倍を求めよ。"
answer = "2*a"
probe = "fixture_probe"
explanation.en = "e"
explanation.ja = "説明"
[[question.mistakes]]
answer = "a"
feedback.en = "f"
feedback.ja = "f"
[[question.mistakes]]
answer = "3*a"
feedback.en = "f"
feedback.ja = "f"

[[question]]
id = "day9.items.close-mistake"
kind = "numeric"
title.en = "t"
title.ja = "題"
difficulty = 1
tags = []
source = "fixture"
params = { x = "uniform(1, 2, 2)" }
prompt.en = "x = {{x}}. 1/x?"
prompt.ja = "x = {{x}} の逆数を求めよ。"
answer = "1/x"
probe = "fixture_probe"
explanation.en = "e"
explanation.ja = "説明"
[[question.mistakes]]
answer = "1/x + 0.01"
feedback.en = "f"
feedback.ja = "f"
[[question.mistakes]]
answer = "-1/x"
feedback.en = "f"
feedback.ja = "f"
[[question.mistakes]]
answer = "2/x"
feedback.en = "f"
feedback.ja = "f"

[[question]]
id = "day9.items.plug-in"
kind = "numeric"
title.en = "t"
title.ja = "題"
difficulty = 1
tags = []
source = "fixture"
params = { b = "uniform(-2, 2, 1)" }
where = "abs(b) > 0.5"
prompt.en = "The shift is {{b}}. What is the mean?"
prompt.ja = "シフトは {{b}} である。平均を求めよ。"
answer = "b"
probe = "fixture_probe"
explanation.en = "e"
explanation.ja = "説明"
[[question.mistakes]]
answer = "0"
feedback.en = "f"
feedback.ja = "f"
[[question.mistakes]]
answer = "2*b"
feedback.en = "f"
feedback.ja = "f"
[[question.mistakes]]
answer = "-b"
feedback.en = "f"
feedback.ja = "f"

[[question]]
id = "day9.items.close-options"
kind = "choice"
title.en = "t"
title.ja = "題"
difficulty = 1
tags = []
source = "fixture"
params = { g = "uniform(0.04, 0.05, 3)" }
prompt.en = "g = {{g}}. Which step?"
prompt.ja = "g = {{g}} のときの一歩を選べ。"
answer = "g/(g + 0.0001)"
probe = "fixture_probe"
explanation.en = "e"
explanation.ja = "説明"
[[question.options]]
value = "g/(g + 0.0001)"
correct = true
[[question.options]]
value = "g/(g + 0.000003)"
[[question.options]]
value = "g/(g + 0.01)"

[[question]]
id = "day9.items.counts"
kind = "numeric"
title.en = "t"
title.ja = "題"
difficulty = 1
tags = []
source = "fixture"
params = { n = "randint(100, 200)" }
prompt.en = "n = {{n}} weights and one bias. How many parameters?"
prompt.ja = "重み n = {{n}} 個とバイアス 1 個のパラメータ数を求めよ。"
answer = "n + 1"
probe = "fixture_probe"
explanation.en = "e"
explanation.ja = "説明"
[[question.mistakes]]
answer = "n"
feedback.en = "f"
feedback.ja = "f"
[[question.mistakes]]
answer = "2*n"
feedback.en = "f"
feedback.ja = "f"
[[question.mistakes]]
answer = "n + 2"
feedback.en = "f"
feedback.ja = "f"
"""


@pytest.fixture(scope="module")
def bad_bank(tmp_path_factory: pytest.TempPathFactory) -> Bank:
    root = tmp_path_factory.mktemp("items-bank")
    (root / "day9").mkdir()
    (root / "day9" / "items.toml").write_text(_BAD_BANK, encoding="utf-8")
    return load_bank([root], bundled=False)


def test_the_rules_fire_on_a_bad_bank(bad_bank: Bank) -> None:
    q = {q.id.rsplit(".", 1)[-1]: q for q in bad_bank}
    assert too_few_mistakes(q["two-mistakes"])
    assert not too_few_mistakes(q["close-mistake"])
    close = too_close(q["close-mistake"])
    assert close and all("mistake 1/x + 0.01" in line for line in close)
    assert any("option 2" in line for line in too_close(q["close-options"]))
    assert repeats_a_given(q["plug-in"]) == "b"
    assert repeats_a_given(q["two-mistakes"]) is None
    # exact counts that differ by one are told apart by reasoning, not by size
    assert too_close(q["counts"]) == []


def test_apart_compares_at_the_shown_precision() -> None:
    assert not apart(-0.00996979, -0.00999904, counts=False)  # the adam-eps example
    assert not apart(-1.55641, -1.54081, counts=False)  # and its batch-norm example
    assert apart(1.0, 1.06, counts=False) and not apart(1.0, 1.04, counts=False)
    assert apart(0.0, 1e-3, counts=False) and not apart(0.0, 0.0, counts=False)
    assert apart(55, 54, counts=True) and not apart(55, 55.0, counts=True)


# ---------------------------------------------------------------- issue-16 regressions


def _texts(q: Question, lang: str) -> str:
    parts = [q.title, q.prompt, q.explanation, q.trap]
    parts += [o.text for o in q.options] + [o.feedback for o in q.options]
    parts += [m.feedback for m in q.mistakes]
    return "\n".join(t.values.get(lang, "") for t in parts if t is not None)


def test_adagrad_has_one_framing_stated_in_every_prompt(bank: Bank) -> None:
    adagrad = [q for q in bank if "adagrad" in q.tags]
    assert len(adagrad) >= 3  # two-steps, decay, code (first-step merged into two-steps)
    for q in adagrad:
        assert re.search(r"\$h\$ starts at 0|from \$h = 0\$", q.prompt.values["en"]), q.id
        assert re.search(r"\$h = 0\$ から|\$h\$ の初期値を 0", q.prompt.values["ja"]), q.id
        for lang in ("en", "ja"):
            assert not re.search(r"10\^\{-4\}|1e-4|0\.0001", _texts(q, lang)), (q.id, lang)
            assert "outside" in q.prompt.values["en"] and "平方根の外" in q.prompt.values["ja"]


def test_adam_first_step_derivation_says_what_its_key_is(bank: Bank) -> None:
    q = bank.get("day2.derivations.adam-first-step")
    assert q is not None and q.answer == "eta*g/abs(g)"
    assert "sign" in q.title.values["en"] and "sign" in q.title.values["ja"]
    assert f"`{q.answer}`" in q.prompt.values["en"] and f"`{q.answer}`" in q.prompt.values["ja"]
    assert "eta" in {m.answer for m in q.mistakes}  # the answer the old title invited


def test_zero_init_states_the_biases(bank: Bank) -> None:
    q = bank.get("day2.vanishing.zero-init")
    assert q is not None
    assert "biases" in q.prompt.values["en"] and "バイアス" in q.prompt.values["ja"]


def test_the_reworked_plug_ins_keep_their_ids(bank: Bank) -> None:
    for qid in (
        "day2.dropout.inverted-expectation",
        "day2.batchnorm.output-mean",
        "day2.cnn.output-channels",
        "day2.cnn.alexnet-conv1-output",
    ):
        q = bank.get(qid)
        assert q is not None, qid
        assert q.has_params, qid  # variants, not one memorisable number
        assert repeats_a_given(q) is None, qid


def test_fixtures_are_not_in_the_bundled_bank() -> None:
    assert not any(Path(q.path).parent.name == "day9" for q in load_bank())
