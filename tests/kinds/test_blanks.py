"""Multi-blank code listings: loading, verification blank by blank, judging each blank."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from eprep.checker.kinds.code import blank_order
from eprep.questions import BankError, load_bank

PROBES = Path(__file__).with_name("blank_probes.py")

LISTING = """
[topic]
title.en = "t"
title.ja = "t"
order = 1

[[question]]
id = "d.t.affine"
kind = "code"
title.en = "Affine forward"
title.ja = "Affine の順伝播"
prompt.en = "Choose (あ) and (い)."
prompt.ja = "(あ)・(い) に入るコードを選べ。"
explanation.en = "E"
explanation.ja = "E"
difficulty = 1
tags = []
source = "s"
probe = "test_affine_forward"
code = '''
def affine(x, W, b):
    out = np.dot((あ))
    return out + (い)
'''
[[question.blanks]]
label = "あ"
[[question.blanks.options]]
code = "x, W"
correct = true
[[question.blanks.options]]
code = "W, x"
feedback.en = "shapes"
feedback.ja = "形状"
[[question.blanks]]
label = "い"
[[question.blanks.options]]
code = "b"
correct = true
[[question.blanks.options]]
code = "b.sum()"
feedback.en = "one bias per output"
feedback.ja = "出力ごとのバイアス"
[[question.blanks.options]]
code = "DISTRACTOR"
"""


def _bank(tmp_path: Path, text: str):
    day = tmp_path / "d"
    day.mkdir(exist_ok=True)
    (day / "t.toml").write_text(text, encoding="utf-8")
    return load_bank([tmp_path], bundled=False)


@pytest.fixture(scope="module")
def probes() -> None:
    from eprep.checker.verify import load_probe_files

    load_probe_files([PROBES])


def _verify(question):
    from eprep.checker.verify import verify_question

    # The blanks' engine checks only: these listings have no reference definition.
    failures = verify_question(question, 1, code_timeout=5, references=False).failures
    return [f.reason for f in failures]


def test_every_wrong_option_in_every_blank_must_fail(tmp_path: Path, probes) -> None:
    sound = _bank(tmp_path, LISTING.replace("DISTRACTOR", "0")).get("d.t.affine")
    assert [b.label for b in sound.blanks] == ["あ", "い"]
    assert _verify(sound) == []
    # `b * 1` behaves exactly like the key: verification names the blank and the option
    leaky = _bank(tmp_path, LISTING.replace("DISTRACTOR", "b * 1")).get("d.t.affine")
    assert _verify(leaky) == ["distractor (い) option 3 (b * 1) passes the code probe"]


def test_a_wrong_key_in_one_blank_fails(tmp_path: Path, probes) -> None:
    text = LISTING.replace("DISTRACTOR", "0").replace(
        'code = "x, W"\ncorrect = true\n[[question.blanks.options]]\ncode = "W, x"',
        'code = "x, W"\n[[question.blanks.options]]\ncode = "W, x"\ncorrect = true',
    )
    reasons = _verify(_bank(tmp_path, text).get("d.t.affine"))
    assert reasons[0].startswith("the listing with every blank keyed fails")
    assert "distractor (あ) option 1 (x, W) passes the code probe" in reasons


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('label = "い"', 'label = "う"'), "blank 2 must have label 'い'"),
        (("return out + (い)", "return out + (い) + (い)"), "(い) exactly once, not 2"),
        (("return out + (い)", "return out + (い) + (う)"), "(う) has no [[question.blanks]]"),
    ],
)
def test_broken_listings_are_refused_with_the_reason(tmp_path, change, message) -> None:
    text = LISTING.replace("DISTRACTOR", "0").replace(*change)
    with pytest.raises(BankError, match=re.escape(message)):
        _bank(tmp_path, text)


def test_each_blank_is_judged_and_only_wrong_blanks_get_feedback(tmp_path: Path) -> None:
    from eprep.checker import kinds

    question = _bank(tmp_path, LISTING.replace("DISTRACTOR", "0")).get("d.t.affine")
    variant = question.variant(0)
    code = kinds.get("code")
    keyed = [
        next(i for i, index in enumerate(blank_order(variant, b)) if blank.options[index].correct)
        for b, blank in enumerate(question.blanks)
    ]
    assert code.grade(variant, keyed, "ja").correct
    order = blank_order(variant, 1)
    wrong = order.index(1)  # b.sum()
    outcome = code.grade(variant, [keyed[0], wrong], "ja")
    assert not outcome.correct
    assert outcome.feedback == "(い) 出力ごとのバイアス"
    from eprep.checker.kinds.base import LETTERS

    typed = f"{LETTERS[keyed[0]]} {LETTERS[wrong]}"
    assert code.parse(variant, typed) == [keyed[0], wrong]
