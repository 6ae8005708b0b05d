"""The site in headless Chromium: self-check widgets, language switch, search, grammar corpus."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "expressions.json"
SIGMOID_Q = "#q-fixture1-activations-sigmoid-derivative"
RELU_Q = "#q-fixture1-activations-relu-gradient"


def _topic_url(site: Path, name: str, lang: str = "en") -> str:
    return (site / lang / "topics" / f"{name}.html").resolve().as_uri()


def test_choice_question_wrong_then_right_from_file_url(built_site, page, screenshot):
    page.goto(_topic_url(built_site, "fixture1.activations"))
    form = page.locator(f"{RELU_Q} form")
    result = form.locator(".result")
    form.get_by_role("radio", name="x", exact=True).check()
    form.get_by_role("button").click()
    assert "Wrong." in result.inner_text()
    assert "the value of ReLU, not its slope" in result.inner_text()
    # Keyboard only: focus the checked radio, arrow to another option, Enter submits the form.
    form.get_by_role("radio", name="x", exact=True).focus()
    for _ in range(3):
        if form.locator("input[type=radio]:checked + .option-body").inner_text().strip() == "1":
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert "Right." in result.inner_text() and "slope 1" in result.inner_text()
    assert "right" in result.get_attribute("class")
    screenshot(page, "choice-right")


def test_expression_rewrite_known_mistake_and_garbage(built_site, page, screenshot):
    page.goto(_topic_url(built_site, "fixture1.activations"))
    box = page.locator(f"{SIGMOID_Q} input.answer")
    result = page.locator(f"{SIGMOID_Q} > form .result")  # the typed form, not the exam form
    # An equivalent rewrite: e^-x/(1+e^-x)^2 equals sigmoid(x)(1 - sigmoid(x)).
    box.fill("exp(-x)/(1+exp(-x))^2")
    box.press("Enter")
    assert result.inner_text().strip() == "Right."
    box.fill("σ(x)(1 + σ(x))")
    box.press("Enter")
    text = result.inner_text()
    assert "known mistake" in text and "Sign slip" in text
    screenshot(page, "expression-known-mistake")
    box.fill("x^2")
    box.press("Enter")
    text = result.inner_text()
    assert text.startswith("Wrong: at x=") and "expected" in text
    box.fill("sigmoid(x)*(1 - ))")
    box.press("Enter")
    text = result.inner_text()
    assert "column 17" in text and "unexpected ')'" in text
    screenshot(page, "expression-garbage")
    box.fill("sigmoid(z)")
    box.press("Enter")
    assert "unknown name 'z'" in result.inner_text()


def test_numeric_question_uses_the_tolerance(built_site, bank, page):
    values = bank.get("fixture2.cnn.output-height").variant(0).values
    expected = (values["H"] + 2 * values["P"] - values["F"]) // values["S"] + 1
    page.goto(
        (built_site / "en" / "questions" / "fixture2.cnn.output-height.html").resolve().as_uri()
    )
    box = page.locator("input.answer")
    result = page.locator("section.question > form .result")
    box.fill(str(expected * (1 + 5e-4)))  # inside the bank's default rel 1e-3
    box.press("Enter")
    assert result.inner_text().strip() == "Right."
    box.fill(str(expected - 1))
    box.press("Enter")
    assert "+1 is missing" in result.inner_text()
    box.fill(str(expected + 3))
    box.press("Enter")
    assert result.inner_text().startswith("Wrong")


def test_language_switch(built_site, page, screenshot):
    page.goto(_topic_url(built_site, "fixture1.activations"))
    page.locator("[data-lang-switch=ja]").click()
    page.wait_for_load_state()
    assert page.url.endswith("/ja/topics/fixture1.activations.html")
    assert page.locator("html").get_attribute("lang") == "ja"
    assert "活性化関数" in page.locator("h1").inner_text()
    page.locator(f"{RELU_Q} input[type=radio]").first.check()
    page.locator(f"{RELU_Q} button").click()
    assert "です" in page.locator(f"{RELU_Q} .result").inner_text()
    screenshot(page, "japanese")
    page.locator("[data-lang-switch=en]").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"


def test_search_over_site_serve_and_follow_a_result(built_site, page, screenshot):
    # The real command, in its own process: `eprep site serve DIR --port 0` prints the URL it bound.
    server = subprocess.Popen(
        [sys.executable, "-m", "eprep", "site", "serve", str(built_site), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        line = server.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert match, line
        base = match.group(0)
        page.goto(f"{base}en/search.html")
        page.locator("#search input").fill("dropout")
        first = page.locator(".pagefind-ui__result-link").first
        first.wait_for(timeout=15000)
        screenshot(page, "search")
        first.click()
        page.wait_for_load_state()
        assert page.url.startswith(f"{base}en/") and page.url.endswith(".html")
        assert "dropout" in page.locator("main").inner_text().lower()
        page.goto(f"{base}ja/search.html")
        page.locator("#search input").fill("活性化関数")
        page.locator(".pagefind-ui__result-link").first.wait_for(timeout=15000)
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stdout.close()


def _python_outcome(case: dict) -> dict:
    from eprep.grammar import EvaluationError, GrammarError, evaluate, parse

    try:
        tree = parse(case["text"], variables=case["variables"])
    except GrammarError as error:
        return {"error": "parse", "position": error.position}
    try:
        return {"value": evaluate(tree, case["env"])}
    except EvaluationError:
        return {"error": "eval"}


JS_OUTCOMES = """cases => cases.map(c => {
  let tree;
  try { tree = EprepGrammar.parse(c.text, {variables: c.variables}); }
  catch (e) {
    if (e instanceof EprepGrammar.GrammarError) return {error: "parse", position: e.position};
    throw e;
  }
  try { return {value: EprepGrammar.evaluate(tree, c.env)}; }
  catch (e) { if (e instanceof EprepGrammar.EvaluationError) return {error: "eval"}; throw e; }
})"""


def test_shared_corpus_agrees_between_python_and_browser(built_site, page):
    cases = json.loads(CORPUS.read_text(encoding="utf-8"))["cases"]
    page.goto((built_site / "en" / "index.html").resolve().as_uri())
    js = page.evaluate(JS_OUTCOMES, cases)
    assert len(js) == len(cases) >= 100
    for case, py, browser in zip(cases, (_python_outcome(c) for c in cases), js, strict=True):
        if "value" in py:
            assert "value" in browser, (case["text"], browser)
            assert math.isclose(py["value"], browser["value"], rel_tol=1e-9, abs_tol=1e-12), case[
                "text"
            ]
            # And both match the value derived by hand when the corpus was written.
            assert math.isclose(py["value"], case["value"], rel_tol=1e-9, abs_tol=1e-12), case[
                "text"
            ]
        else:
            assert browser == py, (case["text"], py, browser)
            assert case.get("error") or case.get("eval_error"), case["text"]
            if "position" in case:
                assert py["position"] == case["position"], case["text"]


def test_exam_form_behind_its_toggle_and_a_multi_blank_listing(built_site, bank, page, screenshot):
    question = bank.get("day2.cnn.output-height")
    values = question.variant(0, exam=True).values
    # oracle: count the filter's positions over the padded input (not the key's formula)
    padded = values["H"] + 2 * values["P"]
    positions = len(range(0, padded - values["F"] + 1, values["S"]))
    page.goto((built_site / "ja" / "questions" / f"{question.id}.html").resolve().as_uri())
    toggle = page.locator("details.exam-toggle")
    form = toggle.locator("form.exam-form")
    assert not form.is_visible()  # behind the toggle
    toggle.locator("summary").click()
    assert "正しい値を選べ。" in form.inner_text()
    labels = form.locator("label.option")
    texts = [labels.nth(i).inner_text().strip() for i in range(labels.count())]
    assert labels.count() == 4 and str(positions) in texts
    wrong = next(i for i, t in enumerate(texts) if t != str(positions))
    labels.nth(wrong).locator("input").check()
    form.get_by_role("button").click()
    result = form.locator(".result")
    assert "不正解" in result.inner_text() and result.locator(".feedback").count() == 1
    labels.nth(texts.index(str(positions))).locator("input").check()
    form.get_by_role("button").click()
    assert result.inner_text().strip() == "正解です。"
    screenshot(page, "exam-form")

    # A listing with several blanks: each blank is its own radio group, judged together.
    listing = bank.get("day2.optimizers.momentum-code")
    assert [b.label for b in listing.blanks] == ["あ", "い"]
    page.goto(_topic_url(built_site, "day2.optimizers"))
    code_form = page.locator("#q-day2-optimizers-momentum-code form.selfcheck").first
    blanks = code_form.locator("fieldset.blank")
    assert blanks.count() == 2

    def pick(blank: int, code: str) -> None:
        options = blanks.nth(blank).locator("label.option")
        for i in range(options.count()):
            if options.nth(i).inner_text().strip() == code:
                options.nth(i).locator("input").check()
                return
        raise AssertionError(f"no option {code!r} in blank {blank}")

    pick(0, "self.momentum * self.v[key] - self.lr * grads[key]")
    pick(1, "-= self.v[key]")
    code_form.get_by_role("button").click()
    text = code_form.locator(".result").inner_text()
    assert "Wrong." in text and "(い)" in text and "minus sign" in text
    pick(1, "+= self.v[key]")
    code_form.get_by_role("button").click()
    assert code_form.locator(".result").inner_text().strip() == "Right."
