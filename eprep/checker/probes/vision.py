"""Probes for object detection, segmentation and explainability, measured with the engine.

IoU, NMS, AP, anchors and mIoU are run through `eprep.engine.detection` on boxes, ranked lists,
anchor grids and masks built from the variant (masks with their pixels shuffled, so nothing
depends on where the classes lie); parameter counts are the scalars a backward pass gives a
non-zero gradient after a real concatenation; Grad-CAM weights and values are read from
`eprep.engine.explain.grad_cam` on small engine nets. Code probes run the completed listing on
random inputs against the same engine functions.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

import numpy as np

from eprep.checker.probes import Params, Value, code_probe, probe
from eprep.checker.probes.cnn import _function, _int, trained_scalars
from eprep.engine import Affine, Convolution, GlobalAveragePooling, Relu, SimpleConvNet
from eprep.engine.detection import anchor_grid, average_precision, iou, mean_iou, nms
from eprep.engine.explain import grad_cam


@probe("box_iou")
def box_iou(variant: Params, rng: np.random.Generator) -> Value:
    """Engine IoU of A = (0, 0, W1, H1) and B = (x, y, x + W2, y + H2)."""
    w1, h1, x, y = (_int(variant, n) for n in ("W1", "H1", "x", "y"))
    w2, h2 = _int(variant, "W2"), _int(variant, "H2")
    return Value(iou((0, 0, w1, h1), (x, y, x + w2, y + h2)))


def _random_boxes(rng: np.random.Generator, n: int, spread: float = 8.0) -> np.ndarray:
    xy = rng.uniform(0, spread, size=(n, 2))
    return np.hstack([xy, xy + rng.uniform(0.5, 5, size=(n, 2))])


@code_probe("iou_code_matches_engine")
def iou_code_matches_engine(
    namespace: Mapping[str, Any], variant: Params, rng: np.random.Generator
) -> None:
    """The listing's iou on random pairs (overlapping, nested, apart) against the engine's."""
    fn = _function(namespace, "iou")
    pairs = list(zip(_random_boxes(rng, 30), _random_boxes(rng, 30), strict=True))
    pairs.append((np.array([0.0, 0, 2, 2]), np.array([3.0, 4, 5, 6])))  # apart on both axes
    pairs.append((np.array([0.0, 0, 2, 2]), np.array([0.5, 4, 1.5, 6])))  # apart vertically
    pairs.append((np.array([0.0, 0, 8, 8]), np.array([2.0, 3, 4, 5])))  # nested
    for a, b in pairs:
        with np.errstate(all="ignore"):
            got = float(fn(tuple(a), tuple(b)))
        want = iou(a, b)
        if not np.isclose(got, want, rtol=1e-9, atol=1e-12):
            raise AssertionError(f"iou({a.tolist()}, {b.tolist()}) = {got}, the engine {want}")


@code_probe("nms_code_matches_engine")
def nms_code_matches_engine(
    namespace: Mapping[str, Any], variant: Params, rng: np.random.Generator
) -> None:
    """The listing's kept indices (in order) against engine NMS on random clustered boxes."""
    fn = _function(namespace, "nms")
    for threshold in (0.3, 0.5):
        boxes = _random_boxes(rng, 12, spread=6.0)
        scores = rng.permutation(12) / 12 + 0.01
        got = [int(i) for i in fn(boxes.copy(), scores.copy(), threshold)]
        want = nms(boxes, scores, threshold).tolist()
        if got != want:
            raise AssertionError(f"kept {got}, the engine keeps {want} (threshold {threshold})")


@probe("ranked_average_precision")
def ranked_average_precision(variant: Params, rng: np.random.Generator) -> Value:
    """Engine all-point AP of the list hit^a miss^b hit hit hit against N ground truths."""
    a, b, n = _int(variant, "a"), _int(variant, "b"), _int(variant, "N")
    return Value(average_precision([True] * a + [False] * b + [True, True, True], n))


@probe("anchor_count")
def anchor_count(variant: Params, rng: np.random.Generator) -> Value:
    """Rows of the engine's anchor grid, counted as distinct boxes."""
    hf, wf, s, r = (_int(variant, n) for n in ("Hf", "Wf", "S", "R"))
    scales = rng.uniform(0.5, 4, size=s)
    ratios = rng.uniform(0.3, 3, size=r)
    grid = anchor_grid(hf, wf, 16, 16, scales.tolist(), ratios.tolist())
    return Value(len(np.unique(np.round(grid, 9), axis=0)))


@probe("binary_mask_miou")
def binary_mask_miou(variant: Params, rng: np.random.Generator) -> Value:
    """Engine mIoU of shuffled masks with the variant's counts (the layout does not matter)."""
    t, f, p, q = (_int(variant, n) for n in ("T", "F", "P", "Q"))
    target = np.zeros(t, dtype=int)
    pred = np.zeros(t, dtype=int)
    target[:f] = 1
    pred[f - q : f - q + p] = 1  # q of the predicted foreground pixels are truly foreground
    order = rng.permutation(t)
    return Value(mean_iou(pred[order], target[order], 2))


