"""Beam search over a model that scores the next token of every prefix at once.

`next_log_probs(prefixes)` receives the current prefixes as an (n, t) array of token ids and
returns (n, V) log-probabilities of the next token. Beam search keeps the `beam_width` prefixes of
highest total log-probability: every kept prefix is extended by every token (n * V candidates),
and the best `beam_width` candidates survive. Width 1 is greedy decoding.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def beam_search(
    next_log_probs: Callable[[np.ndarray], np.ndarray],
    start: int,
    beam_width: int,
    steps: int,
) -> tuple[np.ndarray, np.ndarray]:
    """The kept prefixes (beam_width, steps + 1) and their total log-probabilities, best first."""
    if beam_width < 1 or steps < 0:
        raise ValueError(f"beam_width must be >= 1 and steps >= 0, got {beam_width} and {steps}")
    prefixes = np.array([[start]])
    scores = np.zeros(1)
    for _ in range(steps):
        log_probs = np.asarray(next_log_probs(prefixes), dtype=float)
        if log_probs.ndim != 2 or log_probs.shape[0] != len(prefixes):
            raise ValueError(
                f"next_log_probs returned shape {log_probs.shape} for {len(prefixes)} prefixes"
            )
        vocabulary = log_probs.shape[1]
        candidates = (scores[:, None] + log_probs).ravel()  # every prefix times every token
        keep = min(beam_width, candidates.size)
        best = np.argsort(-candidates, kind="stable")[:keep]
        parents, tokens = np.divmod(best, vocabulary)
        prefixes = np.hstack([prefixes[parents], tokens[:, None]])
        scores = candidates[best]
    return prefixes, scores
