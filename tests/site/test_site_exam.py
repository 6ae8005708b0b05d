"""The site's mock exam in headless Chromium from file://: a 5-item paper sat with scripted answers
(right, wrong, one flagged and changed, one skipped), its report checked against scores the test
computes itself from the bank's exam items, the history kept in localStorage across a reload, a
time-out that submits what was answered, and the page's drawing rules against the CLI's."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest

from eprep.checker.exam import exam_item
from eprep.exam.paper import WEIGHTS_FILE, allocate, load_weights, pool_questions
from eprep.questions.syllabus import current

pytestmark = pytest.mark.browser

COUNT = 5


def _data(site: Path, lang: str = "en") -> dict:
    text = (site / lang / "exam-data.js").read_text(encoding="utf-8")
    match = re.fullmatch(r"window\.EPREP_EXAM = (\{.*\});\n", text, re.S)
    assert match, "exam-data.js is not one assignment of a JSON object"
    return json.loads(match.group(1))


def _url(site: Path, lang: str = "en", **query: int) -> str:
    uri = (site / lang / "exam.html").resolve().as_uri()
    return uri + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _key(bank, question_id: str, k: int, lang: str = "en") -> list[int]:
    """The correct option of each group, from the bank's own exam item (not from the page)."""
    item = exam_item(bank.get(question_id).variant(k, exam=True), lang)
    return [next(i for i, o in enumerate(g.options) if o.correct) for g in item.groups]


def _owners(bank) -> dict[str, str]:
    syllabus = current()
    weights = load_weights(syllabus)
    return {
        q.id: weights.owner(q.syllabus, syllabus)
        for q in bank.questions
        if weights.owner(q.syllabus, syllabus)
    }


def test_exam_data_exports_the_weights_file_and_the_clis_pools(built_site, bank):
    data = _data(built_site)
    # the weights as the file says them (read here with tomllib, not through the loader)
    raw = tomllib.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))["weight"]
    assert data["weights"] == [{"area": w["area"], "share": float(w["share"])} for w in raw]
    syllabus = current()
    assert data["titles"]["dl-basics"] == syllabus.full_title("dl-basics").get("en")
    assert _data(built_site, "ja")["titles"]["math"] == syllabus.full_title("math").get("ja")
    pools = pool_questions(bank.questions, syllabus, load_weights(syllabus))
    expected = {q.id: area for area, pool in pools.by_area.items() for q in pool}
    assert {q["id"]: q["area"] for q in data["questions"]} == expected
    assert data["outside"] == len(pools.outside) > 0  # the fixture bank has no syllabus areas
    for entry in data["questions"][::7]:
        for variant in entry["variants"]:
            assert variant["correct"] == _key(bank, entry["id"], variant["k"])


def _seed_with_blanks(page, data: dict) -> int:
    """The first seed whose 5-item paper has a multi-blank listing as item 3 (answered wrong in
    its last blank only: right in the first blank is not right)."""
    variants = {q["id"]: q for q in data["questions"]}
    for seed in range(1, 3000):
        items = page.evaluate(f"() => EprepExam.drawPaper(EPREP_EXAM, {COUNT}, {seed}).items")
        if len(variants[items[2]["id"]]["variants"][0]["groups"]) > 1:
            return seed
    raise AssertionError("no seed below 3000 draws a listing with several blanks as item 3")


def _item(page) -> tuple[str, int]:
    box = page.locator("#exam-item")
    return box.get_attribute("data-question"), int(box.get_attribute("data-variant"))


def _answer(page, picks: list[int]) -> None:
    for group, option in enumerate(picks):
        page.locator(f'#exam-item fieldset[data-group="{group}"] input[value="{option}"]').check()


def _wrong(page, key: list[int]) -> list[int]:
    """The key with its last group's pick moved to the next option of that group."""
    sizes = page.evaluate(
        "() => [...document.querySelectorAll('#exam-item fieldset')].map("
        "f => f.querySelectorAll('input').length)"
    )
    assert len(sizes) == len(key)
    return [*key[:-1], (key[-1] + 1) % sizes[-1]]


