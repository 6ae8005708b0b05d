"""The executed examples' plots as media files, from the examples cache (never a full run).

`cached` (the default) takes each example's result from the cache, a full run's if there is one,
else a quick run's, and runs nothing; `quick` also runs the quick version of the examples with no
cached result (seconds each, then cached); `none` attaches no plots. Plots are drawn in the deck's
language (English where its font is missing, `eprep.examples.plotting.drawn_lang`), and kept in
the drawn-plot cache the site shares (`eprep.examples.drawn`), so a second export does not redraw
them and a changed drawing never serves a stale one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
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
            plots = _draw(name, result, lang)
        except (KeyError, TypeError, ValueError, IndexError, AttributeError):
            # A cached result of another shape (older code, damaged file): no plots, not a crash.
            unusable.append(name)
            continue
        found.append(ExamplePlots(name, topics, plots, quick))
    return PlotSet(mode, tuple(found), tuple(ran), tuple(missing), tuple(unusable), lang)


def _draw(name: str, result: dict[str, Any], lang: str) -> tuple[Plot, ...]:
    """The example's SVGs in `lang`, from the drawn-plot cache or drawn now (and cached)."""
    from eprep.examples.drawn import drawn_plots

    return tuple(
        _plot(name, file_name, data) for file_name, data in drawn_plots(name, result, lang)
    )


def _plot(example: str, file_name: str, data: bytes) -> Plot:
    # The content hash in the name: a redrawn plot is a new media file, never a stale one.
    stem = file_name.removesuffix(".svg")
    return Plot(
        example, f"eprep-{example}-{stem}-{hashlib.sha256(data).hexdigest()[:10]}.svg", data
    )
