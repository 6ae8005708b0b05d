"""Distributed training from its primary definitions.

The full-batch gradient is the mean of per-sample gradients (symbols, one per sample), with each
worker's shard constrained to the mean gradient it reports; the ring all-reduce's traffic is the
sum over its steps of the chunk each worker sends (Patarasuk & Yuan 2009, §3).
"""

from __future__ import annotations

import sympy

from eprep.checker.references import Params, Pick, integer, reference


def _shard(name: str, size: int, mean) -> list[sympy.Expr]:
    """Per-sample gradients of a shard of `size` whose mean is `mean` (the last one solved)."""
    free = list(sympy.symbols(f"{name}1:{size}", real=True))
    return [*free, size * mean - sum(free)]


@reference("weighted_gradient")
def weighted_gradient(p: Params) -> sympy.Expr:
    """d/dw of the mean loss over both shards: the mean of all per-sample gradients."""
    samples = _shard("u", integer(p["n1"]), p["g1"]) + _shard("v", integer(p["n2"]), p["g2"])
    return sympy.simplify(sum(samples) / len(samples))


@reference("ring_allreduce_traffic")
def ring_allreduce_traffic(p: Params) -> sympy.Expr:
    """Values one worker sends: one chunk of M/K in each reduce-scatter and all-gather step."""
    K, M = p["K"], p["M"]
    s = sympy.Symbol("s", integer=True, positive=True)
    chunk = M / K
    reduce_scatter = sympy.summation(chunk, (s, 1, K - 1))
    all_gather = sympy.summation(chunk, (s, 1, K - 1))
    return sympy.simplify(reduce_scatter + all_gather)


@reference("sync_data_parallel")
def sync_data_parallel(p: Params) -> Pick:
    """Is the average of K equal shards' mean gradients the full-batch mean gradient?"""
    workers, per_worker = 3, 4
    grads = sympy.symbols(f"d0:{workers * per_worker}", real=True)
    shards = [grads[k * per_worker : (k + 1) * per_worker] for k in range(workers)]
    averaged = sum(sum(shard) / per_worker for shard in shards) / workers
    full = sum(grads) / len(grads)
    same = sympy.simplify(averaged - full) == 0
    k_times = sympy.simplify(averaged - workers * full) == 0
    small = sympy.simplify(averaged - sum(shards[0]) / per_worker) == 0
    return Pick(
        {
            "same": sympy.sympify(same),
            "k-times": sympy.sympify(k_times),
            "small-batch": sympy.sympify(small),
            "stale": sympy.sympify(not same),  # synchronous: every gradient on the current weights
        }
    )


@reference("pipeline_bubble")
def pipeline_bubble(p: Params) -> sympy.Expr:
    """Idle (device, step) slots: stage k works in steps k .. k + M - 1 of a pass that ends
    when the last stage finishes its last micro-batch; counted slot by slot."""
    stages, micro = integer(p["K"]), integer(p["M"])
    busy = {(k, step) for k in range(stages) for step in range(k, k + micro)}
    steps = max(step for _, step in busy) + 1
    return sympy.Rational(stages * steps - len(busy), stages * steps)
