"""attention: one head of the Transformer's attention learns to reverse a digit sequence.

The input is T = 8 random digits. Each output position t asks a query built from its positional
encoding alone; the keys and values are the input's token embeddings plus their positional
encodings (a decoder's cross-attention over an encoder's output, with no other layer). The output
digit is read off the attended value by an affine layer. The only way to get digit t of the
reversed sequence is to look at input position T - 1 - t, so a trained head's attention map
should put its mass on the anti-diagonal. Sinusoidal encodings make this learnable by a bilinear
score: PE(T - 1 - t) is a fixed linear map (a reflection per frequency pair) of PE(t).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from eprep.examples import Check
from eprep.examples.training import Progress, Steps, rounded
from eprep.examples.words import Words

NAME = "attention"
CLAIM = (
    "One attention head learns to reverse 8-digit sequences: at least 99% of test digits right; "
    "every output position gives its largest weight to the mirrored input position, on average "
    "at least 60% (uniform attention: 12.5%)."
)
CLAIM_JA = (
    "1 つの Attention ヘッドが 8 桁の数字列の反転を学習し、テストの数字の 99% 以上が正しい。"
    "各出力位置は鏡像の入力位置（反対角）に最大の重みを与え、その平均は 60% 以上である"
    "（一様な Attention なら 12.5%）。"
)
# What the plots show that a reader may not expect (per language).
EXPLANATION = {
    "en": (
        "The attention map (right) is the test set's mean weight of output position t (row) on "
        "input position s (column). It starts uniform and ends on the anti-diagonal s = T - 1 - t "
        "although nothing tells the model where to look: the loss only sees the output digits. "
        "The rest of each row falls on the mirror's neighbours, whose positional encodings are "
        "the most similar; once every digit is right the loss is tiny and barely sharpens it."
    ),
    "ja": (
        "右の Attention マップは、テストデータでの出力位置 t（行）から入力位置 s（列）への重みの"
        "平均である。最初は一様だが、学習後は反対角 s = T - 1 - t に集まる。どこを見るべきかは"
        "教えておらず、損失が見るのは出力の数字だけである。残りの重みは、位置エンコーディングが"
        "最も似ている鏡像の隣の位置に載る。すべての数字が正しくなると損失はごく小さく、"
        "それ以上はほとんど鋭くならない。"
    ),
}

LENGTH = 8
VOCAB = 10
D_MODEL = 32
BATCH = 64
ACCURACY = 0.99
DIAGONAL = 0.6


def reversal_task(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """n sequences of LENGTH random digits and their reversals, both (n, LENGTH) int."""
    x = rng.integers(0, VOCAB, size=(n, LENGTH))
    return x, x[:, ::-1].copy()


class ReversalModel:
    """Embedding + PE -> one-head cross-attention (queries: PE only) -> TimeAffine -> softmax."""

    def __init__(self, rng: np.random.Generator) -> None:
        from eprep.engine import Adam, TimeAffine, TimeEmbedding, TimeSoftmaxWithLoss
        from eprep.engine.transformer import MultiHeadAttention, positional_encoding

        self.pe = positional_encoding(LENGTH, D_MODEL)
        self.embedding = TimeEmbedding(rng.standard_normal((VOCAB, D_MODEL)) * 0.5)
        self.attention = MultiHeadAttention.initialised(D_MODEL, 1, rng)
        self.affine = TimeAffine(
            rng.standard_normal((D_MODEL, VOCAB)) / np.sqrt(D_MODEL), np.zeros(VOCAB)
        )
        self.loss_layer = TimeSoftmaxWithLoss()
        layers = (self.embedding, self.attention, self.affine)
        self.params = {f"p{i}": p for i, p in enumerate(p for la in layers for p in la.params)}
        self.optimizer = Adam(lr=0.01)

    def scores(self, x: np.ndarray) -> np.ndarray:
        memory = self.embedding.forward(x) + self.pe
        queries = np.broadcast_to(self.pe, memory.shape)
        return self.affine.forward(self.attention.forward(queries, memory, memory))

    def step(self, x: np.ndarray, t: np.ndarray) -> float:
        loss = self.loss_layer.forward(self.scores(x), t)
        _, dkey, dvalue = self.attention.backward(self.affine.backward(self.loss_layer.backward()))
        self.embedding.backward(dkey + dvalue)
        layers = (self.embedding, self.attention, self.affine)
        grads = {f"p{i}": g for i, g in enumerate(g for la in layers for g in la.grads)}
        self.optimizer.update(self.params, grads)
        return loss

    def attention_map(self, x: np.ndarray) -> np.ndarray:
        """The (LENGTH, LENGTH) attention weights averaged over the samples of x."""
        self.scores(x)
        return self.attention.attention_weight[:, 0].mean(axis=0)


RESULT_SCHEMA = {
    "quick": "bool",
    "iterations": "int",
    "every": "int",
    "loss_curve": ["float"],
    "accuracy_curve": ["float"],
    "diagonal_curve": ["float"],
    "digit_accuracy": "float",
    "sequence_accuracy": "float",
    "anti_diagonal": "float",
    "first_map": [["float"]],
    "attention_map": [["float"]],
}


def _anti_diagonal(weights: np.ndarray) -> float:
    return float(np.mean(weights[np.arange(LENGTH), LENGTH - 1 - np.arange(LENGTH)]))


def run(quick: bool = False, seed: int = 0, progress: Progress | None = None) -> dict[str, Any]:
    """Train on fresh random sequences every step; test on 1000 from another stream."""
    iterations = 400 if quick else 1500
    every = 20
    rng = np.random.default_rng([seed, 1])
    model = ReversalModel(rng)
    test_x, test_t = reversal_task(np.random.default_rng([seed, 2]), 1000)
    first_map = model.attention_map(test_x)
    steps = Steps(iterations, progress)
    losses, accuracies, diagonals = [], [], []
    for iteration in range(iterations):
        x, t = reversal_task(rng, BATCH)
        loss = model.step(x, t)
        if iteration % every == 0:  # curves on the first 200 test sequences (cheaper)
            losses.append(loss)
            scores = model.scores(test_x[:200])
            accuracies.append(float(np.mean(scores.argmax(axis=2) == test_t[:200])))
            diagonals.append(_anti_diagonal(model.attention_map(test_x[:200])))
        steps.advance()
    predicted = model.scores(test_x).argmax(axis=2)
    final_map = model.attention_map(test_x)
    return rounded(
        {
            "quick": quick,
            "iterations": iterations,
            "every": every,
            "loss_curve": losses,
            "accuracy_curve": accuracies,
            "diagonal_curve": diagonals,
            "digit_accuracy": float(np.mean(predicted == test_t)),
            "sequence_accuracy": float(np.mean(np.all(predicted == test_t, axis=1))),
            "anti_diagonal": _anti_diagonal(final_map),
            "first_map": first_map,
            "attention_map": final_map,
        },
        5,
    )


def check_claim(result: dict[str, Any]) -> list[Check]:
    """Digit accuracy; the attention map's largest weights on, and its mass along, the mirror."""
    weights = np.array(result["attention_map"], dtype=float)
    mirror = LENGTH - 1 - np.arange(LENGTH)
    before = _anti_diagonal(np.array(result["first_map"], dtype=float))
    attended = ", ".join(str(int(s)) for s in weights.argmax(axis=1))
    mirrored = ", ".join(f"{w:.3f}" for w in weights[np.arange(LENGTH), mirror])
    digits, sequences = result["digit_accuracy"], result["sequence_accuracy"]
    return [
        Check(
            f"test digit accuracy at least {ACCURACY:.0%}",
            digits >= ACCURACY,
            f"digits {digits:.4f}, whole sequences {sequences:.4f}",
            statement_ja=f"テストの数字の正解率が {ACCURACY:.0%} 以上",
            measured_ja=f"数字 {digits:.4f}、系列全体 {sequences:.4f}",
        ),
        Check(
            "every output position's largest attention weight is on the mirrored input position",
            bool(np.all(weights.argmax(axis=1) == mirror)),
            f"most attended input per output position: {attended}",
            statement_ja="各出力位置の最大の Attention の重みが鏡像の入力位置にある",
            measured_ja=f"出力位置ごとに最も重みの大きい入力位置：{attended}",
        ),
        Check(
            f"the mirrored positions hold at least {DIAGONAL:.0%} of the attention on average",
            _anti_diagonal(weights) >= DIAGONAL,
            f"mirrored weights {mirrored}",
            statement_ja=f"鏡像の位置の重みが平均 {DIAGONAL:.0%} 以上",
            measured_ja=f"鏡像の位置の重み {mirrored}",
        ),
        Check(
            "before training the attention is spread (mirrored weight under 25%)",
            before < 0.25,
            f"mean mirrored weight before training {before:.3f}",
            statement_ja="学習前は Attention が広がっている（鏡像の位置の重みが 25% 未満）",
            measured_ja=f"学習前の鏡像の位置の重みの平均 {before:.3f}",
        ),
    ]


