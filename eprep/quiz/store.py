"""The progress store: one SQLite file with every card's FSRS state and every review ever made.

Guarantees:
- each review is written in its own `BEGIN IMMEDIATE` transaction the moment it is answered, and
  the card's state is read *inside* that transaction, so two sessions on one file never lose or
  overwrite each other's reviews (they wait for each other up to `BUSY_TIMEOUT_MS`);
- WAL journal, synchronous=FULL: a crash or Ctrl-C loses nothing committed;
- a file that is not an eprep database (garbage, another program's SQLite, a newer schema) is
  never written to: opening it raises `DatabaseFileError` naming the file and what to do;
- a write that fails (read-only file or folder, full disk) rolls back only itself and raises
  `DatabaseFileError` saying which of these it is; every review committed before stays.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from eprep.errors import EprepError
from eprep.quiz import scheduling

# PRAGMA application_id marks the file as ours: ASCII "eprp"
APPLICATION_ID = 0x65707270
BUSY_TIMEOUT_MS = 10_000
SQLITE_MAGIC = b"SQLite format 3\x00"


class DatabaseFileError(EprepError):
    """The progress file cannot be used (corrupt, foreign, newer); it was left untouched."""


# --- schema migrations: index i brings user_version i to i + 1 -----------------------------------


def _migrate_to_1(conn: sqlite3.Connection) -> None:
    conn.execute(
        """CREATE TABLE cards (
            id INTEGER PRIMARY KEY,             -- also the FSRS card_id
            question_id TEXT NOT NULL UNIQUE,
            state TEXT NOT NULL,                -- fsrs Card.to_json()
            due TEXT NOT NULL,                  -- ISO 8601, UTC (copied from state, for queries)
            reps INTEGER NOT NULL DEFAULT 0,
            lapses INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL
        )"""
    )
    conn.execute(
        """CREATE TABLE reviews (
            id INTEGER PRIMARY KEY,
            card_id INTEGER NOT NULL REFERENCES cards(id),
            question_id TEXT NOT NULL,
            variant INTEGER NOT NULL,
            kind TEXT NOT NULL,
            answer TEXT NOT NULL,
            correct INTEGER NOT NULL,
            rating INTEGER NOT NULL,
            auto_rating INTEGER NOT NULL,
            duration_ms INTEGER NOT NULL,
            reviewed_at TEXT NOT NULL,
            card_before TEXT NOT NULL,
            card_after TEXT NOT NULL
        )"""
    )
    conn.execute("CREATE INDEX reviews_by_question ON reviews(question_id)")


def _migrate_to_2(conn: sqlite3.Connection) -> None:
    # sessions let `stats` and summaries tell study sessions apart
    conn.execute(
        """CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            started_at TEXT NOT NULL,
            ended_at TEXT,
            selectors TEXT NOT NULL DEFAULT ''
        )"""
    )
    conn.execute("ALTER TABLE reviews ADD COLUMN session_id INTEGER REFERENCES sessions(id)")


def _migrate_to_3(conn: sqlite3.Connection) -> None:
    # mock exams (`eprep exam`): the paper as drawn, then every answer the moment it is given
    conn.execute(
        """CREATE TABLE exams (
            id INTEGER PRIMARY KEY,
            seed INTEGER NOT NULL,
            paper TEXT NOT NULL,                -- JSON: the drawn items and how they were drawn
            minutes INTEGER NOT NULL,           -- time allowed
            elapsed_ms INTEGER NOT NULL DEFAULT 0,  -- time used so far (what --resume subtracts)
            started_at TEXT NOT NULL,
            submitted_at TEXT
        )"""
    )
    conn.execute(
        """CREATE TABLE exam_answers (
            exam_id INTEGER NOT NULL REFERENCES exams(id),
            item INTEGER NOT NULL,              -- the item's number on the paper, from 1
            question_id TEXT NOT NULL,
            variant INTEGER NOT NULL,
            answer TEXT NOT NULL,               -- the picked letters, one per option group
            correct INTEGER NOT NULL,
            flagged INTEGER NOT NULL DEFAULT 0,
            duration_ms INTEGER NOT NULL,       -- all time spent on the item, every visit
            answered_at TEXT NOT NULL,
            PRIMARY KEY (exam_id, item)
        )"""
    )


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _migrate_to_1,
    _migrate_to_2,
    _migrate_to_3,
]
SCHEMA_VERSION = len(MIGRATIONS)


# --- rows ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CardRow:
    """A card as stored: which question, when due, how often reviewed."""

    card_id: int
    question_id: str
    due: datetime
    reps: int
    lapses: int
    state: str


@dataclass(frozen=True)
class ReviewRow:
    """One stored review."""

    id: int
    question_id: str
    variant: int
    kind: str
    answer: str
    correct: bool
    rating: int
    auto_rating: int
    duration_ms: int
    reviewed_at: datetime
    card_before: str
    card_after: str
    session_id: int | None


@dataclass(frozen=True)
class ExamRow:
    """One mock exam as stored: its paper (JSON), the time allowed and used, if submitted."""

    id: int
    seed: int
    paper: str
    minutes: int
    elapsed_ms: int
    started_at: datetime
    submitted_at: datetime | None


@dataclass(frozen=True)
class ExamAnswerRow:
    """The current answer to one item of a mock exam."""

    item: int
    question_id: str
    variant: int
    answer: str
    correct: bool
    flagged: bool
    duration_ms: int
    answered_at: datetime


@dataclass(frozen=True)
class RecordedReview:
    """What recording a review did: the card's state before and after, and the next due date."""

    review_id: int
    card_before: str
    card_after: str
    due: datetime


