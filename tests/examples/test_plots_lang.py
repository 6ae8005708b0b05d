"""Every example's plots in the language asked: Japanese words on the Japanese plots, none on the
English ones, and the English plots where no Japanese font is installed (said once, no boxes)."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner

from eprep.examples import load, names, plotting
from eprep.examples.cache import write_outputs

CJK = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]")
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
MATH = re.compile(r"\$[^$]*\$")  # mathtext (log-scale tick labels: $\mathdefault{10^{-2}}$)
# What a Japanese plot may write in Latin letters: names of methods, models, functions and
# libraries, as the Japanese literature writes them (DLFS keeps SGD, Adam, ReLU, LSTM …).
NAMES = {
    "SGD", "Momentum", "Nesterov", "AdaGrad", "RMSprop", "Adam", "ReLU", "Xavier", "RNN", "LSTM",
    "SARSA", "Grad", "CAM", "CNN", "SimpleConvNet", "Dropout", "Spearman", "scikit", "learn",
    "Attention", "XOR", "AND", "ratio", "rand", "randn", "log",
}  # fmt: skip


def _texts(fig) -> list:
    """Every text artist of `fig` once laid out: titles, labels, ticks, legends, colour bars."""
    import matplotlib.text

    fig.draw_without_rendering()  # tick labels are made when the figure is laid out
    return [t for t in fig.findobj(matplotlib.text.Text) if t.get_text().strip()]


def _draw(name: str, result: dict, lang: str, out: Path) -> dict[str, tuple[list[str], bytes]]:
    """Each figure's texts and SVG bytes in `lang`, drawn once; fails on a missing glyph."""
    module = load(name)
    drawn = {}
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*missing from font")
        with plotting.rendering(lang):
            for stem, fig in module.figures(result, lang).items():
                texts = [t.get_text() for t in _texts(fig)]
                path = plotting.save_svg(fig, out / plotting.plot_file(stem, lang))
                drawn[stem] = (texts, path.read_bytes())
    return drawn


@pytest.mark.parametrize("name", names())
def test_plots_speak_the_language_asked(quick_results: dict, name: str, tmp_path: Path) -> None:
    if plotting.drawn_lang("ja") != "ja":
        pytest.skip(f"no {plotting.CJK_FAMILY} here (fonts-noto-cjk)")
    result = quick_results[name]
    en, ja = _draw(name, result, "en", tmp_path), _draw(name, result, "ja", tmp_path)
    assert set(en) == set(ja) and en
    # word2vec labels its points with the corpus's own (English) tokens: data, not words
    tokens = set(result.get("projection", {}))
    for stem in en:
        (en_texts, en_svg), (ja_texts, ja_svg) = en[stem], ja[stem]
        assert not [t for t in en_texts if CJK.search(t)], (stem, en_texts)
        assert any(CJK.search(t) for t in ja_texts), (stem, ja_texts)
        english = [
            (text, word)
            for text in ja_texts
            if text not in tokens
            for word in LATIN_WORD.findall(MATH.sub("", text))
            if word not in NAMES
        ]
        assert not english, (stem, english)
        assert ja_svg != en_svg, stem


def test_written_files_are_named_by_language(quick_results: dict, tmp_path: Path) -> None:
    files = write_outputs("perceptron", quick_results["perceptron"], tmp_path, ("en", "ja"))
    svgs = sorted(p.name for p in files if p.suffix == ".svg")
    if plotting.drawn_lang("ja") == "ja":
        assert svgs == ["decision-surfaces.ja.svg", "decision-surfaces.svg"]
    assert [plotting.file_lang(n) for n in ("a.svg", "a.ja.svg", "a.b.svg")] == ["en", "ja", "en"]


def test_every_table_header_is_worded_in_both_languages(quick_results: dict) -> None:
    for name in names():
        en, ja = (load(name).rows(quick_results[name], lang)[0] for lang in ("en", "ja"))
        assert len(en) == len(ja), name
        assert not any(CJK.search(cell) for cell in en), (name, en)
        assert any(CJK.search(cell) for cell in ja), (name, ja)


def test_a_words_table_must_have_the_same_keys_in_each_language() -> None:
    from eprep.examples.words import Words

    with pytest.raises(ValueError, match="differ from en"):
        Words({"en": {"title": "T", "axis": "x"}, "ja": {"title": "題"}})
    with pytest.raises(ValueError, match="expected"):
        Words({"en": {"title": "T"}})
    w = Words({"en": {"h": ("a {n}", "b")}, "ja": {"h": ("甲 {n}", "乙")}}).of("ja")
    assert w.row("h", n=3) == ("甲 3", "乙")


@pytest.fixture
def no_cjk_font(monkeypatch):
    """matplotlib as on a machine without the Japanese font."""
    monkeypatch.setattr(plotting, "CJK_FAMILY", "No Such CJK Family")
    plotting.font_installed.cache_clear()
    yield
    plotting.font_installed.cache_clear()


