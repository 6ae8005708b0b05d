"""The executed examples' plots as media files, from the examples cache (never a full run).

`cached` (the default) takes each example's result from the cache, a full run's if there is one,
else a quick run's, and runs nothing; `quick` also runs the quick version of the examples with no
cached result (seconds each, then cached); `none` attaches no plots. Plots are drawn in the deck's
language (English where its font is missing, `eprep.examples.plotting.drawn_lang`). SVGs drawn
from a result are kept beside the cache under a key of the result, the language and the drawing
code, so a second export does not redraw them and a changed drawing never serves a stale one.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MODES = ("cached", "quick", "none")


@dataclass(frozen=True)
class Plot:
    """One SVG: the media file name it gets in the package (content-hashed) and its bytes."""

    example: str
    name: str
    data: bytes


@dataclass(frozen=True)
class ExamplePlots:
    """An example's plots and the bank topics and tags it illustrates."""

    example: str
    topics: frozenset[str]
    plots: tuple[Plot, ...]
    quick: bool


@dataclass(frozen=True)
class PlotSet:
    """Every example's plots for one export, and what happened to get them."""

    mode: str
    examples: tuple[ExamplePlots, ...] = ()
    ran: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    unusable: tuple[str, ...] = ()
    lang: str = "en"  # the language the plots were asked in

    def for_question(self, topic: str, tags: Iterable[str]) -> list[Plot]:
        """The plots of the examples that illustrate a question of `topic` with `tags`."""
        keys = {topic, *tags}
        return [plot for e in self.examples if keys & e.topics for plot in e.plots]

    def report(self) -> str:
        """One line saying where the plots came from (and what to do when some were not cached)."""
        if self.mode == "none":
            return "plots: none (--run-examples none)"
        quick = sum(1 for e in self.examples if e.quick)
        line = (
            f"plots from {len(self.examples)} examples in the examples cache "
            f"({len(self.examples) - quick} full, {quick} quick results)"
        )
        if self.ran:
            line += f"; run now in quick mode: {', '.join(self.ran)}"
        if self.missing:
            line += (
                f"; not cached, left out: {', '.join(self.missing)} (run `eprep example run "
                "NAME`, or export with --run-examples quick)"
            )
        if self.unusable:
            line += f"; cached result unusable, left out: {', '.join(self.unusable)}"
        return line


def gather_plots(mode: str = "cached", lang: str = "en") -> PlotSet:
    """Every example's plots for `mode` (see the module docstring), drawn in `lang`."""
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}")
    if mode == "none":
        return PlotSet(mode, lang=lang)
    from eprep.examples import TOPICS, names
    from eprep.examples.cache import entry_state, load_cached, run_example

    found, ran, missing, unusable = [], [], [], []
    for name in names():
        quick, result = False, load_cached(name, quick=False)
        if result is None:
            quick, result = True, load_cached(name, quick=True)
        if result is None and mode == "quick":
            result = run_example(name, quick=True).result
            ran.append(name)
        if result is None:
            # An entry of the wrong shape is never served (examples/schema.py): say so.
            damaged = any(entry_state(name, quick=q) == "unusable" for q in (False, True))
            (unusable if damaged else missing).append(name)
            continue
        try:
            extra = result.get("topics") or []
            topics = frozenset({name, *TOPICS.get(name, ()), *map(str, extra)})
            plots = _draw(name, result, quick, lang)
        except (KeyError, TypeError, ValueError, IndexError, AttributeError):
            # A cached result of another shape (older code, damaged file): no plots, not a crash.
            unusable.append(name)
            continue
        found.append(ExamplePlots(name, topics, plots, quick))
    return PlotSet(mode, tuple(found), tuple(ran), tuple(missing), tuple(unusable), lang)


def _draw(name: str, result: dict[str, Any], quick: bool, lang: str) -> tuple[Plot, ...]:
    """The example's SVGs in `lang`, from the drawn-plot cache or drawn now (and cached)."""
    from eprep.examples.cache import cache_dir, write_outputs
    from eprep.examples.plotting import drawn_lang

    drawn = drawn_lang(lang)
    digest = hashlib.sha256(json.dumps(result, sort_keys=True).encode())
    digest.update(f"\0{drawn}\0".encode() + _drawing_code(name))
    label = f"{name}-{'quick' if quick else 'full'}-{drawn}-{digest.hexdigest()[:20]}"
    folder = cache_dir() / "export-plots" / label
    scratch: Path | None = None
    if not (folder / "done").is_file():
        scratch = _draw_into(name, result, folder, lambda *a: write_outputs(*a, [drawn]))
    try:
        source = folder if (folder / "done").is_file() else scratch
        assert source is not None  # drawn just now when not cached
        return tuple(_plot(name, svg) for svg in sorted(source.glob("*.svg")))
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


def _drawing_code(name: str) -> bytes:
    """The source of the code that draws example `name`'s plots (its module, the helpers)."""
    import importlib.util

    from eprep.examples import EXAMPLES

    code = b""
    for module in (EXAMPLES[name], "eprep.examples.plotting", "eprep.examples.words"):
        spec = importlib.util.find_spec(module)
        if spec is not None and spec.origin is not None:
            code += module.encode() + b"\0" + Path(spec.origin).read_bytes() + b"\0"
    return code


def _plot(example: str, svg: Path) -> Plot:
    data = svg.read_bytes()
    # The content hash in the name: a redrawn plot is a new media file, never a stale one.
    return Plot(
        example, f"eprep-{example}-{svg.stem}-{hashlib.sha256(data).hexdigest()[:10]}.svg", data
    )


def _draw_into(name: str, result: dict[str, Any], folder: Path, write_outputs) -> Path | None:
    """Draw into a scratch folder and rename it into place; the scratch folder if that fails."""
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=folder.parent))
    except OSError:
        scratch = Path(tempfile.mkdtemp(prefix=f"eprep-{name}-"))
    try:
        write_outputs(name, result, scratch)
        (scratch / "done").write_text("", encoding="utf-8")
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)  # no half-drawn folder left in the cache
        raise
    try:
        os.replace(scratch, folder)
        return None
    except OSError:
        # Another export drew it first, or the cache is unwritable: use this drawing once.
        return scratch
