"""Deterministic SVG output with matplotlib, without pyplot's global state, in each language.

Figures are built with `matplotlib.figure.Figure` directly (no backend switch, safe to call from
any process), and saved with a fixed `svg.hashsalt` and no date, so the same result always gives
byte-identical SVG files. An example's `figures(result, lang)` draws its figures with the words
of `lang`; `write_plots` draws and saves them under `plot_file` names (`<stem>.svg` in English,
`<stem>.<lang>.svg` otherwise).

Japanese needs a font with its glyphs. The one font choice is `CJK_FAMILY` (Debian's
`fonts-noto-cjk`), found by family name through matplotlib's font manager. Text glyphs become
paths (`svg.fonttype: path`), so the font is needed to draw, never to view. Where it is not
installed, `drawn_lang("ja")` is "en": the Japanese plots are the English ones (callers say so
once, `font_warning`), never boxes in place of the missing glyphs.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

SVG_RC = {"svg.hashsalt": "eprep", "svg.fonttype": "path"}
# The font of the glyphs the default font lacks (kana, kanji, full-width punctuation).
CJK_FAMILY = "Noto Sans CJK JP"
# Languages whose plots need CJK_FAMILY.
NEEDS_CJK = frozenset({"ja"})

Figures = Callable[[dict[str, Any], str], dict[str, Any]]


@functools.cache
def font_installed(family: str) -> bool:
    """Whether matplotlib's font manager knows a font of `family` (rescanning once if not)."""
    from matplotlib import font_manager

    manager = font_manager.fontManager
    if any(font.name == family for font in manager.ttflist):
        return True
    # matplotlib keeps its font list in a cache built on first use: a font installed since
    # (the fix the fallback warning suggests) is not in it until the system is scanned again.
    known = {font.fname for font in manager.ttflist}
    for path in font_manager.findSystemFonts():
        if path not in known:
            try:
                manager.addfont(path)
            except (OSError, RuntimeError, ValueError):
                continue  # an unreadable font file is not ours to report
    return any(font.name == family for font in manager.ttflist)


def drawn_lang(lang: str) -> str:
    """The language `lang`'s plots are drawn in: `lang`, or "en" when its font is missing."""
    return "en" if lang in NEEDS_CJK and not font_installed(CJK_FAMILY) else lang


def drawn_langs(langs: Iterable[str]) -> list[str]:
    """The languages to draw for `langs`, each once (ja without its font is en)."""
    return list(dict.fromkeys(drawn_lang(lang) for lang in langs))


def font_warning(langs: Iterable[str], ui: str) -> str | None:
    """The one line to say when some of `langs` must be drawn in English, in language `ui`."""
    from eprep.i18n import message

    if all(drawn_lang(lang) == lang for lang in langs):
        return None
    return message(ui, "plots.no_font", family=CJK_FAMILY, package="fonts-noto-cjk")


@contextmanager
def rendering(lang: str) -> Iterator[None]:
    """matplotlib's settings for drawing and saving `lang`'s figures (fonts resolve in both)."""
    import matplotlib

    rc: dict[str, Any] = dict(SVG_RC)
    if lang in NEEDS_CJK:
        # The default font first, so numbers, Latin and Greek look as in the English plots.
        rc["font.family"] = [*matplotlib.rcParams["font.family"], CJK_FAMILY]
    with matplotlib.rc_context(rc):
        yield


def plot_file(stem: str, lang: str) -> str:
    """The file name of plot `stem` in `lang`: English keeps the plain name."""
    return f"{stem}.svg" if lang == "en" else f"{stem}.{lang}.svg"


def file_lang(name: str) -> str:
    """The language of a plot file named by `plot_file` ("en" for any other name)."""
    stem = name.removesuffix(".svg")
    tag = stem.rpartition(".")[2] if "." in stem else ""
    return tag if tag in NEEDS_CJK else "en"


def write_plots(figures: Figures, result: dict[str, Any], out_dir: Path, lang: str) -> list[Path]:
    """Draw `figures(result, lang)` and save each as `out_dir/plot_file(stem, lang)`."""
    with rendering(lang):
        return [
            save_svg(fig, out_dir / plot_file(stem, lang))
            for stem, fig in figures(result, lang).items()
        ]


def figure(width: float = 6.4, height: float = 4.0) -> Any:
    """A new matplotlib Figure not registered with pyplot."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def save_svg(fig: Any, path: Path) -> Path:
    """Write `fig` to `path` as deterministic SVG and return the path."""
    import matplotlib

    with matplotlib.rc_context(SVG_RC):
        fig.savefig(path, format="svg", metadata={"Date": None})
    return path


def style(ax: Any, title: str, xlabel: str, ylabel: str) -> None:
    """Title, axis labels and a light grid."""
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3)


def loss_and_accuracy_axes(result: dict[str, Any], words: Any) -> tuple[Any, Any, Any]:
    """A figure with the training loss (log scale) drawn on the left, and its right-hand axes and
    iteration numbers for the caller's accuracy curves: what the sequence examples share."""
    import numpy as np

    fig = figure(8.0, 3.4)
    loss_ax, acc_ax = fig.subplots(1, 2)
    x = np.arange(len(result["loss_curve"])) * result["every"]
    loss_ax.plot(x, result["loss_curve"], color="tab:blue")
    loss_ax.set_yscale("log")
    style(loss_ax, words("loss title"), words("iteration"), words("loss"))
    return fig, acc_ax, x
