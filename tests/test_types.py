"""The type checker runs over the typed packages (`[tool.mypy]` in pyproject.toml): the site's
model of what its templates read, and the checker with its probes, must type-check without
errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_mypy_finds_no_errors_in_the_typed_packages() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-error-summary"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert "No module named mypy" not in done.stderr, "mypy is in the `test` extra: install it"
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_is_configured_for_the_site_and_the_checker() -> None:
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    assert {"eprep/site", "eprep/checker"} <= set(config["files"])
    # The probes are part of the checker and checked too: no override silences a module.
    silenced = [o["module"] for o in config.get("overrides", []) if o.get("ignore_errors")]
    assert not silenced, f"mypy ignores errors in {silenced}"
