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
    # `--lang` follows the locale: tests expect English unless they ask for Japanese
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if os.environ.get(variable, "").lower().startswith("ja"):
            os.environ[variable] = "C.UTF-8"