# --- the store -----------------------------------------------------------------------------------


def _error(path: Path, problem: str, advice: str) -> DatabaseFileError:
    return DatabaseFileError(f"{path}: {problem}; {advice}")


def _write_denied(path: Path) -> str | None:
    """Why eprep may not write the database or the journal beside it, if it may not."""
    folder = path.parent if str(path.parent) else Path(".")
    if path.exists() and not os.access(path, os.W_OK):
        return "the file is read-only (no write permission)"
    if not os.access(folder, os.W_OK):
        return f"its folder {folder} is read-only (no write permission for the journal beside it)"
    return None


def _sqlite_problem(path: Path, error: sqlite3.Error) -> str:
    """What an SQLite error means for the learner: a full disk, no permission, or the error."""
    name = getattr(error, "sqlite_errorname", "") or ""
    if name.startswith("SQLITE_FULL") or "disk is full" in str(error):
        return "the disk is full"
    denied = _write_denied(path)
    if denied is not None:
        return denied
    if name.startswith("SQLITE_READONLY"):
        return "it is read-only"
    return str(error)


def _inspect_existing(path: Path) -> None:
    """Refuse (without writing a byte) a file that is not an eprep progress database."""
    move_aside = "it was left unchanged — move it aside or pass another file with --db / EPREP_HOME"
    if path.is_dir():
        raise _error(path, "is a directory, not a progress database", "pass a file with --db")
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError as error:
        raise _error(path, f"cannot be read ({error.strerror})", "check its permissions") from None
    if not header:
        return  # an empty file: SQLite treats it as a new database
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        raise _error(
            path, "is not an SQLite database (corrupt or another kind of file)", move_aside
        )
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if app_id == APPLICATION_ID:
                conn.execute("PRAGMA quick_check").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        denied = _write_denied(path)
        if denied is not None:  # SQLite could not create its journal: not a corrupt file
            raise _error(path, f"cannot be opened: {denied}", _PERMISSION_ADVICE) from None
        raise _error(path, f"is a corrupt SQLite database ({error})", move_aside) from None
    if app_id == 0 and tables == 0:
        return  # an empty SQLite database: ours to initialise
    if app_id != APPLICATION_ID:
        raise _error(path, "is an SQLite database of another program, not eprep's", move_aside)
    if version > SCHEMA_VERSION:
        raise _error(
            path,
            f"was written by a newer eprep (schema {version}, this one knows {SCHEMA_VERSION})",
            "upgrade eprep; the file was left unchanged",
        )


_PERMISSION_ADVICE = "give eprep write permission there, or pass another file with --db"
_SAVED = "answers already given are saved"


