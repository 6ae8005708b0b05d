"""Merged questions keep their history: an old id's card and reviews are read as the new id."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fsrs import Card, Rating, Scheduler

from eprep.questions import load_bank

try:  # the planning functions move from session to plan in the quiz split (issue 14)
    from eprep.quiz.plan import missing_from_bank, plan_session
except ImportError:
    from eprep.quiz.session import missing_from_bank, plan_session
from eprep.quiz.store import Store

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
OLD, NEW = "day2.optimizers.nesterov-first-step", "day2.optimizers.nesterov-two-steps"


def _record(store: Store, qid: str, rating: int, now: datetime):
    return store.record_review(
        question_id=qid, variant=0, kind="numeric", answer="1", correct=rating > 1,
        rating=rating, auto_rating=rating, duration_ms=1200, now=now,
    )  # fmt: skip


def _replay(ratings_at: list[tuple[int, datetime]]) -> Card:
    """fsrs's own Scheduler over the same reviews, from a new card: the oracle."""
    scheduler = Scheduler(enable_fuzzing=False)
    card = Card(card_id=1, due=ratings_at[0][1])
    for rating, moment in ratings_at:
        card, _ = scheduler.review_card(
            card, Rating(rating), review_datetime=moment, review_duration=1200
        )
    return card


def _history_under_old_id(path: Path) -> list[tuple[int, datetime]]:
    """A progress file from before the merge: three reviews of the old id."""
    done = []
    with Store.open(path) as store:
        now = T0
        for rating in (3, 3, 1):
            recorded = _record(store, OLD, rating, now)
            done.append((rating, now))
            now = recorded.due + timedelta(hours=2)
    return done


def test_bundled_bank_maps_the_old_id_and_the_new_id_is_scheduled_from_its_history(
    tmp_path: Path,
) -> None:
    bank = load_bank()
    assert bank.get(OLD) is None and bank.alias_map[OLD] == NEW
    db = tmp_path / "p.db"
    history = _history_under_old_id(db)
    oracle = _replay(history)
    with Store.open(db, aliases=bank.alias_map) as store:
        cards = store.cards()
        assert OLD not in cards and cards[NEW].due == oracle.due
        assert cards[NEW].reps == 3 and cards[NEW].lapses == 1
        assert [r.question_id for r in store.reviews(NEW)] == [NEW] * 3
        assert missing_from_bank(bank, cards, ["day2"]) == []
        question = bank.get(NEW)
        # Before the card is due the new id is neither due nor new; at its due time it is due.
        early = plan_session([question], cards, oracle.due - timedelta(minutes=1), count=5)
        assert early == []
        (planned,) = plan_session([question], cards, oracle.due, count=5)
        assert planned.question.id == NEW and planned.reason == "due"
        # The next review of the new id continues the old card's state.
        last_after = store.reviews(NEW)[-1].card_after
        recorded = _record(store, NEW, 4, oracle.due)
        assert recorded.card_before == last_after
        assert store.cards()[NEW].reps == 4
    history.append((4, oracle.due))
    assert store_due(db, bank.alias_map) == _replay(history).due


def store_due(db: Path, aliases: dict[str, str]) -> datetime:
    with Store.open(db, aliases=aliases) as store:
        return store.cards()[NEW].due


def test_without_aliases_the_old_id_is_reported_missing(tmp_path: Path) -> None:
    bank = load_bank()
    db = tmp_path / "p.db"
    _history_under_old_id(db)
    with Store.open(db) as store:
        assert missing_from_bank(bank, store.cards(), ["day2"]) == [OLD]


def test_two_old_cards_of_one_question_the_most_recently_reviewed_wins(tmp_path: Path) -> None:
    aliases = {"qz.a.old1": "qz.a.new", "qz.a.old2": "qz.a.new"}
    db = tmp_path / "p.db"
    with Store.open(db) as store:
        _record(store, "qz.a.old2", 3, T0)
        later = _record(store, "qz.a.old1", 1, T0 + timedelta(days=1))
    with Store.open(db, aliases=aliases) as store:
        card = store.cards()["qz.a.new"]
        assert json.loads(card.state) == json.loads(later.card_after)
        assert len(store.reviews("qz.a.new")) == 2
        # Once the new id has its own card, it wins over the old ones.
        recorded = _record(store, "qz.a.new", 3, T0 + timedelta(days=2))
        assert json.loads(store.cards()["qz.a.new"].state) == json.loads(recorded.card_after)
