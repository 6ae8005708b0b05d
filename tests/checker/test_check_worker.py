"""The worker process: hard time limit with kill and restart; lazy imports."""

from __future__ import annotations

import subprocess
import sys
import time

from eprep.checker.wire import to_wire
from eprep.checker.worker import WorkerClient
from eprep.grammar import parse


def tree(text: str) -> list:
    return to_wire(parse(text))


def one(answer: list, expected: list, budget: float) -> dict:
    """A request with one target, whose samples the worker draws itself."""
    return {
        "answer": answer,
        "targets": [{"expected": expected, "samples": None, "budget": budget}],
        "domains": {},
    }


def test_overrun_kills_and_restarts() -> None:
    client = WorkerClient()
    try:
        ok = one(tree("x + 1"), tree("1 + x"), 20.0)
        assert client.request(ok, 60.0)[0]["equivalent"] is True
        first = client._proc
        assert first is not None
        # A big polynomial identity with a generous soft budget keeps SymPy busy: the parent's
        # hard deadline must stop it.
        slow = one(tree("(x+1)^100*(x-1)^100*(x+2)^100"), tree("(x^2-1)^100*(x+2)^100"), 60.0)
        start = time.monotonic()
        assert client.request(slow, 0.5) is None
        assert time.monotonic() - start < 1.5
        assert first.poll() is not None  # killed
        assert client.request(ok, 60.0)[0]["equivalent"] is True  # a fresh worker answers
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


def test_wire_round_trip_and_rejects_foreign_data() -> None:
    import pytest

    from eprep.checker.wire import from_wire
    from eprep.errors import EprepError

    for text in ("-x^2 + 3.5*y/(1 - e)", "max(x, pi, sigmoid(z))", "diff(log(x), x, 2)"):
        node = parse(text)
        assert from_wire(tree(text)) == node
    for bad in (
        [],
        ["exec", "x"],
        ["bin", "%", ["sym", "x"], ["sym", "y"]],
        "x",
        ["num", "1", "1"],
    ):
        with pytest.raises(EprepError):
            from_wire(bad)
