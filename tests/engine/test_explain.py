"""Grad-CAM and the occlusion map against independent oracles.

Oracles: PyTorch autograd on a torch copy of the same SimpleConvNet weights (the gradient of the
class score with respect to the ReLU'd conv maps, the GAP weights, the map, and bilinear
upsampling by `torch.nn.functional.interpolate`); central differences of the class score for the
channel weights; the occlusion map by masking each patch by hand; and a planted discriminative
patch that both explanations must find, trained into a small net.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from eprep.engine import Adam, SimpleConvNet, numerical_gradient
from eprep.engine.explain import bilinear_resize, class_score, grad_cam, occlusion_map


def _net(rng, size=10, pad=0):
    return SimpleConvNet(
        input_dim=(1, size, size),
        conv_param={"filter_num": 6, "filter_size": 3, "pad": pad, "stride": 1},
        hidden_size=12,
        output_size=3,
        weight_init_std="he",
        rng=rng,
    )


def _torch_grad_cam(net, x, target):
    p = {k: torch.tensor(v) for k, v in net.params.items()}
    xt = torch.tensor(x)
    conv = F.relu(F.conv2d(xt, p["W1"], p["b1"], padding=net.layers["Conv1"].pad))
    a = conv.detach().requires_grad_(True)  # the feature maps as the variable to differentiate
    h = F.max_pool2d(a, 2, 2).flatten(1)
    y = F.linear(F.relu(F.linear(h, p["W2"].T, p["b2"])), p["W3"].T, p["b3"])
    (grad,) = torch.autograd.grad(y[torch.arange(len(x)), torch.as_tensor(target)].sum(), a)
    weights = grad.mean(dim=(2, 3))
    coarse = F.relu((weights[:, :, None, None] * a).sum(dim=1))
    up = F.interpolate(coarse[:, None], size=x.shape[2:], mode="bilinear", align_corners=False)
    return weights.numpy(), coarse.detach().numpy(), up[:, 0].detach().numpy(), y.detach().numpy()


@pytest.mark.parametrize("pad", [0, 1])
def test_grad_cam_matches_torch_autograd(pad):
    rng = np.random.default_rng(0)
    net = _net(rng, pad=pad)
    x = rng.standard_normal((4, 1, 10, 10))
    target = np.array([0, 1, 2, 1])
    cam = grad_cam(net, x, target)
    weights, coarse, up, scores = _torch_grad_cam(net, x, target)
    assert np.allclose(cam.scores, scores, atol=1e-10)
    assert np.allclose(cam.weights, weights, atol=1e-10)
    assert np.allclose(cam.coarse, coarse, atol=1e-10)
    assert np.allclose(cam.heatmap, up, atol=1e-10)
    assert cam.heatmap.shape == (4, 10, 10)


def test_grad_cam_default_target_is_the_predicted_class():
    rng = np.random.default_rng(1)
    net = _net(rng)
    x = rng.standard_normal((3, 1, 10, 10))
    predicted = np.argmax(net.predict(x), axis=1)
    assert np.allclose(grad_cam(net, x).weights, grad_cam(net, x, predicted).weights)


def test_grad_cam_weights_are_mean_central_differences_of_the_score():
    """alpha_k = mean_ij dy^c/dA^k_ij, the derivative by central differences of the head."""
    rng = np.random.default_rng(2)
    net = _net(rng)
    # Positive maps: no ReLU zeros, so no ties inside a pooling window (where max is not smooth).
    net.load_params({"b1": np.full(6, 5.0)})
    x = rng.standard_normal((1, 1, 10, 10))
    cam = grad_cam(net, x, 2)
    assert cam.features.min() > 0
    head = ["Pool1", "Affine1", "Relu2", "Affine2"]
    features = cam.features.copy()

    def score(_):
        out = features
        for name in head:
            out = net.layers[name].forward(out, train_flg=False)
        return float(out[0, 2])

    grad = numerical_gradient(score, features)
    assert np.allclose(cam.weights[0], grad[0].mean(axis=(1, 2)), atol=1e-6)


@pytest.mark.parametrize("shape", [((2, 3), (7, 5)), ((4, 4), (10, 10)), ((6, 5), (3, 2))])
def test_bilinear_resize_matches_torch(shape):
    (h, w), size = shape
    maps = np.random.default_rng(3).standard_normal((2, h, w))
    want = F.interpolate(
        torch.tensor(maps)[:, None], size=size, mode="bilinear", align_corners=False
    )
    assert np.allclose(bilinear_resize(maps, size), want[:, 0].numpy(), atol=1e-12)


def test_occlusion_map_by_hand():
    """A linear score: the drop of masking a patch is the patch's weighted sum."""
    rng = np.random.default_rng(4)
    weights = rng.standard_normal((1, 5, 6))
    image = rng.standard_normal((1, 5, 6))

    def score(batch):
        return np.sum(batch * weights, axis=(1, 2, 3))

    heat = occlusion_map(score, image, patch=2, stride=1)
    contribution = (weights * image)[0]
    want = np.zeros((5, 6))
    count = np.zeros((5, 6))
    for i in range(4):
        for j in range(5):
            want[i : i + 2, j : j + 2] += contribution[i : i + 2, j : j + 2].sum()
            count[i : i + 2, j : j + 2] += 1
    assert np.allclose(heat, want / count)


