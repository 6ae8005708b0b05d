"""The export's parts on their own: exam options, markup safety, plots modes, write failures."""

from __future__ import annotations

import dataclasses
import sqlite3

import pytest

from .conftest import load_fixture_bank


def test_exam_options_come_from_the_key_and_distinct_mistakes():
    from eprep.export.exam import exam_options
    from eprep.questions import Mistake, Text

    question = load_fixture_bank().get("exportday.optim.sgd-step")
    variant = question.variant(0)
    options = exam_options(question, variant)
    assert options is not None and len(options) == 4
    assert sum(o.correct for o in options) == 1
    assert {o.value for o in options} == {"w - lr*g", "w + lr*g", "w - g", "-lr*g"}
    assert exam_options(question, variant) == options  # the same order every time
    # A mistake that prints as the same number as another is one choice, not two.
    twin = Mistake("w + g*lr", Text({"en": "same as gradient ascent"}))
    doubled = dataclasses.replace(question, mistakes=(question.mistakes[0], twin))
    assert len(exam_options(doubled, doubled.variant(0))) == 2
    assert exam_options(dataclasses.replace(question, mistakes=()), variant) is None
    choice = load_fixture_bank().get("exportday.cnn.padding-purpose")
    assert exam_options(choice, choice.variant(0)) is None


def test_markup_escapes_html_and_leaves_code_dollars_alone():
    from eprep.export.markup import Markup

    md = Markup()
    out = md.block("<script>alert(1)</script> costs `$5` and $a<b$; ```$x$```")
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "<code>$5</code>" in out and "\\(a&lt;b\\)" in out
    assert "<code>$x$</code>" in out
    assert md.inline("$$x^2$$") == '<span class="math display">\\[x^2\\]</span>'


def test_quick_mode_runs_only_missing_examples_and_says_so(tmp_path, monkeypatch):
    import eprep.examples
    from eprep.export.plots import gather_plots

    monkeypatch.setenv("EPREP_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(eprep.examples, "names", lambda: ["dropout", "perceptron"])
    cached = gather_plots("cached")
    assert cached.examples == () and cached.missing == ("dropout", "perceptron")
    assert "--run-examples quick" in cached.report()

    quick = gather_plots("quick")
    assert quick.ran == ("dropout", "perceptron") and not quick.missing
    assert "run now in quick mode: dropout, perceptron" in quick.report()
    again = gather_plots("cached")
    assert again.ran == () and [e.example for e in again.examples] == ["dropout", "perceptron"]
    assert [p.name for e in again.examples for p in e.plots] == [
        p.name for e in quick.examples for p in e.plots
    ]  # the drawn SVGs are served from the cache, byte for byte
    assert gather_plots("none").report() == "plots: none (--run-examples none)"


def test_a_failing_write_is_one_error_and_leaves_nothing(tmp_path, monkeypatch):
    import genanki

    from eprep.errors import EprepError
    from eprep.export import run_export

    def full_disk(self, file, timestamp=None):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(genanki.Package, "write_to_file", full_disk)
    with pytest.raises(EprepError, match="disk is full") as raised:
        run_export("anki", load_fixture_bank(), [], tmp_path / "x.apkg", run_examples="none")
    assert "\n" not in str(raised.value)
    assert list(tmp_path.iterdir()) == []


def test_every_card_label_is_in_both_languages_and_used():
    from pathlib import Path

    from eprep.export.labels import LABELS

    assert set(LABELS["en"]) == set(LABELS["ja"])
    source = (Path(__file__).resolve().parents[2] / "eprep" / "export" / "notes.py").read_text()
    for key in LABELS["en"]:
        assert f'"{key}"' in source or f"'{key}'" in source, f"unused label {key}"
    for text in LABELS["ja"].values():  # the exam's register, not a polite request
        assert "ください" not in text


def test_an_unusable_cached_result_is_left_out_not_a_crash(tmp_path, monkeypatch):
    import eprep.examples
    from eprep.examples.cache import _store, cache_key
    from eprep.export.plots import gather_plots

    monkeypatch.setenv("EPREP_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(eprep.examples, "names", lambda: ["dropout"])
    # A result under the right key but of another shape (an older example's, say).
    _store("dropout", True, 0, cache_key("dropout", True, 0), {"unexpected": [1, 2]})
    plots = gather_plots("cached")
    assert plots.examples == () and plots.unusable == ("dropout",)
    assert "cached result unusable, left out: dropout" in plots.report()
    drawn = tmp_path / "cache" / "examples" / "export-plots"
    assert not drawn.exists() or not list(drawn.iterdir())  # no half-drawn folder left behind


def test_a_key_that_does_not_evaluate_names_the_question(tmp_path):
    from eprep.errors import EprepError
    from eprep.export import run_export

    topic = tmp_path / "bank" / "bad" / "t.toml"
    topic.parent.mkdir(parents=True)
    topic.write_text(
        """[topic]
title.en = "Bad"
order = 1

[[question]]
id = "bad.t.div"
kind = "numeric"
title.en = "Divide"
difficulty = 1
tags = []
source = "an unverified user bank"
params = { a = "randint(0, 0)" }
prompt.en = "a = {{a}}"
answer = "a + 1"
probe = "nothing"
explanation.en = "x"

[[question.mistakes]]
answer = "1/a"
feedback.en = "no"
""",
        encoding="utf-8",
    )
    bank = load_fixture_bank(tmp_path / "bank")
    with pytest.raises(EprepError, match=r"t\.toml:5: bad\.t\.div variant 0: division by zero"):
        run_export("anki", bank, [], tmp_path / "x.apkg", run_examples="none")
    assert not (tmp_path / "x.apkg").exists()
