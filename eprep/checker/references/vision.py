"""Object detection, segmentation and explainability, from their primary definitions.

IoU is |A ∩ B| / |A ∪ B| with the areas counted as unit cells of the integer grid (the boxes'
sets, not a formula for their overlap); NMS is the one subset of boxes that no two members
overlap above the threshold and that explains every removed box by a kept, better-scored one
overlapping it; AP is the area under the interpolated precision-recall curve (PASCAL VOC);
anchors are the distinct boxes (centre, width², height²) of every (cell, scale, ratio); a mask's
IoU is that of the pixel sets of each class; Grad-CAM's weight is the mean over the map of
`sympy.diff` of the class score.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import sympy

from eprep.checker.references import (
    CodeDefinition,
    Params,
    code_reference,
    float_close,
    integer,
    reference,
)
from eprep.checker.references.cnn import parameter_count


def _cells(box: tuple[int, ...]) -> set[tuple[int, int]]:
    """The unit cells [i, i+1] x [j, j+1] inside an integer box (x1, y1, x2, y2)."""
    x1, y1, x2, y2 = box
    return {(i, j) for i in range(x1, x2) for j in range(y1, y2)}


def raster_iou(a: tuple[int, ...], b: tuple[int, ...]) -> sympy.Expr:
    """|A ∩ B| / |A ∪ B| by counting cells (0 for two empty boxes)."""
    ca, cb = _cells(a), _cells(b)
    union = len(ca | cb)
    return sympy.Rational(len(ca & cb), union) if union else sympy.S.Zero


@reference("box_iou")
def box_iou(p: Params) -> sympy.Expr:
    """A = (0, 0, W1, H1), B = (x, y, x + W2, y + H2)."""
    w1, h1, x, y, w2, h2 = (integer(p[n]) for n in ("W1", "H1", "x", "y", "W2", "H2"))
    return raster_iou((0, 0, w1, h1), (x, y, x + w2, y + h2))


_IOU_PAIRS = [
    ((0, 0, 4, 4), (2, 1, 6, 5)),
    ((0, 0, 3, 3), (5, 5, 8, 9)),  # apart on both axes
    ((0, 0, 3, 3), (1, 5, 2, 9)),  # apart vertically
    ((1, 1, 9, 9), (3, 2, 5, 6)),  # nested
    ((0, 0, 2, 2), (2, 0, 4, 2)),  # touching
    ((2, 3, 7, 6), (0, 0, 4, 8)),
]


@code_reference("iou_code")
def iou_code() -> CodeDefinition:
    def drive(namespace, rng):
        return {"iou": [float(namespace["iou"](a, b)) for a, b in _IOU_PAIRS]}

    def check(outputs):
        want = [raster_iou(a, b) for a, b in _IOU_PAIRS]
        return [
            f"iou{_IOU_PAIRS[k]} = {got}, the definition {want[k]}"
            for k, got in enumerate(outputs["iou"])
            if not float_close(got, want[k])
        ][:3]

    return CodeDefinition(drive, check)


def nms_by_definition(boxes, scores, threshold) -> set[int]:
    """The unique subset (see the module docstring), by enumerating every subset."""
    n = len(boxes)
    above = {
        (i, j): raster_iou(boxes[i], boxes[j]) > threshold
        for i in range(n)
        for j in range(n)
        if i != j
    }
    found = []
    for size in range(1, n + 1):
        for subset in itertools.combinations(range(n), size):
            kept = set(subset)
            compatible = not any(above[i, j] for i in kept for j in kept if i != j)
            explained = all(
                any(above[i, k] and scores[k] > scores[i] for k in kept)
                for i in range(n)
                if i not in kept
            )
            if compatible and explained:
                found.append(kept)
    assert len(found) == 1, "the definition's subset is not unique (tied scores?)"
    return found[0]


_NMS_BOXES = [
    (0, 0, 10, 10),
    (1, 1, 11, 11),
    (20, 20, 30, 30),
    (0, 0, 10, 9),
    (21, 19, 31, 29),
    (5, 0, 15, 10),
    (40, 0, 44, 4),
]
_NMS_SCORES = [0.9, 0.8, 0.7, 0.95, 0.75, 0.6, 0.3]
_NMS_THRESHOLD = sympy.Rational(1, 2)


@code_reference("nms_code")
def nms_code() -> CodeDefinition:
    def drive(namespace, rng):
        import numpy as np

        kept = namespace["nms"](
            np.array(_NMS_BOXES, dtype=float), np.array(_NMS_SCORES), float(_NMS_THRESHOLD)
        )
        return {"kept": [int(i) for i in kept]}

    def check(outputs):
        want = nms_by_definition(_NMS_BOXES, _NMS_SCORES, _NMS_THRESHOLD)
        got = outputs["kept"]
        problems = []
        if set(got) != want or len(got) != len(want):
            problems.append(f"kept {sorted(got)}, the definition {sorted(want)}")
        elif got != sorted(got, key=lambda i: -_NMS_SCORES[i]):
            problems.append(f"kept {got} is not in descending score order")
        return problems

    return CodeDefinition(drive, check)


def interpolated_ap(hits: list[int], n_positives: int) -> sympy.Expr:
    """Area under p_interp(r) = max{p(r') : r' >= r}, a step function of the recall."""
    ranks = range(1, len(hits) + 1)
    found = list(itertools.accumulate(hits))
    precision = [sympy.Rational(tp, k) for tp, k in zip(found, ranks, strict=True)]
    recall = [sympy.Rational(tp, n_positives) for tp in found]
    area, previous = sympy.S.Zero, sympy.S.Zero
    for level in sorted(set(recall)):
        if level == 0:
            continue
        best = max(p for p, r in zip(precision, recall, strict=True) if r >= level)
        area += (level - previous) * best
        previous = level
    return area


@reference("ranked_average_precision")
def ranked_average_precision(p: Params) -> sympy.Expr:
    """a hits, b misses, 3 hits against N ground truths."""
    a, b, n = integer(p["a"]), integer(p["b"]), integer(p["N"])
    return interpolated_ap([1] * a + [0] * b + [1, 1, 1], n)


_SCALES = [1, 2, 4, 8]
_RATIOS = [Fraction(1, 2), Fraction(1), Fraction(2), Fraction(3)]


@reference("anchor_count")
def anchor_count(p: Params) -> sympy.Expr:
    """Distinct boxes (centre x, centre y, width², height²) over cells x scales x ratios."""
    hf, wf, s, r = (integer(p[n]) for n in ("Hf", "Wf", "S", "R"))
    stride = base = 16
    boxes = {
        ((j * stride + Fraction(stride, 2)), (i * stride + Fraction(stride, 2)), w2, h2)
        for i in range(hf)
        for j in range(wf)
        for scale in _SCALES[:s]
        for ratio in _RATIOS[:r]
        for w2, h2 in [((base * scale) ** 2 / ratio, (base * scale) ** 2 * ratio)]
    }
    return sympy.Integer(len(boxes))


def _mask_iou(true_sets: list[set], pred_sets: list[set]) -> sympy.Expr:
    ious = [
        sympy.Rational(len(t & q), len(t | q))
        for t, q in zip(true_sets, pred_sets, strict=True)
        if t | q
    ]
    return sum(ious, sympy.S.Zero) / len(ious)


@reference("binary_mask_miou")
def binary_mask_miou(p: Params) -> sympy.Expr:
    """Pixels 0..T-1; truly foreground 0..F-1; predicted foreground F-Q .. F-Q+P-1."""
    t, f, pr, q = (integer(p[n]) for n in ("T", "F", "P", "Q"))
    pixels = set(range(t))
    true_fg = set(range(f))
    pred_fg = set(range(f - q, f - q + pr))
    return _mask_iou([pixels - true_fg, true_fg], [pixels - pred_fg, pred_fg])


_MASK_TRUE = [0, 0, 1, 1, 2, 2, 2, 0, 1, 2, 0, 0, 3, 3, 1, 0]
_MASK_PRED = [0, 1, 1, 1, 2, 0, 2, 0, 2, 2, 0, 3, 3, 1, 1, 0]


@code_reference("miou_code")
def miou_code() -> CodeDefinition:
    def drive(namespace, rng):
        import numpy as np

        got = namespace["mean_iou"](
            np.array(_MASK_PRED).reshape(4, 4), np.array(_MASK_TRUE).reshape(4, 4), 4
        )
        return {"miou": float(got)}

    def check(outputs):
        classes = range(4)
        true_sets = [{k for k, c in enumerate(_MASK_TRUE) if c == cls} for cls in classes]
        pred_sets = [{k for k, c in enumerate(_MASK_PRED) if c == cls} for cls in classes]
        want = _mask_iou(true_sets, pred_sets)
        if not float_close(outputs["miou"], want):
            return [f"mean IoU {outputs['miou']}, the definition {want}"]
        return []

    return CodeDefinition(drive, check)


@reference("unet_skip_params")
def unet_skip_params(p: Params) -> sympy.Expr:
    """Concatenation along channels: a 3x3 conv W (Co, Cu + Cs, 3, 3) and b (Co,)."""
    channels = p["Cu"] + p["Cs"]
    return parameter_count((p["Co"], channels, 3, 3), (p["Co"],))


@reference("gradcam_gap_weight")
def gradcam_gap_weight(p: Params) -> sympy.Expr:
    """alpha = mean over the pixels of d/dA_ij of y = v * (1/Z) Σ A_ij (one channel)."""
    h, w = integer(p["H"]), integer(p["IW"])
    pixels = sympy.symbols(f"a0:{h * w}", real=True)
    score = p["v"] * sum(pixels) / (h * w)
    return sum((sympy.diff(score, a) for a in pixels), sympy.S.Zero) / (h * w)


@reference("gradcam_pixel")
def gradcam_pixel(p: Params) -> sympy.Expr:
    """ReLU(Σ_k α_k A^k) at one pixel, α_k the gradient sum over the Z pixels divided by Z."""
    z = p["Z"]
    weights = [p["G1"] / z, p["G2"] / z]
    return sympy.Max(0, weights[0] * p["a1"] + weights[1] * p["a2"])


_CAM_A = [[[1, 2, 0], [3, 1, 2]], [[2, 0, 1], [1, 4, 0]], [[0, 3, 2], [2, 1, 5]]]
_CAM_DA = [[[1, -2, 3], [0, 2, 2]], [[-1, -3, 0], [-2, 1, -1]], [[2, 1, -1], [0, 3, 1]]]


@code_reference("gradcam_code")
def gradcam_code() -> CodeDefinition:
    def drive(namespace, rng):
        import numpy as np

        cam = namespace["grad_cam"](np.array(_CAM_A, dtype=float), np.array(_CAM_DA, dtype=float))
        return {"shape": list(np.shape(cam)), "cam": np.asarray(cam, dtype=float).ravel().tolist()}

    def check(outputs):
        h, w = 2, 3
        alphas = [sympy.Rational(sum(sum(row) for row in grad), h * w) for grad in _CAM_DA]
        want = [
            sympy.Max(0, sum(alpha * a[i][j] for alpha, a in zip(alphas, _CAM_A, strict=True)))
            for i in range(h)
            for j in range(w)
        ]
        if outputs["shape"] != [h, w]:
            return [f"the map has shape {outputs['shape']}, the definition ({h}, {w})"]
        return [
            f"cam[{k}] = {got}, the definition {want[k]}"
            for k, got in enumerate(outputs["cam"])
            if not float_close(got, want[k])
        ][:3]

    return CodeDefinition(drive, check)
