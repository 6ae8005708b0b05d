"""DenseNet's dense block and transition layer (Huang et al. 2017, Densely Connected
Convolutional Networks, §3).

Layout (N, C, H, W) as in `conv.py`. Inside a dense block, layer l reads the concatenation of
the block's input and every earlier layer's output, [x_0, x_1, ..., x_{l-1}], and adds k new
channels (the growth rate): after L layers the block holds k_0 + L k channels. A transition
layer between blocks is a 1x1 convolution to floor(theta m) channels (compression theta) and a
2x2 average pooling with stride 2. Both follow the DLFS interface, forward(x, train_flg=...)
and backward(dout) -> dx; parameter gradients stay on the inner layers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from eprep.engine.conv import AvgPooling, Convolution
from eprep.engine.conv_family import PointwiseConvolution
from eprep.engine.layers import Relu
from eprep.engine.normalization import BatchNormalization


def _as_list(layer) -> list:
    return list(layer) if isinstance(layer, list | tuple) else [layer]


class DenseBlock:
    """x -> [x, H_1(x), H_2([x, H_1(x)]), ...] along the channel axis.

    `layers` holds one composite function H_l per dense layer: a layer with the DLFS interface,
    or a list of them applied in order. Each H_l must keep H x W and may emit any number of
    channels (the growth rate k when built by `dense_layer`).
    """

    def __init__(self, layers: Sequence) -> None:
        self.layers = [_as_list(layer) for layer in layers]
        if not self.layers or any(not layer for layer in self.layers):
            raise ValueError("DenseBlock needs at least one layer, each with inner layers")
        self.widths: list[int] | None = None  # channels of the input and of each new output

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        x = np.asarray(x)
        if x.ndim != 4:
            raise ValueError(f"DenseBlock expects images of shape (N, C, H, W), got {x.shape}")
        features = x
        widths = [x.shape[1]]
        for index, layer in enumerate(self.layers):
            out = features
            for inner in layer:
                out = inner.forward(out, train_flg)
            if np.ndim(out) != 4 or np.shape(out)[0] != x.shape[0] or out.shape[2:] != x.shape[2:]:
                raise ValueError(
                    f"DenseBlock: layer {index + 1} maps {features.shape} to {np.shape(out)}; "
                    f"a dense layer must keep N, H and W to be concatenated"
                )
            widths.append(out.shape[1])
            features = np.concatenate([features, out], axis=1)
        self.widths = widths
        return features

    def backward(self, dout: np.ndarray) -> np.ndarray:
        if self.widths is None:
            raise ValueError("DenseBlock.backward called before forward")
        dfeatures = np.array(dout, dtype=float, copy=True)
        end = sum(self.widths)
        if dfeatures.shape[1] != end:
            raise ValueError(
                f"DenseBlock.backward: dout has {dfeatures.shape[1]} channels, expected {end}"
            )
        # Layer l's output occupies the last widths[l] channels of the prefix it ends; its input
        # is everything before, which therefore collects its gradient as well.
        for layer, width in zip(reversed(self.layers), reversed(self.widths[1:]), strict=True):
            start = end - width
            d = dfeatures[:, start:end]
            for inner in reversed(layer):
                d = inner.backward(d)
            dfeatures[:, :start] += d
            end = start
        return dfeatures[:, : self.widths[0]]


def dense_block_channels(in_channels: int, growth_rate: int, layers: int) -> int:
    """k_0 + L k: each of the L layers concatenates k channels to what it reads."""
    return in_channels + layers * growth_rate


def transition_channels(in_channels: int, compression: float) -> int:
    """floor(theta m): the transition's 1x1 convolution keeps a fraction theta of m channels."""
    if not 0 < compression <= 1:
        raise ValueError(f"compression must be in (0, 1], got {compression}")
    # round first: 0.29 * 100 is 28.999999999999996 in floating point, not 29.
    return math.floor(round(compression * in_channels, 9))


class Transition:
    """DenseNet's transition: a 1x1 convolution W (floor(theta m), m), then 2x2 average pooling
    with stride 2 (the batch norm before it is left to the caller, as in `SeparableConvolution`)."""

    def __init__(self, W: np.ndarray, b: np.ndarray) -> None:
        self.conv = PointwiseConvolution(W, b)
        self.pool = AvgPooling(2, 2, stride=2)

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        return self.pool.forward(self.conv.forward(x, train_flg), train_flg)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return self.conv.backward(self.pool.backward(dout))


def dense_layer(
    in_channels: int,
    growth_rate: int,
    rng: np.random.Generator,
    bottleneck: int | None = None,
) -> list:
    """H_l as in the paper: BN-ReLU-Conv(3x3, pad 1) to k channels; with `bottleneck` = b
    (DenseNet-B: b = 4k) a BN-ReLU-Conv(1x1) to b channels comes first. He-initialised."""

    def conv(c_in: int, c_out: int, size: int) -> Convolution:
        scale = math.sqrt(2.0 / (c_in * size * size))
        return Convolution(
            rng.standard_normal((c_out, c_in, size, size)) * scale,
            np.zeros(c_out),
            pad=(size - 1) // 2,
        )

    def norm(c: int) -> BatchNormalization:
        return BatchNormalization(np.ones(c), np.zeros(c))

    layers: list = []
    width = in_channels
    if bottleneck is not None:
        layers += [norm(width), Relu(), conv(width, bottleneck, 1)]
        width = bottleneck
    return [*layers, norm(width), Relu(), conv(width, growth_rate, 3)]


def dense_block(
    in_channels: int,
    growth_rate: int,
    layers: int,
    rng: np.random.Generator,
    bottleneck: int | None = None,
) -> DenseBlock:
    """A DenseBlock of `layers` dense layers; layer l reads k_0 + (l - 1) k channels."""
    return DenseBlock(
        [
            dense_layer(in_channels + i * growth_rate, growth_rate, rng, bottleneck)
            for i in range(layers)
        ]
    )
