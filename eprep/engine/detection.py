"""Object-detection and segmentation metrics: IoU, greedy NMS, average precision, anchors, mIoU.

Boxes are (x1, y1, x2, y2) with x1 <= x2 and y1 <= y2 in continuous coordinates, so a box's area
is (x2 - x1)(y2 - y1) (no "+1" pixel convention). Average precision follows PASCAL VOC: the
ranked detections' precision is made monotone (interpolated) by taking, at each recall, the best
precision at that recall or beyond; "all-point" AP (VOC 2010 on) is the area under that curve,
"11-point" AP (VOC 2007) its mean at recalls 0, 0.1, ..., 1. Segmentation masks hold one class
index per pixel; the confusion matrix has the true class on rows, the predicted on columns.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def _boxes(name: str, boxes: np.ndarray | Sequence) -> np.ndarray:
    array = np.asarray(boxes, dtype=float)
    if array.ndim == 1:
        array = array[None, :]
    if array.ndim != 2 or array.shape[1] != 4:
        raise ValueError(
            f"{name} must have shape (N, 4) as (x1, y1, x2, y2), got {np.shape(boxes)}"
        )
    if np.any(array[:, 2] < array[:, 0]) or np.any(array[:, 3] < array[:, 1]):
        raise ValueError(f"{name}: every box needs x1 <= x2 and y1 <= y2")
    return array


def box_area(boxes: np.ndarray | Sequence) -> np.ndarray:
    """(x2 - x1)(y2 - y1) of each box."""
    b = _boxes("boxes", boxes)
    return (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])


def box_iou(boxes_a: np.ndarray | Sequence, boxes_b: np.ndarray | Sequence) -> np.ndarray:
    """IoU of every pair: an (N, M) matrix; two empty boxes have IoU 0."""
    a, b = _boxes("boxes_a", boxes_a), _boxes("boxes_b", boxes_b)
    left = np.maximum(a[:, None, 0], b[None, :, 0])
    top = np.maximum(a[:, None, 1], b[None, :, 1])
    right = np.minimum(a[:, None, 2], b[None, :, 2])
    bottom = np.minimum(a[:, None, 3], b[None, :, 3])
    inter = np.clip(right - left, 0, None) * np.clip(bottom - top, 0, None)
    union = box_area(a)[:, None] + box_area(b)[None, :] - inter
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(union > 0, inter / np.where(union > 0, union, 1.0), 0.0)


def iou(box_a: Sequence[float], box_b: Sequence[float]) -> float:
    """Intersection over union of two boxes (x1, y1, x2, y2)."""
    return float(box_iou(box_a, box_b)[0, 0])


def nms(
    boxes: np.ndarray | Sequence, scores: np.ndarray | Sequence, iou_threshold: float
) -> np.ndarray:
    """Greedy non-maximum suppression: indices of the kept boxes, highest score first.

    Take the best remaining box, keep it, and discard every remaining box whose IoU with it is
    greater than `iou_threshold` (strictly, as torchvision.ops.nms); repeat. Ties in score are
    broken by the lower index.
    """
    b = _boxes("boxes", boxes)
    s = np.asarray(scores, dtype=float)
    if s.shape != (len(b),):
        raise ValueError(f"scores must have shape ({len(b)},), got {s.shape}")
    order = list(np.argsort(-s, kind="stable"))
    overlaps = box_iou(b, b)
    kept: list[int] = []
    while order:
        best = order.pop(0)
        kept.append(int(best))
        order = [i for i in order if overlaps[best, i] <= iou_threshold]
    return np.array(kept, dtype=int)


def match_detections(
    det_boxes: np.ndarray | Sequence,
    det_scores: np.ndarray | Sequence,
    gt_boxes: np.ndarray | Sequence,
    iou_threshold: float = 0.5,
) -> tuple[np.ndarray, np.ndarray]:
    """VOC matching: (scores sorted descending, is_tp) for one class of one image.

    In score order each detection takes the unmatched ground truth it overlaps most; it is a
    true positive when that IoU is at least `iou_threshold`, otherwise (or when the best ground
    truth is already taken) a false positive, as a duplicate detection is.
    """
    d = _boxes("det_boxes", det_boxes) if len(det_boxes) else np.zeros((0, 4))
    g = _boxes("gt_boxes", gt_boxes) if len(gt_boxes) else np.zeros((0, 4))
    s = np.asarray(det_scores, dtype=float)
    order = np.argsort(-s, kind="stable")
    taken = np.zeros(len(g), dtype=bool)
    is_tp = np.zeros(len(d), dtype=bool)
    overlaps = box_iou(d, g) if len(g) and len(d) else np.zeros((len(d), len(g)))
    for rank, i in enumerate(order):
        if not len(g):
            break
        j = int(np.argmax(overlaps[i]))
        if overlaps[i, j] >= iou_threshold and not taken[j]:
            taken[j] = True
            is_tp[rank] = True
    return s[order], is_tp


def precision_recall(is_tp: Sequence[bool], n_positives: int) -> tuple[np.ndarray, np.ndarray]:
    """Precision and recall after each detection of a ranked list (best first)."""
    hits = np.asarray(is_tp, dtype=bool)
    if n_positives < 1:
        raise ValueError(f"n_positives must be at least 1, got {n_positives}")
    if hits.sum() > n_positives:
        raise ValueError(f"{int(hits.sum())} true positives but only {n_positives} positives")
    tp = np.cumsum(hits)
    ranks = np.arange(1, len(hits) + 1)
    return tp / ranks, tp / n_positives


def average_precision(is_tp: Sequence[bool], n_positives: int, method: str = "all-point") -> float:
    """AP of a ranked detection list (best first) against `n_positives` ground truths.

    "all-point": sum over the recall steps of (r_k - r_{k-1}) * max precision at recall >= r_k.
    "11-point": the mean over r in {0, 0.1, ..., 1} of the max precision at recall >= r
    (0 where the list never reaches r), as PASCAL VOC 2007.
    """
    precision, recall = precision_recall(is_tp, n_positives)
    if method == "11-point":
        total = 0.0
        for r in np.linspace(0.0, 1.0, 11):
            reached = precision[recall >= r - 1e-12]
            total += float(reached.max()) if reached.size else 0.0
        return total / 11
    if method != "all-point":
        raise ValueError(f"method must be 'all-point' or '11-point', got {method!r}")
    # The interpolated precision: the best precision at this rank or any later one.
    envelope = np.maximum.accumulate(precision[::-1])[::-1] if precision.size else precision
    steps = np.diff(np.concatenate([[0.0], recall]))
    return float(np.sum(steps * envelope))


def mean_average_precision(aps: Sequence[float]) -> float:
    """mAP: the unweighted mean of the per-class APs."""
    values = np.asarray(aps, dtype=float)
    if values.size == 0:
        raise ValueError("mean_average_precision needs at least one class")
    return float(values.mean())


def anchor_boxes(
    base_size: float, scales: Sequence[float], ratios: Sequence[float], center: tuple = (0.0, 0.0)
) -> np.ndarray:
    """The anchors of one location: for each ratio r = h/w and scale s, a box of area (s·base)²
    and height/width r centred at `center`; shape (len(ratios) * len(scales), 4)."""
    cx, cy = center
    boxes = []
    for r in ratios:
        if r <= 0:
            raise ValueError(f"aspect ratios must be positive, got {r}")
        for s in scales:
            side = base_size * s
            w, h = side / np.sqrt(r), side * np.sqrt(r)
            boxes.append((cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2))
    return np.array(boxes, dtype=float).reshape(-1, 4)


def anchor_grid(
    feature_h: int,
    feature_w: int,
    stride: float,
    base_size: float,
    scales: Sequence[float],
    ratios: Sequence[float],
) -> np.ndarray:
    """Anchors at every cell of a feature map (cell centres stride apart in the image).

    Shape (feature_h * feature_w * A, 4), cell by cell in row-major order, A anchors per cell.
    """
    cells = []
    for i in range(feature_h):
        for j in range(feature_w):
            centre = ((j + 0.5) * stride, (i + 0.5) * stride)
            cells.append(anchor_boxes(base_size, scales, ratios, centre))
    return np.concatenate(cells, axis=0) if cells else np.zeros((0, 4))


def _masks(pred: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    p, t = np.asarray(pred), np.asarray(target)
    if p.shape != t.shape:
        raise ValueError(f"prediction {p.shape} and target {t.shape} masks differ in shape")
    if not (np.issubdtype(p.dtype, np.integer) and np.issubdtype(t.dtype, np.integer)):
        raise ValueError("masks must hold integer class indices")
    return p.ravel(), t.ravel()


def confusion_matrix(pred: np.ndarray, target: np.ndarray, num_classes: int) -> np.ndarray:
    """C[i, j] = number of pixels of true class i predicted as class j."""
    p, t = _masks(pred, target)
    if p.size and (min(p.min(), t.min()) < 0 or max(p.max(), t.max()) >= num_classes):
        raise ValueError(f"class indices must lie in 0 .. {num_classes - 1}")
    return np.bincount(t * num_classes + p, minlength=num_classes**2).reshape(
        num_classes, num_classes
    )


def pixel_accuracy(pred: np.ndarray, target: np.ndarray) -> float:
    """Share of pixels whose predicted class is the true one."""
    p, t = _masks(pred, target)
    return float(np.mean(p == t))


def class_iou(confusion: np.ndarray) -> np.ndarray:
    """IoU of each class from a confusion matrix: TP / (TP + FP + FN); NaN where the class
    appears in neither mask."""
    c = np.asarray(confusion, dtype=float)
    tp = np.diag(c)
    union = c.sum(axis=0) + c.sum(axis=1) - tp
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(union > 0, tp / np.where(union > 0, union, 1.0), np.nan)


def mean_iou(pred: np.ndarray, target: np.ndarray, num_classes: int) -> float:
    """mIoU: the mean of the class IoUs over the classes present in either mask."""
    per_class = class_iou(confusion_matrix(pred, target, num_classes))
    return float(np.nanmean(per_class))
