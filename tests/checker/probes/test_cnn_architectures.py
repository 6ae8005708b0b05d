"""Day4's applied-CNN and WaveNet probes and references against values worked out here.

Counts are enumerated (weights one index at a time, multiply-adds one per output value and weight
read, window placements one by one), statistics computed by hand from the listed values, the
Jacobian entry by perturbing a hand-written forward pass, the receptive field by following which
inputs reach the last output; code probes and definitions are fed implementations written in
this file, right ones passing and wrong ones failing.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
import sympy

from eprep.checker.probes import get_code_probe
from eprep.checker.references import NeedsValues, get_code_reference, get_reference

from .bank_probes import evidence, separates
from .bank_probes import variants as bank_variants

CNN = "day4.cnn-architectures."


def count(*shapes: tuple[int, ...]) -> int:
    return sum(sum(1 for _ in np.ndindex(*shape)) for shape in shapes)


def starts(size: int, window: int, pad: int, stride: int) -> int:
    return len([t for t in range(0, size + 2 * pad, stride) if t + window <= size + 2 * pad])


def separable_reads(c: int, n: int, size: int, stride: int) -> int:
    """One multiply-add per (output value, weight read): depthwise 9 per value, pointwise c."""
    side = starts(size, 3, 1, stride)
    return sum(9 for _ in np.ndindex(c, side, side)) + sum(c for _ in np.ndindex(n, side, side))


def ref(name: str, values: dict, **args):
    return sympy.simplify(
        get_reference(name)({k: sympy.nsimplify(v) for k, v in values.items()}, **args)
    )


@pytest.mark.parametrize("values", bank_variants(CNN + "mobilenet-strided-mult-adds", 3))
def test_mobilenet_strided(values):
    c, n, h = int(values["C"]), int(values["N"]), int(values["H"])
    right = separable_reads(c, n, h, 2)
    wrong = [separable_reads(c, n, h, 1), (h // 2) ** 2 * 9 * c * n]
    separates(evidence(CNN + "mobilenet-strided-mult-adds", values), right, wrong)
    assert ref("mobilenet_strided_mult_adds", values) == right


@pytest.mark.parametrize("values", bank_variants(CNN + "mobilenet-multipliers", 3))
def test_mobilenet_multipliers(values):
    a, r = Fraction(str(values["alpha"])), Fraction(int(values["R"]), 224)
    m, n, d = int(a * int(values["M"])), int(a * int(values["N"])), int(r * int(values["D"]))
    right = separable_reads(m, n, d, 1)
    base = separable_reads(int(values["M"]), int(values["N"]), int(values["D"]), 1)
    wrong = [float(a * a * r * r * base), separable_reads(m, int(values["N"]), d, 1)]
    separates(evidence(CNN + "mobilenet-multipliers", values), right, wrong)
    assert ref("mobilenet_multiplier_mult_adds", values) == right


def test_densenet_counts_by_hand():
    # k0 = 16, k = 12, L = 6: 16 + 72 = 88 channels, theta = 1/2 keeps 44.
    values = {"k0": 16, "k": 12, "L": 6, "theta": 0.5}
    separates(evidence(CNN + "densenet-transition-channels", values), 44, [88, 38, 36])
    assert ref("densenet_transition_channels", values) == 44
    # layer 3 of k0 = 24, k = 12 reads 24 + 24 = 48 channels: 48 * 48 + 9 * 48 * 12.
    values = {"k0": 24, "k": 12, "l": 3}
    right = count((48, 48, 1, 1), (12, 48, 3, 3))
    wrong = [count((48, 60, 1, 1), (12, 48, 3, 3)), count((12, 48, 3, 3), (48, 12, 1, 1))]
    separates(evidence(CNN + "densenet-bottleneck-params", values), right, wrong)
    assert ref("densenet_bottleneck_params", values) == right
    k0, k, layers = sympy.symbols("k0 k l", positive=True, integer=True)
    symbolic = get_reference("densenet_bottleneck_params")({"k0": k0, "k": k, "l": layers})
    assert sympy.expand(symbolic - (4 * k * (k0 + (layers - 1) * k) + 36 * k**2)) == 0
    with pytest.raises(NeedsValues):
        get_reference("densenet_transition_channels")({"k0": k0, "k": k, "L": layers, "theta": 1})


def test_resnet_projection_block():
    right = count((64, 128, 1, 1), (64, 64, 3, 3), (256, 64, 1, 1), (256, 128, 1, 1))
    values = {"B": 64, "Cin": 128}
    wrong = [right - 256 * 128, right + 8 * 256 * 128]
    separates(evidence(CNN + "resnet-projection-block-params", values), right, wrong)
    assert ref("resnet_projection_block_params", values) == right


def _block(x, w1, w2_row):
    return x[0] + w2_row @ np.maximum(w1 @ x, 0)


@pytest.mark.parametrize("values", bank_variants(CNN + "residual-jacobian", 4))
def test_residual_jacobian(values):
    w1 = np.array([[values["a"], values["b"]], [values["c"], values["d"]]], dtype=float)
    w2 = np.array([values["p"], values["q"]], dtype=float)
    x = np.array([values["x1"], values["x2"]], dtype=float)
    step = np.array([1e-4, 0.0])
    right = (_block(x + step, w1, w2) - _block(x - step, w1, w2)) / 2e-4
    separates(evidence(CNN + "residual-jacobian", values), right, [right - 1])
    assert float(ref("residual_jacobian_entry", values)) == pytest.approx(right, abs=1e-6)
    with pytest.raises(NeedsValues):
        get_reference("residual_jacobian_entry")({k: sympy.Symbol(k) for k in values})


VALUES = {"a1": 1, "a2": 5, "b1": -2, "b2": 4, "c1": 3, "c2": 1, "d1": 6, "d2": 3}


@pytest.mark.parametrize(
    ("qid", "scheme", "statistic", "sample", "channel", "right", "wrong"),
    [
        # layer norm, sample 1: (1 + 5 - 2 + 4)/4 = 2; batch norm channel 1: (1 + 5 + 3 + 1)/4;
        # instance norm: (1 + 5)/2; the whole tensor: 21/8.
        ("layernorm-mean", "layer", "mean", 1, 1, 2.0, [2.5, 3.0, 2.625]),
        # instance norm of (6, 3): mean 9/2, variance 9/4; unbiased 9/2; layer norm of sample 2
        # (3, 1, 6, 3): 51/16; batch norm of channel 2 (-2, 4, 6, 3): 139/16.
        ("instancenorm-variance", "instance", "variance", 2, 2, 2.25, [4.5, 51 / 16, 139 / 16]),
    ],
)
def test_normalisation_statistics(qid, scheme, statistic, sample, channel, right, wrong):
    separates(evidence(CNN + qid, VALUES), right, wrong)
    args = dict(scheme=scheme, statistic=statistic, sample=sample, channel=channel)
    assert ref("norm_axes_statistic", VALUES, **args) == sympy.nsimplify(right)
    # batch norm's set for the same values: channel 2 over both samples (-2, 4, 6, 3).
    batch = dict(scheme="batch", statistic="mean", sample=1, channel=2)
    assert ref("norm_axes_statistic", VALUES, **batch) == sympy.Rational(11, 4)


def test_efficientnet_and_vit():
    values = {"a": 1.2, "b": 1.1, "c": 1.15, "phi": 3}
    right = (1.2 * 1.1**2 * 1.15**2) ** 3
    separates(evidence(CNN + "efficientnet-flops", values), right, [8.0, (1.2 * 1.1 * 1.15) ** 3])
    assert float(ref("efficientnet_flops_factor", values)) == pytest.approx(right, rel=1e-12)
    # alpha = 1.2, beta = 1.2: gamma^2 = 2/1.728, so gamma = 1.0758...; without the root 1.157.
    values = {"a": 1.2, "b": 1.2}
    right = math.sqrt(2 / (1.2 * 1.44))
    separates(evidence(CNN + "efficientnet-constraint", values), right, [2 / 1.728, 2 / 1.44])
    assert float(ref("efficientnet_resolution_base", values)) == pytest.approx(right, rel=1e-12)
    values = {"H": 224, "P": 16}
    tokens = len([(i, j) for i in range(0, 224, 16) for j in range(0, 224, 16)])
    separates(evidence(CNN + "vit-sequence-length", values), tokens + 1, [tokens, 15])
    assert ref("vit_sequence_length", values) == 197
    values = {"H": 224, "P": 32, "D": 192}
    right = count((3 * 32 * 32, 192), (192,), (192,), (50, 192))
    separates(evidence(CNN + "vit-embedding-params", values), right, [right - 2 * 192])
    assert ref("vit_embedding_params", values) == right


def test_wavenet_duration():
    # K = 2, L = 3, B = 3: reaches 1 + 2 + 4 = 7 back per stack, 1 + 21 = 22 samples; 16 kHz.
    values = {"K": 2, "L": 3, "B": 3, "fk": 16}
    separates(evidence("day4.wavenet.receptive-duration", values), 22 / 16, [8 / 16, 10 / 16])
    assert ref("wavenet_duration", values) == sympy.Rational(22, 16)


# ---------------------------------------------------------------- code probes and definitions


class Block:
    """A right MobileNetBlock, or one counting the standard convolution's products."""

    standard = False

    def __init__(self, C, N, stride, rng):
        from eprep.engine import DepthwiseConvolution, PointwiseConvolution

        self.C, self.N, self.stride = C, N, stride
        self.dw = DepthwiseConvolution(rng.standard_normal((C, 1, 3, 3)), np.zeros(C), stride, 1)
        self.pw = PointwiseConvolution(rng.standard_normal((N, C)), np.zeros(N))

    def forward(self, x):
        return np.maximum(self.pw.forward(np.maximum(self.dw.forward(x), 0)), 0)

    def mult_adds(self, H, W):
        oh, ow = (H - 1) // self.stride + 1, (W - 1) // self.stride + 1
        return oh * ow * 9 * self.C * self.N if self.standard else oh * ow * self.C * (9 + self.N)


