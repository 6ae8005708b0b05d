"""BERT's pre-training data (Devlin et al. 2019, §3.1 and Appendix A.1), and GPT's targets.

- `bert_mask_tokens`: the masked-LM corruption. Each token is chosen for prediction with
  probability 15% (a Bernoulli draw per token; the reference code picks round(15% of the length)
  positions, the same rate); a chosen token is replaced by [MASK] 80% of the time, by a random
  token of the vocabulary 10% of the time (which may by chance be the original) and kept
  unchanged 10% of the time. The labels hold the original token at the chosen positions and -1
  (`TimeSoftmaxWithLoss`'s ignored label) everywhere else, so only chosen tokens enter the loss.
- `next_sentence_pairs`: next-sentence prediction. For sentence A, sentence B is the sentence
  that follows it 50% of the time (label 1, IsNext) and a random sentence of another document
  otherwise (label 0, NotNext).
- `causal_lm_targets`: GPT's objective (Radford et al. 2018, §3.1) maximises
  sum_i log P(u_i | u_{i-k}, ..., u_{i-1}): the input is the sequence without its last token,
  the target the sequence shifted by one.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

IGNORE_LABEL = -1


def bert_mask_tokens(
    tokens: np.ndarray,
    rng: np.random.Generator,
    vocab_size: int,
    mask_id: int,
    select_rate: float = 0.15,
    mask_rate: float = 0.8,
    random_rate: float = 0.1,
) -> tuple[np.ndarray, np.ndarray]:
    """(inputs, labels) for masked-LM training on integer `tokens` of any shape."""
    tokens = np.asarray(tokens)
    if not np.issubdtype(tokens.dtype, np.integer):
        raise TypeError(f"bert_mask_tokens needs integer token ids, got dtype {tokens.dtype}")
    if not (0 <= select_rate <= 1 and min(mask_rate, random_rate) >= 0):
        raise ValueError("the rates must be probabilities")
    if mask_rate + random_rate > 1:
        raise ValueError(f"mask_rate + random_rate = {mask_rate + random_rate} exceeds 1")
    chosen = rng.random(tokens.shape) < select_rate
    action = rng.random(tokens.shape)  # [0, mask) -> [MASK], [mask, mask + random) -> random
    inputs = tokens.copy()
    to_mask = chosen & (action < mask_rate)
    to_random = chosen & (action >= mask_rate) & (action < mask_rate + random_rate)
    inputs[to_mask] = mask_id
    inputs[to_random] = rng.integers(0, vocab_size, size=int(to_random.sum()))
    labels = np.where(chosen, tokens, IGNORE_LABEL)
    return inputs, labels


def next_sentence_pairs(
    documents: Sequence[Sequence[object]], rng: np.random.Generator, next_rate: float = 0.5
) -> list[tuple[object, object, int]]:
    """(A, B, is_next) for every sentence A that has a successor in its document."""
    if len(documents) < 2:
        raise ValueError("next_sentence_pairs needs at least two documents for NotNext pairs")
    pairs: list[tuple[object, object, int]] = []
    for d, document in enumerate(documents):
        for i in range(len(document) - 1):
            if rng.random() < next_rate:
                pairs.append((document[i], document[i + 1], 1))
                continue
            other = int(rng.integers(0, len(documents) - 1))
            other += other >= d  # any document but this one
            sentences = documents[other]
            pairs.append((document[i], sentences[int(rng.integers(0, len(sentences)))], 0))
    return pairs


def causal_lm_targets(tokens: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(inputs, targets) for next-token prediction on (N, T) tokens: (N, T-1) each."""
    tokens = np.asarray(tokens)
    if tokens.ndim != 2 or tokens.shape[1] < 2:
        raise ValueError(f"causal_lm_targets needs (N, T) tokens with T >= 2, got {tokens.shape}")
    return tokens[:, :-1], tokens[:, 1:]
