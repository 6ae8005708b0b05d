"""Data parallelism, simulated on one machine: sharded gradients and a ring all-reduce.

Synchronous data parallelism splits a mini-batch over K workers, each computes the gradient of
its shard's mean loss on the same weights, and the gradients are combined weighted by shard
size, which reproduces the full-batch gradient exactly. The ring all-reduce (Patarasuk & Yuan
2009; Baidu's allreduce 2017) sums K arrays in 2(K - 1) steps: a reduce-scatter of K - 1 steps,
then an all-gather of K - 1 steps, each worker sending one of K chunks per step. Model
parallelism splits the layers over devices instead; `pipeline_schedule` shows how micro-batches
keep the devices of such a pipeline busy.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np


def data_parallel_gradient(
    grad_fn: Callable[[np.ndarray, np.ndarray], np.ndarray],
    x: np.ndarray,
    t: np.ndarray,
    workers: int,
) -> np.ndarray:
    """Split (x, t) into `workers` contiguous shards, average grad_fn per shard by shard size.

    grad_fn(x_shard, t_shard) must return the gradient of the shard's *mean* loss.
    """
    shards = np.array_split(np.arange(len(x)), workers)
    total = np.zeros_like(np.asarray(grad_fn(x[:1], t[:1]), dtype=float))
    for idx in shards:
        if len(idx):
            total += len(idx) * np.asarray(grad_fn(x[idx], t[idx]), dtype=float)
    return total / len(x)


def ring_allreduce(arrays: Sequence[np.ndarray]) -> tuple[list[np.ndarray], list[int]]:
    """Sum K equal-shaped arrays with a ring all-reduce; returns (results, elements each sent).

    Each array is split into K chunks. Reduce-scatter: in step s worker i sends chunk
    (i - s) mod K to worker i + 1, which adds it to its own. After K - 1 steps worker i holds the
    full sum of chunk (i + 1) mod K. All-gather: K - 1 more steps pass the summed chunks round.
    """
    k = len(arrays)
    shape = np.shape(arrays[0])
    chunks = [np.array_split(np.asarray(a, dtype=float).ravel().copy(), k) for a in arrays]
    sent = [0] * k
    for step in range(k - 1):
        outgoing = [(i, (i - step) % k, chunks[i][(i - step) % k].copy()) for i in range(k)]
        for i, c, data in outgoing:
            chunks[(i + 1) % k][c] = chunks[(i + 1) % k][c] + data
            sent[i] += data.size
    for step in range(k - 1):
        outgoing = [(i, (i + 1 - step) % k, chunks[i][(i + 1 - step) % k].copy()) for i in range(k)]
        for i, c, data in outgoing:
            chunks[(i + 1) % k][c] = data
            sent[i] += data.size
    return [np.concatenate(c).reshape(shape) for c in chunks], sent


def pipeline_schedule(stages: int, microbatches: int) -> np.ndarray:
    """Forward pass of a layer-wise model-parallel pipeline (GPipe, Huang et al. 2019, §2.2).

    The model is split into `stages` consecutive parts on as many devices and the mini-batch
    into `microbatches`. A device starts a micro-batch as soon as it has it and is free, and
    hands the result to the next device, one time step per stage. Returns a (stages, steps)
    array: the micro-batch each device works on at each step, -1 while it idles.
    """
    if stages < 1 or microbatches < 1:
        raise ValueError("a pipeline needs at least one stage and one micro-batch")
    ready = [[0] * microbatches]  # ready[s][m]: first step stage s may work on micro-batch m
    busy: list[dict[int, int]] = []
    for s in range(stages):
        free, done, slots = 0, [], {}
        for m in range(microbatches):
            start = max(free, ready[s][m])
            slots[start] = m
            free = start + 1
            done.append(start + 1)
        ready.append(done)
        busy.append(slots)
    steps = max(max(slots) for slots in busy) + 1
    grid = np.full((stages, steps), -1, dtype=int)
    for s, slots in enumerate(busy):
        for t, m in slots.items():
            grid[s, t] = m
    return grid


def idle_fraction(grid: np.ndarray) -> float:
    """The share of (device, step) slots of a schedule in which the device idles."""
    grid = np.asarray(grid)
    return float(np.count_nonzero(grid < 0) / grid.size)


__all__ = ["data_parallel_gradient", "idle_fraction", "pipeline_schedule", "ring_allreduce"]
