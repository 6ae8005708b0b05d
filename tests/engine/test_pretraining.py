"""BERT's masked-LM corruption and NSP pairs against the paper's rates, GPT's shifted targets.

Oracles: the rates of Devlin et al. 2019 (§3.1: 15% chosen; 80% [MASK], 10% random, 10% kept)
as binomial expectations with 5-sigma tolerances, and invariants read off the definitions.
"""

from __future__ import annotations

import numpy as np
import pytest

from eprep.engine.pretraining import (
    IGNORE_LABEL,
    bert_mask_tokens,
    causal_lm_targets,
    next_sentence_pairs,
)

MASK = 0  # token 0 is reserved for [MASK]: the corpus uses 1..V-1


def _within(count: int, n: int, p: float) -> bool:
    return abs(count - n * p) < 5 * np.sqrt(n * p * (1 - p))


def test_masked_lm_rates_are_the_papers() -> None:
    rng = np.random.default_rng(0)
    V = 50
    tokens = rng.integers(1, V, size=(400, 128))
    inputs, labels = bert_mask_tokens(tokens, rng, V, MASK)
    n = tokens.size
    chosen = labels != IGNORE_LABEL
    assert _within(int(chosen.sum()), n, 0.15)
    assert _within(int((inputs == MASK).sum()), n, 0.15 * 0.8)
    kept = chosen & (inputs == tokens)
    # kept unchanged (10%) plus a random token that happens to be the original (10% * 1/V)
    assert _within(int(kept.sum()), n, 0.15 * (0.1 + 0.1 / V))
    changed_to_other = chosen & (inputs != tokens) & (inputs != MASK)
    assert _within(int(changed_to_other.sum()), n, 0.15 * 0.1 * (V - 2) / V)


def test_unchosen_tokens_are_untouched_and_chosen_ones_keep_their_label() -> None:
    rng = np.random.default_rng(1)
    tokens = rng.integers(1, 30, size=(20, 40))
    inputs, labels = bert_mask_tokens(tokens, rng, 30, MASK)
    chosen = labels != IGNORE_LABEL
    assert np.array_equal(inputs[~chosen], tokens[~chosen])
    assert np.array_equal(labels[chosen], tokens[chosen])
    assert np.all(inputs[inputs == MASK] == MASK) and not np.any(tokens == MASK)


def test_bad_masking_arguments_are_errors() -> None:
    rng = np.random.default_rng(2)
    with pytest.raises(TypeError, match="integer"):
        bert_mask_tokens(np.ones((2, 3)), rng, 5, 0)
    with pytest.raises(ValueError, match="exceeds 1"):
        bert_mask_tokens(np.ones((2, 3), int), rng, 5, 0, mask_rate=0.9, random_rate=0.2)


def test_next_sentence_pairs_are_half_next_and_otherwise_from_another_document() -> None:
    rng = np.random.default_rng(3)
    documents = [[(d, i) for i in range(rng.integers(3, 8))] for d in range(200)]
    pairs = next_sentence_pairs(documents, rng)
    assert len(pairs) == sum(len(doc) - 1 for doc in documents)
    labels = np.array([label for _, _, label in pairs])
    assert _within(int(labels.sum()), len(pairs), 0.5)
    for (da, ia), (db, ib), label in pairs:
        if label:
            assert (db, ib) == (da, ia + 1)
        else:
            assert db != da
    with pytest.raises(ValueError, match="two documents"):
        next_sentence_pairs([[1, 2, 3]], rng)


def test_causal_lm_targets_are_the_next_tokens() -> None:
    tokens = np.array([[5, 6, 7, 8], [1, 2, 3, 4]])
    inputs, targets = causal_lm_targets(tokens)
    assert inputs.tolist() == [[5, 6, 7], [1, 2, 3]]
    assert targets.tolist() == [[6, 7, 8], [2, 3, 4]]
    with pytest.raises(ValueError, match="T >= 2"):
        causal_lm_targets(np.array([[1], [2]]))
