"""A cache of the validated bank, so that a quiz starts without re-parsing every TOML file.

The key is a sha256 over the loader's own source, every bank file's path and bytes, and the
load options; any edit to a question file (or to the loader) gives a new key, so a stale bank
is never served. The cache lives in the user's cache folder (EPREP_CACHE_DIR overrides it;
EPREP_CACHE=0 disables it) and is written atomically; a missing, unreadable or corrupt cache
is simply rebuilt.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Iterable
from pathlib import Path

from eprep.questions.models import Bank

_FORMAT = b"eprep-bank-cache-1"
_KEEP = 8  # newest cache files kept


def enabled() -> bool:
    return os.environ.get("EPREP_CACHE", "1").strip() not in ("0", "no", "false")


def cache_dir() -> Path:
    configured = os.environ.get("EPREP_CACHE_DIR")
    if configured:
        return Path(configured)
    import platformdirs

    return Path(platformdirs.user_cache_dir("eprep"))


def bank_key(files: Iterable[Path], options: str) -> str:
    """sha256 over the loader's source, the options, and every file's path and bytes."""
    digest = hashlib.sha256(_FORMAT + options.encode())
    # The loader's and the grammar's code decide what loads: a change to either rebuilds.
    package = Path(__file__).resolve().parent
    for source in [
        *sorted(package.rglob("*.py")),
        *sorted((package.parent / "grammar").glob("*.py")),
    ]:
        digest.update(source.read_bytes())
    for path in files:
        data = path.read_bytes()
        digest.update(f"\0{path}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def read(key: str) -> Bank | None:
    path = cache_dir() / f"bank-{key[:40]}.pickle"
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if not data.startswith(_FORMAT + key.encode()):
        return None
    try:
        bank = pickle.loads(data[len(_FORMAT) + len(key) :])
    except Exception:  # a truncated or foreign file: rebuild
        return None
    return bank if isinstance(bank, Bank) else None


def write(key: str, bank: Bank) -> None:
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        payload = _FORMAT + key.encode() + pickle.dumps(bank, protocol=pickle.HIGHEST_PROTOCOL)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".bank-", suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
        os.replace(temporary, folder / f"bank-{key[:40]}.pickle")
        old = sorted(folder.glob("bank-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in old[_KEEP:]:
            stale.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only or full disk only costs speed
