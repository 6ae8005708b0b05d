"""Running examples with a result cache, and writing their outputs.

A result is cached under a key hashed from the example's source, the shared example helpers, the
engine's source, the library versions that shape the numbers, and the arguments. Change any of
them and the example runs again; otherwise the stored result is served. The cache lives in the
platform's user cache directory, or under `$EPREP_CACHE_DIR` when that is set.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eprep.errors import EprepError
from eprep.examples import EXAMPLES, SHARED_MODULES, load
from eprep.examples.training import Progress

CACHE_FORMAT = 1
# Every cache entry: the run it belongs to and its result (whose shape the example declares).
_ENTRY_SCHEMA = {"name": "str", "quick": "bool", "seed": "int", "key": "str", "result": {}}


def cache_dir() -> Path:
    """Where cached example results live: `$EPREP_CACHE_DIR/examples` or the user cache dir."""
    root = os.environ.get("EPREP_CACHE_DIR")
    if not root:
        import platformdirs

        root = platformdirs.user_cache_dir("eprep")
    return Path(root) / "examples"


def _module_file(module_name: str) -> Path:
    spec = importlib.util.find_spec(module_name)
    if spec is None or spec.origin is None:
        raise EprepError(f"cannot locate the source of {module_name}")
    return Path(spec.origin)


def _engine_files() -> list[tuple[str, Path]]:
    """Every engine source file, labelled by its path inside the engine package."""
    spec = importlib.util.find_spec("eprep.engine")
    if spec is None or not spec.submodule_search_locations:
        raise EprepError("cannot locate the source of eprep.engine")
    root = Path(next(iter(spec.submodule_search_locations)))
    return [(f"engine/{p.relative_to(root).as_posix()}", p) for p in sorted(root.rglob("*.py"))]


def cache_key(name: str, quick: bool, seed: int) -> str:
    """The hash that identifies one run of one example."""
    from importlib.metadata import version

    digest = hashlib.sha256()
    parts = [f"format={CACHE_FORMAT}", f"name={name}", f"quick={quick}", f"seed={seed}"]
    # Versions from package metadata: importing scikit-learn only to read its version costs ~1.5 s.
    parts += [f"numpy={version('numpy')}", f"scikit-learn={version('scikit-learn')}"]
    for part in parts:
        digest.update(part.encode() + b"\0")
    # An example may build on another's code (`USES`, e.g. grad-cam on cnn's trained net).
    modules = [EXAMPLES[name], *getattr(load(name), "USES", ()), *SHARED_MODULES]
    # Labels go in with the contents: moving code between files changes the key.
    files = [(module, _module_file(module)) for module in modules] + _engine_files()
    for label, path in files:
        digest.update(label.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _cache_file(name: str, key: str) -> Path:
    return cache_dir() / f"{name}-{key[:24]}.json"


def entry_state(name: str, quick: bool = False, seed: int = 0) -> str:
    """ "usable", "unusable" (there, but damaged or of the wrong shape) or "missing"."""
    return _read_entry(name, quick, seed)[0]


def load_cached(name: str, quick: bool = False, seed: int = 0) -> dict[str, Any] | None:
    """The cached result of this run, or None when it was never run or the entry is unusable."""
    return _read_entry(name, quick, seed)[1]


def _read_entry(name: str, quick: bool, seed: int) -> tuple[str, dict[str, Any] | None]:
    from eprep.examples.schema import shape_error

    key = cache_key(name, quick, seed)
    try:
        text = _cache_file(name, key).read_text(encoding="utf-8")
    except OSError:
        return "missing", None
    try:
        stored = json.loads(text)
    except (ValueError, RecursionError):
        # A damaged cache entry is not the user's problem: run the example again.
        return "unusable", None
    if shape_error(stored, _ENTRY_SCHEMA, "entry") is not None:
        return "unusable", None
    if (stored["name"], stored["quick"], stored["seed"], stored["key"]) != (name, quick, seed, key):
        return "unusable", None
    # The right key but the wrong shape: recompute (and overwrite) rather than crash later.
    if shape_error(stored["result"], load(name).RESULT_SCHEMA) is not None:
        return "unusable", None
    return "usable", stored["result"]


def _store(name: str, quick: bool, seed: int, key: str, result: dict[str, Any]) -> None:
    path = _cache_file(name, key)
    handle = None
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
        if handle is not None:
            Path(handle.name).unlink(missing_ok=True)


@dataclass(frozen=True)
class Outcome:
    """A result and whether it came from the cache."""

    result: dict[str, Any]
    from_cache: bool


def _normalise(result: dict[str, Any]) -> dict[str, Any]:
    """Round-trip through JSON so a fresh result equals the same result read from the cache."""
    # A result that is not valid JSON is a bug in the example, not a user error: let it raise.
    return json.loads(json.dumps(result, allow_nan=False))


def run_example(
    name: str,
    quick: bool = False,
    seed: int = 0,
    progress: Progress | None = None,
    use_cache: bool = True,
) -> Outcome:
    """Serve the example's result from the cache, or run it and cache it.

    `use_cache=False` (`--no-cache`) runs it even when cached, and replaces the cached entry.
    """
    module = load(name)
    if seed < 0:
        raise EprepError(f"seed must be a non-negative integer, got {seed}")
    # The key is taken before running, so an edit to the code during a long run cannot file
    # the result under the edited code's key.
    key = cache_key(name, quick, seed)
    if use_cache:
        cached = load_cached(name, quick, seed)
        if cached is not None:
            return Outcome(cached, True)
    from threadpoolctl import threadpool_limits

    # One BLAS thread: the matrices are small (threads cost more than they save, and the
    # machine is shared), and the numbers then do not depend on how many cores there are.
    with threadpool_limits(limits=1):
        raw = module.run(quick=quick, seed=seed, progress=progress)
    result = _normalise(raw)
    _store(name, quick, seed, key, result)
    return Outcome(result, False)


def cached_result(name: str, quick: bool = False, seed: int = 0) -> dict[str, Any]:
    """The example's result for the site builder: from the cache, or run now and cached."""
    return run_example(name, quick=quick, seed=seed).result


def write_result(result: dict[str, Any], out_dir: Path) -> Path:
    """Write `result.json` into `out_dir` (made if missing) and return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    result_path = out_dir / "result.json"
    text = json.dumps(result, indent=2, allow_nan=False)  # keep the meaningful order
    result_path.write_text(text + "\n", encoding="utf-8")
    return result_path


def write_outputs(
    name: str, result: dict[str, Any], out_dir: Path, langs: Sequence[str] = ("en",)
) -> list[Path]:
    """Write `result.json` and the example's SVG plots in each of `langs` into `out_dir`.

    Returns the files written. A language whose font is missing gets the English plots
    (`plotting.drawn_lang`; the caller says so once, `plotting.font_warning`).
    """
    from eprep.examples.plotting import drawn_langs, write_plots

    module = load(name)
    try:
        result_path = write_result(result, out_dir)
        plots = [write_plots(module.figures, result, out_dir, lang) for lang in drawn_langs(langs)]
        return [result_path, *(path for paths in plots for path in paths)]
    except OSError as error:
        raise EprepError(f"cannot write example output to {out_dir}: {error.strerror}") from error
