"""Explainability of a CNN's decision: Grad-CAM (Selvaraju et al. 2017) and an occlusion map.

Grad-CAM: with A^k the k-th feature map of the last convolution layer (after its activation)
and y^c the class score before the softmax, the channel weight is the global average of the
gradient, alpha_k = mean_ij dy^c/dA^k_ij, and the map is ReLU(sum_k alpha_k A^k), upsampled
bilinearly to the input size. The gradient comes from the net's own backward passes.
Occlusion (Zeiler & Fergus 2014): the drop of y^c when a patch of the input is masked, averaged
over the patches that cover each pixel; it needs no gradient, so it cross-checks Grad-CAM.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class GradCam:
    """Grad-CAM of a batch: heat maps at input size, at feature size, weights and scores."""

    heatmap: np.ndarray  # (N, H, W), upsampled to the input
    coarse: np.ndarray  # (N, h, w), ReLU(sum_k alpha_k A^k) at the feature maps' size
    weights: np.ndarray  # (N, K): alpha_k, the spatial mean of dy^c/dA^k
    features: np.ndarray  # (N, K, h, w): A^k
    gradients: np.ndarray  # (N, K, h, w): dy^c/dA^k
    scores: np.ndarray  # (N, classes): the class scores y before the softmax


def bilinear_resize(maps: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Resize (N, h, w) maps to (N, H, W) bilinearly, pixel centres aligned (align_corners=False,
    as torch.nn.functional.interpolate and OpenCV's resize)."""
    maps = np.asarray(maps, dtype=float)
    _, h, w = maps.shape
    out_h, out_w = size

    def axis(out: int, inp: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        src = np.maximum((np.arange(out) + 0.5) * (inp / out) - 0.5, 0.0)
        low = np.minimum(np.floor(src).astype(int), inp - 1)
        high = np.minimum(low + 1, inp - 1)
        return low, high, src - low

    y0, y1, fy = axis(out_h, h)
    x0, x1, fx = axis(out_w, w)
    top = maps[:, y0][:, :, x0] * (1 - fx) + maps[:, y0][:, :, x1] * fx
    bottom = maps[:, y1][:, :, x0] * (1 - fx) + maps[:, y1][:, :, x1] * fx
    return top * (1 - fy)[None, :, None] + bottom * fy[None, :, None]


def grad_cam(
    net: Any, x: np.ndarray, target: int | np.ndarray | None = None, feature_layer: str = "Relu1"
) -> GradCam:
    """Grad-CAM of `net` (a DLFS-style net with an ordered `layers` dict) on the batch `x`.

    `feature_layer` names the layer whose output is A (for `SimpleConvNet`, the ReLU after the
    only convolution); `target` is the class per sample (default: the predicted class).
    """
    names = list(net.layers)
    if feature_layer not in names:
        raise ValueError(f"no layer {feature_layer!r}; the net has {names}")
    x = np.asarray(x, dtype=float)
    if x.ndim != 4:
        raise ValueError(f"x must be a batch of images (N, C, H, W), got shape {x.shape}")
    split = names.index(feature_layer) + 1
    out = x
    for name in names[:split]:
        out = net.layers[name].forward(out, train_flg=False)
    features = out
    for name in names[split:]:
        out = net.layers[name].forward(out, train_flg=False)
    scores = out
    classes = np.argmax(scores, axis=1) if target is None else np.broadcast_to(target, len(x))
    # The gradient of y^c alone: a one-hot upstream gradient on the scores.
    dout = np.zeros_like(scores)
    dout[np.arange(len(x)), classes] = 1.0
    for name in reversed(names[split:]):
        dout = net.layers[name].backward(dout)
    grads = np.asarray(dout).reshape(features.shape)
    weights = grads.mean(axis=(2, 3))
    coarse = np.maximum(np.einsum("nk,nkij->nij", weights, features), 0.0)
    heatmap = bilinear_resize(coarse, x.shape[2:])
    return GradCam(heatmap, coarse, weights, features, grads, scores)


def occlusion_map(
    score: Callable[[np.ndarray], np.ndarray],
    image: np.ndarray,
    patch: int,
    stride: int = 1,
    fill: float | np.ndarray = 0.0,
) -> np.ndarray:
    """Score drop when a patch x patch square of `image` (C, H, W) is set to `fill`.

    `fill` is a number or a baseline image of the same shape (the patch then takes the
    baseline's values there, e.g. a blank background, so that masking erases ink).
    `score(batch)` returns one class score per image of a batch (N, C, H, W). Each pixel gets the
    mean drop over the patch positions that cover it; shape (H, W).
    """
    image = np.asarray(image, dtype=float)
    if image.ndim != 3:
        raise ValueError(f"image must be (C, H, W), got shape {image.shape}")
    _, h, w = image.shape
    if not 1 <= patch <= min(h, w) or stride < 1:
        raise ValueError(f"patch must lie in 1 .. {min(h, w)} and stride be >= 1")
    starts = [
        (i, j) for i in range(0, h - patch + 1, stride) for j in range(0, w - patch + 1, stride)
    ]
    baseline = np.broadcast_to(np.asarray(fill, dtype=float), image.shape)
    batch = np.repeat(image[None], len(starts), axis=0)
    for k, (i, j) in enumerate(starts):
        window = (slice(None), slice(i, i + patch), slice(j, j + patch))
        batch[k][window] = baseline[window]
    base = float(np.asarray(score(image[None])).ravel()[0])
    drops = base - np.asarray(score(batch), dtype=float).ravel()
    total = np.zeros((h, w))
    count = np.zeros((h, w))
    for drop, (i, j) in zip(drops, starts, strict=True):
        total[i : i + patch, j : j + patch] += drop
        count[i : i + patch, j : j + patch] += 1
    return np.divide(total, count, out=np.zeros((h, w)), where=count > 0)


def class_score(net: Any, target: int) -> Callable[[np.ndarray], np.ndarray]:
    """The score function of one class (before the softmax) for `occlusion_map`."""
    return lambda batch: net.predict(batch, train_flg=False)[:, target]
