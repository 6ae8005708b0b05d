"""Runs a completed code template in its own process, under time and memory limits.

Code questions are verified by executing the template with each option filled in. Each run
happens in a child forked from the (already warm) verification worker, so NumPy and the engine
are not re-imported per run: the child lowers its CPU-time and address-space limits, silences
stdin/stdout, executes the code in a fresh namespace, calls the code probe and reports
`[passed, reason]` through a pipe (plus, when a reference driver is given, `outputs`: the
numbers the driver read off the template, which the verifier checks against the definition). The parent kills it when the wall-clock limit passes.
Bank code is never executed in the verifying process itself.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import select
import signal
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

DEFAULT_TIMEOUT = 5.0
DEFAULT_MEMORY_MB = 1024
_MAX_REPORT = 64 * 1024


@dataclass(frozen=True)
class RunResult:
    """What happened to one completed template."""

    passed: bool
    reason: str  # "" when passed
    seconds: float
    outputs: dict[str, Any] | None = None  # what a reference driver returned


def run_completed_template(
    source: str,
    probe_name: str | None,
    values: Mapping[str, float],
    seed: int,
    probe_args: Mapping[str, Any] | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    memory_mb: int = DEFAULT_MEMORY_MB,
    drive: tuple[str, Mapping[str, Any]] | None = None,
) -> RunResult:
    """Execute `source` in a forked child and run code probe `probe_name` on its namespace.

    With `drive = (reference name, reference_args)` the child also runs that code reference's
    driver on the namespace and returns its outputs.
    """
    started = time.perf_counter()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: never returns
        os.close(read_end)
        _child(
            write_end,
            source,
            probe_name,
            dict(values),
            seed,
            dict(probe_args or {}),
            timeout,
            memory_mb,
            drive,
        )
    os.close(write_end)
    chunks: list[bytes] = []
    deadline = started + timeout
    timed_out = False
    try:
        while True:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                timed_out = True
                break
            ready, _, _ = select.select([read_end], [], [], remaining)
            if not ready:
                continue
            chunk = os.read(read_end, 65536)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read_end)
        if timed_out:
            _kill(pid)
        _, status = os.waitpid(pid, 0)
    seconds = time.perf_counter() - started
    if timed_out:
        return RunResult(False, f"timed out after {timeout:g} s", seconds)
    try:
        passed, reason, *rest = json.loads(b"".join(chunks).decode("utf-8"))
    except (ValueError, UnicodeDecodeError, TypeError):
        return RunResult(False, _death_reason(status), seconds)
    outputs = rest[0] if rest and isinstance(rest[0], dict) else None
    return RunResult(bool(passed), str(reason), seconds, outputs)


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _death_reason(status: int) -> str:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        name = (
            signal.Signals(number).name
            if number in signal.Signals._value2member_map_
            else str(number)
        )
        if number == signal.SIGXCPU:
            return "exceeded its CPU time limit"
        return f"killed by {name}"
    return f"exited with status {os.WEXITSTATUS(status)} without a result"


def _limit_resources(timeout: float, memory_mb: int) -> None:
    import resource

    cpu = math.ceil(timeout) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    try:
        with open("/proc/self/statm") as statm:
            current = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        current = 0
    limit = current + memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _child(
    write_end: int,
    source: str,
    probe_name: str,
    values: dict[str, float],
    seed: int,
    probe_args: dict[str, Any],
    timeout: float,
    memory_mb: int,
    drive: tuple[str, Mapping[str, Any]] | None = None,
) -> None:
    result: tuple
    try:
        _limit_resources(timeout, memory_mb)
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        result = _run(source, probe_name, values, seed, probe_args, drive)
    except BaseException as error:  # the child must always report and exit
        result = (False, f"runner failed: {type(error).__name__}: {error}")
    try:
        payload = json.dumps(list(result)).encode("utf-8")[:_MAX_REPORT]
        while payload:
            written = os.write(write_end, payload)
            payload = payload[written:]
    finally:
        os._exit(0)


def _run(
    source: str,
    probe_name: str | None,
    values: dict[str, float],
    seed: int,
    probe_args: dict[str, Any],
    drive: tuple[str, Mapping[str, Any]] | None = None,
) -> tuple:
    import numpy as np

    from eprep.checker.probes import get_code_probe

    namespace: dict[str, Any] = {"np": np, "__name__": "__eprep_template__"}
    try:
        compiled = compile(source, "<template>", "exec")
    except SyntaxError as error:
        return False, f"syntax error in the completed template, line {error.lineno}: {error.msg}"
    try:
        exec(compiled, namespace)  # the sandboxed child is the one place bank code runs
    except MemoryError:
        return False, "the template ran out of memory"
    except Exception as error:
        return False, f"the template raised {type(error).__name__}: {_short(error)}"
    rng = np.random.default_rng(seed)
    if probe_name is not None:
        probe = get_code_probe(probe_name)
        try:
            probe(namespace, values, rng, **probe_args)
        except AssertionError as error:
            return False, f"probe: {_short(error) or 'behaviour differs from the engine'}"
        except MemoryError:
            return False, "ran out of memory under the probe"
        except Exception as error:
            return False, f"under the probe it raised {type(error).__name__}: {_short(error)}"
    if drive is None:
        return True, ""
    from eprep.checker.references import get_code_reference

    name, args = drive
    try:
        outputs = get_code_reference(name)(**dict(args)).drive(namespace, rng)
    except MemoryError:
        return False, "ran out of memory under the definition's driver"
    except Exception as error:
        return (
            False,
            f"under the definition's driver it raised {type(error).__name__}: {_short(error)}",
        )
    return True, "", outputs


def _short(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return text if len(text) <= 200 else text[:197] + "..."
