"""The progress store: transactions, migrations, refusing foreign or corrupt files, concurrency."""

from __future__ import annotations

import itertools
import json
import multiprocessing
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fsrs import Card, Rating, Scheduler

from eprep.questions.cache import KEY_FILENAME
from eprep.quiz.store import APPLICATION_ID, MIGRATIONS, DatabaseFileError, Store

from .conftest import FIXTURE_BANK, run_eprep

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _record(store: Store, qid: str, rating: int, now: datetime, correct: bool = True):
    return store.record_review(
        question_id=qid, variant=0, kind="choice", answer="a", correct=correct, rating=rating,
        auto_rating=rating, duration_ms=1500, now=now,
    )  # fmt: skip


def _oracle_replay(reviews) -> Card:
    """Replay stored reviews of one card through fsrs's own Scheduler, from a new card."""
    scheduler = Scheduler(enable_fuzzing=False)
    first = reviews[0]
    card = Card(card_id=json.loads(first.card_before)["card_id"], due=first.reviewed_at)
    for review in reviews:
        card, _ = scheduler.review_card(
            card, Rating(review.rating), review_datetime=review.reviewed_at,
            review_duration=review.duration_ms,
        )  # fmt: skip
    return card


def test_reviews_chain_and_match_fsrs(tmp_path: Path) -> None:
    with Store.open(tmp_path / "p.db") as store:
        ratings = [3, 3, 1, 4, 2]
        now = T0
        for rating in ratings:
            recorded = _record(store, "qz.a.b", rating, now)
            now = recorded.due + timedelta(hours=1)
        reviews = store.reviews("qz.a.b")
        card = store.cards()["qz.a.b"]
    assert [r.rating for r in reviews] == ratings
    for earlier, later in itertools.pairwise(reviews):
        assert later.card_before == earlier.card_after  # no review was applied to a stale state
    oracle = _oracle_replay(reviews)
    assert card.due == oracle.due
    assert json.loads(card.state)["stability"] == pytest.approx(oracle.stability)
    assert card.reps == 5 and card.lapses == 1


def test_good_moves_due_later_than_again(tmp_path: Path) -> None:
    with Store.open(tmp_path / "p.db") as store:
        again = _record(store, "qz.a.again", 1, T0, correct=False)
        good = _record(store, "qz.a.good", 3, T0)
        easy = _record(store, "qz.a.easy", 4, T0)
    assert T0 < again.due < good.due < easy.due


def test_corrupt_file_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    garbage = bytes(range(256)) * 40
    path.write_bytes(garbage)
    result = run_eprep(
        ["quiz", "qz", "--bank", str(FIXTURE_BANK), "--db", str(path)], tmp_path, "a\n"
    )
    assert result.returncode == 2
    assert result.stderr.startswith("eprep: error: ") and str(path) in result.stderr
    assert "move it aside" in result.stderr and "Traceback" not in result.stderr
    assert path.read_bytes() == garbage
    # Nothing beside the refused file (no journal); the data folder's bank-cache key may be.
    beside = sorted(p.name for p in tmp_path.iterdir() if p.name != KEY_FILENAME)
    assert beside == ["progress.sqlite3"]


def test_damaged_sqlite_pages_are_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    with Store.open(path) as store:
        for i in range(30):
            _record(store, f"qz.a.q{i}", 3, T0)
    data = bytearray(path.read_bytes())
    page = 4096
    data[page : 3 * page] = b"\xa5" * (2 * page)  # smash pages 2 and 3, keep the header
    path.write_bytes(bytes(data))
    with pytest.raises(DatabaseFileError, match="corrupt"):
        Store.open(path)
    assert path.read_bytes() == bytes(data)


def test_foreign_database_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes(text TEXT)")
    conn.execute("INSERT INTO notes VALUES ('mine')")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    result = run_eprep(["stats", "--db", str(path)], tmp_path)
    assert result.returncode == 2
    assert "another program" in result.stderr and str(path) in result.stderr
    assert path.read_bytes() == before


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 99")
    conn.execute("CREATE TABLE future(x)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseFileError, match="newer eprep"):
        Store.open(path)
    assert path.read_bytes() == before


def test_migrates_version_1_keeping_history(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    conn = sqlite3.connect(path)
    MIGRATIONS[0](conn)  # the schema as eprep's first release wrote it
    card = Card(card_id=1, due=T0).to_json()
    conn.execute(
        "INSERT INTO cards(id, question_id, state, due, reps, created_at)"
        " VALUES (1, 'qz.a.b', ?, ?, 1, ?)",
        (card, T0.isoformat(), T0.isoformat()),
    )
    conn.execute(
        "INSERT INTO reviews(card_id, question_id, variant, kind, answer, correct, rating,"
        " auto_rating, duration_ms, reviewed_at, card_before, card_after)"
        " VALUES (1, 'qz.a.b', 0, 'choice', 'a', 1, 3, 3, 900, ?, ?, ?)",
        (T0.isoformat(), card, card),
    )
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    with Store.open(path) as store:
        assert store.schema_version == len(MIGRATIONS) == 3
        (old,) = store.reviews()
        assert old.question_id == "qz.a.b" and old.session_id is None
        session = store.start_session(T0, "qz")
        _record(store, "qz.a.b", 3, T0 + timedelta(days=1))
        assert store.reviews()[-1].card_before == card
        assert session == 1


def _hammer(path: str, worker: int, count: int) -> None:
    store = Store.open(Path(path))
    for i in range(count):
        # both workers review the same two cards, so a lost update would break the chain
        _record(store, f"qz.a.shared{i % 2}", 3 if worker else 4, T0 + timedelta(minutes=i))
        _record(store, f"qz.a.own{worker}", 3, T0 + timedelta(minutes=i))
    store.close()


def test_two_writers_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    Store.open(path).close()
    count = 25
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_hammer, args=(str(path), w, count)) for w in (0, 1)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    with Store.open(path) as store:
        reviews = store.reviews()
        cards = store.cards()
    assert len(reviews) == 4 * count
    for qid, card in cards.items():
        mine = [r for r in reviews if r.question_id == qid]
        assert card.reps == len(mine)
        for earlier, later in itertools.pairwise(mine):
            assert later.card_before == earlier.card_after
        assert mine[-1].card_after == card.state
