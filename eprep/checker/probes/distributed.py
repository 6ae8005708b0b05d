"""Probes for the distributed-training questions, measured with the engine.

Gradients are the engine's backward pass through an Affine layer on real samples; the
all-reduce traffic is counted by running `eprep.engine.parallel.ring_allreduce`; synchronous
data parallelism is trained side by side with full-batch SGD on the engine's MultiLayerNet.
"""

from __future__ import annotations

from functools import partial

import numpy as np

from eprep.checker.probes import OptionId, Params, Value, after_pass, probe
from eprep.engine import SGD, Affine, MultiLayerNet
from eprep.engine.parallel import (
    data_parallel_gradient,
    idle_fraction,
    pipeline_schedule,
    ring_allreduce,
)


@probe("weighted_gradient")
def weighted_gradient(variant: Params, rng: np.random.Generator) -> Value:
    """Samples whose per-sample gradients have the shards' means; the engine's backward pass
    of the mean output of an Affine layer over the whole batch gives dL/dw."""
    n1, n2 = round(float(variant["n1"])), round(float(variant["n2"]))
    shards = []
    for n, g in ((n1, float(variant["g1"])), (n2, float(variant["g2"]))):
        x = rng.standard_normal(n)
        shards.append(x - x.mean() + g)  # d(w x)/dw = x: this shard's mean gradient is g
    x = np.concatenate(shards).reshape(-1, 1)
    layer = Affine(rng.standard_normal((1, 1)), np.zeros(1))
    layer.forward(x)
    layer.backward(np.full((len(x), 1), 1.0 / len(x)))  # L = mean of the outputs
    return Value(float(after_pass(layer.dW)[0, 0]), rel_tol=1e-9, abs_tol=1e-12)


@probe("ring_allreduce_traffic")
def ring_allreduce_traffic(variant: Params, rng: np.random.Generator) -> Value:
    """Run the engine's ring all-reduce on K random gradients of M values; count what worker 0
    sends (the protocol is linear in M, so M values stand for M million)."""
    k, m = round(float(variant["K"])), round(float(variant["M"]))
    grads = [rng.standard_normal(m) for _ in range(k)]
    results, sent = ring_allreduce(grads)
    if not all(np.allclose(r, np.sum(grads, axis=0)) for r in results):
        raise AssertionError("the ring all-reduce did not give every worker the sum")
    if len(set(sent)) != 1:
        raise AssertionError(f"workers sent different amounts: {sent}")
    return Value(sent[0], rel_tol=1e-9, abs_tol=1e-9)


@probe("sync_data_parallel")
def sync_data_parallel(variant: Params, rng: np.random.Generator) -> OptionId:
    """Train two identical MultiLayerNets for five steps: one on the full mini-batch, one with the
    averaged gradients of four equal shards; compare their weights after every step."""
    workers, batch = 4, 16
    x, labels = rng.standard_normal((batch, 5)), rng.integers(0, 3, size=batch)
    t = np.eye(3)[labels]
    full = MultiLayerNet(5, [6], 3, weight_init_std=0.5, rng=np.random.default_rng(1))
    para = MultiLayerNet(5, [6], 3, weight_init_std=0.5, rng=np.random.default_rng(1))
    opt_full, opt_para = SGD(lr=0.5), SGD(lr=0.5)
    same, k_times = True, True
    for _ in range(5):
        g_full = full.gradient(x, t)

        def shard_gradient(xs: np.ndarray, ts: np.ndarray, key: str) -> np.ndarray:
            return para.gradient(xs, ts)[key].copy()

        g_para = {
            key: data_parallel_gradient(partial(shard_gradient, key=key), x, t, workers)
            for key in para.params
        }
        k_times &= all(np.allclose(g_para[k], workers * g_full[k]) for k in g_full)
        opt_full.update(full.params, g_full)
        opt_para.update(para.params, g_para)
        same &= all(np.allclose(full.params[k], para.params[k], atol=1e-12) for k in full.params)
    if same:
        return OptionId("same")
    if k_times:
        return OptionId("k-times")
    return OptionId("small-batch")


@probe("pipeline_bubble")
def pipeline_bubble(variant: Params, rng: np.random.Generator) -> Value:
    """The idle share of the engine's simulated GPipe forward schedule."""
    grid = pipeline_schedule(round(float(variant["K"])), round(float(variant["M"])))
    return Value(idle_fraction(grid))
