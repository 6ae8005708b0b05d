"""Loading banks: the bundled one, user folders, selection, localized text, import weight."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from eprep.errors import EprepError
from eprep.questions import Bank, BankSelectionError, Text, bundled_bank_dir, load_bank

GOOD = Path(__file__).parents[1] / "checker" / "verify_banks" / "good"


@pytest.mark.parametrize("cache", ["0", "1"])
def test_loading_imports_neither_sympy_nor_numpy(cache: str, tmp_path: Path) -> None:
    code = (
        "import sys, json\n"
        "from eprep.questions import load_bank\n"
        "bank = load_bank()\n"
        "for q in bank.questions:\n"
        "    q.variant(0).prompt('ja')\n"
        "print(json.dumps([m for m in ('sympy', 'numpy') if m in sys.modules]))\n"
    )
    env = {**os.environ, "EPREP_CACHE": cache, "EPREP_CACHE_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert json.loads(result.stdout) == []


def test_bundled_bank_has_every_day_and_japanese_text() -> None:
    bank = load_bank()
    assert [day.name for day in bank.days] == ["day1", "day2", "day3", "day4", "math", "ml"]
    for day in bank.days:
        assert "ja" in day.title.values
    missing = [
        (q.id, field)
        for q in bank.questions
        for field in ("title", "prompt", "explanation")
        if "ja" not in getattr(q, field).values
    ]
    missing += [
        (q.id, f"option {o.index + 1}")
        for q in bank.questions
        for o in q.options
        if (o.text and "ja" not in o.text.values) or (o.feedback and "ja" not in o.feedback.values)
    ]
    missing += [
        (q.id, "mistake")
        for q in bank.questions
        for m in q.mistakes
        if "ja" not in m.feedback.values
    ]
    assert missing == []


def test_bundled_question_ids_follow_their_files() -> None:
    bank = load_bank()
    for topic in bank.topics:
        assert Path(topic.path).parent.name == topic.day
        assert Path(topic.path).stem == topic.name
        for question in topic.questions:
            assert question.id.startswith(f"{topic.day}.{topic.name}.")
    assert bundled_bank_dir().is_dir()


def test_user_bank_adds_to_the_bundled_bank() -> None:
    alone = load_bank([GOOD], bundled=False)
    both = load_bank([GOOD])
    assert len(both) == len(alone) + len(load_bank())
    assert both.get("day2.t.conv-height") is not None


def test_selection_by_day_topic_id_and_tag() -> None:
    bank = load_bank([GOOD], bundled=False)
    ids = [q.id for q in bank.questions]
    day2 = [i for i in ids if i.startswith("day2.")]
    assert day2 and len(day2) < len(ids)  # the bank has a second day (day3)
    assert [q.id for q in bank.select(["day2"])] == day2
    assert [q.id for q in bank.select(["day2.t"])] == [i for i in ids if i.startswith("day2.t.")]
    assert [q.id for q in bank.select(["day2.t.power"])] == ["day2.t.power"]
    assert [q.id for q in bank.select(["test"])] == ids  # every question carries the tag "test"
    # Bank order is kept whatever the order of selectors.
    chosen = bank.select(["day2.t.relu-code", "day2.t.conv-height"])
    assert [q.id for q in chosen] == ["day2.t.conv-height", "day2.t.relu-code"]
    with pytest.raises(BankSelectionError) as caught:
        bank.select(["day7"])
    assert isinstance(caught.value, EprepError) and caught.value.exit_code == 2


def test_text_falls_back_to_english() -> None:
    text = Text({"en": "hello"})
    assert text.get("ja") == "hello"
    assert Text({"en": "hello", "ja": "こんにちは"}).get("ja") == "こんにちは"


def test_question_fields_are_read(tmp_path: Path) -> None:
    bank: Bank = load_bank([GOOD], bundled=False)
    code = bank.get("day2.t.relu-code")
    assert code.kind == "code" and code.code.count("(あ)") == 1
    assert [o.correct for o in code.options] == [True, False, False, False]
    assert code.correct_option.code == "np.maximum(0, x)"
    power = bank.get("day2.t.power")
    assert power.variables == {"x": "positive"} and power.has_params
    assert [m.answer for m in power.mistakes] == ["x^(a - 1)", "a*x^(a + 1)", "a*x^a"]
    deriv = bank.get("day3.t.sigmoid-derivation")  # a day of its own (see day3/t.toml)
    assert deriv.start == "diff(sigmoid(x), x)" and len(deriv.solution) == 2
    assert deriv.variant_count(20) == 1 and power.variant_count(20) == 20
    # Lines point at the [[question]] headers (counted here by hand from the file).
    lines = (GOOD / "day2" / "t.toml").read_text(encoding="utf-8").splitlines()
    headers = [i + 1 for i, line in enumerate(lines) if line == "[[question]]"]
    assert [q.line for q in bank.questions if q.id.startswith("day2.")] == headers
