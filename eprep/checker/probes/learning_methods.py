"""Probes for the metric and self-supervised learning questions, measured with
`eprep.engine.metric`: losses of embeddings placed at the question's points, gradients by
central differences, code templates against the engine's losses on random batches.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from eprep.checker.probes import Params, Value, code_probe, probe
from eprep.checker.probes.cnn import _compare, _lookup
from eprep.engine import numerical_gradient
from eprep.engine.metric import (
    InfoNCE,
    contrastive_loss,
    info_nce_from_similarities,
    pseudo_label_loss,
    triplet_loss,
)


def _f(variant: Params, name: str) -> float:
    return float(variant[name])


@probe("triplet_loss")
def triplet_loss_probe(variant: Params, rng: np.random.Generator) -> Value:
    """The engine's triplet loss of the anchor at the origin and the variant's p and n."""
    a = np.zeros(2)
    p = np.array([_f(variant, "p1"), _f(variant, "p2")])
    n = np.array([_f(variant, "n1"), _f(variant, "n2")])
    return Value(triplet_loss(a, p, n, _f(variant, "m")))


@probe("contrastive_loss")
def contrastive_loss_probe(variant: Params, rng: np.random.Generator) -> Value:
    """The engine's contrastive loss of the pair, labelled dissimilar (y = 0)."""
    x2 = np.array([_f(variant, "u1"), _f(variant, "u2")])
    return Value(contrastive_loss(np.zeros(2), x2, np.array([0]), _f(variant, "m")))


def _unit_vectors(similarities: list[float]) -> tuple[np.ndarray, np.ndarray]:
    """A unit query and unit keys whose dot products with it are the given cosines."""
    query = np.array([1.0, 0.0])
    keys = np.array([[s, np.sqrt(1 - s * s)] for s in similarities])
    return query, keys


@probe("info_nce")
def info_nce_probe(variant: Params, rng: np.random.Generator) -> Value:
    """InfoNCE of unit vectors at the variant's cosines, positive first, via the engine."""
    query, keys = _unit_vectors([_f(variant, n) for n in ("sp", "s1", "s2")])
    return Value(info_nce_from_similarities(keys @ query, _f(variant, "tau")))


@probe("info_nce_gradient")
def info_nce_gradient(variant: Params, rng: np.random.Generator) -> Value:
    """Central difference of the engine's InfoNCE in the positive similarity."""
    sims = np.array([_f(variant, n) for n in ("sp", "s1", "s2")])
    tau = _f(variant, "tau")
    grad = numerical_gradient(lambda s: info_nce_from_similarities(s, tau), sims)
    return Value(float(grad[0]), rel_tol=1e-6, abs_tol=1e-9)


@code_probe("triplet_matches_engine")
def triplet_matches_engine(
    namespace: Mapping[str, Any], variant: Params, rng: np.random.Generator
) -> None:
    """The template's triplet_loss must equal the engine's on batches of several shapes."""
    fn = _lookup(namespace, "triplet_loss")
    for n, d, margin in ((6, 4, 1.0), (5, 3, 2.5), (3, 7, 0.5)):
        a, p, neg = (rng.standard_normal((n, d)) for _ in range(3))
        got = np.asarray(float(fn(a.copy(), p.copy(), neg.copy(), margin)))
        _compare("triplet_loss", (n, d), got, np.asarray(triplet_loss(a, p, neg, margin)))


@code_probe("info_nce_matches_engine")
def info_nce_matches_engine(
    namespace: Mapping[str, Any], variant: Params, rng: np.random.Generator
) -> None:
    """The template's info_nce must equal the engine's InfoNCE (N != D so axes cannot mix)."""
    fn = _lookup(namespace, "info_nce")
    for n, d, tau in ((4, 3, 0.5), (5, 8, 0.2), (3, 3, 1.5)):
        q, k = rng.standard_normal((n, d)), rng.standard_normal((n, d))
        got = np.asarray(float(fn(q.copy(), k.copy(), tau)))
        _compare("info_nce", (n, d), got, np.asarray(InfoNCE(tau).forward(q, k)))


def _logits_with_top(probability: float, top: int = 0, classes: int = 3) -> np.ndarray:
    """Logits whose softmax gives class `top` this probability, the rest shared equally."""
    rest = (1 - probability) / (classes - 1)
    logits = np.full(classes, np.log(rest))
    logits[top] = np.log(probability)
    return logits


@probe("pseudo_label_loss")
def pseudo_label_loss_probe(variant: Params, rng: np.random.Generator) -> Value:
    """The engine's FixMatch loss of three images built to have the variant's confidences."""
    tops = rng.integers(0, 3, size=3)
    weak = np.array([_logits_with_top(_f(variant, f"c{i + 1}"), tops[i]) for i in range(3)])
    strong = np.array([_logits_with_top(_f(variant, f"q{i + 1}"), tops[i]) for i in range(3)])
    return Value(pseudo_label_loss(weak, strong, 0.95), rel_tol=1e-9, abs_tol=1e-12)
