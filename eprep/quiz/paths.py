"""Where the progress database lives: `--db`, else `$EPREP_HOME`, else the platform's data dir."""

from __future__ import annotations

import os
from pathlib import Path

from eprep.dirs import data_dir

DB_FILENAME = "progress.sqlite3"


def database_path(db: str | os.PathLike[str] | None = None) -> Path:
    """The progress database to use: an explicit path wins, then EPREP_HOME, then platformdirs."""
    if db:
        return Path(db).expanduser()
    return data_dir() / DB_FILENAME
