"""Search and choice wording (issue 14): search snippets read formulas as one line instead of the
MathML's leaves run together ("σ(x)=11+e−x"); nothing behind "Show the answer" is indexed; a right
choice says "Right." once, not "Right. Right: …"; no "Showing variant 0" where nothing varies."""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser

import pytest

SOFTMAX_SHIFT = "#q-day1-activations-softmax-shift"


class _Feedback(HTMLParser):
    """The text of every `feedback-text` block of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        if self._depth:
            self._depth += tag == "div"
        elif tag == "div" and "feedback-text" in (dict(attrs).get("class") or ""):
            self._depth = 1
            self.blocks.append("")

    def handle_endtag(self, tag):
        if self._depth and tag == "div":
            self._depth -= 1

    def handle_data(self, data):
        if self._depth:
            self.blocks[-1] += data


def test_no_feedback_repeats_the_verdict(built_site):
    verdict = re.compile(r"^\s*(?:\(\S+\)\s*)?(?:(?:Right|Correct)[.:!,]|正解です。|正しい。)")
    seen = 0
    for path in sorted(built_site.glob("*/questions/*.html")):
        parser = _Feedback()
        parser.feed(path.read_text(encoding="utf-8"))
        seen += len(parser.blocks)
        repeated = [b for b in parser.blocks if verdict.match(b)]
        assert not repeated, (path.name, repeated[:2])
    assert seen > 500


def test_the_variant_note_shows_only_where_numbers_vary(built_site):
    from eprep.site.i18n import strings

    for lang in ("en", "ja"):
        note = strings(lang)["variant_note"]
        assert "variant 0" not in note and "変種 0" not in note
        assert "eprep quiz" in note
    choice = (built_site / "en" / "questions" / "day1.activations.softmax-shift.html").read_text(
        "utf-8"
    )
    assert 'class="note"' not in choice
    numeric = (built_site / "en" / "questions" / "day1.activations.softmax.html").read_text("utf-8")
    assert "These numbers are one draw" in numeric


@pytest.mark.browser
@pytest.mark.parametrize(("lang", "right"), [("en", "Right."), ("ja", "正解。")])
def test_a_right_choice_says_right_once(built_site, page, screenshot, lang, right):
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto((built_site / lang / "topics" / "day1.activations.html").resolve().as_uri())
    block = page.locator(SOFTMAX_SHIFT)
    data = block.locator("script.check-data").first.text_content()
    import json

    correct = json.loads(data)["correct"]
    block.locator("input[type=radio]").nth(correct).check()
    block.locator("button[type=submit]").first.click()
    result = block.locator(".result").first.inner_text()
    assert result.startswith(right), result
    assert result.count(right.rstrip(".。")) == 1, result
    assert len(result) > len(right) + 10  # the explanation itself is still there
    block.scroll_into_view_if_needed()
    screenshot(page, f"right-once-{lang}-390")


# --- Pagefind, queried through its own JavaScript API over `eprep site serve` ----------------

SEARCH_JS = """async (query) => {
  const pagefind = await import('/pagefind/pagefind.js');
  const found = await pagefind.search(query);
  const out = [];
  for (const result of found.results) {
    const d = await result.data();
    out.push({url: d.url, excerpt: d.excerpt, content: d.content});
  }
  return out;
}"""


@pytest.fixture
def search(built_site, page):
    server = subprocess.Popen(
        [sys.executable, "-m", "eprep", "site", "serve", str(built_site), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = re.search(r"http://127\.0\.0\.1:\d+/", server.stdout.readline()).group(0)
        page.goto(f"{base}en/search.html")
        yield lambda query: page.evaluate(SEARCH_JS, query)
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stdout.close()


@pytest.mark.browser
def test_search_snippets_read_formulas_as_one_line(search):
    results = search("sigmoid")
    assert results
    excerpts = " ".join(r["excerpt"] for r in results)
    assert "1/(1+e⁻ˣ)" in excerpts or "1/(1 + e⁻ˣ)" in excerpts, excerpts[:500]
    assert "11+e" not in excerpts and "11+e" not in " ".join(r["content"] for r in results)


@pytest.mark.browser
def test_search_does_not_index_what_is_behind_show_the_answer(built_site, page, search):
    # The answer key of a question with a trap, known mistakes and a source, as Chromium shows it
    # once opened; none of its sentences may be in that page's search content.
    qid = "day2.vanishing.zero-init"
    path = built_site / "en" / "questions" / f"{qid}.html"
    results = search("zero initialisation weights")
    mine = [r for r in results if r["url"].endswith(f"/en/questions/{qid}.html")]
    assert mine, [r["url"] for r in results]
    content = mine[0]["content"]
    page.goto(path.resolve().as_uri())
    prompt = page.locator(".prompt").first.inner_text()
    assert prompt.split(".")[0].strip()[:30] in content  # the page itself is indexed
    key = page.locator("details.answer-key")
    key.locator("summary").click()
    hidden = [
        line.strip()
        for line in key.inner_text().splitlines()
        if len(line.strip()) > 25 and line.strip() not in prompt
    ]
    assert len(hidden) >= 3, hidden
    leaked = [line for line in hidden if line[:40] in content]
    assert not leaked, leaked
    # and no choice's feedback either (it says which choice is right)
    for r in results:
        assert "Right:" not in r["content"]