def test_a_five_item_paper_from_file_url(built_site, bank, page, screenshot):
    data = _data(built_site)
    page.goto(_url(built_site))
    seed = _seed_with_blanks(page, data)
    page.goto(_url(built_site, seed=seed, count=COUNT, minutes=30))
    page.click("#exam-start-button")
    assert page.locator("#exam-position").inner_text() == "Item 1/5"
    assert re.fullmatch(r"Time left 0:(30:00|29:5\d)", page.locator("#exam-timer").inner_text())

    # Right: 1, 2 (wrong first, flagged, then changed), 5.  Wrong: 3.  Skipped: 4.
    paper, keys = [], []
    plan = {1: "right", 2: "wrong", 3: "wrong", 4: "skip", 5: "right"}
    for number in range(1, COUNT + 1):
        assert page.locator("#exam-position").inner_text() == f"Item {number}/5"
        question_id, k = _item(page)
        paper.append((question_id, k))
        keys.append(_key(bank, question_id, k))
        if plan[number] != "skip":
            _answer(page, keys[-1] if plan[number] == "right" else _wrong(page, keys[-1]))
        if number == 2:
            page.click("#exam-flag")
            assert page.locator("#exam-flag-state").inner_text() == "[flagged]"
        page.click("#exam-next")
    assert page.locator("#exam-position").inner_text() == "Item 1/5"  # Next wraps round
    assert page.locator("#exam-report").is_hidden()
    text = page.locator("main").inner_text()
    assert "Right" not in text and "Wrong" not in text and "Score" not in text  # no feedback

    page.click('#exam-grid button[data-item="2"]')  # back to item 2 by its number
    assert page.locator("#exam-flag-state").inner_text() == "[flagged]"
    wrong = _wrong(page, keys[1])
    checked = page.locator("#exam-item fieldset input:checked")
    assert [c.get_attribute("value") for c in checked.all()] == [str(w) for w in wrong]
    _answer(page, keys[1])
    grid = page.locator("#exam-grid button")
    assert [grid.nth(i).get_attribute("class") for i in range(COUNT)] == [
        "answered", "answered flagged", "answered", "unanswered", "answered",
    ]  # fmt: skip

    page.click("#exam-to-review")
    assert page.locator("#exam-review-line").inner_text() == ("Answered 4, unanswered 1, flagged 1")
    assert page.locator('[data-list="unanswered"] button').all_inner_texts() == ["4"]
    assert page.locator('[data-list="flagged"] button').all_inner_texts() == ["2"]
    page.click("#exam-submit")

    # the report against the test's own count
    owners = _owners(bank)
    right = {1, 2, 5}
    report = page.locator("#exam-report")
    assert report.get_attribute("data-right") == "3"
    assert report.get_attribute("data-unanswered") == "1"
    assert page.locator("#exam-score").inner_text() == "Score: 3/5 (60%), 1 unanswered"
    areas: dict[str, list[int]] = {}
    topics: dict[str, list[int]] = {}
    for number, (question_id, _) in enumerate(paper, 1):
        question = bank.get(question_id)
        for table, key in (
            (areas, owners[question_id]),
            (topics, f"{question.day}.{question.topic}"),
        ):
            table.setdefault(key, [0, 0])
            table[key][0] += number in right
            table[key][1] += 1
    shown_areas = {
        row.get_attribute("data-area"): [
            int(row.get_attribute("data-right")), int(row.get_attribute("data-items"))
        ]
        for row in page.locator("#exam-report tr[data-area]").all()
    }  # fmt: skip
    assert shown_areas == areas
    # the paper's share per area is the CLI's allocation of 5 items
    syllabus = current()
    weights = load_weights(syllabus)
    pools = pool_questions(bank.questions, syllabus, weights)
    quota = allocate(COUNT, weights.shares, {a: len(p) for a, p in pools.by_area.items()})
    assert {a: n for a, (_, n) in areas.items()} == {a: n for a, n in quota.items() if n}
    shown_topics = {
        row.get_attribute("data-topic"): [
            int(row.get_attribute("data-right")), int(row.get_attribute("data-items"))
        ]
        for row in page.locator("#exam-report tr[data-topic]").all()
    }  # fmt: skip
    assert shown_topics == topics
    missed = page.locator("#exam-report article.exam-missed")
    assert [m.get_attribute("data-number") for m in missed.all()] == ["3", "4"]
    # item 3's key as shown is the option the bank's exam item marks correct
    entry = next(q for q in data["questions"] if q["id"] == paper[2][0])
    written = next(v for v in entry["variants"] if v["k"] == paper[2][1])
    shown = missed.nth(0).locator(".exam-key .option-body").all()
    assert len(shown) == len(keys[2]) > 1
    for group, (node, key) in enumerate(zip(shown, keys[2], strict=True)):
        assert node.inner_html() == written["groups"][group]["options"][key]
    assert "unanswered" in missed.nth(1).locator(".exam-yours").first.inner_text()
    assert missed.nth(0).locator(".explanation").inner_text().strip()
    screenshot(page, "exam-report")

    # the history survives a reload, in localStorage and in the table
    page.reload()
    stored = page.evaluate("() => JSON.parse(localStorage.getItem('eprep-exam-history'))")
    assert len(stored) == 1
    entry = stored[0]
    assert (entry["seed"], entry["right"], entry["items"], entry["unanswered"]) == (seed, 3, 5, 1)
    assert entry["areas"] == areas and entry["timed_out"] is False
    rows = page.locator("#exam-history tr[data-seed]")
    assert rows.count() == 1 and rows.first.get_attribute("data-seed") == str(seed)
    assert "3/5 (60%)" in rows.first.inner_text()
    assert page.evaluate("() => localStorage.getItem('eprep-exam-current')") is None

    # the same seed draws the same paper
    page.goto(_url(built_site, seed=seed, count=COUNT, minutes=30))
    page.click("#exam-start-button")
    assert _item(page) == paper[0]
    again = page.evaluate(f"() => EprepExam.drawPaper(EPREP_EXAM, {COUNT}, {seed}).items")
    assert [(i["id"], i["k"]) for i in again] == paper


