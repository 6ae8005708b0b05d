"""word2vec's pieces as Deep Learning from Scratch 2 (chapters 3-4) builds them.

`EmbeddingDot` scores a hidden vector against the output embedding of one word; negative
sampling turns the V-way softmax into one binary question per word: "is this the context word?"
for the true target (label 1) and for `sample_size` words drawn from the unigram distribution
raised to the 0.75 power (label 0), so rare words are drawn a little more often than their
frequency. `CBOW` predicts the centre word from the mean of its context embeddings; `SkipGram`
predicts each context word from the centre word. Gradients overwrite `grads` in place.
"""

from __future__ import annotations

import numpy as np

from eprep.engine.functions import sigmoid


class EmbeddingDot:
    """forward(h: N,D, idx: N) -> (N,) scores h . W[idx]; backward(dout: N) -> dh."""

    def __init__(self, W: np.ndarray) -> None:
        self.params = [W]
        self.grads = [np.zeros_like(W)]
        self.cache: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def forward(self, h: np.ndarray, idx: np.ndarray) -> np.ndarray:
        rows = self.params[0][idx]
        self.cache = (h, np.asarray(idx), rows)
        return np.sum(rows * h, axis=-1)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        h, idx, rows = self.cache
        dW = self.grads[0]
        dW[...] = 0.0
        np.add.at(dW, idx, dout[..., None] * h)
        return dout[..., None] * rows


class SigmoidWithLoss:
    """Mean binary cross-entropy of sigmoid(x) against labels t in {0, 1}; backward (y - t)/N.

    The loss is computed as softplus(x) - t x, which equals -t log y - (1 - t) log(1 - y) exactly
    and never takes log(0), so there is no 1e-7 inside the log.
    """

    def __init__(self) -> None:
        self.params: list[np.ndarray] = []
        self.grads: list[np.ndarray] = []
        self.cache: tuple[np.ndarray, np.ndarray] | None = None

    def forward(self, x: np.ndarray, t: np.ndarray) -> float:
        x = np.asarray(x, dtype=np.float64)
        t = np.asarray(t, dtype=np.float64)
        self.cache = (sigmoid(x), t)
        return float(np.mean(np.logaddexp(0.0, x) - t * x))

    def backward(self, dout: float = 1.0) -> np.ndarray:
        y, t = self.cache
        return dout * (y - t) / y.size


class UnigramSampler:
    """Draws negative samples with probability proportional to count(word) ** power.

    `get_negative_sample(target)` returns (N, sample_size) word ids, distinct within a row and
    never the row's own target. Sampling without replacement is done for the whole batch at once
    with the Gumbel-top-k trick (the k largest of log p + Gumbel noise are a draw without
    replacement proportional to p), seeded through the given Generator.
    """

    def __init__(
        self,
        corpus: np.ndarray,
        power: float = 0.75,
        sample_size: int = 5,
        rng: np.random.Generator | None = None,
    ) -> None:
        counts = np.bincount(np.asarray(corpus))
        if sample_size >= np.count_nonzero(counts):
            raise ValueError(
                f"sample_size {sample_size} needs more than {sample_size} distinct words, "
                f"the corpus has {np.count_nonzero(counts)}"
            )
        weights = counts.astype(np.float64) ** power
        self.word_p = weights / weights.sum()
        self.vocab_size = counts.size
        self.sample_size = sample_size
        self.rng = rng if rng is not None else np.random.default_rng()

    def get_negative_sample(self, target: np.ndarray) -> np.ndarray:
        target = np.asarray(target)
        with np.errstate(divide="ignore"):
            keys = np.log(self.word_p) + self.rng.gumbel(size=(target.size, self.vocab_size))
        keys[np.arange(target.size), target] = -np.inf  # never the target itself
        best = np.argpartition(-keys, self.sample_size, axis=1)[:, : self.sample_size]
        return best


