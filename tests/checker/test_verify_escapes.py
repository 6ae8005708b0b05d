"""Hostile code options (escape_bank/) are contained: verify finishes, prints its report, and
nothing of theirs reached the system.

Each distractor passes its probe only when its escape worked, so "0 failed" is the sandbox
holding; the test also checks the world outside: no marker file, nothing received on the
socket, no `sleep` left running.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from eprep.checker.confine import unavailable_reason

HERE = Path(__file__).parent
PROBES = HERE / "verify_probes.py"

pytestmark = pytest.mark.skipif(
    unavailable_reason() is not None and os.environ.get("CI") != "true",
    reason=f"no sandbox on this machine: {unavailable_reason()}",
)


class Listener:
    """A TCP server on 127.0.0.1 that records whatever reaches it, for a bounded time."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.received: list[bytes] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        deadline = time.monotonic() + 180
        while not self.stop.is_set() and time.monotonic() < deadline:
            try:
                connection, _ = self.server.accept()
            except TimeoutError:
                continue
            with connection:
                connection.settimeout(1)
                try:
                    self.received.append(connection.recv(100) or b"(connected)")
                except OSError:
                    self.received.append(b"(connected)")

    def close(self) -> None:
        self.stop.set()
        self.thread.join(5)
        self.server.close()


def sleepers(tag: str) -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if tag in command:
                found.append(command)
    return found


@pytest.mark.parametrize("workers", ["1", "2"])
def test_every_escape_is_contained_and_the_report_is_printed(tmp_path: Path, workers: str) -> None:
    listener = Listener()
    marker = tmp_path / "outside" / "escaped.txt"
    marker.parent.mkdir()
    sleep_tag = f"25.{os.getpid()}{workers}7"
    bank = tmp_path / "bank"
    shutil.copytree(HERE / "escape_bank", bank)
    topic = bank / "day2" / "escape.toml"
    topic.write_text(
        topic.read_text(encoding="utf-8")
        .replace("@MARKER@", str(marker))
        .replace("@PORT@", str(listener.port))
        .replace("@SLEEP@", sleep_tag),
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "EPREP_BUNDLED": "0",
        "EPREP_CACHE": "0",
        "EPREP_PROBE_FILES": str(PROBES),
        "EPREP_CANARY": "secret",
    }
    try:
        result = subprocess.run(
            [sys.executable, "-m", "eprep", "verify", "--bank", str(bank), "--workers", workers],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
    finally:
        listener.close()
    assert "Traceback" not in result.stderr
    assert result.stdout.strip().endswith(
        "verified 3 questions (0 identity, 3 exact, 3 engine), 3 variants, 0 failed"
    ), result.stdout + result.stderr
    assert result.returncode == 0
    assert not marker.exists()
    assert listener.received == []
    assert sleepers(sleep_tag) == []


def test_code_option_failures_carry_their_reason() -> None:
    from eprep.checker.probes import code_probe
    from eprep.checker.verify_sandbox import run_completed_template

    @code_probe("escape_test_noop")
    def _noop(namespace, variant, rng) -> None:
        pass

    cases = {
        "import os\nos.kill(os.getppid(), 9)\n": "PermissionError",
        "import os\nos.kill(os.getpid(), 9)\n": "killed by SIGKILL",
        "import os\nos.fork()\n": "PermissionError",
        "import os\nos.execv('/bin/true', ['true'])\n": "PermissionError",
        "open('/etc/hostname').read()\n": "PermissionError",
        "open('x.txt', 'w')\n": "PermissionError",
        "import socket\nsocket.socket()\n": "PermissionError",
        "import resource\nresource.setrlimit(resource.RLIMIT_AS, (-1, -1))\n": "Error",
        "import os\nassert os.listdir('.') == [] and not os.environ\n": "",
    }
    for source, reason in cases.items():
        result = run_completed_template(source, "escape_test_noop", {}, 1)
        if reason:
            assert not result.passed and reason in result.reason, (source, result)
        else:
            assert result.passed, (source, result)


def test_without_a_sandbox_user_code_is_refused_unless_trusted(monkeypatch) -> None:
    from eprep.checker import confine
    from eprep.checker.verify import load_probe_files, verify_questions
    from eprep.questions import load_bank

    load_probe_files([PROBES])
    monkeypatch.setenv("EPREP_CACHE", "0")
    monkeypatch.setattr(confine, "unavailable_reason", lambda: "the kernel has no Landlock")
    bank = load_bank([HERE / "verify_banks" / "code_distractor_passes"], bundled=False)
    (refused,) = verify_questions(bank.questions, 1, workers=1).results
    assert [f.reason for f in refused.failures] == [
        "not run: bank code runs only in a sandbox, and here the kernel has no Landlock; "
        "pass --trust-bank to run this bank's code unconfined"
    ]
    (trusted,) = verify_questions(bank.questions, 1, workers=1, trust_bank=True).results
    # Run (unconfined): the bank's known flaw, a distractor that passes, is found again.
    assert any("passes the code probe" in f.reason for f in trusted.failures), trusted.failures


def test_the_bundled_bank_runs_without_a_sandbox(monkeypatch) -> None:
    from eprep.checker import confine
    from eprep.checker.verify import verify_questions
    from eprep.questions import load_bank

    monkeypatch.setattr(confine, "unavailable_reason", lambda: "the kernel has no Landlock")
    code = [q for q in load_bank().questions if q.kind == "code"][:2]
    report = verify_questions(code, 1, workers=1)
    assert report.failed == 0, [f.reason for r in report.results for f in r.failures]
