"""No two 4-choice items of a day examine the same definition (issue 16's duplicate classes);
`eprep verify` fails both."""

from __future__ import annotations

import dataclasses

import pytest

from eprep.checker.duplicates import find
from eprep.questions import load_bank


@pytest.fixture(scope="module")
def bank():
    return load_bank()


def test_the_bank_has_no_duplicates(bank) -> None:
    assert [d.line() for d in find(bank.questions)] == []
    # day1's one- and two-hidden-layer counts were one item twice: merged, the old id aliased
    assert bank.get("day1.neuron.mlp-parameters") is None
    assert bank.alias_map["day1.neuron.mlp-parameters"] == "day1.neuron.deep-mlp-parameters"


def test_quantities_of_one_definition_and_a_derivation_of_a_value_are_not_duplicates(bank):
    # one fit (or confusion matrix), two of its quantities: the derived value asked differs
    assert find([bank.get("ml.regression.ols-slope"), bank.get("ml.regression.r-squared")]) == []
    assert find([bank.get("ml.metrics.f1"), bank.get("ml.metrics.false-positive-rate")]) == []
    # the log-loss gradient as a value at a point, and as a chain of lines to follow
    value = bank.get("ml.classification.logistic-gradient")
    derivation = bank.get("ml.classification.log-loss-gradient-derivation")
    assert find([value, derivation]) == []
    # ...but the derivation and a formula item of it are one item twice
    (duplicate,) = find([derivation, _twin(derivation, kind="expression", start=None)])
    assert duplicate.ids == (derivation.id, derivation.id + "-twin")


def test_verify_fails_both_questions_of_a_duplicate(bank) -> None:
    from eprep.checker.verify import verify_questions

    question = bank.get("day2.cnn.output-height")
    twin = _twin(question, kind="expression")
    report = verify_questions([question, twin], 1, workers=1)
    for result, other in zip(report.results, (twin.id, question.id), strict=True):
        (failure,) = [f for f in result.failures if f.check == "duplicate"]
        assert failure.variant is None and other in failure.reason
        assert "_aliases.toml" in failure.reason
    assert report.failed == sum(r.variants for r in report.results)


def _twin(question, **changes):
    return dataclasses.replace(question, id=question.id + "-twin", **changes)


@pytest.mark.parametrize(
    "qid, changes",
    [
        # sqrt(var - eps): the same key asked as a choice item and as a numeric drill
        ("day2.batchnorm.forward-output", {"kind": "choice"}),
        # Nesterov / AdaGrad with one step instead of two: only the inputs fed in differ
        ("day2.optimizers.nesterov-two-steps",
         {"reference_args": {"optimizer": "nesterov", "grads": ["g"]}}),
        ("day2.optimizers.adagrad-two-steps",
         {"reference_args": {"optimizer": "adagrad", "grads": ["g"], "eps": "1e-7"}}),
        # pooling without padding: the padding argument only renames a symbol
        ("day2.cnn.pool-output", {"reference_args": {}}),
        # the same derivative as an expression (a derivation renaming x) and the conv size
        ("day2.derivations.sigmoid-derivative",
         {"kind": "expression", "reference_args": {"activation": "sigmoid", "var": "x"}}),
        ("day2.cnn.output-height", {"kind": "expression"}),
        # momentum written with other symbols (w = "theta", lr = "eta")
        ("day2.optimizers.momentum-two-steps",
         {"reference_args": {"optimizer": "momentum", "grads": ["g", "g"], "w": "w", "lr": "lr"}}),
    ],
)  # fmt: skip
def test_each_merged_class_would_have_been_caught(bank, qid: str, changes: dict) -> None:
    question = bank.get(qid)
    (duplicate,) = find([question, _twin(question, **changes)])
    assert duplicate.ids == (qid, qid + "-twin")
    assert qid in duplicate.line() and "4-choice" in duplicate.line()


def test_different_constants_listings_and_concepts_are_not_duplicates(bank) -> None:
    nesterov = bank.get("day2.optimizers.nesterov-two-steps")
    momentum = _twin(nesterov, reference_args={"optimizer": "momentum", "grads": ["g1", "g2"]})
    assert find([nesterov, momentum]) == []
    code = bank.get("day2.cnn.pooling-max-code")
    assert find([code, _twin(code)]) == []
    concept = bank.get("day2.cnn.alexnet-features")
    assert find([concept, _twin(concept)]) == []
