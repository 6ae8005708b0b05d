"""word2vec: CBOW with negative sampling puts words of one category next to each other.

The corpus (`corpus/word2vec.txt`, about 3,200 words written for this example) is made of simple
sentences in which animals, foods, drinks, places, people, days and colours each appear in
contexts of their own ("the ___ eats", "drinks ___", "on ___"). CBOW never sees those categories:
it only predicts a word from its neighbours, with 5 negative samples drawn from the unigram
distribution to the 0.75 power. Words that share contexts end up with similar vectors.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from eprep.examples import Check
from eprep.examples.training import Progress, Steps, rounded
from eprep.examples.words import Words

NAME = "word2vec"
CLAIM = (
    "CBOW with negative sampling on a 3,200-word corpus: the 3 nearest neighbours of each "
    "query word are words of its own category."
)
# the claim on Japanese pages
CLAIM_JA = (
    "3,200語のコーパスでの負例サンプリング付きCBOWでは、各クエリ語の最近傍3"
    "語はその語と同じカテゴリの語である。"
)

CORPUS = Path(__file__).with_name("corpus") / "word2vec.txt"
WINDOW = 2
HIDDEN = 10
BATCH = 50
# The categories of words the corpus uses (the model is never told them; the claim checks them).
CATEGORIES: dict[str, tuple[str, ...]] = {
    "animal": ("cat", "dog", "horse", "cow", "sheep", "rabbit"),
    "food": ("bread", "rice", "fish", "cheese", "apple", "soup"),
    "drink": ("milk", "water", "tea", "coffee", "juice"),
    "place": ("kitchen", "garden", "school", "park", "station", "market"),
    "person": ("teacher", "doctor", "farmer", "student", "child", "baker"),
    "day": ("monday", "tuesday", "friday", "sunday"),
    "colour": ("red", "green", "blue", "yellow"),
}
QUERIES = ("cat", "bread", "milk", "kitchen", "teacher", "monday", "red")


def read_corpus(path: Path = CORPUS) -> tuple[np.ndarray, list[str]]:
    """Word ids of the corpus (lines starting with # are comments) and the sorted vocabulary."""
    words = [
        word
        for line in path.read_text(encoding="utf-8").splitlines()
        if not line.startswith("#")
        for word in line.split()
    ]
    vocab = sorted(set(words))
    ids = {word: i for i, word in enumerate(vocab)}
    return np.array([ids[word] for word in words]), vocab


def contexts_and_targets(corpus: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """(n, 2 window) context ids around each target that has a full window, and the targets."""
    n = corpus.size
    offsets = [o for o in range(-window, window + 1) if o != 0]
    contexts = np.stack([corpus[window + o : n - window + o] for o in offsets], axis=1)
    return contexts, corpus[window : n - window]


def nearest(vectors: np.ndarray, vocab: list[str], word: str, k: int = 3) -> list[str]:
    """The k words of highest cosine similarity to `word`, itself excluded."""
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    similarity = unit @ unit[vocab.index(word)]
    order = [i for i in np.argsort(-similarity, kind="stable") if vocab[i] != word]
    return [vocab[i] for i in order[:k]]


# What `run` returns (checked before a cached result is used).
RESULT_SCHEMA = {
    "quick": "bool",
    "epochs": "int",
    "words": "int",
    "vocabulary": "int",
    "loss_curve": ["float"],
    "neighbours": {"*": ["str"]},
    "projection": {"*": ["float"]},
}


def run(quick: bool = False, seed: int = 0, progress: Progress | None = None) -> dict[str, Any]:
    """Train CBOW with Adam over mini-batches of (contexts, target) pairs."""
    from eprep.engine import CBOW, Adam

    epochs = 15 if quick else 60
    corpus, vocab = read_corpus()
    contexts, targets = contexts_and_targets(corpus, WINDOW)
    rng = np.random.default_rng([seed, 3])
    params = {
        "W_in": 0.01 * rng.standard_normal((len(vocab), HIDDEN)),
        "W_out": 0.01 * rng.standard_normal((len(vocab), HIDDEN)),
    }
    model = CBOW(params["W_in"], params["W_out"], corpus, sample_size=5, rng=rng)
    optimizer = Adam(lr=0.01)
    per_epoch = targets.size // BATCH
    steps = Steps(epochs * per_epoch, progress)
    losses = []
    for _ in range(epochs):
        order = rng.permutation(targets.size)
        total = 0.0
        for start in range(0, per_epoch * BATCH, BATCH):
            batch = order[start : start + BATCH]
            total += model.forward(contexts[batch], targets[batch])
            model.backward()
            optimizer.update(params, {"W_in": model.grads[0], "W_out": model.grads[1]})
            steps.advance()
        losses.append(total / per_epoch)
    vectors = model.word_vecs
    centred = vectors - vectors.mean(axis=0)
    projection = centred @ np.linalg.svd(centred, full_matrices=False)[2][:2].T
    return rounded(
        {
            "quick": quick,
            "epochs": epochs,
            "words": int(corpus.size),
            "vocabulary": len(vocab),
            "loss_curve": losses,
            "neighbours": {word: nearest(vectors, vocab, word) for word in QUERIES},
            "projection": {
                word: projection[vocab.index(word)].tolist()
                for category in CATEGORIES.values()
                for word in category
            },
        },
        5,
    )


def category_of(word: str) -> str | None:
    return next((category for category, words in CATEGORIES.items() if word in words), None)


def check_claim(result: dict[str, Any]) -> list[Check]:
    """Every query's three nearest neighbours share its category."""
    checks = []
    for word, neighbours in result["neighbours"].items():
        same = [n for n in neighbours if category_of(n) == category_of(word)]
        checks.append(
            Check(
                f"the 3 nearest neighbours of '{word}' are {category_of(word)} words",
                len(same) == len(neighbours) == 3,
                ", ".join(neighbours),
                statement_ja=f"「{word}」の最近傍 3 語はどれも {category_of(word)} の単語である",
            )
        )
    return checks


WORDS = Words(
    {
        "en": {
            "header": ("word", "category", "nearest neighbours (cosine)"),
            **{category: category for category in CATEGORIES},
            "map title": "word vectors (first two principal axes)",
            "axis 1": "axis 1",
            "axis 2": "axis 2",
            "loss title": "training loss",
            "epoch": "epoch",
            "loss": "negative-sampling loss",
        },
        "ja": {
            "header": ("単語", "カテゴリ", "最近傍の単語（コサイン類似度）"),
            "animal": "動物",
            "food": "食べ物",
            "drink": "飲み物",
            "place": "場所",
            "person": "人",
            "day": "曜日",
            "colour": "色",
            "map title": "単語ベクトル（第 1・第 2 主成分）",
            "axis 1": "第 1 主成分",
            "axis 2": "第 2 主成分",
            "loss title": "訓練データの損失",
            "epoch": "エポック",
            "loss": "負例サンプリングの損失",
        },
    }
)


def rows(result: dict[str, Any], lang: str = "en") -> list[tuple[str, ...]]:
    w = WORDS.of(lang)
    body = [
        (word, w(category) if (category := category_of(word)) else "", ", ".join(n))
        for word, n in result["neighbours"].items()
    ]
    return [w.row("header"), *body]


def figures(result: dict[str, Any], lang: str) -> dict[str, Any]:
    """The word vectors projected on their first two principal axes, coloured by category.

    The words themselves are the corpus's (English) tokens, the same in every language.
    """
    from eprep.examples.plotting import figure, style

    w = WORDS.of(lang)
    fig = figure(8.5, 3.8)
    map_ax, loss_ax = fig.subplots(1, 2)
    markers = "os^vD<>"
    for (category, words), marker in zip(CATEGORIES.items(), markers, strict=True):
        points = np.array([result["projection"][word] for word in words])
        map_ax.scatter(points[:, 0], points[:, 1], marker=marker, label=w(category), s=22)
        for word, (x, y) in zip(words, points, strict=True):
            map_ax.annotate(word, (x, y), fontsize=6, xytext=(2, 2), textcoords="offset points")
    style(map_ax, w("map title"), w("axis 1"), w("axis 2"))
    map_ax.legend(fontsize=6, loc="best")
    loss_ax.plot(np.arange(1, len(result["loss_curve"]) + 1), result["loss_curve"])
    style(loss_ax, w("loss title"), w("epoch"), w("loss"))
    return {"word-vectors": fig}
