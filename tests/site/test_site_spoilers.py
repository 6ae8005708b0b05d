"""Nothing that gives the answer away sits outside "Show the answer": not the trap, not the known
mistakes, not how the key was proven or its source (issue 14, `day2.optimizers.adam-eps-code`)."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import pytest

REVEALING = ("trap", "mistakes", "proof", "source")


class _Outside(HTMLParser):
    """Collects the revealing classes found outside every `<details class="answer-key">`."""

    VOID: ClassVar[set[str]] = {
        "br",
        "img",
        "input",
        "meta",
        "link",
        "hr",
        "wbr",
        "source",
        "col",
        "area",
        "base",
    }

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[bool] = []  # per open element: is it an answer-key <details>?
        self.outside: list[str] = []
        self.inside: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        hidden_here = any(self.stack)
        for name in REVEALING:
            if name in classes:
                (self.inside if hidden_here else self.outside).append(name)
        if tag not in self.VOID:
            self.stack.append(tag == "details" and "answer-key" in classes)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.stack:
            self.stack.pop()


def _scan(path: Path) -> _Outside:
    parser = _Outside()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_every_question_and_topic_page_hides_what_reveals_the_answer(built_site, bank) -> None:
    checked = 0
    for lang in ("en", "ja"):
        pages = [*(built_site / lang / "questions").glob("*.html")]
        pages += [*(built_site / lang / "topics").glob("*.html")]
        for page in pages:
            parser = _scan(page)
            assert not parser.outside, f"{page.relative_to(built_site)}: {parser.outside} shown"
            checked += 1
    assert checked >= 2 * len(bank.questions)
    # and they are still there, behind the toggle
    trap = next(q for q in bank.questions if q.trap is not None)
    inside = _scan(built_site / "en" / "questions" / f"{trap.id}.html").inside
    assert {"trap", "proof", "source"} <= set(inside)


def _question_with_mistakes(bank):
    return next(q for q in bank.questions if getattr(q, "mistakes", None))


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_spoilers_appear_only_after_show_the_answer(built_site, bank, page, screenshot, lang):
    from eprep.site.i18n import STRINGS

    s = STRINGS[lang]
    for question in (bank.get("day2.optimizers.adam-eps-code"), _question_with_mistakes(bank)):
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto((built_site / lang / "questions" / f"{question.id}.html").resolve().as_uri())
        key = page.locator("details.answer-key").first
        # (CSS, not roles: the accessibility tree leaves out what a closed <details> hides)
        revealing = [page.locator(".source").first, page.locator(".proof").first]
        if question.trap is not None:
            revealing.append(page.locator(".trap").first)
        if getattr(question, "mistakes", None):
            revealing.append(page.locator(".mistakes", has_text=s["mistakes"]).first)
        for locator in revealing:
            assert locator.count() == 1 and not locator.is_visible(), question.id
        screenshot(page, f"spoilers-closed-{lang}-{question.id}")
        key.locator("summary").click()
        for locator in revealing:
            assert locator.is_visible(), question.id
        screenshot(page, f"spoilers-open-{lang}-{question.id}")