@code_probe("miou_code_matches_engine")
def miou_code_matches_engine(
    namespace: Mapping[str, Any], variant: Params, rng: np.random.Generator
) -> None:
    """The listing's mIoU on random masks with imbalanced classes against the engine's."""
    fn = _function(namespace, "mean_iou")
    for k in (2, 3, 5):
        target = rng.choice(k, size=(9, 11), p=np.arange(1, k + 1) / np.arange(1, k + 1).sum())
        noise = rng.integers(0, k, size=target.shape)
        pred = np.where(rng.random(target.shape) < 0.6, target, noise)
        pred.flat[:k] = np.arange(k)  # every class occurs
        with np.errstate(all="ignore"):
            got = float(fn(pred.copy(), target.copy(), k))
        want = mean_iou(pred, target, k)
        if not np.isclose(got, want, rtol=1e-9):
            raise AssertionError(f"mean IoU {got} with {k} classes, the engine {want}")


@probe("unet_skip_params")
def unet_skip_params(variant: Params, rng: np.random.Generator) -> Value:
    """Parameters of an engine 3x3 Convolution on the channel-concatenated maps, by backward."""
    cu, cs, co = _int(variant, "Cu"), _int(variant, "Cs"), _int(variant, "Co")
    up = rng.standard_normal((1, cu, 3, 3))
    skip = rng.standard_normal((1, cs, 3, 3))
    joined = np.concatenate([up, skip], axis=1)  # U-Net joins along the channel axis
    # One 3x3 window without padding: every weight meets a (non-zero) input value.
    layer = Convolution(rng.standard_normal((co, joined.shape[1], 3, 3)), np.zeros(co))
    out = layer.forward(joined)
    layer.backward(rng.standard_normal(out.shape))
    return Value(trained_scalars(layer.dW, layer.db))


def _head_net(*layers: tuple[str, Any]) -> Any:
    return SimpleNamespace(layers=OrderedDict(layers))


@probe("gradcam_gap_weight")
def gradcam_gap_weight(variant: Params, rng: np.random.Generator) -> Value:
    """Engine Grad-CAM weight of channel 0 for maps -> GAP -> Affine with w_0 = v."""
    h, w, v = _int(variant, "H"), _int(variant, "IW"), float(variant["v"])
    weights = rng.standard_normal((3, 2))
    weights[0, 1] = v
    net = _head_net(
        ("Relu1", Relu()), ("GAP", GlobalAveragePooling()), ("Affine", Affine(weights, np.zeros(2)))
    )
    maps = rng.uniform(0.1, 1, size=(1, 3, h, w))
    return Value(float(grad_cam(net, maps, 1).weights[0, 0]), rel_tol=1e-9)


@probe("gradcam_pixel")
def gradcam_pixel(variant: Params, rng: np.random.Generator) -> Value:
    """Engine Grad-CAM at one pixel of two maps under an affine score whose gradient maps
    (random, summing to G1 and G2) are the weights."""
    z, g1, g2 = _int(variant, "Z"), float(variant["G1"]), float(variant["G2"])
    a1, a2 = float(variant["a1"]), float(variant["a2"])
    side = round(z**0.5)
    grads = rng.uniform(0.5, 1.5, size=(2, side, side))
    grads[0] *= g1 / grads[0].sum()
    grads[1] *= g2 / grads[1].sum()
    maps = rng.uniform(0.5, 6, size=(1, 2, side, side))
    maps[0, :, 0, 0] = (a1, a2)
    net = _head_net(("Relu1", Relu()), ("Affine", Affine(grads.reshape(-1, 1), np.zeros(1))))
    return Value(float(grad_cam(net, maps, 0).coarse[0, 0, 0]), rel_tol=1e-9)


@code_probe("gradcam_code_matches_engine")
def gradcam_code_matches_engine(
    namespace: Mapping[str, Any], variant: Params, rng: np.random.Generator
) -> None:
    """The listing on the maps and gradients of an engine SimpleConvNet vs engine Grad-CAM."""
    fn = _function(namespace, "grad_cam")
    net = SimpleConvNet(
        input_dim=(1, 8, 8),
        conv_param={"filter_num": 5, "filter_size": 3, "pad": 1, "stride": 1},
        hidden_size=10,
        output_size=3,
        weight_init_std="he",
        rng=rng,
    )
    cam = grad_cam(net, rng.standard_normal((4, 1, 8, 8)), np.array([0, 1, 2, 0]))
    raw = np.einsum("nk,nkij->nij", cam.weights, cam.features)
    if not (raw.min() < 0 < raw.max()):
        raise AssertionError("the engine's maps do not test the ReLU (no negative pixel)")
    for k in range(4):
        got = np.asarray(fn(cam.features[k].copy(), cam.gradients[k].copy()), dtype=float)
        if got.shape != cam.coarse[k].shape or not np.allclose(got, cam.coarse[k], atol=1e-12):
            raise AssertionError(f"sample {k}: the map differs from the engine's Grad-CAM")
