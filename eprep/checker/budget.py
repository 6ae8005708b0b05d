"""A soft time budget for pure-Python work in the main thread (a signal via setitimer).

Wall-clock time (SIGALRM) by default: a learner waits for a verdict. `cpu=True` counts the
process's CPU time instead (SIGPROF): `eprep verify` is a batch job on a machine that may be
shared, and a bound in CPU seconds stops a runaway proof without failing sound ones because
other processes had the cores.

It cannot interrupt a long C call; untrusted input therefore also runs in a worker process
that is killed on overrun (see worker.py). Elsewhere (not the main thread) it is a no-op.
Budgets nest: an inner one ends no later than the one around it, and on leaving it the outer
one's timer runs on to its deadline; an outer time-out that fires inside an inner block reaches
the outer block, not the inner one's `except BudgetExceeded`. Once the time is up the alarm
repeats every AGAIN seconds until the block is left: a time-out raised where Python drops
exceptions (a `__del__`, a C call that ignores errors) is raised again instead of lost.
An inner budget also reads the clock when it opens and when it ends: a CPU timer fires only on
a scheduler tick, and one re-armed by short inner budgets more often than that could otherwise
never fire, so an enclosing deadline already past ends the enclosing block there.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Iterator

AGAIN = 0.05  # seconds between repeated alarms once a budget is spent
_SOON = 1e-4  # an outer budget already spent fires this soon after the inner one ends


class BudgetExceeded(BaseException):
    """Raised inside a `time_budget` block when its time is up.

    A BaseException, like KeyboardInterrupt: a time-out must reach the `except BudgetExceeded`
    of its own budget, not be swallowed by an `except Exception` that reports bad input.
    """


class _EnclosingExpired(BaseException):
    """The time of an enclosing budget ran out inside an inner one.

    Not a BudgetExceeded, so the inner block's `except BudgetExceeded` lets it through to the
    budget that owns it, which raises BudgetExceeded in its own block.
    """

    def __init__(self, owner: object) -> None:
        super().__init__()
        self.owner = owner


# signal -> the budgets open on its clock, innermost last, as (owner, when it ends on that clock:
# its own deadline or an enclosing one's, whichever comes first)
_OPEN: dict[int, list[tuple[object, float]]] = {}
# A forked child inherits no interval timer, so it inherits no open budget either.
os.register_at_fork(after_in_child=_OPEN.clear)


@contextlib.contextmanager
def time_budget(seconds: float, *, cpu: bool = False) -> Iterator[None]:
    """Raise BudgetExceeded inside the block once `seconds` (wall, or CPU with `cpu`) are spent."""
    if seconds <= 0:
        raise BudgetExceeded
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "setitimer"
    ):
        yield
        return
    timer, signum = (
        (signal.ITIMER_PROF, signal.SIGPROF) if cpu else (signal.ITIMER_REAL, signal.SIGALRM)
    )
    clock = time.process_time if cpu else time.monotonic
    # Deadlines are kept here, not read back from the timer: the kernel rounds a CPU timer up
    # to its tick, so re-arming an outer timer with what getitimer says it has left would
    # give it more time at every inner budget.
    open_budgets = _OPEN.setdefault(signum, [])
    token = object()
    deadline = clock() + seconds
    enclosing = open_budgets[-1] if open_budgets else None
    # When the enclosing budget ends first, its time-out is what ends this block.
    capped = enclosing is not None and enclosing[1] <= deadline
    ends = enclosing[1] if capped and enclosing is not None else deadline
    armed = [True]  # False once the block is left: a late alarm is then ignored
    if enclosing is not None and enclosing[1] <= clock():  # opened after it ran out
        raise _EnclosingExpired(enclosing[0])

    def expire() -> None:
        if capped and enclosing is not None:
            raise _EnclosingExpired(enclosing[0])
        raise BudgetExceeded

    def on_alarm(signum, frame):
        if armed[0]:
            expire()

    previous = signal.signal(signum, on_alarm)
    open_budgets.append((token, ends))
    try:  # the timer is set inside: a tiny budget can fire before the next line
        signal.setitimer(timer, max(ends - clock(), _SOON), AGAIN)
        yield
    except _EnclosingExpired as expired:
        if expired.owner is not token:
            raise
        expire()  # this budget's own time-out (or its enclosing one's), in its own block
    finally:
        try:
            armed[0] = False
        finally:  # even when an alarm lands on the line above
            signal.setitimer(timer, 0)
            signal.signal(signum, previous)
            open_budgets.remove((token, ends))
            if enclosing is not None:  # the enclosing budget's timer runs on to its deadline
                left = enclosing[1] - clock()
                if left <= 0:  # already past: end the enclosing block now, not on a late tick
                    raise _EnclosingExpired(enclosing[0])
                signal.setitimer(timer, left, AGAIN)
