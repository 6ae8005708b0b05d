"""Keep every test, and every `eprep` process a test starts, out of the user's own folders."""

from __future__ import annotations

import os
import signal
import tempfile

import pytest

_SANDBOX = tempfile.mkdtemp(prefix="eprep-tests-")

# A run started where SIGINT is ignored (a background job of a non-interactive shell, as CI
# may start it) hands that to every child, and the Ctrl-C a terminal test sends to `eprep exam`
# would then do nothing. Children must see what a learner's terminal gives them.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


def pytest_configure(config) -> None:
    # Set before any test runs so subprocesses inherit them; a test that needs other values
    # overrides them with monkeypatch.
    os.environ.setdefault("EPREP_HOME", os.path.join(_SANDBOX, "home"))
    os.environ.setdefault("EPREP_CACHE_DIR", os.path.join(_SANDBOX, "cache"))
    os.environ.pop("EPREP_BANK", None)
    # `--lang` follows the locale: tests expect English unless they ask for Japanese
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if os.environ.get(variable, "").lower().startswith("ja"):
            os.environ[variable] = "C.UTF-8"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    # CI installs everything the suite can use (Chromium, the CJK font, torch, Keras), so a test
    # that skips there has lost what it needs: that must fail CI, not pass as "skipped".
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") == "true" and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where everything it needs is installed: {reason}"
