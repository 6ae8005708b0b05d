"""Keep every test, and every `eprep` process a test starts, out of the user's own folders."""

from __future__ import annotations

import os
import tempfile

_SANDBOX = tempfile.mkdtemp(prefix="eprep-tests-")


def pytest_configure(config) -> None:
    # Set before any test runs so subprocesses inherit them; a test that needs other values
    # overrides them with monkeypatch.
    os.environ.setdefault("EPREP_HOME", os.path.join(_SANDBOX, "home"))
    os.environ.setdefault("EPREP_CACHE_DIR", os.path.join(_SANDBOX, "cache"))
    os.environ.pop("EPREP_BANK", None)