def test_time_out_submits_what_was_answered_in_japanese(built_site, bank, page):
    page.clock.install()
    page.goto(_url(built_site, "ja", seed=11, count=COUNT, minutes=1))
    page.click("#exam-start-button")
    assert page.locator("#exam-position").inner_text() == "第 1 問 / 全 5 問"
    _answer(page, _key(bank, *_item(page), "ja"))
    page.clock.run_for(20_000)
    assert re.fullmatch(r"残り時間 0:00:(39|40|41)", page.locator("#exam-timer").inner_text())
    page.clock.run_for(41_000)  # past the minute, while the learner does nothing
    assert page.locator("#exam-report").is_visible()
    assert (
        page.locator("#exam-time-up").inner_text()
        == "試験時間が終了した。解答済みの問題を提出した。"
    )
    assert page.locator("#exam-score").inner_text() == "得点：1/5（20%）、未解答 4 問"
    stored = page.evaluate("() => JSON.parse(localStorage.getItem('eprep-exam-history'))")
    assert stored[-1]["timed_out"] is True and stored[-1]["seconds"] == 60


def test_an_unfinished_paper_continues_after_a_reload(built_site, bank, page):
    page.goto(_url(built_site, seed=3, count=COUNT, minutes=30))
    page.click("#exam-start-button")
    first = _item(page)
    wrong = _wrong(page, _key(bank, *first))
    _answer(page, wrong)
    page.click("#exam-next")
    page.reload()
    assert page.locator("#exam-paper").is_hidden()
    page.click("#exam-resume")
    assert page.locator("#exam-position").inner_text() == "Item 2/5"
    page.click('#exam-grid button[data-item="1"]')
    assert _item(page) == first
    checked = page.locator("#exam-item fieldset input:checked")
    assert [c.get_attribute("value") for c in checked.all()] == [str(w) for w in wrong]


