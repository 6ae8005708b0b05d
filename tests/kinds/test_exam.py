"""Exam-format items: built from the bank's own proven facts, and verified like the rest."""

from __future__ import annotations

from pathlib import Path

from eprep.checker.exam import check_item, exam_item
from eprep.questions import load_bank

HEAD = '[topic]\ntitle.en = "t"\norder = 1\n'
COMMON = (
    'title.en = "t"\nprompt.en = "t"\nexplanation.en = "t"\ndifficulty = 1\ntags = []\n'
    'source = "s"\nconcept = true\n'
)


def _question(tmp_path: Path, body: str):
    day = tmp_path / "d"
    day.mkdir(parents=True, exist_ok=True)
    (day / "t.toml").write_text(HEAD + body, encoding="utf-8")
    (question,) = load_bank([tmp_path], bundled=False).questions
    return question


def _mistakes(*formulas: str) -> str:
    return "".join(
        f'[[question.mistakes]]\nanswer = "{f}"\nfeedback.en = "m{i}"\n'
        for i, f in enumerate(formulas)
    )


def _equivalent():
    from eprep.checker.verify_checks import checker_equivalence

    return checker_equivalence()


def test_numeric_item_is_the_key_and_three_mistakes_to_three_figures(tmp_path: Path) -> None:
    q = _question(
        tmp_path,
        '[[question]]\nid = "d.t.q"\nkind = "numeric"\n' + COMMON + 'answer = "1/3"\n'
        + _mistakes("2/3", "1/3 + 1e-9", "0.3334", "1/6"),
    )  # fmt: skip
    item = exam_item(q.variant(0), "ja")
    (group,) = item.groups
    texts = sorted(o.text for o in group.options)
    # oracle by hand: 1/3 and 0.3334 read alike at three figures, so four are shown; the
    # mistake equal to the key (1/3 + 1e-9) is no distractor
    assert texts == sorted(["0.3333", "0.6667", "0.3334", "0.1667"])
    assert group.options[group.correct].text == "0.3333"
    assert item.lead == "正しい値を選べ。" and item.mistakes_used == 3
    assert check_item(q, q.variant(0), _equivalent()) == []


def test_too_few_distractors_is_a_visible_exam_failure(tmp_path: Path) -> None:
    q = _question(
        tmp_path,
        '[[question]]\nid = "d.t.q"\nkind = "numeric"\n' + COMMON + 'answer = "2"\n'
        + _mistakes("3", "4"),
    )  # fmt: skip
    (reason,) = check_item(q, q.variant(0), _equivalent())
    assert "2 distractor(s)" in reason and "at least 3" in reason
    assert len(exam_item(q.variant(0)).groups[0].options) == 3  # still askable


def test_equivalent_distractors_are_caught(tmp_path: Path) -> None:
    q = _question(
        tmp_path,
        '[[question]]\nid = "d.t.q"\nkind = "expression"\n' + COMMON
        + 'variables = { x = "real" }\nanswer = "2*x"\n' + _mistakes("x^2", "x*x", "x + 1"),
    )  # fmt: skip
    reasons = check_item(q, q.variant(0), _equivalent())
    assert reasons == ["distractors 'x^2' and 'x*x' are equivalent"]


def test_which_line_is_wrong_plants_a_known_mistake(tmp_path: Path) -> None:
    body = (
        '[[question]]\nid = "d.t.{slug}"\nkind = "derivation"\n' + COMMON
        + 'variables = {{ x = "real" }}\nstart = "(x + 1)^2 - 1"\n'
        + 'solution = ["x^2 + 2*x + 1 - 1", "x^2 + 2*x"]\nanswer = "x*(x + 2)"\n'
        + _mistakes("x^2 + x", "x^2 + 1")
    )  # fmt: skip
    forms = set()
    for slug in ("a", "b", "c", "d", "e", "f"):
        q = _question(tmp_path / slug, body.format(slug=slug))
        item = exam_item(q.variant(0), "en")
        forms.add(item.planted is not None)
        assert check_item(q, q.variant(0), _equivalent()) == []
        if item.planted is not None:
            (group,) = item.groups
            right = group.options[group.correct]
            assert right.text == f"line {item.planted + 1}"
            assert item.lines[item.planted] in ("x^2 + x", "x^2 + 1")
        else:
            assert item.lines[-1] != "x*(x + 2)"  # the result is not shown among the lines
    assert forms == {True, False}  # both forms occur across questions


def test_exam_params_are_a_second_family_proven_on_its_own(tmp_path: Path) -> None:
    from eprep.checker.verify import verify_question

    text = (
        '[[question]]\nid = "d.t.q"\nkind = "numeric"\n' + COMMON
        + 'params = { m = "uniform(0.8, 0.99)" }\nexam_params = { m = "choice(SPEC)" }\n'
        + 'answer = "m*(1 - m)"\n' + _mistakes("(1 - m)", "m", "m^2")
    )  # fmt: skip
    sound = _question(tmp_path / "a", text.replace("SPEC", "0.9, 0.8"))
    assert {sound.variant(k, exam=True).values["m"] for k in range(10)} <= {0.9, 0.8}
    assert 0.8 <= sound.variant(0).values["m"] <= 0.99  # the drill family is unchanged
    assert verify_question(sound, 5, references=False).failures == []
    # m = 0.5 makes the key m(1 - m) = 0.25 equal the mistake m^2 = 0.25: caught
    broken = _question(tmp_path / "b", text.replace("SPEC", "0.5"))
    reasons = [f.reason for f in verify_question(broken, 5, references=False).failures]
    assert reasons and all(r.startswith("exam family: ") for r in reasons)
    assert any("is accepted as the key" in r for r in reasons)
