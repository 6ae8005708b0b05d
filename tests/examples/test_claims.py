"""Every example's --quick run reproduces its claim, and the claim checks can fail."""

from __future__ import annotations

import copy

import pytest

from eprep.examples import load, names


@pytest.mark.parametrize("name", names())
def test_quick_run_reproduces_the_claim(quick_results: dict, name: str) -> None:
    checks = load(name).check_claim(quick_results[name])
    assert checks
    failed = [f"{c.statement} ({c.measured})" for c in checks if not c.ok]
    assert not failed, f"{name}: {failed}"


def test_claim_checks_reject_a_broken_result(quick_results: dict) -> None:
    """Feed each checker a result where the claim is false: the check must notice."""
    vg = copy.deepcopy(quick_results["vanishing-gradient"])
    for cell in vg["cells"]:
        if cell["name"] == "sigmoid, std 0.01, no BN":
            cell["test_acc"] = 0.9
    assert not all(c.ok for c in load("vanishing-gradient").check_claim(vg))

    opt = copy.deepcopy(quick_results["optimizers"])
    opt["curves"]["Adam"]["reached"] = None
    assert not all(c.ok for c in load("optimizers").check_claim(opt))

    reg = copy.deepcopy(quick_results["regularization"])
    reg["variants"]["L1"]["gap"] = reg["variants"]["none"]["gap"]
    assert not all(c.ok for c in load("regularization").check_claim(reg))

    cnn = copy.deepcopy(quick_results["cnn"])
    cnn["test_acc"] = 0.5
    assert not all(c.ok for c in load("cnn").check_claim(cnn))

    per = copy.deepcopy(quick_results["perceptron"])
    per["tasks"][2]["loss"] = 0.1  # a single unit "solving" XOR
    assert not all(c.ok for c in load("perceptron").check_claim(per))

    drop = copy.deepcopy(quick_results["dropout"])
    for row in drop["fractions"]:
        row["randn"] = row["ratio"]
    assert not all(c.ok for c in load("dropout").check_claim(drop))

    init = copy.deepcopy(quick_results["initial-weights"])
    for case in init["cases"]:
        if case["label"] == "ReLU, He":
            case["layers"][-1]["rms"] = case["layers"][0]["rms"] / 10
    assert not all(c.ok for c in load("initial-weights").check_claim(init))
    init = copy.deepcopy(quick_results["initial-weights"])
    for case in init["cases"]:
        if case["label"] == "linear, std 0.05":
            case["layers"][-1]["std"] = case["layers"][0]["std"]  # the scale kept: claim broken
    assert not all(c.ok for c in load("initial-weights").check_claim(init))

    add = copy.deepcopy(quick_results["rnn-binary-addition"])
    add["bit_accuracy"] = 0.95
    assert not all(c.ok for c in load("rnn-binary-addition").check_claim(add))

    for cell, accuracy in (("lstm", 0.3), ("rnn", 0.9)):
        memory = copy.deepcopy(quick_results["lstm-vs-rnn"])
        memory["cells"][cell]["accuracy"] = accuracy
        assert not all(c.ok for c in load("lstm-vs-rnn").check_claim(memory))
    memory = copy.deepcopy(quick_results["lstm-vs-rnn"])
    memory["cells"]["rnn"]["first_to_last"] = memory["cells"]["lstm"]["first_to_last"]
    assert not all(c.ok for c in load("lstm-vs-rnn").check_claim(memory))

    vectors = copy.deepcopy(quick_results["word2vec"])
    vectors["neighbours"]["cat"] = ["horse", "bread", "sheep"]
    assert not all(c.ok for c in load("word2vec").check_claim(vectors))

    pca = copy.deepcopy(quick_results["pca"])
    pca["errors"][5] *= 1.5  # a reconstruction worse than the discarded eigenvalues
    assert not all(c.ok for c in load("pca").check_claim(pca))

    bv = copy.deepcopy(quick_results["bias-variance"])
    for row in bv["table"]:
        row["test_error"] = row["train_error"]  # no U: test error falls like training error
    assert not all(c.ok for c in load("bias-variance").check_claim(bv))

    lr = copy.deepcopy(quick_results["logistic-regression"])
    lr["runs"]["SGD"]["max_difference"] = 0.05
    assert not all(c.ok for c in load("logistic-regression").check_claim(lr))


def test_modules_match_the_registry() -> None:
    for name in names():
        module = load(name)
        assert name == module.NAME
        assert module.CLAIM and "\n" not in module.CLAIM