def test_the_weights_table_shows_the_file_and_the_pools(built_site, bank, page):
    page.goto(_url(built_site))
    raw = tomllib.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))["weight"]
    syllabus = current()
    pools = pool_questions(bank.questions, syllabus, load_weights(syllabus))
    rows = page.locator("#exam-weights-table tr[data-area]")
    shown = [
        (r.get_attribute("data-area"), *r.locator("td").all_text_contents()[1:]) for r in rows.all()
    ]
    assert shown == [(w["area"], str(w["share"]), str(len(pools.by_area[w["area"]]))) for w in raw]


def test_bad_settings_are_refused_in_one_line(built_site, page):
    page.goto(_url(built_site, count=0))
    page.click("#exam-start-button")
    assert page.locator("#exam-setup-error").inner_text() == (
        "Items must be a whole number from 1 to 1000."
    )
    assert page.locator("#exam-paper").is_hidden()


@pytest.mark.parametrize("count", [1, 3, 5, 17, 100, 250, 1000])
def test_the_pages_allocation_is_the_clis(built_site, page, count):
    """The JavaScript port of `allocate` against the Python one, on the bank and on short pools."""
    page.goto(_url(built_site))
    shares = {"a": 10.0, "b": 10.0, "c": 50.0, "d": 25.0, "e": 5.0}
    for available in (
        {"a": 40, "b": 30, "c": 200, "d": 2, "e": 0},
        {"a": 1, "b": 1, "c": 1, "d": 1, "e": 1},
        {"a": 0, "b": 7, "c": 3, "d": 90, "e": 9},
    ):
        js = page.evaluate(
            "([c, s, a]) => EprepExam.allocate(c, s, a)",
            [count, [[k, v] for k, v in shares.items()], available],
        )
        assert js == allocate(count, shares, available)


def test_the_exam_page_fits_a_phone(built_site, bank, page):
    """At 390 px the paper, the report and the history table never make the page scroll sideways."""
    page.set_viewport_size({"width": 390, "height": 800})
    width = "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
    page.goto(_url(built_site, seed=2, count=COUNT, minutes=30))
    assert page.evaluate(width) <= 390
    page.click("#exam-start-button")
    for _ in range(COUNT):
        assert page.evaluate(width) <= 390, _item(page)
        page.click("#exam-next")
    page.click("#exam-to-review")
    page.click("#exam-submit")
    assert page.locator("#exam-report").is_visible()
    page.reload()  # the history table, with one paper
    assert page.locator("#exam-history tr[data-seed]").count() == 1
    assert page.evaluate(width) <= 390


def test_the_pages_report_is_the_clis_report(built_site, bank, page):
    """A 40-item paper drawn and graded in the page, graded again by `eprep.exam.report`."""
    from eprep.exam.paper import Paper, PaperItem
    from eprep.exam.report import Answer, grade_paper

    page.goto(_url(built_site))
    items = page.evaluate("() => EprepExam.drawPaper(EPREP_EXAM, 40, 5).items")
    owners = _owners(bank)
    answers_js, answers_py = {}, {}
    for number, item in enumerate(items, 1):
        if number % 5 == 0:
            continue  # unanswered
        key = _key(bank, item["id"], item["k"])
        picks = key if number % 3 else [(key[0] + 1) % 2, *key[1:]]
        answers_js[number] = picks
        answers_py[number] = Answer(picks == key)
    js = page.evaluate(
        "([items, answers]) => EprepExam.grade(EPREP_EXAM, items, answers)", [items, answers_js]
    )
    paper = Paper(
        5,
        tuple(PaperItem(n, i["id"], i["k"], owners[i["id"]]) for n, i in enumerate(items, 1)),
        40, (), (), (),
    )  # fmt: skip
    py = grade_paper(paper, bank, current(), answers_py)
    assert (js["right"], js["items"], js["unanswered"]) == (py["right"], 40, py["unanswered"])
    assert [(a["id"], a["right"], a["items"]) for a in js["areas"]] == [
        (a["id"], a["right"], a["items"]) for a in py["areas"]
    ]
    assert [(t["topic"], t["right"], t["items"]) for t in js["topics"]] == [
        (t["topic"], t["right"], t["items"]) for t in py["topics"]
    ]
    assert [t["topic"] for t in js["weakest"]] == [t["topic"] for t in py["weakest"]]
    assert js["missed"] == py["missed"]
