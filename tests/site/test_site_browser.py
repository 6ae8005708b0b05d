"""The site in headless Chromium: self-check widgets, language switch, search, grammar corpus."""

from __future__ import annotations

import contextlib
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


def test_latex_answers_in_the_self_check_widget(built_site, page):
    page.goto(_topic_url(built_site, "fixture1.activations"))
    box = page.locator(f"{SIGMOID_Q} input.answer")
    result = page.locator(f"{SIGMOID_Q} > form .result")  # the typed form, not the exam form
    box.fill(r"\sigma(x)\left(1-\sigma(x)\right)")
    box.press("Enter")
    assert result.inner_text().startswith("Right.")
    box.fill(r"$\frac{d}{dx} \frac{1}{1+e^{-x}}$")
    box.press("Enter")
    assert result.inner_text().startswith("Right.")
    # the "read as" line shows how the LaTeX was understood, typeset (MathML from the parse)
    read_as = result.locator(".read-as")
    assert read_as.inner_text().startswith("Read as:")
    assert read_as.locator("math mfrac").count() >= 2  # d/dx and 1/(1+e^-x)
    box.fill("σ'(x)")
    box.press("Enter")
    assert result.inner_text().startswith("Right.")
    box.fill(r"\sigma(x)\left(1+\sigma(x)\right)")
    box.press("Enter")
    assert "known mistake" in result.inner_text()
    box.fill(r"\frac{1}{1+e^{-x}")
    box.press("Enter")
    assert "column 9" in result.inner_text() and "never closed" in result.inner_text()
    box.fill(r"\nabla x")
    box.press("Enter")
    assert "column 1" in result.inner_text() and "\\nabla" in result.inner_text()


LATEX_CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "latex.json"
_POINTS = 8

# The self-check's comparison (static/selfcheck.js): the learner's formula evaluated at the
# build-time points against the key's values there (rel 1e-6, abs 1e-9), undefined key points
# skipped.
JS_LATEX_VERDICTS = """cases => cases.map(c => {
  let tree;
  try { tree = EprepGrammar.parse(c.text, {variables: c.variables}); }
  catch (e) {
    if (e instanceof EprepGrammar.GrammarError) return {verdict: "refused", position: e.position};
    throw e;
  }
  let compared = 0;
  for (let k = 0; k < c.points.length; k++) {
    if (c.key[k] === null) continue;
    let got;
    try { got = EprepGrammar.evaluate(tree, c.points[k]); }
    catch (e) { return {verdict: "different"}; }
    const tolerance = Math.max(1e-6 * Math.abs(c.key[k]), 1e-9);
    if (Math.abs(got - c.key[k]) > tolerance) return {verdict: "different"};
    compared++;
  }
  return {verdict: compared > 0 ? "equivalent" : "no points"};
})"""


def _self_check_data(case: dict) -> dict:
    """What the site's build computes for a question: points and the key's values there."""
    import random

    from eprep.grammar import EvaluationError, GrammarError, evaluate, free_symbols, parse

    expected = parse(case["expected"])
    names = set(free_symbols(expected))
    with contextlib.suppress(GrammarError):
        names |= free_symbols(parse(case["text"]))
    rng = random.Random(case["text"])
    points, key = [], []
    for _ in range(_POINTS):
        # positive values for an assumed-positive variable, mixed signs otherwise
        point = {
            name: round(rng.uniform(0.1, 3.0) if case.get("assume") else rng.uniform(-2.0, 2.0), 4)
            for name in sorted(names)
        }
        try:
            key.append(evaluate(expected, point))
        except EvaluationError:
            key.append(None)
        points.append(point)
    return {"text": case["text"], "variables": sorted(names), "points": points, "key": key}


