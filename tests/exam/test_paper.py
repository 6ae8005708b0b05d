"""Drawing a mock-exam paper: shares by hand, gaps reported, weights validated with file:line."""

from __future__ import annotations

import tomllib
from collections import Counter
from pathlib import Path

import pytest

from eprep.questions import bundled_bank_dir
from tests.tiny_bank import numeric_question

WEIGHTS = Path(__file__).resolve().parents[2] / "eprep" / "exam" / "weights.toml"


def test_allocate_by_largest_remainder_with_caps() -> None:
    from eprep.exam.paper import allocate

    plenty = {"a": 99, "b": 99, "c": 99}
    assert allocate(10, {"a": 50, "b": 30, "c": 20}, plenty) == {"a": 5, "b": 3, "c": 2}
    # 7 items by 1:1:1 is 2.33 each: the one spare item goes to the area listed first
    assert allocate(7, {"a": 1, "b": 1, "c": 1}, plenty) == {"a": 3, "b": 2, "c": 2}
    # b has 1 question: the other 9 split 50:20 = 6.43 + 2.57, so 6 and 3 by the remainders
    assert allocate(10, {"a": 50, "b": 30, "c": 20}, {"a": 99, "b": 1, "c": 99}) == {
        "a": 6,
        "b": 1,
        "c": 3,
    }
    # fewer questions than asked: every question, no more
    assert allocate(100, {"a": 1, "b": 1}, {"a": 3, "b": 0}) == {"a": 3, "b": 0}


def bundled_owner_counts() -> Counter[str]:
    """Questions per weighted part, read from the TOML files (question, topic, day key)."""
    weighted = [w["area"] for w in tomllib.loads(WEIGHTS.read_text("utf-8"))["weight"]]
    found: Counter[str] = Counter()
    for folder in (p for p in bundled_bank_dir().iterdir() if p.is_dir()):
        day = tomllib.loads((folder / "_day.toml").read_text("utf-8"))["day"]
        for path in folder.glob("[!_]*.toml"):
            data = tomllib.loads(path.read_text("utf-8"))
            for item in data.get("question", []):
                area = item.get("syllabus") or data["topic"].get("syllabus") or day["syllabus"]
                owners = [w for w in weighted if area == w or area.startswith(w + ".")]
                found[max(owners, key=len)] += 1
    return found


def test_a_bundled_paper_follows_the_weights_and_reports_gaps() -> None:
    from eprep.exam.paper import draw_paper, load_weights
    from eprep.questions import load_bank
    from eprep.questions.syllabus import current

    bank = load_bank()
    syllabus = current()
    weights = load_weights(syllabus)
    paper = draw_paper(bank.questions, syllabus, weights, 40, seed=7)
    available = bundled_owner_counts()
    shares = {w["area"]: w["share"] for w in tomllib.loads(WEIGHTS.read_text("utf-8"))["weight"]}
    assert paper.empty_areas == tuple(a for a in shares if not available[a])
    assert paper.outside == ()
    ids = [item.question_id for item in paper.items]
    assert len(ids) == len(set(ids)) == 40
    assert [item.number for item in paper.items] == list(range(1, 41))
    per_area = Counter(item.area for item in paper.items)
    live = {a: s for a, s in shares.items() if available[a]}
    # An area gives all it has, or else the uncapped areas share what is left in proportion.
    capped = [a for a in live if per_area[a] == available[a]]
    free = {a: s for a, s in live.items() if a not in capped}
    left = 40 - sum(per_area[a] for a in capped)
    for area, share in free.items():
        assert abs(per_area[area] - left * share / sum(free.values())) < 1, area
    assert set(per_area) <= set(live) and sum(per_area.values()) == 40
    for item in paper.items:
        question = bank.get(item.question_id)
        assert question.syllabus == item.area or question.syllabus.startswith(item.area + ".")
        assert item.variant == 0 or question.has_params
    again = draw_paper(bank.questions, syllabus, weights, 40, seed=7)
    assert again == paper
    assert draw_paper(bank.questions, syllabus, weights, 40, seed=8).items != paper.items


def test_questions_outside_the_weighted_areas_are_reported(tmp_path: Path) -> None:
    from eprep.exam.paper import Weights, draw_paper
    from eprep.questions import load_bank
    from eprep.questions.syllabus import current

    bank = load_bank()
    day3 = bank.select(["day3"])
    weights = Weights({"dl-basics.rnn": 1.0, "dev-env": 1.0}, "test")
    paper = draw_paper(day3, current(), weights, 1000, seed=1)
    rnn = [q.id for q in day3 if q.syllabus == "dl-basics.rnn"]
    assert sorted(i.question_id for i in paper.items) == sorted(rnn)
    assert sorted(paper.outside) == sorted(q.id for q in day3 if q.syllabus != "dl-basics.rnn")
    assert paper.empty_areas == ("dev-env",)


BAD_WEIGHTS = {
    'area = "dl-basics.cnnn"': "syllabus 'dl-basics.cnnn' is not a syllabus area",
    "share = 0": "share must be a number above 0, at most 1000000",
    'share = "5"': "share must be a number above 0, at most 1000000",
    "share = nan": "share must be a number above 0, at most 1000000",
    "weight = 3": "unknown key 'weight' in weight[1]",
}


@pytest.mark.parametrize("bad", sorted(BAD_WEIGHTS))
def test_a_broken_weights_file_names_its_line(bad: str, tmp_path: Path) -> None:
    from eprep.errors import EprepError
    from eprep.exam.paper import load_weights
    from eprep.questions.syllabus import current

    key = bad.split(" =")[0]
    second = {"area": '"ml"', "share": "1", key: bad.split("= ", 1)[1]}
    body = "\n".join(f"{k} = {v}" for k, v in second.items())
    path = tmp_path / "weights.toml"
    path.write_text(f'[[weight]]\narea = "math"\nshare = 1\n\n[[weight]]\n{body}\n', "utf-8")
    line = path.read_text("utf-8").splitlines().index(bad) + 1
    with pytest.raises(EprepError) as caught:
        load_weights(current(), path)
    assert str(caught.value).startswith(f"{path}:{line}: {BAD_WEIGHTS[bad]}")


def test_a_question_without_an_exam_item_is_not_drawn_and_is_reported(tmp_path: Path) -> None:
    from eprep.exam.paper import Weights, draw_paper
    from eprep.questions import load_bank
    from eprep.questions.syllabus import current

    (tmp_path / "d").mkdir()
    mistakes = "".join(
        f'[[question.mistakes]]\nanswer = "{n}"\nfeedback.en = "no"\nfeedback.ja = "誤り"\n'
        for n in (1, 3, 4)
    )
    topic = '[topic]\ntitle.en = "T"\ntitle.ja = "T"\norder = 1\nsyllabus = "ml"\n'
    text = topic + numeric_question("d.t.bare") + numeric_question("d.t.full", mistakes)
    (tmp_path / "d" / "t.toml").write_text(text, "utf-8")
    bank = load_bank([tmp_path], bundled=False)
    paper = draw_paper(bank.questions, current(), Weights({"ml": 1.0}, "test"), 10, seed=1)
    assert [item.question_id for item in paper.items] == ["d.t.full"]
    assert paper.unaskable == ("d.t.bare",)