class Store:
    """An open progress database. Use `Store.open(path)`; close with `close()` or `with`.

    `aliases` (old question id -> new id, the bank's `alias_map`) makes the history of merged
    questions count for the question that replaced them: cards and reviews stored under an old id
    are read as the new id, and the next review of the new id continues the old card.
    """

    def __init__(
        self, path: Path, conn: sqlite3.Connection, aliases: Mapping[str, str] | None = None
    ) -> None:
        self.path = path
        self._conn = conn
        self._aliases = dict(aliases or {})

    def _ids_of(self, question_id: str) -> list[str]:
        """The id and every old id that now counts as it."""
        return [question_id, *(old for old, new in self._aliases.items() if new == question_id)]

    @classmethod
    def open(cls, path: Path, aliases: Mapping[str, str] | None = None) -> Store:
        """Open (creating or migrating) the progress database at `path`."""
        path = Path(path)
        if path.exists():
            _inspect_existing(path)
        else:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise _error(
                    path, f"cannot create its folder ({error.strerror})", "pass --db"
                ) from None
        try:
            conn = sqlite3.connect(
                f"{path.resolve().as_uri()}?mode=rwc",
                uri=True,
                isolation_level=None,  # we issue BEGIN IMMEDIATE / COMMIT ourselves
                timeout=BUSY_TIMEOUT_MS / 1000,
                check_same_thread=False,
            )
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            store = cls(path, conn, aliases)
            store._migrate()
        except sqlite3.DatabaseError as error:
            problem = _sqlite_problem(path, error)
            advice = "free some space" if problem == "the disk is full" else _PERMISSION_ADVICE
            raise _error(path, f"cannot be opened: {problem}", advice) from None
        return store

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT: takes the write lock first, so read-modify-write is atomic."""
        conn = self._conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as error:
            raise self._write_error(error) from None
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException as error:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            if isinstance(error, sqlite3.DatabaseError):
                raise self._write_error(error) from None
            raise

    def _write_error(self, error: sqlite3.DatabaseError) -> DatabaseFileError:
        problem = _sqlite_problem(self.path, error)
        if problem == "the disk is full":
            return _error(self.path, f"cannot be written: {problem}", f"{_SAVED}; free some space")
        return _error(self.path, f"cannot be written: {problem}", f"{_SAVED}; {_PERMISSION_ADVICE}")

    def _migrate(self) -> None:
        with self._transaction() as conn:
            # re-read under the write lock: another process may have initialised it meanwhile
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if app_id not in (0, APPLICATION_ID) or version > SCHEMA_VERSION:
                raise _error(
                    self.path, "is not a progress database this eprep can use", "pass --db"
                )
            for step in range(version, SCHEMA_VERSION):
                MIGRATIONS[step](conn)
            if version != SCHEMA_VERSION:
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            if app_id != APPLICATION_ID:
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")

    @property
    def schema_version(self) -> int:
        return self._conn.execute("PRAGMA user_version").fetchone()[0]

    # --- sessions ---

    def start_session(self, started_at: datetime, selectors: str) -> int:
        with self._transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO sessions(started_at, selectors) VALUES (?, ?)",
                (started_at.isoformat(), selectors),
            )
            return int(cursor.lastrowid)

    def end_session(self, session_id: int, ended_at: datetime) -> None:
        with self._transaction() as conn:
            conn.execute(
                "UPDATE sessions SET ended_at = ? WHERE id = ?", (ended_at.isoformat(), session_id)
            )

    # --- cards and reviews ---

    def cards(self) -> dict[str, CardRow]:
        """Every card, by question id (an old id's card under its new id, see `aliases`).

        When several cards count as one question, the one stored under its own id wins (it was
        reviewed since the merge), else the most recently reviewed one.
        """
        rows = self._conn.execute(
            "SELECT id, question_id, due, reps, lapses, state,"
            " COALESCE((SELECT MAX(r.id) FROM reviews r WHERE r.card_id = cards.id), 0)"
            " FROM cards"
        ).fetchall()
        chosen: dict[str, tuple[tuple[bool, int], CardRow]] = {}
        for row in rows:
            question_id = self._aliases.get(row[1], row[1])
            rank = (row[1] == question_id, row[6])
            card = CardRow(
                row[0], question_id, datetime.fromisoformat(row[2]), row[3], row[4], row[5]
            )
            if question_id not in chosen or rank > chosen[question_id][0]:
                chosen[question_id] = (rank, card)
        return {question_id: card for question_id, (_, card) in chosen.items()}

    def reviews(self, question_id: str | None = None) -> list[ReviewRow]:
        """Every review (of one question, if given), oldest first."""
        sql = (
            "SELECT id, question_id, variant, kind, answer, correct, rating, auto_rating,"
            " duration_ms, reviewed_at, card_before, card_after, session_id FROM reviews"
        )
        args: tuple[str, ...] = ()
        if question_id is not None:
            args = tuple(self._ids_of(question_id))
            sql += f" WHERE question_id IN ({', '.join('?' * len(args))})"
        rows = self._conn.execute(sql + " ORDER BY id", args).fetchall()
        return [
            ReviewRow(
                r[0],
                self._aliases.get(r[1], r[1]),
                r[2],
                r[3],
                r[4],
                bool(r[5]),
                r[6],
                r[7],
                r[8],
                datetime.fromisoformat(r[9]),
                r[10],
                r[11],
                r[12],
            )
            for r in rows
        ]

    def record_review(
        self,
        *,
        question_id: str,
        variant: int,
        kind: str,
        answer: str,
        correct: bool,
        rating: int,
        auto_rating: int,
        duration_ms: int,
        now: datetime,
        session_id: int | None = None,
    ) -> RecordedReview:
        """Schedule and store one review in its own transaction; return before/after and due."""
        with self._transaction() as conn:
            row = conn.execute(
                "SELECT id, state FROM cards WHERE question_id = ?", (question_id,)
            ).fetchone()
            if row is None and len(self._ids_of(question_id)) > 1:
                row = self._inherit_card(conn, question_id)
            if row is None:
                cursor = conn.execute(
                    "INSERT INTO cards(question_id, state, due, created_at) VALUES (?, '', ?, ?)",
                    (question_id, now.isoformat(), now.isoformat()),
                )
                card_id = int(cursor.lastrowid)
                before = scheduling.new_card_json(card_id, now)
            else:
                card_id, before = row
            after, due = scheduling.review(before, rating, now, duration_ms)
            conn.execute(
                "UPDATE cards SET state = ?, due = ?, reps = reps + 1,"
                " lapses = lapses + ? WHERE id = ?",
                (after, due.isoformat(), int(rating == scheduling.AGAIN), card_id),
            )
            cursor = conn.execute(
                "INSERT INTO reviews(card_id, question_id, variant, kind, answer, correct, rating,"
                " auto_rating, duration_ms, reviewed_at, card_before, card_after, session_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    card_id,
                    question_id,
                    variant,
                    kind,
                    answer,
                    int(correct),
                    rating,
                    auto_rating,
                    duration_ms,
                    now.isoformat(),
                    before,
                    after,
                    session_id,
                ),
            )
            return RecordedReview(int(cursor.lastrowid), before, after, due)

    def _inherit_card(self, conn: sqlite3.Connection, question_id: str) -> tuple[int, str] | None:
        """The most recently reviewed card of an old id of `question_id`, now stored under it."""
        old = self._ids_of(question_id)[1:]
        row = conn.execute(
            "SELECT id, state FROM cards WHERE question_id IN"
            f" ({', '.join('?' * len(old))}) ORDER BY"
            " COALESCE((SELECT MAX(r.id) FROM reviews r WHERE r.card_id = cards.id), 0) DESC"
            " LIMIT 1",
            old,
        ).fetchone()
        if row is not None:
            conn.execute("UPDATE cards SET question_id = ? WHERE id = ?", (question_id, row[0]))
        return row

    def change_rating(self, review_id: int, rating: int) -> RecordedReview:
        """Re-rate a stored review (the learner overrode the proposed rating afterwards).

        The card is rescheduled from its state before that review, as if it had been rated
        `rating` then; a card reviewed again since keeps its newer state.
        """
        with self._transaction() as conn:
            card_id, before, after, old, at, duration_ms = conn.execute(
                "SELECT card_id, card_before, card_after, rating, reviewed_at, duration_ms"
                " FROM reviews WHERE id = ?",
                (review_id,),
            ).fetchone()
            moment = datetime.fromisoformat(at)
            new_after, due = scheduling.review(before, rating, moment, duration_ms)
            conn.execute(
                "UPDATE reviews SET rating = ?, card_after = ? WHERE id = ?",
                (rating, new_after, review_id),
            )
            conn.execute(
                "UPDATE cards SET state = ?, due = ?, lapses = lapses + ? - ?"
                " WHERE id = ? AND state = ?",
                (
                    new_after,
                    due.isoformat(),
                    int(rating == scheduling.AGAIN),
                    int(old == scheduling.AGAIN),
                    card_id,
                    after,
                ),
            )
            return RecordedReview(review_id, before, new_after, due)

    # --- mock exams ---

    def start_exam(self, *, seed: int, paper: str, minutes: int, now: datetime) -> int:
        """Store a drawn paper before its first item is shown; returns the exam's id."""
        with self._transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO exams(seed, paper, minutes, started_at) VALUES (?, ?, ?, ?)",
                (seed, paper, minutes, now.isoformat()),
            )
            return int(cursor.lastrowid)

    def record_exam_answer(
        self,
        exam_id: int,
        *,
        item: int,
        question_id: str,
        variant: int,
        answer: str,
        correct: bool,
        flagged: bool,
        duration_ms: int,
        elapsed_ms: int,
        now: datetime,
    ) -> None:
        """Store (or change) one item's answer and the paper's time used, in one transaction.

        A changed answer replaces the earlier one; the item's time adds up over its visits.
        """
        with self._transaction() as conn:
            conn.execute(
                "INSERT INTO exam_answers(exam_id, item, question_id, variant, answer, correct,"
                " flagged, duration_ms, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(exam_id, item) DO UPDATE SET answer = excluded.answer,"
                " correct = excluded.correct, flagged = excluded.flagged,"
                " duration_ms = duration_ms + excluded.duration_ms,"
                " answered_at = excluded.answered_at",
                (
                    exam_id,
                    item,
                    question_id,
                    variant,
                    answer,
                    int(correct),
                    int(flagged),
                    duration_ms,
                    now.isoformat(),
                ),
            )
            conn.execute("UPDATE exams SET elapsed_ms = ? WHERE id = ?", (elapsed_ms, exam_id))

    def set_exam_elapsed(self, exam_id: int, elapsed_ms: int) -> None:
        """The time used so far (kept between answers too, e.g. while the review screen shows)."""
        with self._transaction() as conn:
            conn.execute("UPDATE exams SET elapsed_ms = ? WHERE id = ?", (elapsed_ms, exam_id))

    def submit_exam(self, exam_id: int, elapsed_ms: int, now: datetime) -> None:
        with self._transaction() as conn:
            conn.execute(
                "UPDATE exams SET submitted_at = ?, elapsed_ms = ? WHERE id = ?",
                (now.isoformat(), elapsed_ms, exam_id),
            )

    def exams(self) -> list[ExamRow]:
        """Every mock exam, oldest first."""
        rows = self._conn.execute(
            "SELECT id, seed, paper, minutes, elapsed_ms, started_at, submitted_at FROM exams"
            " ORDER BY id"
        ).fetchall()
        return [
            ExamRow(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                datetime.fromisoformat(r[5]),
                datetime.fromisoformat(r[6]) if r[6] else None,
            )
            for r in rows
        ]

    def unfinished_exam(self) -> ExamRow | None:
        """The newest exam not yet submitted (what `eprep exam --resume` continues)."""
        return next((e for e in reversed(self.exams()) if e.submitted_at is None), None)

    def exam_answers(self, exam_id: int) -> dict[int, ExamAnswerRow]:
        """The current answer to every answered item of an exam, by item number."""
        rows = self._conn.execute(
            "SELECT item, question_id, variant, answer, correct, flagged, duration_ms,"
            " answered_at FROM exam_answers WHERE exam_id = ? ORDER BY item",
            (exam_id,),
        ).fetchall()
        return {
            r[0]: ExamAnswerRow(
                r[0], r[1], r[2], r[3], bool(r[4]), bool(r[5]), r[6], datetime.fromisoformat(r[7])
            )
            for r in rows
        }
