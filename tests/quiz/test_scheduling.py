"""Rating rule and planning: thresholds by kind, due first then new, variants, vanished ids."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from eprep.quiz.plan import missing_from_bank, plan_session
from eprep.quiz.scheduling import AGAIN, EASY, GOOD, HARD, auto_rating, humanize_delta
from eprep.quiz.store import CardRow

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("kind", "correct", "seconds", "expected"),
    [
        ("choice", False, 1.0, AGAIN),
        ("choice", True, 8.0, EASY),  # the documented bounds: Easy at most 8 s
        ("choice", True, 8.01, GOOD),
        ("choice", True, 45.0, GOOD),
        ("choice", True, 45.01, HARD),  # Hard above 45 s
        ("code", True, 3.0, EASY),
        ("numeric", True, 15.0, EASY),
        ("numeric", True, 90.5, HARD),
        ("expression", True, 20.0, EASY),
        ("expression", True, 60.0, GOOD),
        ("derivation", True, 59.0, EASY),
        ("derivation", True, 399.0, GOOD),
        ("derivation", True, 401.0, HARD),
        ("derivation", False, 10.0, AGAIN),
    ],
)
def test_auto_rating(kind: str, correct: bool, seconds: float, expected: int) -> None:
    assert auto_rating(kind, correct, seconds) == expected


def test_humanize_delta() -> None:
    assert humanize_delta(NOW + timedelta(minutes=10), NOW) == "in 10 min"
    assert humanize_delta(NOW + timedelta(days=1), NOW) == "in 1 day"
    assert humanize_delta(NOW + timedelta(days=3, hours=1), NOW) == "in 3 days"
    assert humanize_delta(NOW - timedelta(days=3), NOW) == "now"


def _card(qid: str, due: datetime, reps: int = 1) -> CardRow:
    return CardRow(card_id=1, question_id=qid, due=due, reps=reps, lapses=0, state="{}")


def test_plan_due_first_most_overdue_first_then_new(fixture_bank) -> None:
    questions = fixture_bank.select(["qz"])
    ids = [q.id for q in questions]
    cards = {
        ids[3]: _card(ids[3], NOW - timedelta(hours=1)),
        ids[1]: _card(ids[1], NOW - timedelta(days=2)),
        ids[0]: _card(ids[0], NOW + timedelta(days=1)),  # not due yet: neither due nor new
    }
    plan = plan_session(questions, cards, NOW, count=10)
    assert [p.question.id for p in plan] == [ids[1], ids[3], ids[2], ids[4]]
    assert [p.reason for p in plan] == ["due", "due", "new", "new"]
    assert [p.question.id for p in plan_session(questions, cards, NOW, count=3)] == [
        ids[1], ids[3], ids[2],
    ]  # fmt: skip
    assert [p.question.id for p in plan_session(questions, cards, NOW, mode="new")] == [
        ids[2], ids[4],
    ]  # fmt: skip
    assert [p.reason for p in plan_session(questions, cards, NOW, mode="due")] == ["due", "due"]


def test_variants_fresh_per_review_or_fixed_by_seed(fixture_bank) -> None:
    question = fixture_bank.get("qz.basics.output-height")
    cards = {question.id: _card(question.id, NOW - timedelta(minutes=1), reps=3)}
    (item,) = plan_session([question], cards, NOW)
    assert item.k == 3  # the 4th review shows variant 3
    (new,) = plan_session([question], {}, NOW)
    assert new.k == 0
    seeded = [plan_session([question], {}, NOW, seed=s)[0].k for s in (1, 1, 2)]
    assert seeded[0] == seeded[1]
    no_params = fixture_bank.get("qz.basics.relu-grad")
    assert plan_session([no_params], {}, NOW, seed=5)[0].k == 0


def test_vanished_questions_are_reported(fixture_bank) -> None:
    cards = {
        "qz.basics.gone": _card("qz.basics.gone", NOW),
        "qz.basics.relu-grad": _card("qz.basics.relu-grad", NOW),
        "zz.other.gone": _card("zz.other.gone", NOW),
    }
    assert missing_from_bank(fixture_bank, cards, ["qz"]) == ["qz.basics.gone"]
    assert missing_from_bank(fixture_bank, cards, []) == ["qz.basics.gone", "zz.other.gone"]