WORDS = Words(
    {
        "en": {
            "header": ("iterations", "digit accuracy", "whole sequences", "attention on mirror",
                       "final loss"),
            "loss title": "training loss",
            "iteration": "iteration",
            "loss": "cross-entropy per digit",
            "accuracy": "test digit accuracy",
            "mirror": "attention on mirror",
            "accuracy title": "test accuracy and anti-diagonal mass",
            "fraction": "fraction",
            "before": "attention map, before training",
            "after": "attention map, after training",
            "input": "input position s",
            "output": "output position t",
            "weight": "weight",
        },
        "ja": {
            "header": ("反復", "数字の正解率", "系列全体の正解率", "鏡像の位置の重み", "最終損失"),
            "loss title": "訓練データの損失",
            "iteration": "反復",
            "loss": "1 桁あたりの交差エントロピー誤差",
            "accuracy": "テストデータの桁ごとの正解率",
            "mirror": "鏡像の位置への Attention の重み",
            "accuracy title": "テストデータの正解率と反対角線上の重み",
            "fraction": "割合",
            "before": "Attention の重み（学習前）",
            "after": "Attention の重み（学習後）",
            "input": "入力の位置 s",
            "output": "出力の位置 t",
            "weight": "重み",
        },
    }
)  # fmt: skip


