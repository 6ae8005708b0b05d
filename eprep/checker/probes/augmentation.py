"""Probes for data augmentation, label smoothing and mixup: counted, sampled or run on the engine.

Crops are enumerated on an image of distinct pixel values and deduplicated; label smoothing is
sampled as what it is, a label replaced by a uniform one with probability eps (5 standard errors),
and its loss is the engine's SoftmaxWithLoss averaged over those sampled labels; mixup's loss is
the engine's SoftmaxWithLoss on the mixed label.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from eprep.checker.probes import Params, Value, code_probe, probe

_DRAWS = 400_000


@probe("crop_flip_count")
def crop_flip_count(variant: Params, rng: np.random.Generator) -> Value:
    """Distinct c x c crops of an H x W image of distinct pixels, each also flipped left-right."""
    h, w, c = int(variant["H"]), int(variant["W"]), int(variant["c"])
    image = np.arange(h * w, dtype=np.int32).reshape(h, w)
    seen = set()
    for top in range(h):
        for left in range(w):
            crop = image[top : top + c, left : left + c]
            if crop.shape != (c, c):
                continue  # the window runs off the image
            seen.add(crop.tobytes())
            seen.add(crop[:, ::-1].tobytes())
    return Value(len(seen))


def _smoothed_labels(rng: np.random.Generator, eps: float, classes: int) -> np.ndarray:
    """Labels of true class 0, each replaced with probability eps by a uniform class."""
    labels = np.zeros(_DRAWS, dtype=np.int64)
    replaced = rng.random(_DRAWS) < eps
    labels[replaced] = rng.integers(0, classes, int(replaced.sum()))
    return labels


def _mean(samples: np.ndarray) -> Value:
    tolerance = 5.0 * float(np.std(samples)) / np.sqrt(samples.size) + 1e-12
    return Value(float(np.mean(samples)), rel_tol=0.0, abs_tol=tolerance)


@probe("smoothed_target")
def smoothed_target(variant: Params, rng: np.random.Generator, *, true: bool = False) -> Value:
    """How often the sampled label is the true class (`true`) or one given other class."""
    labels = _smoothed_labels(rng, float(variant["eps"]), int(variant["K"]))
    return _mean((labels == (0 if true else 1)).astype(float))


def _losses(logits: np.ndarray) -> np.ndarray:
    """The engine's SoftmaxWithLoss for each possible label of one sample."""
    from eprep.engine import SoftmaxWithLoss

    return np.array(
        [SoftmaxWithLoss().forward(logits[None, :], np.array([k])) for k in range(logits.size)]
    )


@probe("smoothed_cross_entropy")
def smoothed_cross_entropy(
    variant: Params, rng: np.random.Generator, *, logits: Sequence[str]
) -> Value:
    """The engine's loss averaged over labels sampled from the smoothed target (Monte Carlo)."""
    z = np.array([float(variant[name]) for name in logits])
    labels = _smoothed_labels(rng, float(variant["eps"]), z.size)
    return _mean(_losses(z)[labels])


@probe("mixup_cross_entropy")
def mixup_cross_entropy(
    variant: Params, rng: np.random.Generator, *, logits: Sequence[str]
) -> Value:
    """The engine's SoftmaxWithLoss on the mixed label lam e_1 + (1 - lam) e_2."""
    from eprep.engine import SoftmaxWithLoss

    z = np.array([[float(variant[name]) for name in logits]])
    lam = float(variant["lam"])
    target = np.zeros_like(z)
    target[0, 0], target[0, 1] = lam, 1 - lam
    return Value(SoftmaxWithLoss().forward(z, target), rel_tol=1e-9)


@code_probe("mixup_behaviour")
def mixup_behaviour(namespace: dict, variant: Params, rng: np.random.Generator) -> None:
    """The template's mixup, measured through the engine: an Affine layer (linear in x) must see
    lam * f(x) + (1 - lam) * f(x[index]), and the loss of the mixed label must be the same mix
    of the two labels' losses (cross-entropy is linear in the target)."""
    from eprep.engine import Affine, SoftmaxWithLoss

    lam, n = 0.3, 6
    x = rng.standard_normal((n, 4))
    t = np.eye(3)[rng.integers(0, 3, n)]
    index = rng.permutation(n)
    while np.all(t[index] == t):  # labels that differ somewhere, so a mix is visible
        index = rng.permutation(n)
    x_mix, t_mix = namespace["mixup"](x, t, lam, index)
    layer = Affine(rng.standard_normal((4, 3)), rng.standard_normal(3))
    want = lam * layer.forward(x) + (1 - lam) * layer.forward(x[index])
    np.testing.assert_allclose(
        layer.forward(np.asarray(x_mix, dtype=float)), want, rtol=1e-10, atol=1e-12,
        err_msg="an Affine layer does not see the mixed input",
    )  # fmt: skip
    scores = rng.standard_normal((n, 3))
    mixed = SoftmaxWithLoss().forward(scores, np.asarray(t_mix, dtype=float))
    expected = lam * SoftmaxWithLoss().forward(scores, t) + (1 - lam) * SoftmaxWithLoss().forward(
        scores, t[index]
    )
    assert abs(mixed - expected) <= 1e-10, f"loss of the mixed label {mixed}, expected {expected}"


@probe("smoothed_ce_gradient")
def smoothed_ce_gradient(
    variant: Params, rng: np.random.Generator, *, logits: Sequence[str]
) -> Value:
    """d loss / d z_1 of the engine's SoftmaxWithLoss, averaged over sampled smoothed labels."""
    from eprep.engine import SoftmaxWithLoss

    z = np.array([float(variant[name]) for name in logits])
    labels = _smoothed_labels(rng, float(variant["eps"]), z.size)
    per_label = []
    for k in range(z.size):  # the gradient for each possible label, from a real backward pass
        layer = SoftmaxWithLoss()
        layer.forward(z[None, :], np.array([k]))
        per_label.append(float(layer.backward()[0, 0]))
    return _mean(np.array(per_label)[labels])


@probe("smoothed_logit_gap")
def smoothed_logit_gap(variant: Params, rng: np.random.Generator) -> Value:
    """z_1 - z_2 after minimising the engine's loss against sampled smoothed labels.

    Two million labels are sampled (true class 0, replaced by a uniform one with probability
    eps); their frequencies q are the target of SoftmaxWithLoss, and gradient descent on the
    logits (the engine's backward, step 2: the loss's curvature is at most 1/2) runs until the
    gradient vanishes. The tolerance is 5
    standard errors of log(q_1 / q_2), the gap the frequencies imply.
    """
    from eprep.engine import SoftmaxWithLoss

    classes, eps, draws = int(variant["K"]), float(variant["eps"]), 2_000_000
    labels = np.zeros(draws, dtype=np.int64)
    replaced = rng.random(draws) < eps
    labels[replaced] = rng.integers(0, classes, int(replaced.sum()))
    q = np.bincount(labels, minlength=classes) / draws
    z = np.zeros((1, classes))
    for _ in range(50_000):
        layer = SoftmaxWithLoss()
        layer.forward(z, q[None, :])
        gradient = layer.backward()
        if np.max(np.abs(gradient)) < 1e-12:
            break
        z -= 2.0 * gradient
    assert np.max(np.abs(gradient)) < 1e-9, "gradient descent on the logits did not converge"
    tolerance = 5.0 * float(np.sqrt(1 / (draws * q[0]) + 1 / (draws * q[1])))
    return Value(float(z[0, 0] - z[0, 1]), rel_tol=0.0, abs_tol=tolerance)
