"""Exported cards take their area from the bank's one syllabus tree and the questions' keys."""

from __future__ import annotations

import tomllib
from pathlib import Path

from .conftest import load_fixture_bank

PACKAGE = Path(__file__).resolve().parents[2] / "eprep"
TREE = PACKAGE / "questions" / "syllabus.toml"


def titles_from_tree() -> dict[str, dict[str, str]]:
    return {a["id"]: a["title"] for a in tomllib.loads(TREE.read_text("utf-8"))["area"]}


def test_tags_and_titles_follow_the_questions_keys_and_the_tree() -> None:
    from eprep.export.notes import note_tags
    from eprep.export.syllabus import area_of, area_title
    from eprep.questions import load_bank

    path = PACKAGE / "questions" / "bank" / "day2" / "derivations.toml"
    data = tomllib.loads(path.read_text("utf-8"))
    default = data["topic"]["syllabus"]
    own = {q["id"]: q["syllabus"] for q in data["question"] if "syllabus" in q}
    assert own and any(area != default for area in own.values())  # overrides exist to test
    titles = titles_from_tree()
    bank = load_bank()
    for item in data["question"]:
        expected = own.get(item["id"], default)
        question = bank.get(item["id"])
        tag = "eprep::area::" + expected.replace(".", "::")
        assert tag in note_tags(question)
        parent, _, _ = expected.partition(".")
        title = area_title(area_of(question))
        assert title.get("ja") == f"{titles[parent]['ja']}：{titles[expected]['ja']}"
        assert title.get("en") == f"{titles[parent]['en']}: {titles[expected]['en']}"


def test_a_question_without_an_area_is_exported_as_unassigned() -> None:
    from eprep.export.syllabus import area_of, area_title

    question = load_fixture_bank().get("exportday.optim.sgd-step")
    assert area_of(question) == "unassigned"
    assert area_title("unassigned").get("ja") == "分野未設定"


def test_the_export_keeps_no_area_table_of_its_own() -> None:
    assert not list((PACKAGE / "export").glob("*.toml"))