class StandardBlock(Block):
    standard = True


def _drive_and_check(name, namespace):
    definition = get_code_reference(name)()
    return definition.check(definition.drive(namespace, np.random.default_rng(3)))


def test_mobilenet_block_code():
    probe = get_code_probe("mobilenet_block_matches_engine")
    probe({"MobileNetBlock": Block}, {}, np.random.default_rng(0))
    with pytest.raises(AssertionError):
        probe({"MobileNetBlock": StandardBlock}, {}, np.random.default_rng(0))
    assert _drive_and_check("mobilenet_block_code", {"MobileNetBlock": Block}) == []
    assert _drive_and_check("mobilenet_block_code", {"MobileNetBlock": StandardBlock}) != []


class Dense:
    def __init__(self, layers, keep_input=True):
        self.layers, self.keep_input = layers, keep_input

    def forward(self, x):
        features = x
        for layer in self.layers:
            out = layer.forward(features)
            features = np.concatenate([features, out] if self.keep_input else [out, features], 1)
        return features


def test_dense_block_code():
    probe = get_code_probe("dense_block_matches_engine")
    right = {"DenseBlockSketch": Dense, "transition_channels": lambda m, t: math.floor(t * m)}
    probe(right, {}, np.random.default_rng(0))
    assert _drive_and_check("dense_block_code", right) == []
    reversed_order = {**right, "DenseBlockSketch": lambda layers: Dense(layers, False)}
    removed = {**right, "transition_channels": lambda m, t: m - math.floor(t * m)}
    for wrong in (reversed_order, removed):
        with pytest.raises(AssertionError):
            probe(wrong, {}, np.random.default_rng(0))
        assert _drive_and_check("dense_block_code", wrong) != []


