"""A cache of the validated bank, so that a quiz starts without re-parsing every TOML file.

The key is a sha256 over the loader's own source, every bank file's path and bytes, and the
load options; any edit to a question file (or to the loader) gives a new key, so a stale bank
is never served. The cache lives in the user's cache folder (EPREP_CACHE_DIR overrides it;
EPREP_CACHE=0 disables it) and is written atomically; a missing, unreadable or corrupt cache
is simply rebuilt.

A pickle runs code when loaded, so every cache file is signed with HMAC-SHA256 under a random
per-user key kept in the data folder (`eprep.dirs.data_dir()`, mode 0600), not in the cache
folder: whoever can write the cache folder but not that key cannot make eprep load their pickle.
A file whose signature does not match is never unpickled. Without a usable key there is no cache.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import secrets
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from eprep.questions.models import Bank

_FORMAT = b"eprep-bank-cache-2"
KEY_FILENAME = "bank-cache.key"
_KEY_BYTES = 32
_MAC_BYTES = hashlib.sha256().digest_size
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


def signing_key() -> bytes | None:
    """The per-user signing key, created on first use; None when it cannot be kept safely."""
    from eprep.dirs import data_dir

    path = data_dir() / KEY_FILENAME
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(descriptor, "wb") as out:
                out.write(secrets.token_bytes(_KEY_BYTES))
        info = os.stat(path, follow_symlinks=False)
        if not stat.S_ISREG(info.st_mode) or info.st_mode & 0o077 or info.st_uid != os.getuid():
            return None  # readable or writable by others (or not ours): not a secret
        secret = path.read_bytes()
    except OSError:
        return None
    return secret if len(secret) == _KEY_BYTES else None


def _sign(secret: bytes, key: str, body: bytes) -> bytes:
    return hmac.new(secret, key.encode() + b"\0" + body, hashlib.sha256).digest()


def read(key: str) -> Bank | None:
    """The cached bank for `key`, or None (missing, foreign, unsigned or badly signed)."""
    secret = signing_key()
    if secret is None:
        return None
    path = cache_dir() / f"bank-{key[:40]}.pickle"
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head = _FORMAT + key.encode()
    if not data.startswith(head):
        return None
    mac, body = data[len(head) : len(head) + _MAC_BYTES], data[len(head) + _MAC_BYTES :]
    if not hmac.compare_digest(mac, _sign(secret, key, body)):
        return None  # never unpickle what we did not write
    try:
        bank = pickle.loads(body)
    except Exception:  # signed by us but unreadable (an older eprep's classes): rebuild
        return None
    return bank if isinstance(bank, Bank) else None


def write(key: str, bank: Bank) -> None:
    secret = signing_key()
    if secret is None:
        return
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        body = pickle.dumps(bank, protocol=pickle.HIGHEST_PROTOCOL)
        payload = _FORMAT + key.encode() + _sign(secret, key, body) + body
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".bank-", suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
        os.replace(temporary, folder / f"bank-{key[:40]}.pickle")
        old = sorted(folder.glob("bank-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in old[_KEEP:]:
            stale.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only or full disk only costs speed
