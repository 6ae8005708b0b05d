"""The symbolic witness (SymPy reference definitions), the two-witness rule, the concept limit,
the mutation self-test and what `eprep verify` reports about them.

Wrong keys here are written in the test (a forgotten +1, a flipped sign); the references they
must disagree with are the bundled ones, derived from the concepts, not from the keys.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import sys

import pytest
import sympy

from eprep.checker import references, witnesses
from eprep.checker.mutate import CAUGHT, mutants, mutation_test
from eprep.checker.verify import CONCEPT_LIMIT, QuestionResult, Report, verify_question
from eprep.checker.witnesses import EXACT, IDENTITY, proof_of, reference_witness
from eprep.questions import load_bank


@pytest.fixture(autouse=True)
def _no_witness_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EPREP_CACHE", "0")


@pytest.fixture(scope="module")
def bank():
    return load_bank()


def variants(question, n: int = 3) -> list:
    return [question.variant(k) for k in range(question.variant_count(n))]


def with_key(question, answer: str):
    return dataclasses.replace(question, answer=answer)


# --- the witness holds for right keys, and fails for wrong ones ------------------------------


def test_right_keys_hold_as_identity_or_exact(bank) -> None:
    sgd = bank.get("day2.optimizers.sgd-step")
    assert reference_witness(sgd, variants(sgd)).witness == IDENTITY
    # A count of window positions is a floor: SymPy cannot make it an identity, so it is exact.
    height = bank.get("day2.cnn.output-height")
    outcome = reference_witness(height, variants(height))
    assert outcome.witness == EXACT and outcome.problems == []


@pytest.mark.parametrize(
    ("qid", "wrong"),
    [
        ("day2.optimizers.sgd-step", "w + lr*g"),  # identity question, sign flipped
        ("day2.optimizers.momentum-two-steps", "w - mu*lr*g1 - lr*g2"),  # velocity not kept
        ("day2.cnn.output-height", "(H + 2*P - F)/S"),  # exact question, +1 forgotten
        ("day2.vanishing.he-std", "sqrt(1/n)"),  # Xavier's scale for a ReLU layer
        ("day2.dropout.inverted-variance", "x^2*p"),
        ("day2.derivations.softmax-batch-gradient", "y - 1"),  # the 1/N forgotten
    ],
)
def test_wrong_key_fails_identity_and_exact(bank, qid: str, wrong: str) -> None:
    question = with_key(bank.get(qid), wrong)
    assert not witnesses.identity_holds(question)
    outcome = reference_witness(question, variants(question))
    assert outcome.witness is None
    assert outcome.problems and all("definition" in reason for _, reason in outcome.problems)


def test_text_choice_definition_picks_the_option(bank) -> None:
    question = bank.get("day2.optimizers.sgd-zigzag")
    assert reference_witness(question, variants(question)).witness == EXACT
    moved = dataclasses.replace(
        question,
        options=tuple(dataclasses.replace(o, correct=o.id == "diverge") for o in question.options),
    )
    outcome = reference_witness(moved, variants(moved))
    assert outcome.witness is None
    assert "the definition picks zigzag" in outcome.problems[0][1]


def test_an_undecided_identity_falls_back_to_exact(bank, monkeypatch) -> None:
    question = bank.get("day2.batchnorm.forward-output")
    assert witnesses.identity_holds(question)
    monkeypatch.setattr(witnesses, "IDENTITY_BUDGET", 0)  # SymPy gets no time at all
    assert not witnesses.identity_holds(question)
    outcome = reference_witness(question, variants(question, 4))
    assert outcome.witness == EXACT and outcome.problems == []
    # ...and the exact check still catches a wrong key (epsilon outside the root).
    wrong = with_key(question, "gamma*(x1 - mu)/(sqrt(var) + epsilon) + beta")
    assert reference_witness(wrong, variants(wrong, 4)).witness is None


def test_a_definition_that_needs_numbers_is_exact(bank) -> None:
    # AdaGrad's t repeated steps can only be unrolled for a numeric t.
    question = bank.get("day2.optimizers.adagrad-decay")
    with pytest.raises(references.NeedsValues):
        witnesses.reference_value(question, witnesses.symbols_of(question))
    assert reference_witness(question, variants(question)).witness == EXACT


def test_exact_means_exact(bank) -> None:
    # 1/3 and its 17-digit float differ: the exact comparison must not round.
    third = sympy.Rational(1, 3)
    assert witnesses.exactly_equal(third, sympy.Rational(1, 3)) is True
    assert witnesses.exactly_equal(third, sympy.Rational(333333333333333, 10**15)) is False
    assert witnesses.exactly_equal(sympy.sqrt(8), 2 * sympy.sqrt(2)) is True


def test_code_key_is_checked_against_the_definition(bank) -> None:
    question = bank.get("day2.optimizers.momentum-code")
    assert reference_witness(question, variants(question)).witness == EXACT
    for b, wrong_index in ((0, 3), (1, 2)):  # (1 - mu) v - lr g; params += mu v: run, but wrong
        blank = question.blanks[b]
        wrong = blank.options[wrong_index]
        options = tuple(
            dataclasses.replace(o, code=wrong.code) if o.correct else o for o in blank.options
        )
        blanks = list(question.blanks)
        blanks[b] = dataclasses.replace(blank, options=options)
        mutant = dataclasses.replace(question, blanks=tuple(blanks))
        outcome = reference_witness(mutant, variants(mutant))
        assert outcome.witness is None and "recurrence gives" in outcome.problems[0][1]


def test_parameter_domains_follow_the_specs(bank) -> None:
    domains = witnesses.domains_of(bank.get("day2.cnn.output-height"))
    assert domains["H"].name == "positive integer"  # randint(8, 64)
    assert domains["S"].name == "positive integer"  # choice(1, 2, 3)
    domains = witnesses.domains_of(bank.get("day2.optimizers.sgd-step"))
    assert (domains["w"].lo, domains["w"].hi) == (-2.0, 2.0)  # uniform(-2.0, 2.0)
    assert domains["lr"].assumptions() == {"positive": True}  # choice(0.05, ..., 0.5)


# --- the two-witness rule and concept questions ---------------------------------------------


def test_fewer_than_two_witnesses_fails(bank) -> None:
    question = bank.get("day2.cnn.param-count")
    result = verify_question(dataclasses.replace(question, reference=None), 2)
    assert result.witnesses == ["engine"]
    assert [f.check for f in result.failures] == ["witnesses"]
    assert "only 1 independent witness" in result.failures[0].reason
    result = verify_question(dataclasses.replace(question, probe=None), 2)
    assert result.witnesses == ["identity"] and result.failures[0].check == "witnesses"
    assert verify_question(question, 2).failures == []


def test_concept_questions_are_sourced_and_cite_a_primary_source(bank) -> None:
    question = bank.get("day2.regularization.early-stopping")
    result = verify_question(question, 1)
    assert result.failures == [] and result.label == "sourced"
    assert proof_of(question).sourced and proof_of(question).witnesses == ()
    vague = dataclasses.replace(question, source="a blog post about early stopping")
    (failure,) = verify_question(vague, 1).failures
    assert failure.check == "witnesses" and "primary source" in failure.reason


def _report(concept_by_day: dict[str, tuple[int, int]]) -> Report:
    results = []
    for day, (concept, total) in concept_by_day.items():
        for i in range(total):
            results.append(QuestionResult(f"{day}.t.q{i}", "choice", i < concept, None, 1, day=day))
    return Report(results, 0.0, 1)


def test_concept_share_is_limited_per_day() -> None:
    assert CONCEPT_LIMIT == 0.15
    report = _report({"day1": (3, 20), "day2": (4, 20), "day3": (0, 5)})
    assert report.concept_over_limit() == ["day2"]  # 15% is allowed, 20% is not
    assert _report({"day1": (1, 100), "day2": (2, 2)}).concept_over_limit() == ["day2"]


def test_bundled_bank_concept_share(bank) -> None:
    for day in bank.days:
        if day.questions:
            share = sum(q.concept for q in day.questions) / len(day.questions)
            assert share <= CONCEPT_LIMIT, day.name


def test_every_non_concept_question_names_a_reference(bank) -> None:
    names = set(references.reference_names())
    for question in bank.questions:
        if not question.concept:
            assert question.reference in names, question.id


# --- the site asks the checker ---------------------------------------------------------------


def test_proof_of_says_which_witnesses_hold(bank) -> None:
    assert proof_of(bank.get("day2.optimizers.sgd-step")).witnesses == ("identity", "engine")
    assert proof_of(bank.get("day2.cnn.output-height")).witnesses == ("exact", "engine")
    assert proof_of(bank.get("day2.cnn.im2col-code")).witnesses == ("exact", "engine")


# --- mutation self-test ----------------------------------------------------------------------


def test_mutants_plant_each_kind_of_erratum(bank) -> None:
    operators = {m.operator for m in mutants(bank.get("day2.optimizers.momentum-two-steps"))}
    assert {"constant", "sign", "swap"} <= operators
    assert {m.operator for m in mutants(bank.get("day2.cnn.im2col-code"))} == {"mark", "blank"}
    assert {m.operator for m in mutants(bank.get("day2.vanishing.zero-init"))} == {"mark"}


def test_the_reference_alone_catches_formula_mutants(bank) -> None:
    """Without the engine: the reference definition itself disagrees with each erratum."""
    for qid in ("day2.optimizers.adam-two-steps", "day2.cnn.flatten-after-pool"):
        question = bank.get(qid)
        for mutant in mutants(question):
            if mutant.operator in ("constant", "sign"):
                outcome = reference_witness(mutant.question, variants(question, 3))
                assert outcome.witness is None, (qid, mutant.description)


def test_mutation_test_catches_every_mutant(bank) -> None:
    chosen = [
        bank.get(qid)
        for qid in (
            "day2.optimizers.nesterov-two-steps",
            "day2.cnn.pool-output",
            "day2.dropout.ratio-meaning",
            "day2.regularization.gradient-code",
        )
    ]
    report = mutation_test(chosen, 2, workers=1)
    counted = [r for r in report.results if r.outcome != "equivalent"]
    assert counted and all(r.outcome == CAUGHT for r in counted), report.lines()
    assert report.escaped == 0
    pattern = r"mutants: \d+ caught of \d+ \(0 non-concept escaped, .*\)"
    assert re.fullmatch(pattern, report.summary())


def test_concept_mutants_are_reported_not_required(bank) -> None:
    report = mutation_test([bank.get("day2.cnn.alexnet-features")], 1, workers=1)
    assert report.escaped == 0  # escapes of a concept question are not holes
    assert [r.outcome for r in report.results] == ["escaped"] and report.results[0].concept


# --- the command line ------------------------------------------------------------------------


def run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "EPREP_CACHE": "0"}
    return subprocess.run(
        [sys.executable, "-m", "eprep", "verify", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def test_cli_reports_witnesses_and_the_closing_line() -> None:
    ids = ["day2.optimizers.sgd-step", "day2.cnn.output-height", "day2.cnn.alexnet-features"]
    result = run(*[a for qid in ids for a in ("--id", qid)], "--variants", "3")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == "verified 3 questions (1 identity, 1 exact, 2 engine), 7 variants, 0 failed"
    table = {line.split()[0]: line.split()[3] for line in lines[1:4]}
    assert table == {
        "day2.optimizers.sgd-step": "identity+engine",
        "day2.cnn.output-height": "exact+engine",
        "day2.cnn.alexnet-features": "sourced",
    }
    result = run(*[a for qid in ids for a in ("--id", qid)], "--variants", "3", "--json")
    report = json.loads(result.stdout)
    by_id = {q["id"]: q for q in report["questions"]}
    assert by_id["day2.optimizers.sgd-step"]["witnesses"] == ["identity", "engine"]
    assert by_id["day2.cnn.alexnet-features"]["proof"] == "sourced"
    assert report["summary"]["identity"] == 1 and report["summary"]["engine"] == 2


def test_cli_mutate() -> None:
    result = run("--mutate", "--id", "day2.cnn.receptive-field", "--variants", "2")
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.fullmatch(
        r"mutants: (\d+) caught of \1 \(0 non-concept escaped, 0 of concept questions, "
        r"\d+ equivalent not counted\)",
        result.stdout.splitlines()[-1],
    )
