"""Beam search against exhaustive search and greedy decoding, on a small Markov model."""

from __future__ import annotations

from itertools import product

import numpy as np
import pytest

from eprep.engine import beam_search

V, STEPS = 4, 3


def _model(seed: int) -> np.ndarray:
    return np.log(np.random.default_rng(seed).dirichlet(np.ones(V), size=V))


@pytest.mark.parametrize("seed", range(5))
def test_a_wide_beam_finds_the_exhaustive_optimum(seed: int) -> None:
    table = _model(seed)
    prefixes, scores = beam_search(lambda p: table[p[:, -1]], 0, V**STEPS, STEPS)
    best = max(
        product(range(V), repeat=STEPS),
        key=lambda seq: sum(table[a, b] for a, b in zip((0, *seq), seq, strict=False)),
    )
    assert tuple(prefixes[0, 1:]) == best
    total = sum(table[a, b] for a, b in zip((0, *best), best, strict=False))
    assert scores[0] == pytest.approx(total, rel=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_width_one_is_greedy(seed: int) -> None:
    table = _model(seed)
    prefixes, _ = beam_search(lambda p: table[p[:, -1]], 0, 1, STEPS)
    token, greedy = 0, []
    for _ in range(STEPS):
        token = int(np.argmax(table[token]))
        greedy.append(token)
    assert list(prefixes[0, 1:]) == greedy


def test_bad_arguments_are_named() -> None:
    with pytest.raises(ValueError, match="beam_width"):
        beam_search(lambda p: np.zeros((len(p), 2)), 0, 0, 2)
    with pytest.raises(ValueError, match="returned shape"):
        beam_search(lambda p: np.zeros((1, 2)), 0, 3, 2)
