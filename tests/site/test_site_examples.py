"""Executed examples on the site (issue 14): each example's plots are on a page of their own, linked
from the topic and from the questions it illustrates, instead of piling up at the foot of a topic
page (which grew to 17,000 px)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

# a plot of the size the real examples draw (matplotlib SVGs of about 10 x 7 inches)
SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="720pt" height="504pt" viewBox="0 0 720 504">'
    '<rect width="720" height="504" fill="#dde"/></svg>'
)
EXAMPLES = ("vanishing-gradient", "initial-weights", "optimizers")


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, Path]:
    """The bundled bank built twice, in English: with three examples of three plots, and without."""
    from eprep.questions.loader import load_bank
    from eprep.site.build import build_site

    root = tmp_path_factory.mktemp("examples-site")
    folder = root / "examples"
    for name in EXAMPLES:
        (folder / name).mkdir(parents=True)
        (folder / name / "result.json").write_text(json.dumps({"claim": f"what {name} shows"}))
        for k in range(3):
            (folder / name / f"plot-{k}.svg").write_text(SVG)
    bank = load_bank([], bundled=True)
    out = {"with": root / "with", "without": root / "without"}
    build_site(bank, out["with"], langs=["en"], examples_dir=folder, search=False)
    build_site(bank, out["without"], langs=["en"], examples_dir=None, search=False)
    return out


def _links(html: str) -> list[str]:
    return re.findall(r'href="([^"#]+\.html)"', html)


def test_every_example_has_its_own_page_linked_from_its_topic(sites):
    site = sites["with"]
    for name in EXAMPLES:
        page = site / "en" / "examples" / f"{name}.html"
        html = page.read_text(encoding="utf-8")
        assert html.count("<img ") == 3
        for src in re.findall(r'<img src="([^"]+)"', html):
            assert (page.parent / src).resolve().is_file(), src
        # it links back to the questions it illustrates, and each link works
        back = [link for link in _links(html) if "/questions/" in link]
        assert back, name
        for link in back:
            assert (page.parent / link).resolve().is_file(), link
    # what the plots show that a reader would not expect is said beside them
    from eprep.examples import load

    explained = (site / "en" / "examples" / "vanishing-gradient.html").read_text("utf-8")
    assert load("vanishing-gradient").EXPLANATION["en"][:60] in explained
    vanishing = site / "en" / "topics" / "day2.vanishing.html"
    html = vanishing.read_text(encoding="utf-8")
    assert "<img " not in html  # no plot on the topic page itself
    targets = {(vanishing.parent / link).resolve() for link in _links(html)}
    for name in ("vanishing-gradient", "initial-weights"):
        assert (site / "en" / "examples" / f"{name}.html").resolve() in targets


def test_a_question_links_its_example_right_after_itself(sites):
    html = (sites["with"] / "en" / "topics" / "day2.vanishing.html").read_text(encoding="utf-8")
    blocks = html.split('<section class="question"')[1:]
    tagged = [b for b in blocks if '<span class="tag">vanishing-gradient</span>' in b]
    assert tagged
    for block in tagged:
        tail = block.split("</section>", 1)[1].split('<section class="question"')[0]
        assert "../examples/vanishing-gradient.html" in tail


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1280])
def test_topic_pages_stay_as_tall_as_their_questions(sites, page, screenshot, width):
    page.set_viewport_size({"width": width, "height": 900})
    height = "document.documentElement.scrollHeight"
    for topic in ("day2.vanishing", "day2.optimizers"):
        page.goto((sites["without"] / "en" / "topics" / f"{topic}.html").resolve().as_uri())
        bare = page.evaluate(height)
        page.goto((sites["with"] / "en" / "topics" / f"{topic}.html").resolve().as_uri())
        page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        page.wait_for_timeout(200)  # lazy images would load now
        grown = page.evaluate(height) - bare
        # the links add a few lines; six 720x504 plots would add over 1,600 px even at 390 px
        assert grown < (400 if width > 1000 else 600), (topic, width, grown)
    # follow the first example link: the plots are there, loaded, and fit the screen
    page.goto((sites["with"] / "en" / "topics" / "day2.vanishing.html").resolve().as_uri())
    page.locator(".example-links a").first.click()
    page.wait_for_load_state()
    assert "/en/examples/" in page.url
    images = page.locator("figure.example img")
    assert images.count() == 3
    for i in range(3):
        images.nth(i).scroll_into_view_if_needed()
        page.wait_for_function(
            "(img) => img.complete && img.naturalWidth > 0", arg=images.nth(i).element_handle()
        )
        box = images.nth(i).bounding_box()
        assert box["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate(height) < 4000
    screenshot(page, f"example-page-{width}")
    page.locator(".illustrates a").first.click()
    page.wait_for_load_state()
    assert "/en/questions/" in page.url
