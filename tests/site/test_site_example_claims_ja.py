"""Japanese example pages state the example's claim in Japanese (issue 14: it was English)."""

from __future__ import annotations

import html
import json
import re

import pytest

# four or more Latin words in a row: an English sentence, not a name such as "tanh RNN"
ENGLISH = re.compile(r"[A-Za-z][a-z']+(?:[ ,;:]+[A-Za-z][a-z']+){3,}")


@pytest.fixture(scope="module")
def ja_site(tmp_path_factory):
    """The bundled bank in Japanese, with every example's result as an English-claim cache."""
    from eprep.examples import EXAMPLES, load
    from eprep.questions.loader import load_bank
    from eprep.site.build import build_site

    root = tmp_path_factory.mktemp("ja-examples")
    for name in EXAMPLES:
        (root / "examples" / name).mkdir(parents=True)
        result = {"claim": load(name).CLAIM}  # what a cached run records
        (root / "examples" / name / "result.json").write_text(json.dumps(result))
    build_site(
        load_bank([], bundled=True),
        root / "out",
        langs=["ja"],
        examples_dir=root / "examples",
        search=False,
    )
    return root / "out", list(EXAMPLES)


def _claim(page: str) -> str:
    block = re.search(r"<figcaption><strong>[^<]*</strong> — (.*?)</figcaption>", page, re.S)
    assert block, "no claim on the page"
    return html.unescape(re.sub(r"<[^>]+>", "", block.group(1)))


def test_japanese_example_pages_have_no_english_claim(ja_site):
    out, names = ja_site
    for name in names:
        page = (out / "ja" / "examples" / f"{name}.html").read_text(encoding="utf-8")
        claim = _claim(page)
        assert not ENGLISH.search(claim), (name, claim)
        assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", claim), (name, claim)
