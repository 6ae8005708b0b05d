"""Bundled data sets for the examples: scikit-learn's digits and iris, standardised and split.

Nothing is downloaded: both sets ship inside scikit-learn. The split always uses the same seed
(`SPLIT_SEED`) so every run of every example sees the same test set; the run's own seed only
drives initial weights, mini-batches and dropout masks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SPLIT_SEED = 0


@dataclass(frozen=True)
class Split:
    """A standardised train/test split with integer labels."""

    x_train: np.ndarray
    t_train: np.ndarray
    x_test: np.ndarray
    t_test: np.ndarray

    @property
    def n_classes(self) -> int:
        return int(max(self.t_train.max(), self.t_test.max())) + 1


def _split(x: np.ndarray, t: np.ndarray, test_fraction: float) -> Split:
    """Stratified split with `SPLIT_SEED`, then standardise with the training set's statistics."""
    from sklearn.model_selection import train_test_split

    x_train, x_test, t_train, t_test = train_test_split(
        x, t, test_size=test_fraction, random_state=SPLIT_SEED, stratify=t
    )
    mean = x_train.mean(axis=0)
    std = x_train.std(axis=0)
    # Border pixels of the digits are always 0: leave them at 0 instead of dividing by zero.
    std[std == 0] = 1.0
    return Split(
        x_train=((x_train - mean) / std).astype(np.float64),
        t_train=t_train.astype(np.int64),
        x_test=((x_test - mean) / std).astype(np.float64),
        t_test=t_test.astype(np.int64),
    )


def digits(test_fraction: float = 0.3) -> Split:
    """The 1,797 8×8 handwritten digits as flat 64-vectors."""
    from sklearn.datasets import load_digits

    bunch = load_digits()
    return _split(np.asarray(bunch.data, dtype=np.float64), np.asarray(bunch.target), test_fraction)


def digits_images(test_fraction: float = 0.3) -> Split:
    """The digits as (N, 1, 8, 8) images, for convolutional nets."""
    flat = digits(test_fraction)
    return Split(
        x_train=flat.x_train.reshape(-1, 1, 8, 8),
        t_train=flat.t_train,
        x_test=flat.x_test.reshape(-1, 1, 8, 8),
        t_test=flat.t_test,
    )


def iris(test_fraction: float = 0.3) -> Split:
    """The 150 iris flowers, 4 features, 3 classes."""
    from sklearn.datasets import load_iris

    bunch = load_iris()
    return _split(np.asarray(bunch.data, dtype=np.float64), np.asarray(bunch.target), test_fraction)


def subsample(split: Split, n_train: int, seed: int = SPLIT_SEED) -> Split:
    """Keep only `n_train` training examples (the same ones for every run), the full test set."""
    rng = np.random.default_rng(seed)
    keep = np.sort(rng.permutation(len(split.t_train))[:n_train])
    return Split(split.x_train[keep], split.t_train[keep], split.x_test, split.t_test)


def with_label_noise(split: Split, fraction: float, seed: int = SPLIT_SEED) -> Split:
    """Give `fraction` of the training labels a different, random class (test labels untouched)."""
    rng = np.random.default_rng(seed)
    labels = split.t_train.copy()
    flip = rng.random(len(labels)) < fraction
    # Adding 1..k-1 modulo k always lands on a different class, uniformly.
    labels[flip] = (labels[flip] + rng.integers(1, split.n_classes, flip.sum())) % split.n_classes
    return Split(split.x_train, labels, split.x_test, split.t_test)
