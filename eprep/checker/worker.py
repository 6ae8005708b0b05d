"""A persistent worker process that checks untrusted formulas under hard limits.

The parent (`WorkerClient`) sends one JSON request per line and waits with a deadline; on
overrun it kills the worker (SIGKILL stops even a long C call) and starts a fresh one on the
next request. The worker caps its own address space so a formula cannot exhaust memory.
Run as `python -m eprep.checker.worker`.
"""

from __future__ import annotations

import atexit
import json
import os
import select
import subprocess
import sys
import threading
import time
from typing import Any

from eprep.errors import EprepError

MEMORY_LIMIT = 2 * 1024**3  # bytes of address space for the worker


# ---------------------------------------------------------------------------------- worker side
def judge_request(request: dict[str, Any]) -> list[dict[str, Any]]:
    """Compare one answer with a list of targets, in order, until one is equivalent.

    The request: `answer` (a tree, `wire.py`), `targets` (each `{"expected": tree, "samples":
    ..., "budget": seconds}`: the samples the caller drew, or null to draw them here, and the
    seconds of checking it may take), `domains` (name -> text). Every `let` is already
    substituted: nothing is parsed here. The reply lists a verdict per target compared; the
    last is the equivalent one if any is (the key first, then the known mistakes: a judgement
    in one trip).
    """
    from eprep.checker.domains import normalise_domains
    from eprep.checker.equivalence import Samples, compare
    from eprep.checker.wire import from_wire

    try:
        answer = from_wire(request["answer"])
        domains = normalise_domains(request.get("domains", {}))
        targets = [
            (
                from_wire(target["expected"]),
                None if target["samples"] is None else Samples.from_wire(target["samples"]),
                float(target["budget"]),
            )
            for target in request["targets"]
        ]
    except (KeyError, TypeError, ValueError, AttributeError):
        raise EprepError("bad request") from None
    verdicts = []
    for expected, samples, budget in targets:
        verdict = compare(answer, expected, domains, budget=budget, samples=samples)
        verdicts.append(verdict.to_dict())
        if verdict.equivalent:
            break
    return verdicts


def _handle(request: dict[str, Any]) -> dict[str, Any]:
    try:
        return {"ok": judge_request(request)}
    except EprepError as error:
        return {"error": str(error), "exit_code": error.exit_code}
    except (RecursionError, MemoryError):
        return {"error": "the formula is too complex to check", "exit_code": 2}


def serve() -> None:
    """The worker's loop: read a request line, answer with one JSON line, until EOF."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    except (ImportError, ValueError, OSError):  # pragma: no cover - platform without rlimits
        pass
    import sympy  # noqa: F401 - import once, before announcing readiness

    import eprep.checker.equivalence
    import eprep.checker.symbolic  # noqa: F401

    out = sys.stdout
    out.write('{"ready": true}\n')
    out.flush()
    for line in sys.stdin:
        try:
            request = json.loads(line)
        except json.JSONDecodeError:
            reply: dict[str, Any] = {"error": "bad request", "exit_code": 2}
        else:
            reply = _handle(request)
        out.write(json.dumps(reply) + "\n")
        out.flush()


# ---------------------------------------------------------------------------------- parent side
class WorkerClient:
    """Owns one worker process; thread-safe; restarts it after a timeout or crash.

    `request` returns None when no answer came in time (the worker still starting, or killed
    after overrunning); the caller then falls back to the evidence it has.
    """

    def __init__(self) -> None:
        self._proc: subprocess.Popen[bytes] | None = None
        self._ready = False
        self._buffer = b""
        self._lock = threading.Lock()

    def _spawn(self) -> None:
        env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "eprep.checker.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            # Its own session: a Ctrl-C typed at the quiz interrupts the quiz, not its worker
            # (which would die mid-request and leave the quiz waiting for a reply).
            start_new_session=True,
        )
        self._ready = False
        self._buffer = b""

    def warm_up(self) -> None:
        """Start the worker now (it takes ~1 s to import SymPy) without waiting for it."""
        with self._lock:
            if self._proc is None or self._proc.poll() is not None:
                self._spawn()

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        self._ready = False
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()

    def _read_line(self, deadline: float) -> bytes | None:
        """One line from the worker, or None on timeout or end of output."""
        proc = self._proc
        assert proc is not None and proc.stdout is not None
        fd = proc.stdout.fileno()
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                return None
            chunk = os.read(fd, 65536)
            if not chunk:
                return None
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line

    def request(self, payload: dict[str, Any], timeout: float) -> Any:
        """Send one request; its reply (`judge_request`'s list of verdicts as dicts), or None if
        none came within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        # Another thread (the quiz's warm-up) may be waiting for the worker: do not wait longer
        # than our own deadline for it.
        if not self._lock.acquire(timeout=max(0.0, timeout)):
            return None
        try:
            return self._request_locked(payload, deadline)
        finally:
            self._lock.release()

    def _request_locked(self, payload: dict[str, Any], deadline: float) -> Any:
        if self._proc is None or self._proc.poll() is not None:
            self._spawn()
        if not self._ready:
            line = self._read_line(deadline)
            if line is None:
                if self._proc is not None and self._proc.poll() is not None:
                    self.stop()  # it died while starting
                return None  # still starting: leave it to finish for the next request
            if not json.loads(line).get("ready"):
                self.stop()
                raise EprepError("could not start the checker's worker process")
            self._ready = True
        proc = self._proc
        assert proc is not None and proc.stdin is not None
        try:
            proc.stdin.write((json.dumps(payload) + "\n").encode())
            proc.stdin.flush()
        except BrokenPipeError:
            self.stop()
            return None
        line = self._read_line(deadline)
        if line is None:
            # Overran its time or died (memory limit): kill it; the next request restarts it.
            self.stop()
            return None
        reply = json.loads(line)
        if "error" in reply:
            raise EprepError(reply["error"], exit_code=reply.get("exit_code", 2))
        return reply["ok"]


_CLIENT: WorkerClient | None = None


def client() -> WorkerClient:
    global _CLIENT
    if _CLIENT is None:
        _CLIENT = WorkerClient()
        atexit.register(_CLIENT.stop)
    return _CLIENT


if __name__ == "__main__":
    serve()
