"""Two `eprep quiz` sessions at once on one database: every review of both is kept and chained."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from eprep.quiz.store import Store

from .conftest import FIXTURE_BANK, eprep_env

QUESTIONS = ["qz.basics.relu-grad", "qz.basics.sgd-code", "qz.basics.output-height"]


def _read_until(proc: subprocess.Popen[bytes], marker: bytes, seen: bytearray) -> None:
    assert proc.stdout is not None
    while marker not in seen:
        chunk = os.read(proc.stdout.fileno(), 4096)
        assert chunk, f"session ended early:\n{seen.decode()}"
        seen += chunk
    del seen[: seen.index(marker) + len(marker)]


def test_two_sessions_interleaved(home: Path) -> None:
    cmd = [sys.executable, "-m", "eprep", "quiz", *QUESTIONS, "--bank", str(FIXTURE_BANK)]
    sessions = [
        subprocess.Popen(cmd, env=eprep_env(home), stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        for _ in range(2)
    ]
    buffers = [bytearray(), bytearray()]
    answers = ["a", "b", "7"]
    try:
        for session, buffer in zip(sessions, buffers, strict=True):
            _read_until(session, b"answer", buffer)  # both are open and waiting at question 1
        for answer in answers:
            # A answers, then B answers the same question: both write the same card in turn
            for session, buffer in zip(sessions, buffers, strict=True):
                assert session.stdin is not None
                session.stdin.write(answer.encode() + b"\n")
                session.stdin.flush()
                _read_until(session, b"rated", buffer)
        for session in sessions:
            assert session.stdin is not None
            session.stdin.close()
            assert session.wait(30) == 0
    finally:
        for session in sessions:
            if session.poll() is None:
                session.kill()
    with Store.open(home / "progress.sqlite3") as store:
        reviews = store.reviews()
        cards = store.cards()
    assert len(reviews) == 6 and len({r.session_id for r in reviews}) == 2
    for qid in QUESTIONS:
        mine = [r for r in reviews if r.question_id == qid]
        assert len(mine) == 2 and cards[qid].reps == 2
        # B's review was applied to the state A's review left, not to the stale one B read at start
        assert mine[1].card_before == mine[0].card_after
        assert cards[qid].state == mine[1].card_after
