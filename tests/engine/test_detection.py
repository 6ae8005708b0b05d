"""IoU, NMS, average precision, anchors and segmentation metrics against independent oracles.

Oracles: hand computations; IoU by counting the unit cells of a rasterised grid; NMS by the
brute-force definition (the one subset of boxes that is pairwise compatible and explains every
removed box by a kept better one); AP against `sklearn.metrics.average_precision_score` where
the definitions coincide, against a Riemann sum of the interpolated precision-recall curve
otherwise; masks against `sklearn.metrics` (confusion_matrix, accuracy_score, jaccard_score).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    jaccard_score,
)
from sklearn.metrics import confusion_matrix as sk_confusion_matrix

from eprep.engine.detection import (
    anchor_boxes,
    anchor_grid,
    average_precision,
    box_iou,
    class_iou,
    confusion_matrix,
    iou,
    match_detections,
    mean_average_precision,
    mean_iou,
    nms,
    pixel_accuracy,
    precision_recall,
)


def test_iou_by_hand():
    # Two 2x2 squares overlapping in a 1x1 square: 1 / (4 + 4 - 1).
    assert iou((0, 0, 2, 2), (1, 1, 3, 3)) == pytest.approx(1 / 7)
    # A 4x2 box inside a 4x4 box: 8 / 16.
    assert iou((0, 0, 4, 4), (0, 1, 4, 3)) == pytest.approx(0.5)
    assert iou((0, 0, 1, 1), (2, 2, 3, 3)) == 0.0  # disjoint
    assert iou((0, 0, 1, 1), (1, 0, 2, 1)) == 0.0  # touching edges share no area
    assert iou((1, 2, 5, 7), (1, 2, 5, 7)) == pytest.approx(1.0)


def _raster_iou(a, b, cells_per_unit=4):
    """Count the grid cells (centres) inside each box on a fine grid."""
    grid = (np.arange(0, 20 * cells_per_unit) + 0.5) / cells_per_unit
    xs, ys = np.meshgrid(grid, grid)

    def inside(box):
        return (xs > box[0]) & (xs < box[2]) & (ys > box[1]) & (ys < box[3])

    ia, ib = inside(a), inside(b)
    union = np.count_nonzero(ia | ib)
    return np.count_nonzero(ia & ib) / union if union else 0.0


def test_iou_matches_pixel_counting():
    rng = np.random.default_rng(0)
    for _ in range(200):
        corners = rng.integers(0, 4 * 19, size=(2, 4)) / 4  # quarter-unit coordinates
        a = (
            *np.minimum(corners[0, :2], corners[0, 2:]),
            *np.maximum(corners[0, :2], corners[0, 2:]),
        )
        b = (
            *np.minimum(corners[1, :2], corners[1, 2:]),
            *np.maximum(corners[1, :2], corners[1, 2:]),
        )
        assert iou(a, b) == pytest.approx(_raster_iou(a, b), abs=1e-12)


def test_box_iou_is_the_pairwise_matrix():
    rng = np.random.default_rng(1)
    xy = rng.uniform(0, 10, size=(5, 2))
    a = np.hstack([xy, xy + rng.uniform(1, 5, size=(5, 2))])
    b = a[::-1] + 0.5
    matrix = box_iou(a, b)
    assert matrix.shape == (5, 5)
    for i, j in itertools.product(range(5), range(5)):
        assert matrix[i, j] == pytest.approx(iou(a[i], b[j]))


def test_bad_boxes_are_refused():
    with pytest.raises(ValueError, match="x1 <= x2"):
        iou((2, 0, 1, 1), (0, 0, 1, 1))
    with pytest.raises(ValueError, match=r"\(N, 4\)"):
        box_iou(np.zeros((3, 3)), np.zeros((1, 4)))


def _nms_brute_force(boxes, scores, threshold):
    """Every subset that (1) has no two members overlapping above the threshold and (2) has, for
    every box left out, a better-scored member overlapping it above the threshold."""
    n = len(boxes)
    overlap = [[iou(boxes[i], boxes[j]) > threshold for j in range(n)] for i in range(n)]
    found = []
    for size in range(1, n + 1):
        for subset in itertools.combinations(range(n), size):
            members = set(subset)
            compatible = not any(overlap[i][j] for i in subset for j in subset if i < j)
            explained = all(
                any(overlap[i][k] and scores[k] > scores[i] for k in members)
                for i in range(n)
                if i not in members
            )
            if compatible and explained:
                found.append(members)
    return found


def test_nms_is_the_unique_set_of_the_definition():
    rng = np.random.default_rng(2)
    for trial in range(40):
        n = int(rng.integers(2, 8))
        xy = rng.uniform(0, 6, size=(n, 2))
        boxes = np.hstack([xy, xy + rng.uniform(1, 4, size=(n, 2))])
        scores = rng.permutation(n) / n + 0.01  # distinct
        threshold = float(rng.choice([0.3, 0.5, 0.7]))
        (expected,) = _nms_brute_force(boxes, scores, threshold)
        kept = nms(boxes, scores, threshold)
        assert set(kept.tolist()) == expected, trial
        assert list(kept) == sorted(kept, key=lambda i: -scores[i])  # best first


def test_nms_by_hand():
    boxes = [(0, 0, 10, 10), (1, 1, 11, 11), (20, 20, 30, 30), (0, 0, 10, 9)]
    scores = [0.9, 0.8, 0.7, 0.6]
    # IoU(0, 1) = 81/119 = 0.68, IoU(0, 3) = 0.9: both suppressed at 0.5, box 1 kept at 0.7.
    assert nms(boxes, scores, 0.5).tolist() == [0, 2]
    assert nms(boxes, scores, 0.7).tolist() == [0, 1, 2]
    assert nms(boxes, scores, 0.95).tolist() == [0, 1, 2, 3]


def _envelope_is_the_precision(hits):
    """sklearn's AP sums P_n over the recall steps; VOC's all-point AP uses the best precision
    at the step or later. They coincide when precision at the hits never rises later."""
    precision, _ = precision_recall(hits, int(np.sum(hits)))
    at_hits = precision[np.asarray(hits, bool)]
    return np.all(np.diff(at_hits) <= 1e-15)


def test_all_point_ap_equals_sklearn_where_the_definitions_coincide():
    """Same definition when every positive is in the list (recall reaches 1), scores are
    distinct, and precision at the hits is non-increasing (no interpolation happens)."""
    rng = np.random.default_rng(3)
    compared = 0
    for _ in range(400):
        n = int(rng.integers(3, 12))
        hits = rng.random(n) < 0.5
        if not hits.any():
            continue
        scores = np.linspace(1, 0.1, n)
        if _envelope_is_the_precision(hits):
            compared += 1
            assert average_precision(hits, int(hits.sum())) == pytest.approx(
                average_precision_score(hits, scores)
            )
        else:  # interpolation only raises precision
            assert average_precision(hits, int(hits.sum())) > average_precision_score(hits, scores)
    assert compared > 50


def _interpolated_area(hits, n_positives, samples=4000):
    """Riemann sum of p_interp(r) = max precision at recall >= r over r in (0, 1]."""
    precision, recall = precision_recall(hits, n_positives)
    r = (np.arange(samples) + 0.5) / samples
    best = np.array([precision[recall >= v].max() if np.any(recall >= v) else 0.0 for v in r])
    return float(np.mean(best))


def test_all_point_ap_is_the_area_under_the_interpolated_curve():
    rng = np.random.default_rng(4)
    for _ in range(20):
        n = int(rng.integers(3, 10))
        hits = rng.random(n) < 0.6
        positives = int(hits.sum()) + int(rng.integers(0, 3))  # some positives never found
        if positives == 0:
            continue
        assert average_precision(hits, positives) == pytest.approx(
            _interpolated_area(hits, positives), abs=2e-3
        )


def test_ap_by_hand():
    # Ranked list T F T F F T, 4 positives (one never detected).
    hits = [1, 0, 1, 0, 0, 1]
    # precision at the hits 1, 2/3, 1/2; recalls 1/4, 1/2, 3/4; envelope = the precision.
    assert average_precision(hits, 4) == pytest.approx((1 + 2 / 3 + 1 / 2) / 4)
    # 11-point: r = 0..0.2 -> 1; 0.3..0.5 -> 2/3; 0.6, 0.7 -> 1/2; 0.8..1 -> 0.
    assert average_precision(hits, 4, "11-point") == pytest.approx((3 + 3 * 2 / 3 + 2 / 2) / 11)
    # A late run of hits lifts the earlier precision: F T T, 2 positives -> envelope 2/3 at r=1/2.
    assert average_precision([0, 1, 1], 2) == pytest.approx(0.5 * 2 / 3 + 0.5 * 2 / 3)
    assert average_precision([1, 1], 2, "11-point") == pytest.approx(1.0)
    with pytest.raises(ValueError, match="method"):
        average_precision([1], 1, "voc")
    with pytest.raises(ValueError, match="positives"):
        average_precision([1, 1], 1)


def test_match_detections_counts_duplicates_as_false_positives():
    gt = [(0, 0, 10, 10), (20, 20, 30, 30)]
    det = [(0, 0, 10, 10), (1, 0, 10, 10), (20, 20, 29, 30), (50, 50, 60, 60)]
    scores, hits = match_detections(det, [0.5, 0.9, 0.8, 0.7], gt)
    assert scores.tolist() == [0.9, 0.8, 0.7, 0.5]
    # 0.9 takes gt 0 (IoU 0.9); 0.8 takes gt 1; 0.7 hits nothing; 0.5 is a duplicate of gt 0.
    assert hits.tolist() == [True, True, False, False]
    assert mean_average_precision([1.0, 0.5]) == pytest.approx(0.75)


def test_anchors_by_hand():
    anchors = anchor_boxes(16, scales=(1, 2), ratios=(0.5, 1, 2), center=(8, 8))
    assert anchors.shape == (6, 4)
    w = anchors[:, 2] - anchors[:, 0]
    h = anchors[:, 3] - anchors[:, 1]
    # scale s, ratio r: area (16 s)^2 and h / w = r, centred at (8, 8).
    assert np.allclose(w * h, [256, 1024] * 3)
    assert np.allclose(h / w, [0.5, 0.5, 1, 1, 2, 2])
    assert np.allclose((anchors[:, 0] + anchors[:, 2]) / 2, 8)
    grid = anchor_grid(3, 5, 16, 16, (1, 2, 4), (0.5, 1, 2))
    assert grid.shape == (3 * 5 * 9, 4)
    centres = (grid[::9, :2] + grid[::9, 2:]) / 2
    assert np.allclose(centres[:5, 0], [8, 24, 40, 56, 72])
    assert np.allclose(centres[::5, 1], [8, 24, 40])


def test_segmentation_metrics_match_sklearn():
    rng = np.random.default_rng(5)
    for classes in (2, 3, 5):
        target = rng.integers(0, classes, size=(12, 9))
        pred = np.where(rng.random((12, 9)) < 0.6, target, rng.integers(0, classes, (12, 9)))
        c = confusion_matrix(pred, target, classes)
        assert np.array_equal(
            c, sk_confusion_matrix(target.ravel(), pred.ravel(), labels=range(classes))
        )
        assert pixel_accuracy(pred, target) == pytest.approx(
            accuracy_score(target.ravel(), pred.ravel())
        )
        assert mean_iou(pred, target, classes) == pytest.approx(
            jaccard_score(target.ravel(), pred.ravel(), average="macro")
        )


def test_mean_iou_ignores_absent_classes_as_sklearn_does():
    target = np.array([[0, 0, 1], [1, 0, 0]])
    pred = np.array([[0, 1, 1], [1, 0, 0]])
    # class 2 appears in neither mask: left out of the mean, as in jaccard_score's labels.
    assert np.isnan(class_iou(confusion_matrix(pred, target, 3))[2])
    assert mean_iou(pred, target, 3) == pytest.approx(
        jaccard_score(target.ravel(), pred.ravel(), average="macro")
    )
    # By hand: class 0 IoU 3/4, class 1 IoU 2/3.
    assert mean_iou(pred, target, 3) == pytest.approx((3 / 4 + 2 / 3) / 2)


def test_imbalanced_mask_pixel_accuracy_hides_a_missed_class():
    target = np.zeros((10, 10), dtype=int)
    target[:2, :2] = 1  # 4 % foreground
    pred = np.zeros_like(target)  # everything background
    assert pixel_accuracy(pred, target) == pytest.approx(0.96)
    assert mean_iou(pred, target, 2) == pytest.approx((96 / 100 + 0) / 2)


def test_bad_masks_are_refused():
    with pytest.raises(ValueError, match="shape"):
        pixel_accuracy(np.zeros((2, 2), int), np.zeros((2, 3), int))
    with pytest.raises(ValueError, match="integer"):
        confusion_matrix(np.zeros(3), np.zeros(3), 2)
    with pytest.raises(ValueError, match="class indices"):
        confusion_matrix(np.array([0, 2]), np.array([0, 1]), 2)
