"""The site at phone width (360–414 px) and on a desktop (1280 px) in Chromium: the page never
scrolls sideways, and a display formula wider than the screen scrolls inside its own box (issue 14:
at 390 px the day2 page was 789 px wide and its formulas were cut off)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

PHONES = (360, 390, 414)

# every box that may scroll sideways on its own, and whether its content is cut off instead
BOXES_JS = """() => {
  const out = [];
  for (const el of document.querySelectorAll('math[display="block"], .math.display')) {
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    out.push({right: r.right, wide: el.scrollWidth > el.clientWidth + 1,
              overflow: style.overflowX});
  }
  return out;
}"""


def _pages(site: Path) -> list[Path]:
    pages = []
    for lang in ("en", "ja"):
        root = site / lang
        pages += [
            root / name for name in ("index.html", "traps.html", "notation.html", "about.html")
        ]
        pages += sorted((root / "days").glob("*.html")) + sorted((root / "topics").glob("*.html"))
    return pages


def _page_width(tab) -> int:
    return tab.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")


@pytest.mark.parametrize("width", PHONES)
def test_no_page_scrolls_sideways_at_phone_width(built_site, page, width):
    page.set_viewport_size({"width": width, "height": 800})
    too_wide = {}
    for path in _pages(built_site):
        page.goto(path.resolve().as_uri())
        if _page_width(page) > width:
            too_wide[str(path.relative_to(built_site))] = _page_width(page)
    assert not too_wide, f"wider than {width} px: {too_wide}"


@pytest.mark.parametrize("width", [390, 1280])
def test_wide_display_math_scrolls_in_its_own_box(built_site, page, screenshot, width):
    page.set_viewport_size({"width": width, "height": 900})
    scrolling = 0
    for name in ("days/day2.html", "topics/day2.optimizers.html"):
        page.goto((built_site / "en" / name).resolve().as_uri())
        assert _page_width(page) <= width
        boxes = page.evaluate(BOXES_JS)
        assert boxes, name
        for box in boxes:
            assert box["right"] <= width + 0.5, (name, box)  # nothing drawn past the screen
            if box["wide"]:  # then the rest is reachable by scrolling that box, not cut off
                assert box["overflow"] in ("auto", "scroll"), (name, box)
                scrolling += 1
        screenshot(page, f"phone-{width}-{name.replace('/', '-').removesuffix('.html')}")
    if width == 390:
        assert scrolling, "no display formula is wider than a phone: the test shows nothing"
        # scrolling one of them moves its content: the formula is all there
        moved = page.evaluate(
            """() => {
              const all = document.querySelectorAll('math[display="block"], .math.display');
              const el = [...all].find(e => e.scrollWidth > e.clientWidth + 1);
              el.scrollLeft = 40;
              return el.scrollLeft;
            }"""
        )
        assert moved > 0
    else:
        assert scrolling == 0  # on a desktop the formulas fit


def test_question_pages_with_everything_open_fit_a_phone(built_site, page):
    """Answer, known mistakes, proof and exam form all opened: still no sideways page."""
    page.set_viewport_size({"width": 390, "height": 800})
    too_wide = {}
    pages = sorted((built_site / "en" / "questions").glob("day2.*.html"))
    pages += sorted((built_site / "ja" / "questions").glob("day2.optimizers.*.html"))
    assert len(pages) > 20
    for path in pages:
        page.goto(path.resolve().as_uri())
        page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
        if _page_width(page) > 390:
            too_wide[str(path.relative_to(built_site))] = _page_width(page)
    assert not too_wide, f"wider than 390 px: {too_wide}"
