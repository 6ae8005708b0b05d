"""Probes of the new day2 topics against PyTorch and hand computations, and against the mistakes.

Each test runs the question's probe on the bank's own variants and asserts (`separates`) that it
agrees with an oracle written here — torch.optim.AdamW, torch's activations and autograd,
torch.optim.lr_scheduler, torch's `label_smoothing`, hand sums — and with none of the question's
known mistakes, so the probe could have caught each of those keys.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import torch

from eprep.checker.probes import get_code_probe

from .bank_probes import BANK, evidence, separates, variants


def _mistakes(question_id: str) -> list[str]:
    return [m.answer for m in BANK.get(question_id).mistakes]


def _check(question_id: str, oracle, count: int = 6) -> None:
    for values in variants(question_id, count):
        found = evidence(question_id, values)
        separates(found, float(oracle(values)), _mistakes(question_id), values)


def _adamw(w: float, grads: list[float], lr: float, wd: float) -> float:
    p = torch.tensor([w], dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.AdamW([p], lr=lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=wd)
    for g in grads:
        p.grad = torch.tensor([g], dtype=torch.float64)
        optimizer.step()
    return float(p.detach()[0])


def test_adamw_probes_match_torch() -> None:
    _check(
        "day2.optimizers.adamw-zero-gradient",
        lambda v: _adamw(v["w"], [0.0] * int(v["k"]), v["lr"], v["wd"]),
    )
    _check(
        "day2.optimizers.adamw-first-step",
        lambda v: _adamw(v["w"], [v["gs"]], v["lr"], v["wd"]) - v["w"],
    )


def _grad(fn, x: float) -> float:
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    fn(t).backward()
    return float(t.grad)


def test_activation_probes_match_torch_autograd() -> None:
    _check(
        "day2.activation-functions.leaky-relu-weight-gradient",
        lambda v: (
            v["dout"]
            * _grad(
                lambda w: torch.nn.functional.leaky_relu(w * v["x"] + v["b"], v["alpha"]), v["w"]
            )
        ),
    )
    _check(
        "day2.activation-functions.elu-backward-from-output",
        lambda v: (
            v["dout"]
            * _grad(
                lambda x: torch.nn.functional.elu(x, v["alpha"]), math.log1p(v["y"] / v["alpha"])
            )
        ),
    )
    _check(
        "day2.activation-functions.gelu-value",
        lambda v: float(torch.nn.functional.gelu(torch.tensor(v["x"], dtype=torch.float64))),
    )


@pytest.mark.parametrize(
    "question_id, module",
    [
        ("day2.activation-functions.gelu-derivative", torch.nn.GELU()),
        ("day2.activation-functions.swish-derivative", torch.nn.SiLU()),
        ("day2.activation-functions.elu-derivative", None),
    ],
)
def test_slope_samples_match_torch_autograd(question_id: str, module) -> None:
    for values in variants(question_id, 3):
        found = evidence(question_id, values)
        alpha = values.get("alpha", 1.0)
        fn = module if module is not None else (lambda x, a=alpha: torch.nn.functional.elu(x, a))
        for point, slope in zip(found.points, found.values, strict=True):
            assert slope == pytest.approx(_grad(fn, point["x"]), rel=1e-6, abs=1e-8)
        separates(found, BANK.get(question_id).answer, _mistakes(question_id), values)


def _torch_rate(make, epoch: int, lr: float) -> float:
    p = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([p], lr=lr)
    scheduler = make(optimizer)
    for _ in range(epoch):
        optimizer.step()
        scheduler.step()
    return optimizer.param_groups[0]["lr"]


def test_schedule_probes_match_torch_and_hand_sums() -> None:
    _check(
        "day2.schedules.step-decay",
        lambda v: _torch_rate(
            lambda o: torch.optim.lr_scheduler.StepLR(o, int(v["s"]), v["gamma"]),
            int(v["t"]),
            v["lr"],
        ),
    )
    _check(
        "day2.schedules.cosine-annealing",
        lambda v: _torch_rate(
            lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, int(v["T"]), v["lmin"]),
            int(v["t"]),
            v["lr"],
        ),
    )
    # warm-up (t < W): lr (t + 1)/W; then half a cosine over the T - W remaining updates
    _check(
        "day2.schedules.warmup-cosine",
        lambda v: v["lr"] * (1 + math.cos(math.pi * (v["t"] - v["W"]) / (v["T"] - v["W"]))) / 2,
    )
    _check(
        "day2.schedules.warmup-distance",
        lambda v: sum(v["lr"] * (t + 1) / v["W"] for t in range(int(v["W"]))),
    )
    _check(
        "day2.schedules.clip-value-norm",
        lambda v: np.linalg.norm(np.clip([v["g1"], v["g2"], v["g3"]], -v["c"], v["c"])),
    )


def _smoothed_ce(v, grad: bool = False) -> float:
    z = torch.tensor([[v["z1"], v["z2"], v["z3"]]], dtype=torch.float64, requires_grad=True)
    loss = torch.nn.functional.cross_entropy(z, torch.tensor([0]), label_smoothing=v["eps"])
    if not grad:
        return float(loss.detach())
    loss.backward()
    return float(z.grad[0, 0])


def test_augmentation_probes_match_torch_and_counts() -> None:
    _check(
        "day2.augmentation.crop-count",
        lambda v: 2 * len(range(int(v["H"] - v["c"] + 1))) * len(range(int(v["W"] - v["c"] + 1))),
    )
    _check("day2.augmentation.label-smoothing-target", lambda v: v["eps"] / v["K"])
    _check("day2.augmentation.label-smoothing-loss", _smoothed_ce)
    _check("day2.augmentation.label-smoothing-gradient", lambda v: _smoothed_ce(v, grad=True))
    _check(
        "day2.augmentation.mixup-loss",
        lambda v: float(
            torch.nn.functional.cross_entropy(
                torch.tensor([[v["z1"], v["z2"], v["z3"]]], dtype=torch.float64),
                torch.tensor([[v["lam"], 1 - v["lam"], 0.0]], dtype=torch.float64),
            )
        ),
    )


def test_logit_gap_probe_matches_torch_lbfgs() -> None:
    def gap(v) -> float:
        z = torch.zeros(1, int(v["K"]), dtype=torch.float64, requires_grad=True)
        optimizer = torch.optim.LBFGS(
            [z], max_iter=500, tolerance_grad=1e-14, tolerance_change=1e-16,
            line_search_fn="strong_wolfe",
        )  # fmt: skip

        def closure():
            optimizer.zero_grad()
            loss = torch.nn.functional.cross_entropy(z, torch.tensor([0]), label_smoothing=v["eps"])
            loss.backward()
            return loss

        for _ in range(5):
            optimizer.step(closure)
        return float((z[0, 0] - z[0, 1]).detach())

    _check("day2.augmentation.label-smoothing-logit-gap", gap, count=3)


def test_dropout_ensemble_probes_match_enumeration() -> None:
    _check(
        "day2.dropout.subnetworks",
        lambda v: len(list(itertools.product((0, 1), repeat=int(v["n1"] + v["n2"])))),
    )

    def ensemble(v) -> float:
        w, x, p = [v["w1"], v["w2"], v["w3"]], [v["x1"], v["x2"], v["x3"]], v["p"]
        total = 0.0
        for mask in itertools.product((0, 1), repeat=3):
            weight = math.prod((1 - p) if m else p for m in mask)
            total += weight * sum(wi * m * xi for wi, m, xi in zip(w, mask, x, strict=True))
        return total

    _check("day2.dropout.ensemble-mean", ensemble)


def test_signal_scale_probes_match_the_variance_recursion() -> None:
    _check(
        "day2.vanishing.linear-stack-rms", lambda v: (v["sigma"] * math.sqrt(v["n"])) ** v["L"], 3
    )

    def relu_rms(v) -> float:
        moment = v["c"] ** 2  # layer 1 sees unit-variance inputs; each ReLU halves E[a^2]
        for _ in range(int(v["L"]) - 1):
            moment *= v["c"] ** 2 / 2
        return math.sqrt(moment)

    _check("day2.vanishing.relu-stack-rms", relu_rms, 3)


@pytest.mark.parametrize(
    "probe, source, wrong",
    [
        (
            "elu_layer_code",
            "class EluLayer:\n def __init__(self, alpha):\n  self.alpha = alpha\n"
            " def forward(self, x):\n  self.x = x\n"
            "  self.out = np.where(x > 0, x, self.alpha * (np.exp(x) - 1))\n  return self.out\n"
            " def backward(self, dout):\n  return dout * np.where(self.x > 0, 1.0, {blank})\n",
            ("self.out", "self.alpha"),
        ),
        (
            "warmup_cosine_matches_engine",
            "def lr_at(t, base_lr, warmup, total):\n if t < warmup:\n  return {blank}\n"
            " return base_lr * (1 + np.cos(np.pi * (t - warmup) / (total - warmup))) / 2\n",
            ("base_lr * t / warmup", "base_lr / warmup"),
        ),
    ],
)
def test_code_probes_reject_wrong_listings(probe: str, source: str, wrong: tuple) -> None:
    right = {"elu_layer_code": "self.out + self.alpha"}.get(probe, "base_lr * (t + 1) / warmup")
    for blank, ok in [(right, True), *((w, False) for w in wrong)]:
        namespace = {"np": np}
        exec(source.format(blank=blank), namespace)  # a listing written in this test
        try:
            get_code_probe(probe)(namespace, {}, np.random.default_rng(0))
            passed = True
        except AssertionError:
            passed = False
        assert passed == ok, (probe, blank)
