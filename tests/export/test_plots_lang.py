"""The Anki export attaches the plots of its deck's language, and never serves a plot drawn by
older code from the drawn-plot cache."""

from __future__ import annotations

import hashlib
import json

import pytest


@pytest.fixture
def one_example(tmp_path, monkeypatch):
    import eprep.examples

    monkeypatch.setenv("EPREP_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(eprep.examples, "names", lambda: ["perceptron"])
    return tmp_path / "cache" / "examples"


def test_a_japanese_deck_gets_the_japanese_plots(one_example):
    from eprep.examples.plotting import drawn_lang
    from eprep.export.plots import gather_plots

    if drawn_lang("ja") != "ja":
        pytest.skip("no Japanese font here (fonts-noto-cjk)")
    en, ja = gather_plots("quick", "en"), gather_plots("quick", "ja")
    (en_plot,), (ja_plot,) = en.examples[0].plots, ja.examples[0].plots
    assert ".ja-" in ja_plot.name and ".ja" not in en_plot.name
    assert ja_plot.data != en_plot.data
    assert gather_plots("cached", "ja").examples[0].plots == (ja_plot,)  # served from the cache


def test_a_plot_drawn_under_the_old_cache_layout_is_not_served(one_example):
    from eprep.examples.cache import run_example
    from eprep.export.plots import gather_plots

    result = run_example("perceptron", quick=True).result
    # the layout before plots had languages: <name>-<mode>-<hash of the result only>
    digest = hashlib.sha256(json.dumps(result, sort_keys=True).encode()).hexdigest()[:20]
    old = one_example / "export-plots" / f"perceptron-quick-{digest}"
    old.mkdir(parents=True)
    (old / "decision-surfaces.svg").write_text("<svg>stale</svg>", encoding="utf-8")
    (old / "done").write_text("", encoding="utf-8")
    (plot,) = gather_plots("cached", "en").examples[0].plots
    assert b"stale" not in plot.data and plot.data.startswith(b"<?xml")


def test_the_export_command_warns_once_without_the_font(one_example, monkeypatch, tmp_path):
    from click.testing import CliRunner

    from eprep.cli import main
    from eprep.examples import plotting

    monkeypatch.setattr(plotting, "CJK_FAMILY", "No Such CJK Family")
    plotting.font_installed.cache_clear()
    try:
        args = ["export", "json", "day2", "--run-examples", "quick", "-o", str(tmp_path / "x.json")]
        result = CliRunner().invoke(main, args)
    finally:
        plotting.font_installed.cache_clear()
    assert result.exit_code == 0, result.output
    assert result.output.count("fonts-noto-cjk") == 1
