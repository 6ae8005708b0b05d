"""The CNN probes against counts made by hand in this file.

Output sizes are counted by enumerating window positions, receptive fields by propagating sets
of pixels, and the code probes are fed naive nested-loop layers written here.
"""

from __future__ import annotations

import numpy as np
import pytest

from eprep.checker.probes import OptionId, get_code_probe, get_probe

from .bank_probes import evidence, run, separates
from .bank_probes import variants as bank_variants


def variants(question_id: str, count: int = 10) -> list[dict[str, float]]:
    return bank_variants(question_id, count)


def positions(size: int, window: int, stride: int, pad: int) -> int:
    """How many window placements fit, counted one by one."""
    return len(
        [start for start in range(0, size + 2 * pad, stride) if start + window <= size + 2 * pad]
    )


# ---------------------------------------------------------------- sizes


@pytest.mark.parametrize("values", variants("day2.cnn.output-height"))
def test_output_height(values: dict[str, float]) -> None:
    expected = positions(values["H"], values["F"], values["S"], values["P"])
    assert run("day2.cnn.output-height", values) == expected


@pytest.mark.parametrize("values", variants("day2.cnn.output-positions"))
def test_output_positions(values: dict[str, float]) -> None:
    rows = positions(values["H"], values["FH"], values["S"], values["P"])
    cols = positions(values["IW"], values["FW"], values["S"], values["P"])
    assert run("day2.cnn.output-positions", values) == rows * cols


@pytest.mark.parametrize("values", variants("day2.cnn.same-padding"))
def test_same_padding(values: dict[str, float]) -> None:
    h, f = values["H"], values["F"]
    keep = [pad for pad in range(f) if positions(h, f, 1, pad) == h]
    assert run("day2.cnn.same-padding", values) == keep[0]


@pytest.mark.parametrize("question_id", ["day2.cnn.pool-output"])
def test_pool_output(question_id: str) -> None:
    for values in variants(question_id):
        expected = positions(values["H"], values["PH"], values["S"], values.get("P", 0))
        assert run(question_id, values) == expected


def test_pool_output_counts_the_padding() -> None:
    # 7 rows padded by 1 on each side, 3x3 windows, stride 2: starts 0, 2, 4, 6 -> 4 outputs;
    # the erratum (ignoring the padding) would give (7 - 3)/2 + 1 = 3.
    assert (
        get_probe("pool_output")({"H": 7, "PH": 3, "S": 2, "P": 1}, np.random.default_rng(0)).value
        == 4
    )


@pytest.mark.parametrize("values", variants("day2.cnn.param-count"))
def test_param_count(values: dict[str, float]) -> None:
    fn, c, f = values["FN"], values["C"], values["F"]
    weights_per_filter = c * f * f
    found = evidence("day2.cnn.param-count", values)
    # wrong keys: no bias, no input channels, a 1-D filter, the image size multiplied in
    wrong = [fn * weights_per_filter, fn * f * f + fn, fn * c * f + fn]
    wrong.append(fn * weights_per_filter * values["H"] ** 2 + fn)
    separates(found, fn * weights_per_filter + fn, [w for w in wrong if w != found.value or f > 1])


def test_param_count_is_measured_not_allocated() -> None:
    # A conv layer whose filters ignore their last column (a buggy engine, say) has fewer
    # parameters than its W array holds: the count comes from the gradients, not from W.size.
    from eprep.checker.probes.cnn import trained_scalars

    rng = np.random.default_rng(0)
    W = rng.standard_normal((4, 2, 3, 3))
    W[:, :, :, 2] = 0.0
    from eprep.engine import Convolution

    class LastColumnIgnored(Convolution):
        def backward(self, dout):
            dx = super().backward(dout)
            self.dW[:, :, :, 2] = 0.0
            return dx

    layer = LastColumnIgnored(W, np.zeros(4))
    out = layer.forward(rng.standard_normal((3, 2, 6, 6)))
    layer.backward(rng.standard_normal(out.shape))
    assert trained_scalars(layer.dW, layer.db) == 4 * 2 * 3 * 2 + 4


@pytest.mark.parametrize("values", variants("day2.cnn.output-channels"))
def test_output_channels(values: dict[str, float]) -> None:
    assert run("day2.cnn.output-channels", values) == values["FN"]


@pytest.mark.parametrize("values", variants("day2.cnn.flatten-after-pool"))
def test_flatten_after_pool(values: dict[str, float]) -> None:
    conv = positions(values["H"], values["F"], 1, values["P"])
    pooled = positions(conv, 2, 2, 0)
    assert run("day2.cnn.flatten-after-pool", values) == values["FN"] * pooled * pooled


