"""A soft time budget for pure-Python work in the main thread (SIGALRM via setitimer).

It cannot interrupt a long C call; untrusted input therefore also runs in a worker process
that is killed on overrun (see worker.py). Elsewhere (not the main thread) it is a no-op.
Budgets nest: an inner one ends no later than the one around it, and on leaving it the outer
one's timer runs on with what it had left.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Iterator

_SOON = 1e-4  # an outer budget already spent fires this soon after the inner one ends


class BudgetExceeded(BaseException):
    """Raised inside a `time_budget` block when its time is up.

    A BaseException, like KeyboardInterrupt: a time-out must reach the `except BudgetExceeded`
    of its own budget, not be swallowed by an `except Exception` that reports bad input.
    """


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
    outer, _ = signal.getitimer(signal.ITIMER_REAL)  # 0.0: no budget around this one
    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, min(seconds, outer) if outer else seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer:
            left = outer - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, _SOON))
