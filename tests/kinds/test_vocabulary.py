"""The one formula vocabulary: aliases, domains, closeness, numbers and seeds."""

from __future__ import annotations

import hashlib
import math
import random

import pytest

from eprep.grammar import vocabulary as v


def test_every_layer_uses_the_vocabulary_aliases() -> None:
    from eprep.checker.api import normalise_domains
    from eprep.grammar import parse, to_text

    assert to_text(parse("eps + lam")) == "epsilon + lambda"
    assert set(normalise_domains({"eps": "positive", "lam": "real"})) == {"epsilon", "lambda"}
    assert v.with_aliases({"eps": 0.5}) == {"eps": 0.5, "epsilon": 0.5}


@pytest.mark.parametrize("text", ["positive  integer", " Positive Integer ", "positive-integer"])
def test_spacing_and_case_do_not_matter_anywhere(text: str) -> None:
    from eprep.checker.domains import parse_domain as checker_domain
    from eprep.site.selfcheck import draw

    assert v.parse_domain(text).name == "positive integer"
    assert checker_domain(text).name == "positive integer"
    # the site's draw used to raise on two spaces; its values are positive integers
    values = {draw(text, random.Random(seed)) for seed in range(50)}
    assert all(x >= 1 and x == int(x) for x in values)


def test_the_loader_accepts_what_the_checker_accepts(tmp_path) -> None:
    from eprep.questions import load_bank

    day = tmp_path / "d"
    day.mkdir()
    (day / "t.toml").write_text(
        '[topic]\ntitle.en = "t"\norder = 1\n[[question]]\nid = "d.t.q"\nkind = "expression"\n'
        'title.en = "t"\nprompt.en = "t"\nexplanation.en = "t"\ndifficulty = 1\ntags = []\n'
        'source = "s"\nconcept = true\nanswer = "n + 1"\nvariables = { n = "positive  integer" }\n',
        encoding="utf-8",
    )
    (q,) = load_bank([tmp_path], bundled=False).questions
    assert q.variables == {"n": "positive  integer"}


def test_bad_domains_name_the_problem() -> None:
    for text, fragment in [("reals", "unknown domain"), ("(1, 0)", "lower end"), ("[a, 1]", "a")]:
        with pytest.raises(v.DomainError, match=fragment):
            v.parse_domain(text)


def test_close_is_symmetric_and_strict_about_infinities() -> None:
    # oracle: the definition |a-b| <= max(rel*max(|a|,|b|), abs), evaluated by hand
    assert v.close(100.0, 100.09, 1e-3, 0) and v.close(100.09, 100.0, 1e-3, 0)
    assert not v.close(100.0, 100.2, 1e-3, 0)
    assert v.close(0.0, 1e-10, 1e-3, 1e-9)
    assert v.close(math.inf, math.inf, 1e-3, 1e-9) and not v.close(math.inf, 1e300, 1, 1)
    from eprep.questions import Tolerance

    assert Tolerance(1e-3, 0).accepts(100.09, 100.0) == Tolerance(1e-3, 0).accepts(100.0, 100.09)


def test_exam_numbers_use_three_significant_figures_unless_two_would_collide() -> None:
    assert v.exam_numbers([0.123456, 2.0, 1e-8]) == ["0.123", "2", "1e-8"]
    assert v.exam_numbers([0.12341, 0.12349]) == ["0.1234", "0.1235"]
    assert v.format_number(1.5e-8) == "1.5e-8" and v.format_number(3.0) == "3"


def test_the_seed_is_the_documented_sha256() -> None:
    expected = int.from_bytes(hashlib.sha256(b"day2.cnn.q:3").digest()[:8], "big")
    assert v.seed_of("day2.cnn.q", 3) == expected
    from eprep.questions.variants import seed_of

    assert seed_of is v.seed_of
