"""Deterministic SVG output with matplotlib, without pyplot's global state.

Figures are built with `matplotlib.figure.Figure` directly (no backend switch, safe to call from
any process), and saved with a fixed `svg.hashsalt` and no date, so the same result always gives
byte-identical SVG files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

SVG_RC = {"svg.hashsalt": "eprep", "svg.fonttype": "path"}


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
