"""Import generated packages with the official `anki` package and check what a learner gets."""

from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path

import pytest

from .conftest import (
    DECKS,
    QUESTIONS_WITH_PARAMS,
    QUESTIONS_WITHOUT_PARAMS,
    import_apkg,
    load_fixture_bank,
)

T0 = 1_800_000_000.0
MATH = re.compile(r"\\\((.*?)\\\)|\\\[(.*?)\\\]", re.S)
CODE = re.compile(r"<pre\b.*?</pre>|<code\b.*?</code>", re.S)


def export(bank, path: Path, **options) -> Path:
    from eprep.export import run_export

    options.setdefault("timestamp", T0)
    run_export("anki", bank, ["exportday"], path, **options)
    return path


def note_by_id(col, question_id: str, k: int = 0):
    ids = col.find_notes(f'"Id:{question_id}#{k}"')
    assert len(ids) == 1, f"{question_id}#{k}: {len(ids)} notes"
    return col.get_note(ids[0])


def numbers(field: str) -> list[float]:
    return [float(x) for x in re.findall(r'class="eprep-value">([-+0-9.e]+)<', field)]


def assert_math_parses(text: str) -> None:
    """Every MathJax fragment is LaTeX that an independent parser (latex2mathml) reads."""
    from latex2mathml.converter import convert

    for inline, display in MATH.findall(text):
        tex = html.unescape(inline or display)
        mathml = convert(tex)
        assert not re.search(r">\\[A-Za-z]+<", mathml), f"unknown command in {tex!r}"


def test_notes_cards_decks_and_fields(tmp_path, dropout_cached, collection):
    bank = load_fixture_bank()
    path = export(bank, tmp_path / "fixture.apkg", variants=2, lang="ja", fmt="exam")
    import_apkg(collection, path)

    expected = 2 * len(QUESTIONS_WITH_PARAMS) + len(QUESTIONS_WITHOUT_PARAMS)
    assert collection.note_count() == expected
    assert collection.card_count() == expected  # one card per note
    names = {d.name for d in collection.decks.all_names_and_ids()} - {"Default"}
    assert names == DECKS
    for cid in collection.find_cards("deck:eprep::exportday::cnn"):
        assert collection.get_card(cid).note()["Id"].startswith("exportday.cnn.")
    assert len(collection.find_cards("deck:eprep::exportday::optim")) == 4

    # A numeric question in exam format: the variant's numbers, 4 choices from key + 3 mistakes.
    for k in (0, 1):
        values = bank.get("exportday.optim.sgd-step").variant(k).values
        w, g, lr = values["w"], values["g"], values["lr"]
        note = note_by_id(collection, "exportday.optim.sgd-step", k)
        assert f"w = {w:g}" in note["Prompt"].replace("\\(", "").replace("\\)", "")
        key = w - lr * g  # the key, by hand
        [shown] = numbers(note["Answer"])
        assert shown == pytest.approx(key, rel=1e-5)
        choices = sorted(numbers(note["Choices"]))
        by_hand = sorted([key, w + lr * g, w - g, -lr * g])
        assert choices == pytest.approx(by_hand, rel=1e-5)
        for feedback in ("それは勾配上昇である。", "学習率", "それは変化量"):
            assert feedback in note["WhyNot"]
        assert "解答" in note["Answer"] and "他の選択肢が誤りである理由" in note["WhyNot"]
        tags = set(note.tags)
        assert {"eprep::trap", "eprep::difficulty::1", "eprep::kind::numeric"} <= tags
        assert "eprep::topic::exportday::optim" in tags and "eprep::area::unassigned" in tags

    # Math: `$…$` became MathJax, but not inside code; every formula parses.
    note = note_by_id(collection, "exportday.optim.sgd-step")
    explanation = note["Explanation"]
    assert "<code>echo $HOME</code>" in explanation
    assert "$0" in explanation  # the dollar in the fenced block's comment
    assert "\\(\\eta g\\)" in explanation and "\\[w - \\eta g\\]" in explanation
    for name, value in note.items():
        assert "$" not in CODE.sub("", value), name
        assert_math_parses(value)

    # Code: highlighted template with the blank marked, highlighted options, the key revealed.
    code = note_by_id(collection, "exportday.cnn.flatten-code")
    assert '<span class="eprep-blank">(あ)</span>' in code["Code"]
    assert '<span class="k">def</span>' in code["Code"]
    assert code["Choices"].count('<code class="highlight">') == 3
    assert "reshape" in code["Answer"] and "サンプルごとに 1 行になる。" in code["Answer"]
    assert "バッチの軸までまとめてしまう。" in code["WhyNot"]

    # Media: the dropout example's plots, referenced by the dropout-tagged question only.
    media_dir = Path(collection.media.dir())
    referenced = re.findall(r'<img src="([^"]+)"', note["Plots"])
    assert referenced and all(name.startswith("eprep-dropout-") for name in referenced)
    for name in referenced:
        data = (media_dir / name).read_bytes()
        assert b"<svg" in data
        assert hashlib.sha256(data).hexdigest()[:10] in name  # content-addressed names
    assert "<img" not in code["Plots"]


