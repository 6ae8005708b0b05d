"""The user's data folder (progress database, the bank cache's signing key): one rule, one place."""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    """`$EPREP_HOME` when set, else the platform's user data folder."""
    home = os.environ.get("EPREP_HOME")
    if home:
        return Path(home).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("eprep", appauthor=False))