def test_flatten_after_pool_mnist_classic() -> None:
    # The exam's classic: 1x28x28, 30 filters 5x5 -> 30 x 24 x 24 -> pool -> 30 x 12 x 12 = 4320.
    evidence = get_probe("flatten_after_pool")(
        {"C": 1, "H": 28, "F": 5, "P": 0, "FN": 30}, np.random.default_rng(0)
    )
    assert evidence.value == 4320


@pytest.mark.parametrize("values", variants("day2.cnn.affine-after-pool-params", 6))
def test_affine_after_pool_params(values: dict[str, float]) -> None:
    pooled = positions(positions(values["H"], values["F"], 1, 0), 2, 2, 0)
    inputs = values["FN"] * pooled * pooled
    hid = values["HID"]
    found = evidence("day2.cnn.affine-after-pool-params", values)
    unpooled = values["FN"] * positions(values["H"], values["F"], 1, 0) ** 2
    # wrong keys: no bias, pooling forgotten, the input image's size instead of the pooled map
    wrong = [inputs * hid, unpooled * hid + hid, values["FN"] * (values["H"] // 2) ** 2 * hid + hid]
    separates(found, inputs * hid + hid, wrong)


@pytest.mark.parametrize("values", variants("day2.cnn.im2col-rows"))
def test_im2col_rows(values: dict[str, float]) -> None:
    side = positions(values["H"], values["F"], values["S"], values["P"])
    assert run("day2.cnn.im2col-rows", values) == values["N"] * side * side


@pytest.mark.parametrize("values", variants("day2.cnn.im2col-cols"))
def test_im2col_cols(values: dict[str, float]) -> None:
    c, fh, fw = values["C"], values["FH"], values["FW"]
    found = evidence("day2.cnn.im2col-cols", values)
    wrong = [c * fh * fw * values["FN"], fh * fw, values["N"] * c * fh * fw]
    separates(found, c * fh * fw, wrong)


def receptive_width(layers: int, f: int) -> int:
    """Propagate the set of input columns that reach one output column, layer by layer."""
    columns = {0}
    for _ in range(layers):
        columns = {c + offset for c in columns for offset in range(f)}
    return len(columns)


@pytest.mark.parametrize("values", variants("day2.cnn.receptive-field"))
def test_receptive_field(values: dict[str, float]) -> None:
    assert run("day2.cnn.receptive-field", values) == receptive_width(
        int(values["L"]), int(values["F"])
    )


def test_two_3x3_layers_see_5x5() -> None:
    assert get_probe("receptive_field")({"L": 2, "F": 3}, np.random.default_rng(0)).value == 5


@pytest.mark.parametrize("values", variants("day2.cnn.pool-backward"))
def test_pool_backward_nonzero(values: dict[str, float]) -> None:
    windows_per_side = values["H"] // values["K"]
    assert run("day2.cnn.pool-backward", values) == values["N"] * values["C"] * windows_per_side**2


# ---------------------------------------------------------------- AlexNet (published figures)


@pytest.mark.parametrize(
    "report, expected",
    [("conv1-height", 55), ("flatten", 9216), ("conv1-params", 34_944), ("fc6-params", 37_752_832)],
)
def test_alexnet_figures(report: str, expected: int) -> None:
    assert get_probe("alexnet")({}, np.random.default_rng(0), report=report).value == expected


def test_alexnet_param_counts_reject_wrong_keys() -> None:
    def found(report: str):
        return get_probe("alexnet")({}, np.random.default_rng(0), report=report)

    # conv1: 96 filters of 3 x 11 x 11 plus 96 biases (counted here by hand: 363 taps each)
    taps = 3 * 11 * 11
    separates(found("conv1-params"), 96 * taps + 96, [96 * taps, 96 * 11 * 11 + 96, 96 * taps * 55])
    # fc6: 256 maps of 6 x 6 = 9216 inputs to each of 4096 units, plus 4096 biases
    inputs = 256 * 6 * 6
    wrong = [inputs * 4096, 256 * 13 * 13 * 4096 + 4096, 4096 * 4096 + 4096]
    separates(found("fc6-params"), inputs * 4096 + 4096, wrong)


def test_alexnet_total_and_largest_layer() -> None:
    from eprep.checker.probes.cnn import alexnet_stats

    # The single-GPU AlexNet has 62,378,344 parameters (conv 3,747,200 + fc 58,631,144).
    assert sum(alexnet_stats()["params"].values()) == 62_378_344
    assert get_probe("alexnet_largest_layer")({}, np.random.default_rng(0)) == OptionId("fc6")


# ---------------------------------------------------------------- code probes with naive layers


class LoopConvolution:
    """Cross-correlation by four nested loops over images, filters and output pixels."""

    def __init__(self, W: np.ndarray, b: np.ndarray, stride: int = 1, pad: int = 0) -> None:
        self.W, self.b, self.stride, self.pad = W, b, stride, pad

    def forward(self, x: np.ndarray) -> np.ndarray:
        fn, _, fh, fw = self.W.shape
        n, _, h, w = x.shape
        xp = np.pad(x, ((0, 0), (0, 0), (self.pad, self.pad), (self.pad, self.pad)))
        oh = positions(h, fh, self.stride, self.pad)
        ow = positions(w, fw, self.stride, self.pad)
        out = np.zeros((n, fn, oh, ow))
        for i in range(n):
            for f in range(fn):
                for y in range(oh):
                    for x_ in range(ow):
                        ys, xs = y * self.stride, x_ * self.stride
                        patch = xp[i, :, ys : ys + fh, xs : xs + fw]
                        out[i, f, y, x_] = np.sum(patch * self.W[f]) + self.b[f]
        return out


class LoopPooling:
    def __init__(
        self, pool_h: int, pool_w: int, stride: int = 1, pad: int = 0, honour_pad: bool = True
    ) -> None:
        self.pool_h, self.pool_w, self.stride, self.pad = pool_h, pool_w, stride, pad
        self.honour_pad = honour_pad

    def forward(self, x: np.ndarray) -> np.ndarray:
        n, c, h, w = x.shape
        pad = self.pad if self.honour_pad else 0
        xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), constant_values=-np.inf)
        oh = positions(h, self.pool_h, self.stride, pad)
        ow = positions(w, self.pool_w, self.stride, pad)
        out = np.zeros((n, c, oh, ow))
        for y in range(oh):
            for x_ in range(ow):
                ys, xs = y * self.stride, x_ * self.stride
                out[:, :, y, x_] = xp[:, :, ys : ys + self.pool_h, xs : xs + self.pool_w].max(
                    axis=(2, 3)
                )
        return out


