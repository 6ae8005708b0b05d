"""Drawn plots, cached: an example's SVGs in one language, drawn once per result and drawing code.

Drawing an example's figures costs about as much as loading the whole bank; the site and the Anki
export draw the same plots build after build. So the files are kept beside the examples cache,
in a folder named by a hash of the result, the language they are drawn in, the drawing code (the
example's module, `plotting`, `words`) and matplotlib's version: a changed result, word or
matplotlib is a new folder, never a stale plot. A folder is renamed into place only once fully
drawn (a `done` marker inside), so a crash or a second process never serves half of one.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from eprep.errors import EprepError

FOLDER = "plots"


def drawing_key(name: str, result: dict[str, Any], lang: str) -> str:
    """The hash of what example `name`'s plots in `lang` (as drawn) depend on."""
    from importlib.metadata import version

    from eprep.examples import EXAMPLES

    digest = hashlib.sha256(json.dumps(result, sort_keys=True).encode())
    digest.update(f"\0{lang}\0matplotlib={version('matplotlib')}\0".encode())
    for module in (EXAMPLES[name], "eprep.examples.plotting", "eprep.examples.words"):
        spec = importlib.util.find_spec(module)
        if spec is not None and spec.origin is not None:
            digest.update(module.encode() + b"\0" + Path(spec.origin).read_bytes() + b"\0")
    return digest.hexdigest()


def drawn_plots(name: str, result: dict[str, Any], lang: str) -> list[tuple[str, bytes]]:
    """Example `name`'s plot files in `lang` (file name, bytes), from the cache or drawn now.

    A language whose font is missing gets the English plots (`plotting.drawn_lang`).
    """
    from eprep.examples.cache import cache_dir
    from eprep.examples.plotting import drawn_lang

    drawn = drawn_lang(lang)
    folder = cache_dir() / FOLDER / f"{name}-{drawn}-{drawing_key(name, result, drawn)[:24]}"
    scratch = None if (folder / "done").is_file() else _draw_into(name, result, drawn, folder)
    source = scratch or folder
    try:
        return [(svg.name, svg.read_bytes()) for svg in sorted(source.glob("*.svg"))]
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


def _draw_into(name: str, result: dict[str, Any], lang: str, folder: Path) -> Path | None:
    """Draw into a scratch folder and rename it into place; the scratch folder if that fails."""
    from eprep.examples import load
    from eprep.examples.plotting import write_plots

    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=folder.parent))
    except OSError:
        scratch = Path(tempfile.mkdtemp(prefix=f"eprep-{name}-"))
    try:
        write_plots(load(name).figures, result, scratch, lang)
        (scratch / "done").write_text("", encoding="utf-8")
    except BaseException as error:
        shutil.rmtree(scratch, ignore_errors=True)  # no half-drawn folder left in the cache
        if isinstance(error, OSError):
            raise EprepError(f"cannot draw the plots of {name}: {error.strerror}") from error
        raise
    try:
        os.replace(scratch, folder)
        return None
    except OSError:
        # Another process drew it first, or the cache is unwritable: use this drawing once.
        return scratch
