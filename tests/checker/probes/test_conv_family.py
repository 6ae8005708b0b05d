"""The convolution-family and architecture probes against values worked out by hand here.

Counts are enumerated (weights as nested loops over the layer's shape, window placements one by
one, multiply-adds as one per output value and weight read), gradients differentiated by hand,
and the code probes are fed naive layers written in this file (right ones must pass, wrong ones
fail).
"""

from __future__ import annotations

import numpy as np
import pytest

from eprep.checker.probes import OptionId, get_code_probe, get_probe

from .bank_probes import evidence, run, separates
from .bank_probes import variants as bank_variants


def variants(question_id: str, count: int = 6) -> list[dict[str, float]]:
    return bank_variants(question_id, count)


def count(*shapes: tuple[int, ...]) -> int:
    """Scalars in arrays of these shapes, counted one index at a time."""
    return sum(sum(1 for _ in np.ndindex(*shape)) for shape in shapes)


def starts(size: int, span: int, stride: int = 1) -> int:
    """Window starts 0, S, 2S, ... whose last covered position is inside `size`."""
    return len([t for t in range(0, size, stride) if t + span <= size])


@pytest.mark.parametrize("values", variants("day2.conv-family.pointwise-params"))
def test_pointwise_params(values):
    c, fn = values["C"], values["FN"]
    found = evidence("day2.conv-family.pointwise-params", values)
    separates(found, count((fn, c), (fn,)), [fn * c, 2 * fn])


def test_pointwise_mixing_reports_channels():
    assert get_probe("pointwise_mixing")({}, np.random.default_rng(0)) == OptionId("channels")


@pytest.mark.parametrize("values", variants("day2.conv-family.gap-head-saving"))
def test_gap_head_saving(values):
    c, h, k = values["C"], values["H"], values["K"]
    flat = count((c * h * h, k), (k,))
    gap = count((c, k), (k,))
    separates(evidence("day2.conv-family.gap-head-saving", values), flat - gap, [flat, c * k])


def test_gap_gradient_is_shared_equally():
    found = evidence("day2.conv-family.gap-gradient", {"H": 3, "IW": 4, "g": 2.4})
    separates(found, 0.2, [2.4, 0.8])  # 2.4 / 12; the sum's 2.4; dividing by H only


@pytest.mark.parametrize("values", variants("day2.conv-family.separable-params"))
def test_separable_params(values):
    c, n, k = values["C"], values["N"], values["k"]
    found = evidence("day2.conv-family.separable-params", values)
    separates(found, count((c, k, k), (n, c)), [count((n, c, k, k)), k * k + c * n])


def macs(out_positions: int, out_channels: int, reads: int) -> int:
    return out_positions * out_channels * reads


def test_separable_cost_ratio_by_hand():
    # C = 16, N = 32, k = 3 on 4 x 4: standard 16*32*16*9, separable 16*16*9 + 16*32*16.
    values = {"C": 16, "N": 32, "k": 3, "H": 4}
    standard = macs(16, 32, 16 * 9)
    separable = macs(16, 16, 9) + macs(16, 32, 16)
    found = evidence("day2.conv-family.separable-cost-ratio", values)
    separates(found, separable / standard, [1 / 9, 1 / 32, 1 / (32 * 9)])


@pytest.mark.parametrize("values", variants("day2.conv-family.conv-mult-adds"))
def test_conv_mult_adds(values):
    c, fn, f, h, p, s = (values[n] for n in ("C", "FN", "F", "H", "P", "S"))
    oh = len([t for t in range(0, h + 2 * p, s) if t + f <= h + 2 * p])
    found = evidence("day2.conv-family.conv-mult-adds", values)
    separates(found, macs(oh * oh, fn, c * f * f), [macs(h * h, fn, c * f * f)])


@pytest.mark.parametrize("values", variants("day2.conv-family.dilated-output"))
def test_dilated_output(values):
    length, k, d, p, s = (values[n] for n in ("L", "K", "d", "P", "S"))
    taps = d * (k - 1) + 1  # first to last tap
    assert run("day2.conv-family.dilated-output", values) == starts(length + 2 * p, taps, s)


def test_wavenet_field_by_propagating_sets():
    for k, layers, blocks in [(2, 3, 2), (3, 4, 2), (2, 5, 3)]:
        reached = {0}
        for _ in range(blocks):
            for i in range(layers):
                reached = {t - j * 2**i for t in reached for j in range(k)}
        expected = max(reached) - min(reached) + 1
        values = {"K": k, "L": layers, "B": blocks}
        separates(
            evidence("day2.conv-family.wavenet-receptive-field", values), expected, [expected - 1]
        )


@pytest.mark.parametrize("values", variants("day2.conv-family.causal-padding"))
def test_causal_padding(values):
    length, k, d = values["L"], values["K"], values["d"]
    keep = [z for z in range(4 * d * k) if starts(length + z, d * (k - 1) + 1) == length]
    assert run("day2.conv-family.causal-padding", values) == keep[0]


@pytest.mark.parametrize("values", variants("day2.conv-family.transposed-output"))
def test_transposed_output(values):
    h, f, s, p = (values[n] for n in ("H", "F", "S", "P"))
    covered = {i * s + a for i in range(h) for a in range(f)}  # scattered patches
    expected = max(covered) + 1 - 2 * p  # cropped by P on both sides
    assert run("day2.conv-family.transposed-output", values) == expected


# ---------------------------------------------------------------- architectures