def test_without_the_font_ja_gets_the_english_plots_and_a_warning(
    quick_results: dict, tmp_path: Path, no_cjk_font
) -> None:
    assert plotting.drawn_lang("ja") == "en" and plotting.drawn_lang("en") == "en"
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*missing from font")
        files = write_outputs("dropout", quick_results["dropout"], tmp_path, ("en", "ja"))
    assert sorted(p.name for p in files) == ["expectation.svg", "mask-fractions.svg", "result.json"]
    assert plotting.font_warning(["en"], "en") is None
    for ui in ("en", "ja"):
        line = plotting.font_warning(["en", "ja"], ui)
        assert line and "\n" not in line and "fonts-noto-cjk" in line
        assert bool(CJK.search(line)) == (ui == "ja")


def test_without_the_font_the_site_build_says_so_once(
    quick_results: dict, monkeypatch, no_cjk_font
) -> None:
    import eprep.examples
    from eprep.site.examples import find_examples, prepare_examples

    monkeypatch.setattr(eprep.examples, "names", lambda: ["dropout", "perceptron"])
    notes: list[str] = []
    folder = prepare_examples(quick=True, note=notes.append, lang="ja", langs=["en", "ja"])
    assert notes == [plotting.font_warning(["ja"], "ja")]
    for example in find_examples(folder):
        assert example.plots_in("ja") == example.plots_in("en") != ()


def test_example_run_in_japanese_without_the_font(quick_results: dict, tmp_path, no_cjk_font):
    from eprep.cli import main

    result = CliRunner().invoke(
        main, ["example", "run", "perceptron", "--quick", "--lang", "ja", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert result.output.count("fonts-noto-cjk") == 1
    assert (tmp_path / "decision-surfaces.svg").is_file()
    assert not (tmp_path / "decision-surfaces.ja.svg").exists()


def test_example_run_in_japanese_writes_japanese_plots(quick_results: dict, tmp_path) -> None:
    from eprep.cli import main

    if plotting.drawn_lang("ja") != "ja":
        pytest.skip(f"no {plotting.CJK_FAMILY} here (fonts-noto-cjk)")
    out = tmp_path / "ja"
    args = ["example", "run", "perceptron", "--quick", "--out", str(out), "--lang", "ja"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "fonts-noto-cjk" not in result.output
    assert [p.name for p in sorted(out.glob("*.svg"))] == ["decision-surfaces.ja.svg"]
    english = write_outputs("perceptron", quick_results["perceptron"], tmp_path / "en")
    assert (out / "decision-surfaces.ja.svg").read_bytes() != english[1].read_bytes()


def test_a_font_installed_after_matplotlib_built_its_font_list_is_found(monkeypatch) -> None:
    """matplotlib caches its font list; a font installed later is found by a rescan."""
    from matplotlib import font_manager

    plotting.font_installed.cache_clear()
    if not plotting.font_installed(plotting.CJK_FAMILY):
        pytest.skip(f"no {plotting.CJK_FAMILY} here (fonts-noto-cjk)")
    manager = font_manager.fontManager
    files = {f.fname for f in manager.ttflist if f.name == plotting.CJK_FAMILY}
    stale = [f for f in manager.ttflist if f.fname not in files]
    monkeypatch.setattr(manager, "ttflist", stale)
    plotting.font_installed.cache_clear()
    try:
        assert plotting.font_installed(plotting.CJK_FAMILY)
    finally:
        plotting.font_installed.cache_clear()


def test_a_rebuild_draws_no_plot_again(quick_results: dict, monkeypatch) -> None:
    """The site's plots come from the drawn-plot cache: a second build draws nothing."""
    import eprep.examples
    from eprep.site.examples import prepare_examples

    monkeypatch.setattr(eprep.examples, "names", lambda: ["perceptron", "dropout"])
    drawn: list[tuple[str, str]] = []
    draw = plotting.write_plots

    def counting(figures, result, out_dir, lang):
        drawn.append((figures.__module__, lang))
        return draw(figures, result, out_dir, lang)

    monkeypatch.setattr(plotting, "write_plots", counting)
    first = prepare_examples(quick=True, langs=["en", "ja"])
    files = {p.relative_to(first): p.read_bytes() for p in sorted(first.rglob("*.svg"))}
    drawn.clear()
    second = prepare_examples(quick=True, langs=["en", "ja"])
    assert drawn == []
    assert {p.relative_to(second): p.read_bytes() for p in sorted(second.rglob("*.svg"))} == files
    # and what it serves is what drawing now gives
    fresh = write_outputs("perceptron", quick_results["perceptron"], first.parent / "fresh")
    assert files[Path("perceptron") / "decision-surfaces.svg"] == fresh[1].read_bytes()
