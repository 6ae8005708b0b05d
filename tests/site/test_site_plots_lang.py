"""Each language's example pages show that language's plots (`<stem>.ja.svg` on Japanese pages),
and a folder of English plots only (written before plots had languages) still builds."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

FIXTURE_BANK = Path(__file__).resolve().parent / "fixtures" / "bank"


def _svg(text: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><desc>{text}</desc></svg>'
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The fixture bank in both languages: perceptron with en and ja plots, dropout en only."""
    from eprep.questions.loader import load_bank
    from eprep.site.build import build_site

    root = tmp_path_factory.mktemp("plots-lang")
    folder = root / "examples"
    for name in ("perceptron", "dropout"):
        (folder / name).mkdir(parents=True)
        (folder / name / "result.json").write_text(json.dumps({"claim": name}), encoding="utf-8")
        (folder / name / "surface.svg").write_text(_svg(f"{name} en"), encoding="utf-8")
    (folder / "perceptron" / "surface.ja.svg").write_text(_svg("perceptron ja"), encoding="utf-8")
    out = root / "out"
    build_site(
        load_bank([FIXTURE_BANK], bundled=False),
        out,
        langs=["en", "ja"],
        examples_dir=folder,
        search=False,
    )
    return out


def _images(page: Path) -> list[Path]:
    html = page.read_text(encoding="utf-8")
    return [(page.parent / src).resolve() for src in re.findall(r'<img src="([^"]+)"', html)]


def test_each_language_shows_its_own_plots(site: Path) -> None:
    en = _images(site / "en" / "examples" / "perceptron.html")
    ja = _images(site / "ja" / "examples" / "perceptron.html")
    assert [p.name for p in en] == ["surface.svg"] and [p.name for p in ja] == ["surface.ja.svg"]
    assert "perceptron en" in en[0].read_text(encoding="utf-8")
    assert "perceptron ja" in ja[0].read_text(encoding="utf-8")


def test_english_plots_only_serve_both_languages(site: Path) -> None:
    for lang in ("en", "ja"):
        (image,) = _images(site / lang / "examples" / "dropout.html")
        assert image.name == "surface.svg" and image.is_file()


def test_the_plots_alt_text_is_in_the_pages_language(site: Path) -> None:
    ja = (site / "ja" / "examples" / "perceptron.html").read_text(encoding="utf-8")
    en = (site / "en" / "examples" / "perceptron.html").read_text(encoding="utf-8")
    assert re.search(r'<img [^>]*alt="perceptron のグラフ 1"', ja)
    assert re.search(r'<img [^>]*alt="perceptron plot 1"', en)
