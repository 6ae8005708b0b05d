"""Verify's workers run NumPy on one BLAS thread each (the pool already fills every core)."""

from __future__ import annotations

import multiprocessing

import numpy as np  # noqa: F401  (loads the BLAS library before the workers fork)
from threadpoolctl import threadpool_info


def _blas_threads(_: int) -> list[int]:
    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]


def test_verify_and_mutate_workers_use_one_blas_thread() -> None:
    from eprep.checker.verify import _init_worker, one_blas_thread

    context = multiprocessing.get_context("fork")
    for initializer in (_init_worker, one_blas_thread):
        with context.Pool(1, initializer=initializer) as pool:
            threads = pool.map(_blas_threads, [0])[0]
        assert threads and set(threads) == {1}, (initializer.__name__, threads)
    with context.Pool(1) as pool:  # the oracle: without it, BLAS keeps its own pool size
        assert pool.map(_blas_threads, [0])[0] == _blas_threads(0)