def loop_im2col(x: np.ndarray, fh: int, fw: int, stride: int = 1, pad: int = 0) -> np.ndarray:
    n, _, h, w = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    rows = []
    for i in range(n):
        for y in range(positions(h, fh, stride, pad)):
            for x_ in range(positions(w, fw, stride, pad)):
                ys, xs = y * stride, x_ * stride
                rows.append(xp[i, :, ys : ys + fh, xs : xs + fw].ravel())
    return np.array(rows)


def check(probe_name: str, namespace: dict) -> None:
    get_code_probe(probe_name)(namespace, {}, np.random.default_rng(2))


def test_convolution_probe_accepts_loops_and_rejects_a_swapped_output() -> None:
    check("convolution_matches_engine", {"Convolution": LoopConvolution})

    class Swapped(LoopConvolution):
        def forward(self, x: np.ndarray) -> np.ndarray:
            return super().forward(x).transpose(0, 1, 3, 2)

    with pytest.raises(AssertionError, match="shape"):
        check("convolution_matches_engine", {"Convolution": Swapped})


def test_pooling_probe_accepts_loops_and_rejects_the_padding_erratum() -> None:
    check("pooling_matches_engine", {"Pooling": LoopPooling})

    class IgnoresPad(LoopPooling):
        def __init__(self, pool_h: int, pool_w: int, stride: int = 1, pad: int = 0) -> None:
            super().__init__(pool_h, pool_w, stride, pad, honour_pad=False)

    with pytest.raises(AssertionError, match=r"Pooling\.forward"):
        check("pooling_matches_engine", {"Pooling": IgnoresPad})


def test_im2col_probe_accepts_loops_and_rejects_channel_last_columns() -> None:
    check("im2col_matches_engine", {"im2col": loop_im2col})

    def channel_last(x: np.ndarray, fh: int, fw: int, stride: int = 1, pad: int = 0) -> np.ndarray:
        cols = loop_im2col(x, fh, fw, stride, pad).reshape(-1, x.shape[1], fh * fw)
        return cols.transpose(0, 2, 1).reshape(-1, x.shape[1] * fh * fw)

    with pytest.raises(AssertionError, match="im2col differs"):
        check("im2col_matches_engine", {"im2col": channel_last})
