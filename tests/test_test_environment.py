"""The test run gives the processes it starts what a learner's terminal gives them."""

from __future__ import annotations

import subprocess
import sys


def test_a_child_process_is_interrupted_by_ctrl_c() -> None:
    """Even when the test run itself was started with SIGINT ignored (see conftest.py)."""
    shown = subprocess.run(
        [sys.executable, "-c", "import signal; print(signal.getsignal(signal.SIGINT).__name__)"],
        capture_output=True, text=True, timeout=60, check=True,
    ).stdout.strip()  # fmt: skip
    assert shown == "default_int_handler"