class NegativeSamplingLoss:
    """Binary losses of the true target (label 1) and `sample_size` negatives (label 0), summed.

    forward(h: N,D, target: N) -> sum over the 1 + sample_size words of the batch-mean binary
    cross-entropy (DLFS2's definition). W (V, D) is the output embedding; dW lands in `grads`.
    """

    def __init__(
        self,
        W: np.ndarray,
        corpus: np.ndarray,
        power: float = 0.75,
        sample_size: int = 5,
        rng: np.random.Generator | None = None,
    ) -> None:
        self.sampler = UnigramSampler(corpus, power, sample_size, rng)
        self.embed_dot = EmbeddingDot(W)
        self.loss_layer = SigmoidWithLoss()
        self.params = self.embed_dot.params
        self.grads = self.embed_dot.grads

    def forward(self, h: np.ndarray, target: np.ndarray) -> float:
        target = np.asarray(target)
        words = np.concatenate((target[:, None], self.sampler.get_negative_sample(target)), axis=1)
        labels = np.zeros(words.shape)
        labels[:, 0] = 1.0
        scores = self.embed_dot.forward(h[:, None, :], words)
        # the mean over all (1 + S) * N pairs times (1 + S) is the sum of (1 + S) batch means
        return self.loss_layer.forward(scores, labels) * words.shape[1]

    def backward(self, dout: float = 1.0) -> np.ndarray:
        words = self.loss_layer.cache[1].shape[1]
        dscores = self.loss_layer.backward(dout * words)
        return self.embed_dot.backward(dscores).sum(axis=1)


class CBOW:
    """Continuous bag of words with negative sampling.

    forward(contexts: N, 2*window word ids, target: N) -> loss: the mean of the context words'
    input embeddings predicts the target through NegativeSamplingLoss. `word_vecs` is W_in.
    """

    def __init__(
        self,
        W_in: np.ndarray,
        W_out: np.ndarray,
        corpus: np.ndarray,
        sample_size: int = 5,
        rng: np.random.Generator | None = None,
    ) -> None:
        self.loss_layer = NegativeSamplingLoss(W_out, corpus, sample_size=sample_size, rng=rng)
        self.params = [W_in, W_out]
        self.grads = [np.zeros_like(W_in), self.loss_layer.grads[0]]
        self.word_vecs = W_in
        self.contexts: np.ndarray | None = None

    def forward(self, contexts: np.ndarray, target: np.ndarray) -> float:
        self.contexts = np.asarray(contexts)
        h = self.params[0][self.contexts].mean(axis=1)
        return self.loss_layer.forward(h, target)

    def backward(self, dout: float = 1.0) -> None:
        dh = self.loss_layer.backward(dout)
        dW_in = self.grads[0]
        dW_in[...] = 0.0
        share = dh / self.contexts.shape[1]  # each context word contributed 1/(2 window) of h
        np.add.at(dW_in, self.contexts, np.repeat(share[:, None, :], self.contexts.shape[1], 1))


class SkipGram:
    """Skip-gram with negative sampling: the centre word's embedding predicts each context word.

    forward(contexts: N, 2*window, target: N) -> the sum over context positions of each
    position's negative-sampling loss.
    """

    def __init__(
        self,
        W_in: np.ndarray,
        W_out: np.ndarray,
        corpus: np.ndarray,
        sample_size: int = 5,
        rng: np.random.Generator | None = None,
    ) -> None:
        self.loss_layer = NegativeSamplingLoss(W_out, corpus, sample_size=sample_size, rng=rng)
        self.params = [W_in, W_out]
        self.grads = [np.zeros_like(W_in), self.loss_layer.grads[0]]
        self.word_vecs = W_in
        self.shape: tuple[int, int] = (0, 0)
        self.target: np.ndarray | None = None

    def forward(self, contexts: np.ndarray, target: np.ndarray) -> float:
        contexts = np.asarray(contexts)
        self.target = np.asarray(target)
        self.shape = contexts.shape
        h = np.repeat(self.params[0][self.target], contexts.shape[1], axis=0)
        # one batch of N * 2window pairs; its mean times 2window is the sum of the positions' means
        return self.loss_layer.forward(h, contexts.reshape(-1)) * contexts.shape[1]

    def backward(self, dout: float = 1.0) -> None:
        n, positions = self.shape
        dh = self.loss_layer.backward(dout * positions).reshape(n, positions, -1).sum(axis=1)
        dW_in = self.grads[0]
        dW_in[...] = 0.0
        np.add.at(dW_in, self.target, dh)
