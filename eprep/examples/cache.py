"""Running examples with a result cache, and writing their outputs.

A result is cached under a key hashed from the example's source, the shared example helpers, the
engine's source, the library versions that shape the numbers, and the arguments. Change any of
them and the example runs again; otherwise the stored result is served. The cache lives in the
platform's user cache directory, or under `$EPREP_CACHE` when that is set.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eprep.errors import EprepError
from eprep.examples import EXAMPLES, SHARED_MODULES, load
from eprep.examples.training import Progress

CACHE_FORMAT = 1


def cache_dir() -> Path:
    """Where cached example results live: `$EPREP_CACHE/examples` or the user cache dir."""
    root = os.environ.get("EPREP_CACHE")
    if not root:
        import platformdirs

        root = platformdirs.user_cache_dir("eprep")
    return Path(root) / "examples"


def _module_file(module_name: str) -> Path:
    spec = importlib.util.find_spec(module_name)
    if spec is None or spec.origin is None:
        raise EprepError(f"cannot locate the source of {module_name}")
    return Path(spec.origin)


def _engine_files() -> list[Path]:
    spec = importlib.util.find_spec("eprep.engine")
    if spec is None or not spec.submodule_search_locations:
        raise EprepError("cannot locate the source of eprep.engine")
    root = Path(next(iter(spec.submodule_search_locations)))
    return sorted(root.rglob("*.py"))


def cache_key(name: str, quick: bool, seed: int) -> str:
    """The hash that identifies one run of one example."""
    import numpy
    import sklearn

    digest = hashlib.sha256()
    parts = [f"format={CACHE_FORMAT}", f"name={name}", f"quick={quick}", f"seed={seed}"]
    parts += [f"numpy={numpy.__version__}", f"sklearn={sklearn.__version__}"]
    for part in parts:
        digest.update(part.encode() + b"\0")
    files = [_module_file(EXAMPLES[name])] + [_module_file(m) for m in SHARED_MODULES]
    package_root = _module_file("eprep").parent
    for path in files + _engine_files():
        # The relative path goes in too: moving code between engine modules changes the key.
        label = path.relative_to(package_root).as_posix()
        digest.update(label.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _cache_file(name: str, key: str) -> Path:
    return cache_dir() / f"{name}-{key[:24]}.json"


def load_cached(name: str, quick: bool = False, seed: int = 0) -> dict[str, Any] | None:
    """The cached result of this run, or None when it was never run or the file is unusable."""
    path = _cache_file(name, cache_key(name, quick, seed))
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        # A missing or damaged cache entry is not the user's problem: run the example again.
        return None
    if not isinstance(stored, dict) or not isinstance(stored.get("result"), dict):
        return None
    return stored["result"]


def _store(name: str, quick: bool, seed: int, key: str, result: dict[str, Any]) -> None:
    path = _cache_file(name, key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        entry = {"name": name, "quick": quick, "seed": seed, "key": key, "result": result}
        # Write then rename, so a crash or a second process never leaves half a file.
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=path.parent, suffix=".tmp", delete=False
        ) as handle:
            json.dump(entry, handle, allow_nan=False)
        os.replace(handle.name, path)
    except OSError:
        # An unwritable cache only costs a re-run next time; the result itself is still good.
        return


@dataclass(frozen=True)
class Outcome:
    """A result and whether it came from the cache."""

    result: dict[str, Any]
    from_cache: bool


def _normalise(result: dict[str, Any]) -> dict[str, Any]:
    """Round-trip through JSON so a fresh result equals the same result read from the cache."""
    try:
        return json.loads(json.dumps(result, allow_nan=False))
    except ValueError as error:
        raise EprepError(f"example result is not valid JSON: {error}") from error


def run_example(
    name: str,
    quick: bool = False,
    seed: int = 0,
    progress: Progress | None = None,
    use_cache: bool = True,
) -> Outcome:
    """Serve the example's result from the cache, or run it (and cache it)."""
    module = load(name)
    if seed < 0:
        raise EprepError(f"seed must be a non-negative integer, got {seed}")
    if use_cache:
        cached = load_cached(name, quick, seed)
        if cached is not None:
            return Outcome(cached, True)
    result = _normalise(module.run(quick=quick, seed=seed, progress=progress))
    if use_cache:
        _store(name, quick, seed, cache_key(name, quick, seed), result)
    return Outcome(result, False)


def cached_result(name: str, quick: bool = False, seed: int = 0) -> dict[str, Any]:
    """The example's result for the site builder: from the cache, or run now and cached."""
    return run_example(name, quick=quick, seed=seed).result


def write_outputs(name: str, result: dict[str, Any], out_dir: Path) -> list[Path]:
    """Write `result.json` and the example's SVG plots into `out_dir`; return the files written."""
    module = load(name)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        result_path = out_dir / "result.json"
        text = json.dumps(result, indent=2, sort_keys=True, allow_nan=False)
        result_path.write_text(text + "\n", encoding="utf-8")
        return [result_path, *module.plots(result, out_dir)]
    except OSError as error:
        raise EprepError(f"cannot write example output to {out_dir}: {error.strerror}") from error
