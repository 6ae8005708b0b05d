"""Executable examples: the course's classic experiments, reproduced by the engine.

Each example is a module with `NAME`, a one-line `CLAIM`, `run(quick, seed, progress) -> dict`
(JSON-ready), `figures(result, lang) -> dict[str, Figure]` (its plots, file stem -> matplotlib
figure, with the words of `lang`; `plotting.write_plots` saves them as SVG), `rows(result, lang)`
(the table the CLI prints), `check_claim(result) -> list[Check]` and `WORDS` (`words.Words`: every
title, label, legend entry and table header in English and Japanese). Modules are imported only
when used so that `eprep example list` stays fast.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from eprep.errors import EprepError

# name -> module, in the course's order.
EXAMPLES: dict[str, str] = {
    "vanishing-gradient": "eprep.examples.vanishing_gradient",
    "optimizers": "eprep.examples.optimizers",
    "regularization": "eprep.examples.regularization",
    "dropout": "eprep.examples.dropout",
    "cnn": "eprep.examples.cnn",
    "perceptron": "eprep.examples.perceptron",
    "initial-weights": "eprep.examples.initial_weights",
    "rnn-binary-addition": "eprep.examples.rnn_binary_addition",
    "lstm-vs-rnn": "eprep.examples.lstm_vs_rnn",
    "word2vec": "eprep.examples.word2vec",
    "pca": "eprep.examples.pca",
    "bias-variance": "eprep.examples.bias_variance",
    "logistic-regression": "eprep.examples.logistic_regression",
    "q-learning": "eprep.examples.q_learning",
    "grad-cam": "eprep.examples.grad_cam",
    "attention": "eprep.examples.attention",
}

# Example name -> bank topics it illustrates (besides a topic or tag of the same name); the site
# and the Anki export both attach an example's plots by this.
TOPICS: dict[str, tuple[str, ...]] = {
    "vanishing-gradient": ("vanishing",),
    "initial-weights": ("vanishing", "activation-functions"),
    "regularization": ("regularization", "regularisation"),
    "perceptron": ("perceptron", "activations"),
    "rnn-binary-addition": ("rnn", "bptt"),
    "lstm-vs-rnn": ("rnn", "lstm", "bptt"),
    "word2vec": ("word2vec", "embedding"),
    "pca": ("clustering-pca",),
    "bias-variance": ("regression",),
    "logistic-regression": ("classification",),
    "q-learning": ("reinforcement-learning",),
    "grad-cam": ("explainability",),
    "attention": ("transformer", "bert-gpt"),
}

# Modules every example uses; their source is part of each cache key.
SHARED_MODULES = ("eprep.examples.data", "eprep.examples.training")


@dataclass(frozen=True)
class Check:
    """One part of an example's claim, tested against its result, worded in both languages."""

    statement: str
    ok: bool
    measured: str
    statement_ja: str = field(kw_only=True)
    # None when the measurement is only numbers and symbols, the same in both languages.
    measured_ja: str | None = field(default=None, kw_only=True)

    def __post_init__(self) -> None:
        if not self.statement_ja.strip():
            raise ValueError(f"check {self.statement!r} has no Japanese statement")

    def statement_in(self, lang: str) -> str:
        return self.statement_ja if lang == "ja" else self.statement

    def measured_in(self, lang: str) -> str:
        return self.measured_ja if lang == "ja" and self.measured_ja is not None else self.measured


def names() -> list[str]:
    """Example names in the course's order."""
    return list(EXAMPLES)


def claim(name: str, lang: str = "en") -> str:
    """Example `name`'s one-line claim in `lang` (its CLAIM_JA in Japanese)."""
    module = load(name)
    return str(module.CLAIM_JA if lang == "ja" else module.CLAIM)


def load(name: str) -> ModuleType:
    """The module of example `name`; an unknown name is a user error."""
    if name not in EXAMPLES:
        raise EprepError(f"unknown example {name!r}; choose one of: {', '.join(EXAMPLES)}")
    return importlib.import_module(EXAMPLES[name])


def __getattr__(attribute: str) -> Any:
    # `from eprep.examples import cached_result` without importing the cache at package import.
    if attribute in {"cached_result", "run_example", "write_outputs"}:
        return getattr(importlib.import_module("eprep.examples.cache"), attribute)
    raise AttributeError(attribute)
