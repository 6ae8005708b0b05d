"""Question kinds are plugins: every kind has one module per layer, and nothing else switches."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from eprep.checker import kinds as check_kinds
from eprep.questions import kinds as data_kinds
from eprep.quiz import kinds as quiz_kinds
from eprep.site import kinds as site_kinds

ROOT = Path(__file__).resolve().parents[2] / "eprep"
# Token and error "kinds" of the grammar and of `where` conditions are not question kinds.
NOT_QUESTION_KINDS = {
    "grammar/descent.py",
    "grammar/parser.py",
    "questions/condition.py",
    "site/static/grammar.js",
}


def test_every_kind_has_one_module_per_layer() -> None:
    names = data_kinds.names()
    assert set(names) >= {"choice", "numeric", "expression", "derivation", "code"}
    for name in names:
        assert check_kinds.get(name).name == name
        assert quiz_kinds.get(name).name == name
        assert site_kinds.get(name).name == name
        for layer in ("questions", "checker", "quiz", "site"):
            assert (ROOT / layer / "kinds" / f"{name}.py").is_file(), (layer, name)


def test_no_kind_switch_outside_the_registries() -> None:
    switch = re.compile(r"kind\s*(===?|!==?|in\b)")
    found = []
    for path in sorted(ROOT.rglob("*")):
        relative = path.relative_to(ROOT).as_posix()
        if path.suffix not in (".py", ".html", ".js") or "/kinds/" in f"/{relative}":
            continue
        if relative in NOT_QUESTION_KINDS:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if switch.search(line) and not line.lstrip().startswith("#"):
                found.append(f"{relative}:{number}: {line.strip()}")
    assert found == []


@pytest.mark.parametrize("name", data_kinds.names())
def test_each_kind_passes_its_own_self_test(name: str) -> None:
    from eprep.checker.verify_checks import checker_equivalence

    assert check_kinds.get(name).test(checker_equivalence()) == []


def test_a_self_test_can_fail() -> None:
    """The self-test is not a stub: a kind whose grading is broken fails it."""
    from eprep.checker.kinds.numeric import Numeric
    from eprep.checker.verify_checks import checker_equivalence

    class Broken(Numeric):
        def grade(self, variant, answer, lang="en"):
            outcome = super().grade(variant, answer, lang)
            outcome.correct = not outcome.correct
            return outcome

    assert Broken().test(checker_equivalence())


def test_a_kind_keyword_of_another_kind_is_refused(tmp_path: Path) -> None:
    from eprep.questions import BankError, load_bank

    day = tmp_path / "d"
    day.mkdir()
    (day / "t.toml").write_text(
        '[topic]\ntitle.en = "t"\norder = 1\n[[question]]\nid = "d.t.q"\nkind = "numeric"\n'
        'title.en = "t"\nprompt.en = "t"\nexplanation.en = "t"\ndifficulty = 1\ntags = []\n'
        'source = "s"\nconcept = true\nanswer = "1"\nstart = "x"\n',
        encoding="utf-8",
    )
    with pytest.raises(BankError, match="'start' is not used by numeric questions"):
        load_bank([tmp_path], bundled=False)