def stack(x, filters, gates, per_stack, schedule=None, widen=None):
    """A gated residual stack written with explicit loops over taps."""
    k = filters[0].shape[2]
    h, field = x.copy(), 1
    for i, (f, g) in enumerate(zip(filters, gates, strict=True)):
        d = (schedule or (lambda j: 2 ** (j % per_stack)))(i)
        a, b = np.zeros_like(h), np.zeros_like(h)
        for t in range(h.shape[2]):
            for j in range(k):
                s = t - d * (k - 1 - j)
                if s >= 0:
                    a[:, :, t] += f[0, 0, j] * h[:, :, s]
                    b[:, :, t] += g[0, 0, j] * h[:, :, s]
        h = h + np.tanh(a) / (1 + np.exp(-b))
        field += (widen or (lambda dd: dd * (k - 1)))(d)
    return h, field


def test_wavenet_stack_code():
    probe = get_code_probe("wavenet_stack_matches_engine")
    probe({"wavenet_stack": stack}, {}, np.random.default_rng(0))
    assert _drive_and_check("wavenet_stack_code", {"wavenet_stack": stack}) == []
    never_reset = lambda *a: stack(*a, schedule=lambda j: 2**j)  # noqa: E731
    k_times = lambda *a: stack(*a, widen=lambda d: d * 3)  # noqa: E731  (K = 3 in the definition)
    for wrong in (never_reset, k_times):
        with pytest.raises(AssertionError):
            probe({"wavenet_stack": wrong}, {}, np.random.default_rng(0))
        assert _drive_and_check("wavenet_stack_code", {"wavenet_stack": wrong}) != []