@pytest.mark.parametrize("values", variants("day2.architectures.vgg-stack-saving", 4))
def test_vgg_stack_saving(values):
    n, c = values["n"], values["C"]
    field = 1 + 2 * n  # each 3x3 layer adds one pixel on each side
    expected = count((c, c, field, field)) - n * count((c, c, 3, 3))
    separates(evidence("day2.architectures.vgg-stack-saving", values), expected, [expected * 2])


def test_inception_by_hand():
    # GoogLeNet inception (3a), 5x5 branch: 192 -> 16 -> 32.
    values = {"Cin": 192, "B": 16, "Cout": 32, "K": 5, "H": 7}
    weights = count((16, 192), (32, 16, 5, 5))
    assert weights == 3072 + 12800
    separates(evidence("day2.architectures.inception-bottleneck-params", values), weights, [153600])
    ratio = macs(49, 32, 192 * 25) / (macs(49, 16, 192) + macs(49, 32, 16 * 25))
    separates(evidence("day2.architectures.inception-cost-ratio", values), ratio, [12.0])


def test_resnet_gradient_by_hand():
    # Three blocks y = x + 0.5 x: dy/dx = 1.5 each, 3.375 in all; the plain chain 0.125.
    found = evidence("day2.architectures.resnet-gradient", {"a": 0.5, "L": 3})
    separates(found, 3.375, [0.125, 1.125, 2.5])


def test_projection_shortcut_counts_gamma_and_beta_only():
    found = evidence("day2.architectures.projection-shortcut-params", {"Cin": 16, "Cout": 32})
    separates(found, 16 * 32 + 2 * 32, [16 * 32, 16 * 32 + 4 * 32])


def test_lrn_by_hand():
    values = {"a1": 1.0, "a2": 1.0, "a3": 2.0, "a4": 1.0, "a5": 3.0}
    values.update(k=1, alpha=0.5, beta=0.5)
    # 2 / (1 + 0.5 * (1 + 4 + 1)) ** 0.5 = 2 / 2 = 1.
    separates(evidence("day2.architectures.lrn-value", values), 1.0, [2 / 2**0.5, 0.5])


# ---------------------------------------------------------------- code probes


class LoopDepthwise:
    def __init__(self, W, b, stride=1, pad=0, flip=False):
        self.W, self.b, self.stride, self.pad, self.flip = W, b, stride, pad, flip

    def forward(self, x):
        n, c, h, w = x.shape
        _, _, fh, fw = self.W.shape
        xp = np.pad(x, ((0, 0), (0, 0), (self.pad, self.pad), (self.pad, self.pad)))
        oh = (h + 2 * self.pad - fh) // self.stride + 1
        ow = (w + 2 * self.pad - fw) // self.stride + 1
        out = np.zeros((n, c, oh, ow))
        for i, ch, y, z in np.ndindex(out.shape):
            src = (ch + 1) % c if self.flip else ch  # a wrong layer reads the next channel
            s = self.stride
            patch = xp[i, src, y * s : y * s + fh, z * s : z * s + fw]
            out[i, ch, y, z] = np.sum(patch * self.W[ch, 0]) + self.b[ch]
        return out


def test_depthwise_code_probe():
    probe = get_code_probe("depthwise_matches_engine")
    probe({"DepthwiseConvolution": LoopDepthwise}, {}, np.random.default_rng(0))

    class Wrong(LoopDepthwise):
        def __init__(self, *args):
            super().__init__(*args, flip=True)

    with pytest.raises(AssertionError):
        probe({"DepthwiseConvolution": Wrong}, {}, np.random.default_rng(0))


def loop_causal(x, w, dilation, shift=0):
    n, length = x.shape
    k = len(w)
    out = np.zeros((n, length))
    for i, t in np.ndindex(n, length):
        for j in range(k):
            s = t - dilation * (k - 1 - j) + shift
            if 0 <= s < length:
                out[i, t] += w[j] * x[i, s]
    return out


def test_causal_conv_code_probe():
    probe = get_code_probe("causal_conv_matches_engine")
    probe({"causal_conv1d": loop_causal}, {}, np.random.default_rng(1))
    future = {"causal_conv1d": lambda x, w, d: loop_causal(x, w, d, shift=1)}
    with pytest.raises(AssertionError):
        probe(future, {}, np.random.default_rng(1))


class LoopResidual:
    def __init__(self, layers, skip=True):
        self.layers, self.skip = layers, skip

    def forward(self, x):
        out = x
        for layer in self.layers:
            out = layer.forward(out)
        return x + out if self.skip else out

    def backward(self, dout):
        d = dout
        for layer in reversed(self.layers):
            d = layer.backward(d)
        return dout + d  # right only with the skip


def test_residual_code_probe():
    probe = get_code_probe("residual_matches_engine")
    probe({"ResidualBlock": LoopResidual}, {}, np.random.default_rng(2))

    class NoSkip(LoopResidual):
        def __init__(self, layers):
            super().__init__(layers, skip=False)

    with pytest.raises(AssertionError):
        probe({"ResidualBlock": NoSkip}, {}, np.random.default_rng(2))


def test_transposed_exact_padding_by_hand():
    # H = 5, S = 2, F = 4: (5 - 1)*2 - 2P + 4 = 10 needs P = 1.
    values = {"H": 5, "S": 2, "F": 4}
    assert run("day2.conv-family.transposed-exact-padding", values) == 1


def test_bottleneck_block_params_by_hand():
    values = {"B": 64, "C": 256}
    expected = count((64, 256), (64, 64, 3, 3), (256, 64))  # 16384 + 36864 + 16384
    assert expected == 69632
    separates(
        evidence("day2.architectures.bottleneck-block-params", values), expected, [16384 + 36864]
    )