def test_bad_inputs_are_refused():
    net = _net(np.random.default_rng(5))
    with pytest.raises(ValueError, match="no layer"):
        grad_cam(net, np.zeros((1, 1, 10, 10)), feature_layer="Conv9")
    with pytest.raises(ValueError, match="batch"):
        grad_cam(net, np.zeros((1, 10, 10)))
    with pytest.raises(ValueError, match="patch"):
        occlusion_map(class_score(net, 0), np.zeros((1, 10, 10)), patch=11)


def _planted_data(rng, n, size=10, patch=3):
    """Class 1: a bright patch at a random place on noise; class 0: noise only."""
    x = 0.3 * rng.random((n, 1, size, size))
    t = rng.integers(0, 2, n)
    where = rng.integers(0, size - patch + 1, size=(n, 2))
    for k in np.flatnonzero(t == 1):
        i, j = where[k]
        x[k, 0, i : i + patch, j : j + patch] = 1.0
    return x, t, where


def test_grad_cam_and_occlusion_find_a_planted_patch():
    rng = np.random.default_rng(6)
    net = SimpleConvNet(
        input_dim=(1, 10, 10),
        conv_param={"filter_num": 4, "filter_size": 3, "pad": 1, "stride": 1},
        hidden_size=8,
        output_size=2,
        weight_init_std="he",
        rng=rng,
    )
    x, t, _ = _planted_data(rng, 300)
    optimizer = Adam(lr=0.01)
    for _ in range(150):
        batch = rng.integers(0, len(x), 32)
        optimizer.update(net.params, net.gradient(x[batch], t[batch]))
    test_x, test_t, where = _planted_data(np.random.default_rng(7), 60)
    assert net.accuracy(test_x, test_t) > 0.95
    cam = grad_cam(net, test_x, 1)
    hits = 0
    positives = np.flatnonzero(test_t == 1)
    for k in positives:
        i, j = where[k]
        patch = np.zeros((10, 10), bool)
        patch[i : i + 3, j : j + 3] = True
        occlusion = occlusion_map(class_score(net, 1), test_x[k], patch=3, fill=0.0)
        # Both explanations put more weight per pixel on the patch than off it.
        cam_inside = cam.heatmap[k][patch].mean() > 2 * cam.heatmap[k][~patch].mean()
        occ_inside = occlusion[patch].mean() > 2 * occlusion[~patch].mean()
        peak_cam = np.unravel_index(np.argmax(cam.heatmap[k]), (10, 10))
        peak_occ = np.unravel_index(np.argmax(occlusion), (10, 10))
        near = max(abs(peak_cam[0] - peak_occ[0]), abs(peak_cam[1] - peak_occ[1])) <= 2
        hits += cam_inside and occ_inside and near
    assert hits >= 0.9 * len(positives)


def test_occlusion_with_a_baseline_image_erases_to_it():
    """Masking with a baseline image equal to the input changes nothing: every drop is 0."""
    rng = np.random.default_rng(8)
    net = _net(rng)
    image = rng.standard_normal((1, 10, 10))
    assert np.allclose(occlusion_map(class_score(net, 1), image, 3, fill=image), 0.0)
    baseline = rng.standard_normal((1, 10, 10))
    heat = occlusion_map(class_score(net, 1), image, 10, fill=baseline)
    full_drop = net.predict(image[None])[0, 1] - net.predict(baseline[None])[0, 1]
    assert np.allclose(heat, full_drop)  # one patch covering everything: the whole-image drop
