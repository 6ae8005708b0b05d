"""Runs a completed code template in a confined child process, under time and memory limits.

Code questions are verified by executing the template with each option filled in. Each run
happens in a child forked from the (already warm) verification worker, so NumPy and the engine
are not re-imported per run. The child:
- leads its own process group (the parent kills the whole group when the run ends, whatever
  happened, so nothing outlives it) and dies with its parent;
- closes every inherited descriptor but its report pipe, works in a fresh empty folder, has an
  empty environment, lowered CPU-time and address-space limits and silenced stdin/stdout;
- when `confine` is set: Landlock limits it to reading the Python installation and the project,
  then the template's own imports run, then a seccomp filter forbids processes, signals to
  others, sockets and writable opens (see confine.py) before any other line of the template;
- executes the code in a fresh namespace, calls the code probe and reports `[passed, reason]`
  through the pipe (`_report`, the protocol's one function); when a reference driver is given
  (`drive`), it runs that too and reports `[passed, reason, outputs]`: the plain numbers the
  driver read off the template, which the verifier checks against the definition.
A child that dies, hangs or writes garbage is a failed run with a reason. Bank code is never
executed in the verifying process itself.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import json
import math
import os
import select
import shutil
import signal
import site
import sys
import tempfile
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
    confine: bool = True,
    drive: tuple[str, Mapping[str, Any]] | None = None,
) -> RunResult:
    """Execute `source` in a forked child and run code probe `probe_name` on its namespace.

    With `confine` the child is sandboxed (confine.py); the caller decides when it may run
    unconfined (see `code_policy`). With `drive = (code reference name, reference_args)` the
    child also runs that reference's driver on the namespace and returns its outputs.
    """
    if confine:
        from eprep.checker.confine import load_tools

        load_tools()  # once per process (verify's warm-up does it), so that every child has it
    started = time.perf_counter()
    workdir = tempfile.mkdtemp(prefix="eprep-option-")
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: never returns
        _child(
            write_end,
            workdir,
            confine,
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
    with contextlib.suppress(OSError):  # the child does it too; whichever runs first
        os.setpgid(pid, pid)
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
        _kill_group(pid)  # always: whatever the child started goes with it
        _, status = os.waitpid(pid, 0)
        shutil.rmtree(workdir, ignore_errors=True)
    seconds = time.perf_counter() - started
    if timed_out:
        return RunResult(False, f"timed out after {timeout:g} s", seconds)
    try:
        passed, reason, *rest = json.loads(b"".join(chunks).decode("utf-8"))
        if not isinstance(passed, bool) or not isinstance(reason, str):
            raise ValueError("not a report")
    except (ValueError, UnicodeDecodeError, TypeError):
        return RunResult(False, _death_reason(status), seconds)
    outputs = rest[0] if rest and isinstance(rest[0], dict) else None
    return RunResult(passed, reason, seconds, outputs)


def code_policy(trusted: bool) -> tuple[bool, str | None]:
    """(confine?, why the code may not run at all) for bank code; `trusted`: bundled or vouched.

    Where the sandbox works every code option runs in it. Where it does not, only trusted
    code runs (unconfined); a user bank's code options are refused with the reason.
    """
    from eprep.checker.confine import unavailable_reason

    missing = unavailable_reason()
    if missing is None:
        return True, None
    if trusted:
        return False, None
    return False, (
        f"not run: bank code runs only in a sandbox, and here {missing}; "
        "pass --trust-bank to run this bank's code unconfined"
    )


def read_roots() -> list[str]:
    """What confined code may read: the Python installation, its packages and the project.

    Not `sys.path` as such: with `python -m` it holds the working folder, which may be the
    user's home.
    """
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, *site.getsitepackages()}
    roots.add(site.getusersitepackages())
    roots.add(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # the eprep package
    roots.update(("/usr/lib", "/usr/lib64", "/lib", "/lib64", "/etc/ld.so.cache"))  # the loader
    return sorted(os.path.abspath(root) for root in roots if root)


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)  # in case it died before joining its group


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


def limit_memory(memory_mb: int) -> None:
    """Cap this process's address space at what it uses now plus `memory_mb` (never raising it)."""
    import resource

    try:
        with open("/proc/self/statm") as statm:
            current = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        current = 0
    limit = current + memory_mb * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _limit_resources(timeout: float, memory_mb: int) -> None:
    import resource

    cpu = math.ceil(timeout) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    limit_memory(memory_mb)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _child(
    write_end: int,
    workdir: str,
    confine: bool,
    source: str,
    probe_name: str | None,
    values: dict[str, float],
    seed: int,
    probe_args: dict[str, Any],
    timeout: float,
    memory_mb: int,
    drive: tuple[str, Mapping[str, Any]] | None = None,
) -> None:
    result: tuple
    try:
        os.setpgid(0, 0)
        _die_with_parent()
        os.closerange(0, write_end)  # the pool's pipes, the bank cache, anything inherited
        os.closerange(write_end + 1, 1 << 16)
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        os.chdir(workdir)
        os.environ.clear()
        sys.dont_write_bytecode = True
        _limit_resources(timeout, memory_mb)
        if confine:
            from eprep.checker.confine import restrict_filesystem

            restrict_filesystem([*read_roots(), workdir])
        result = _run(source, probe_name, values, seed, probe_args, confine, drive)
    except BaseException as error:  # the child must always report and exit
        result = (False, f"runner failed: {type(error).__name__}: {_short(error)}")
    try:
        _report(write_end, result)
    finally:
        os._exit(0)


def _report(write_end: int, result: tuple) -> None:
    """The child's half of the protocol: one JSON `[passed, reason(, outputs)]`, then EOF."""
    payload = json.dumps(list(result)).encode("utf-8")[:_MAX_REPORT]
    while payload:
        written = os.write(write_end, payload)
        payload = payload[written:]


def _die_with_parent() -> None:
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG


def _preimport(compiled_tree: ast.Module) -> None:
    """Import what the template's top-level import lines name (Landlock already applies)."""
    for statement in compiled_tree.body:
        names: list[str] = []
        if isinstance(statement, ast.Import):
            names = [alias.name for alias in statement.names]
        elif isinstance(statement, ast.ImportFrom) and statement.level == 0 and statement.module:
            names = [statement.module]
        for name in names:
            with contextlib.suppress(Exception):
                importlib.import_module(name)


def _run(
    source: str,
    probe_name: str | None,
    values: dict[str, float],
    seed: int,
    probe_args: dict[str, Any],
    confine: bool,
    drive: tuple[str, Mapping[str, Any]] | None = None,
) -> tuple:
    import numpy as np

    from eprep.checker.probes import get_code_probe

    namespace: dict[str, Any] = {"np": np, "__name__": "__eprep_template__"}
    try:
        tree = ast.parse(source, "<template>")
        compiled = compile(tree, "<template>", "exec")
    except SyntaxError as error:
        return False, f"syntax error in the completed template, line {error.lineno}: {error.msg}"
    if confine:
        from eprep.checker.confine import forbid_escapes

        _preimport(tree)
        forbid_escapes()
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
        kind = type(error).__name__
        return False, f"under the definition's driver it raised {kind}: {_short(error)}"
    return True, "", outputs


def _short(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return text if len(text) <= 200 else text[:197] + "..."