def test_reimport_updates_in_place_and_keeps_reviews(tmp_path, bank_copy, collection, monkeypatch):
    from anki.scheduler.v3 import CardAnswer

    import eprep.export.anki

    first = export(load_fixture_bank(bank_copy), tmp_path / "v1.apkg", run_examples="none")
    import_apkg(collection, first)
    count = collection.note_count()
    note = note_by_id(collection, "exportday.optim.sgd-step")
    guid, nid = note.guid, note.id
    card = note.cards()[0]
    card.start_timer()
    states = collection._backend.get_scheduling_states(card.id)
    collection.sched.answer_card(
        collection.sched.build_answer(card=card, states=states, rating=CardAnswer.GOOD)
    )
    reviewed = collection.get_card(card.id)
    assert collection.db.scalar("select count() from revlog where cid = ?", card.id) == 1

    # A fix lands: the key and the explanation change.
    topic = bank_copy / "exportday" / "optim.toml"
    text = topic.read_text(encoding="utf-8")
    text = text.replace('answer = "w - lr*g"', 'answer = "w - 2*lr*g"')
    text = text.replace("Subtract $\\eta g$", "Always subtract $\\eta g$")
    text = text.replace("$\\eta g$ を引く", "必ず $\\eta g$ を引く")
    topic.write_text(text, encoding="utf-8")
    bank = load_fixture_bank(bank_copy)
    # ... and so does the card's style: the note type (same id) is updated too.
    css = eprep.export.anki.note_css()
    monkeypatch.setattr(eprep.export.anki, "note_css", lambda: css + "\n.eprep-fixed {}")
    second = export(bank, tmp_path / "v2.apkg", run_examples="none", timestamp=T0 + 3600)
    import_apkg(collection, second)
    # pylib caches note types in Python; the (Rust) importer changed this one underneath it.
    collection.models._clear_cache()
    note_types = [m.name for m in collection.models.all_names_and_ids()]
    assert note_types.count("eprep question v1") == 1
    assert ".eprep-fixed" in collection.models.by_name("eprep question v1")["css"]

    assert collection.note_count() == count  # updated, not duplicated
    note = note_by_id(collection, "exportday.optim.sgd-step")
    assert (note.id, note.guid) == (nid, guid)
    assert "必ず" in note["Explanation"]
    values = bank.get("exportday.optim.sgd-step").variant(0).values
    [shown] = numbers(note["Answer"])
    assert shown == pytest.approx(values["w"] - 2 * values["lr"] * values["g"], rel=1e-5)
    assert collection.db.scalar("select count() from revlog where cid = ?", card.id) == 1
    after = collection.get_card(card.id)
    assert (after.type, after.queue, after.due, after.ivl) == (
        reviewed.type,
        reviewed.queue,
        reviewed.due,
        reviewed.ivl,
    )


def test_both_languages_share_the_single_language_guids(tmp_path, collection):
    bank = load_fixture_bank()
    export(bank, tmp_path / "ja.apkg", run_examples="none", lang="ja")
    import_apkg(collection, tmp_path / "ja.apkg")
    ja = {collection.get_note(n).guid for n in collection.find_notes("")}
    export(bank, tmp_path / "both.apkg", run_examples="none", lang="both", timestamp=T0 + 60)
    import_apkg(collection, tmp_path / "both.apkg")
    assert {collection.get_note(n).guid for n in collection.find_notes("")} == ja
    note = note_by_id(collection, "exportday.cnn.padding-purpose")
    assert "ゼロパディング" in note["Prompt"] and "zero padding" in note["Prompt"]
    assert "解答 / Answer" in note["Answer"]


def test_typed_format_shows_the_key_and_every_mistake(tmp_path, collection):
    export(load_fixture_bank(), tmp_path / "t.apkg", run_examples="none", fmt="typed", lang="en")
    import_apkg(collection, tmp_path / "t.apkg")
    note = note_by_id(collection, "exportday.optim.sgd-step")
    assert note["Choices"] == "" and "Answer with a number." in note["Prompt"]
    for feedback in ("gradient ascent", "learning rate", "the change"):
        assert feedback in note["Mistakes"]
    derivation = note_by_id(collection, "exportday.cnn.sigmoid-derivative")
    assert "Start from" in derivation["Prompt"]
    assert derivation["Solution"].count("<li>") == 3  # the start and two steps
    assert "\\sigma" in derivation["Answer"]


def test_ids_are_fixed_across_exports(tmp_path):
    import json
    import sqlite3
    import zipfile

    bank = load_fixture_bank()

    def read(path: Path):
        with zipfile.ZipFile(path) as package:
            (tmp_path / "x.anki2").write_bytes(package.read("collection.anki2"))
        db = sqlite3.connect(tmp_path / "x.anki2")
        guids = sorted(row[0] for row in db.execute("select guid from notes"))
        models, decks = db.execute("select models, decks from col").fetchone()
        db.close()
        return guids, sorted(json.loads(models)), sorted(json.loads(decks))

    a = read(export(bank, tmp_path / "a.apkg", run_examples="none"))
    b = read(export(bank, tmp_path / "b.apkg", run_examples="none", timestamp=T0 + 5))
    assert a == b
    # Another language and format: the same notes (GUIDs), so re-importing switches them in place.
    c = read(export(bank, tmp_path / "c.apkg", run_examples="none", lang="en", fmt="typed"))
    assert c == a


@pytest.mark.slow
def test_whole_bundled_day2_imports(tmp_path, collection):
    from eprep.export import run_export
    from eprep.questions.loader import load_bank

    bank = load_bank([])
    run_export("anki", bank, ["day2"], tmp_path / "day2.apkg", run_examples="none")
    import_apkg(collection, tmp_path / "day2.apkg")
    questions = bank.day("day2").questions
    assert collection.note_count() == len(questions) == collection.card_count()
    topics = {f"eprep::day2::{t.name}" for t in bank.day("day2").topics}
    assert {d.name for d in collection.decks.all_names_and_ids()} >= topics
    for nid in collection.find_notes(""):
        note = collection.get_note(nid)
        for name, value in note.items():
            assert "$" not in CODE.sub("", value), (note["Id"], name)
            assert_math_parses(value)
    sgd = note_by_id(collection, "day2.optimizers.sgd-step")
    assert "eprep::area::dl-basics::optimization" in sgd.tags
