"""A soft time budget for pure-Python work in the main thread (SIGALRM via setitimer).

It cannot interrupt a long C call; untrusted input therefore also runs in a worker process
that is killed on overrun (see worker.py). Elsewhere (not the main thread) it is a no-op.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator


class BudgetExceeded(Exception):
    """Raised inside a `time_budget` block when its time is up."""


def _on_alarm(signum, frame):
    raise BudgetExceeded


@contextlib.contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    if seconds <= 0:
        raise BudgetExceeded
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "setitimer"
    ):
        yield
        return
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