def rows(result: dict[str, Any], lang: str = "en") -> list[tuple[str, ...]]:
    return [
        WORDS.of(lang).row("header"),
        (
            str(result["iterations"]),
            f"{result['digit_accuracy']:.4f}",
            f"{result['sequence_accuracy']:.4f}",
            f"{result['anti_diagonal']:.3f}",
            f"{result['loss_curve'][-1]:.4g}",
        ),
    ]


def figures(result: dict[str, Any], lang: str) -> dict[str, Any]:
    """Learning curves; the attention maps before and after training."""
    from eprep.examples.plotting import figure, loss_and_accuracy_axes, style

    w = WORDS.of(lang)
    fig, acc_ax, x = loss_and_accuracy_axes(result, w)
    acc_ax.plot(x, result["accuracy_curve"], color="tab:green", label=w("accuracy"))
    acc_ax.plot(x, result["diagonal_curve"], color="tab:orange", linestyle="--", label=w("mirror"))
    acc_ax.axhline(ACCURACY, color="gray", linestyle=":", linewidth=1)
    acc_ax.set_ylim(0, 1.02)
    acc_ax.legend(loc="lower right")
    style(acc_ax, w("accuracy title"), w("iteration"), w("fraction"))
    curves = fig

    fig = figure(8.0, 3.6)
    axes = fig.subplots(1, 2)
    for ax, key, title in zip(
        axes, ("first_map", "attention_map"), ("before", "after"), strict=True
    ):
        image = ax.imshow(np.array(result[key], dtype=float), vmin=0, vmax=1, cmap="viridis")
        ax.set_title(w(title))
        ax.set_xlabel(w("input"))
        ax.set_ylabel(w("output"))
        ax.set_xticks(range(LENGTH))
        ax.set_yticks(range(LENGTH))
    fig.colorbar(image, ax=axes, shrink=0.8, label=w("weight"))
    return {"attention-learning": curves, "attention-map": fig}