def test_latex_corpus_judged_by_the_self_check(built_site, page):
    cases = json.loads(LATEX_CORPUS.read_text(encoding="utf-8"))["cases"]
    page.goto((built_site / "en" / "index.html").resolve().as_uri())
    data = [_self_check_data(case) for case in cases]
    verdicts = page.evaluate(JS_LATEX_VERDICTS, data)
    assert len(verdicts) == len(cases) >= 60
    for case, got in zip(cases, verdicts, strict=True):
        assert got["verdict"] == case["verdict"], (case, got)
        if case["verdict"] == "refused":
            assert got["position"] == case["position"], (case, got)


_FUZZ_ENV = {"x": 0.7, "y": -1.3, "alpha": 0.2, "beta_1": 0.9, "x_i": 0.3, "x_hat": 0.4}


def _latex_expr(rng, depth: int = 0) -> str:
    """A random formula in LaTeX and the notations (valid by construction, before mutation)."""
    atoms = ["x", "y", "2", "0.5", r"\alpha", r"\beta_1", "x_{i}", r"\hat{x}", r"\pi", "e"]
    if depth > 3 or rng.random() < 0.3:
        return rng.choice(atoms)
    a, b = _latex_expr(rng, depth + 1), _latex_expr(rng, depth + 1)
    forms = [
        rf"\frac{{{a}}}{{{b}}}", rf"\sqrt{{{a}}}", rf"\left({a}\right)^{{2}}", f"{a} + {b}",
        rf"{a} \cdot {b}", f"{a} - {b}", rf"e^{{{a}}}", rf"\tanh({a})", rf"\tanh^2({a})",
        rf"\exp\left({a}\right)", r"\sigma'(x)", rf"\frac{{d}}{{dx}}\left({a}\right)",
        rf"\left|{a}\right|", rf"\sqrt[3]{{{a}}}", f"√({a})", rf"\mathrm{{softplus}}({a})",
        rf"{{{a}}}\,{{{b}}}", rf"\dfrac{{1}}{{1+e^{{-{a}}}}}",
    ]  # fmt: skip
    return rng.choice(forms)


def _fuzz_cases(count: int) -> list[str]:
    import random

    rng = random.Random(15)
    texts = []
    for _ in range(count):
        text = _latex_expr(rng)
        if rng.random() < 0.4 and text:  # a typo: drop, double or swap one character
            k = rng.randrange(len(text))
            text = rng.choice([text[:k] + text[k + 1 :], text[:k] + text[k] + text[k:],
                               text[:k] + "}" + text[k:], text[:k] + "{" + text[k:]])  # fmt: skip
        texts.append(text)
    return texts


def test_tex_reader_twins_agree_on_generated_input(built_site, page):
    """Python and JS read 1500 generated LaTeX formulas (40% with a typo) the same way."""
    texts = _fuzz_cases(1500)
    variables = sorted(_FUZZ_ENV)
    cases = [{"text": t, "variables": variables, "env": _FUZZ_ENV} for t in texts]
    page.goto((built_site / "en" / "index.html").resolve().as_uri())
    browser = page.evaluate(JS_OUTCOMES, cases)
    kinds = set()
    for case, js in zip(cases, browser, strict=True):
        py = _python_outcome(case)
        kinds.add("value" if "value" in py else py["error"])
        if "value" in py:
            assert "value" in js, (case["text"], py, js)
            assert math.isclose(py["value"], js["value"], rel_tol=1e-9, abs_tol=1e-12), case["text"]
        else:
            assert js == py, (case["text"], py, js)
    assert kinds == {"value", "parse", "eval"}


def test_notation_guide_page_in_both_languages(built_site, page):
    page.goto((built_site / "en" / "index.html").resolve().as_uri())
    page.get_by_role("link", name="Writing formulas").click()
    page.wait_for_load_state()
    assert page.url.endswith("/en/notation.html")
    text = page.locator("main").inner_text()
    assert "\\frac{a}{b}" in text and "assume x: positive" in text and "d/dx sigmoid(x)" in text
    page.locator("[data-lang-switch=ja]").click()
    page.wait_for_load_state()
    assert page.url.endswith("/ja/notation.html")
    assert "導出ファイル" in page.locator("main").inner_text()


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
    assert result.inner_text().strip() == "正解。"
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
