"""The worker process: hard time limit with kill and restart; lazy imports."""

from __future__ import annotations

import subprocess
import sys
import time

from eprep.checker.worker import WorkerClient


def test_overrun_kills_and_restarts() -> None:
    client = WorkerClient()
    try:
        ok = {"answer": "x + 1", "expected": "1 + x", "domains": {}, "budget": 20.0}
        assert client.request(ok, 60.0)["equivalent"] is True
        first = client._proc
        assert first is not None
        # A big polynomial identity with a generous soft budget keeps SymPy busy: the parent's
        # hard deadline must stop it.
        slow = {
            "answer": "(x+1)^100*(x-1)^100*(x+2)^100",
            "expected": "(x^2-1)^100*(x+2)^100",
            "domains": {},
            "budget": 60.0,
        }
        start = time.monotonic()
        assert client.request(slow, 0.5) is None
        assert time.monotonic() - start < 1.5
        assert first.poll() is not None  # killed
        assert client.request(ok, 60.0)["equivalent"] is True  # a fresh worker answers
        assert client._proc is not first
    finally:
        client.stop()


def test_learner_check_falls_back_to_numeric_evidence() -> None:
    from eprep.checker import equivalent

    verdict = equivalent("(x+1)^100*(x-1)^100", "(x^2-1)^100", timeout=0.6)
    assert verdict.equivalent and verdict.certainty in ("numeric", "proof")


def test_imports_stay_lazy() -> None:
    code = (
        "import sys, eprep.checker, eprep.checker.probes, eprep.checker.domains, "
        "eprep.checker.verdict, eprep.grammar;"
        "eprep.checker.parse_domain('(0, 1)');"
        "print('sympy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
