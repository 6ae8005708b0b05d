"""Where the progress database lives: `--db`, else `$EPREP_HOME`, else the platform's data dir."""

from __future__ import annotations

import os
from pathlib import Path

DB_FILENAME = "progress.sqlite3"


def database_path(db: str | os.PathLike[str] | None = None) -> Path:
    """The progress database to use: an explicit path wins, then EPREP_HOME, then platformdirs."""
    if db:
        return Path(db).expanduser()
    home = os.environ.get("EPREP_HOME")
    if home:
        return Path(home).expanduser() / DB_FILENAME
    from platformdirs import user_data_dir

    return Path(user_data_dir("eprep", appauthor=False)) / DB_FILENAME
