"""The convolution family beside `Convolution`: depthwise, pointwise and separable convolution,
dilated and causal 1-D convolution, transposed convolution and global average pooling.

Layouts follow `conv.py`: images (N, C, H, W), sequences (N, C, L). Every layer has the DLFS
interface, forward(x, train_flg=...) and backward(dout) -> dx with parameter gradients in dW/db.
The counting functions (parameters, multiply-adds, output sizes, receptive fields) state the
textbook formulas; the tests check each against the layers themselves and against torch.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from eprep.engine._checks import check_bias, check_channels, check_images, check_int
from eprep.engine.conv import col2im, conv_output_size, im2col


class _FilterLayer:
    """What the strided filter layers share: W and b checked once, stride, pad, gradients."""

    NAME = ""
    W_LAYOUT = ""  # W's shape as an error names it
    BIAS_AXIS = 0  # the axis of W that b has one entry for

    def __init__(self, W: np.ndarray, b: np.ndarray, stride: int = 1, pad: int = 0) -> None:
        if not self._valid_W(W):
            raise ValueError(f"{self.NAME} needs W of shape {self.W_LAYOUT}, got {np.shape(W)}")
        check_bias(self.NAME, b, np.shape(W)[self.BIAS_AXIS])
        self.W = W
        self.b = b
        self.stride = check_int("stride", stride, 1)
        self.pad = check_int("pad", pad, 0)
        self.x_shape: tuple[int, ...] | None = None
        self.dW: np.ndarray | None = None
        self.db: np.ndarray | None = None

    @staticmethod
    def _valid_W(W: np.ndarray) -> bool:
        return np.ndim(W) == 4

    def _images(self, x: np.ndarray, channels: int) -> np.ndarray:
        """`x` as images with the `channels` input channels W expects."""
        x = check_images(self.NAME, x)
        check_channels(self.NAME, x, self.W, channels)
        return x


class DepthwiseConvolution(_FilterLayer):
    """Each input channel convolved with its own filter: W (C, 1, FH, FW), b (C,).

    The same as torch's conv2d with groups=C (and weights of that shape). The first half of
    MobileNet's depthwise-separable block: it filters space but never mixes channels.
    """

    NAME, W_LAYOUT = "DepthwiseConvolution", "(C, 1, FH, FW)"

    def __init__(self, W: np.ndarray, b: np.ndarray, stride: int = 1, pad: int = 0) -> None:
        super().__init__(W, b, stride, pad)
        self.cols: np.ndarray | None = None  # (N, C, OH*OW, FH*FW)

    @staticmethod
    def _valid_W(W: np.ndarray) -> bool:
        return np.ndim(W) == 4 and np.shape(W)[1] == 1

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        c, _, fh, fw = self.W.shape
        x = self._images(x, c)
        n, _, h, w = x.shape
        out_h = conv_output_size(h, fh, self.stride, self.pad)
        out_w = conv_output_size(w, fw, self.stride, self.pad)
        # Every channel becomes an image of its own, so im2col's rows are (n, c, y, x).
        cols = im2col(x.reshape(n * c, 1, h, w), fh, fw, self.stride, self.pad)
        self.cols = cols.reshape(n, c, out_h * out_w, fh * fw)
        self.x_shape = x.shape
        out = np.einsum("ncpk,ck->ncp", self.cols, self.W.reshape(c, fh * fw))
        return out.reshape(n, c, out_h, out_w) + self.b[None, :, None, None]

    def backward(self, dout: np.ndarray) -> np.ndarray:
        n, c, h, w = self.x_shape
        _, _, fh, fw = self.W.shape
        d = np.asarray(dout).reshape(n, c, -1)
        self.db = d.sum(axis=(0, 2))
        self.dW = np.einsum("ncp,ncpk->ck", d, self.cols).reshape(self.W.shape)
        dcols = np.einsum("ncp,ck->ncpk", d, self.W.reshape(c, fh * fw))
        dx = col2im(dcols.reshape(-1, fh * fw), (n * c, 1, h, w), fh, fw, self.stride, self.pad)
        return dx.reshape(n, c, h, w)


class PointwiseConvolution:
    """1x1 convolution: out[n, f, y, x] = sum_c W[f, c] x[n, c, y, x] + b[f], W (FN, C).

    A fully connected layer applied at every position: it mixes channels and never looks at
    neighbouring pixels (torch: conv2d with W[:, :, None, None]).
    """

    def __init__(self, W: np.ndarray, b: np.ndarray) -> None:
        if np.ndim(W) != 2:
            raise ValueError(f"PointwiseConvolution needs W of shape (FN, C), got {np.shape(W)}")
        check_bias("PointwiseConvolution", b, np.shape(W)[0])
        self.W = W
        self.b = b
        self.x: np.ndarray | None = None
        self.dW: np.ndarray | None = None
        self.db: np.ndarray | None = None

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        x = check_images("PointwiseConvolution", x)
        check_channels("PointwiseConvolution", x, self.W, self.W.shape[1])
        self.x = x
        return np.einsum("fc,nchw->nfhw", self.W, x) + self.b[None, :, None, None]

    def backward(self, dout: np.ndarray) -> np.ndarray:
        dout = np.asarray(dout)
        self.db = dout.sum(axis=(0, 2, 3))
        self.dW = np.einsum("nfhw,nchw->fc", dout, self.x)
        return np.einsum("fc,nfhw->nchw", self.W, dout)


class SeparableConvolution:
    """MobileNet's depthwise-separable convolution: a DepthwiseConvolution, then a
    PointwiseConvolution (Howard et al. 2017, §3.1; the batch norm and ReLU between are left to
    the caller). Gradients: depthwise.dW/db and pointwise.dW/db."""

    def __init__(self, depthwise: DepthwiseConvolution, pointwise: PointwiseConvolution) -> None:
        if depthwise.W.shape[0] != pointwise.W.shape[1]:
            raise ValueError(
                f"SeparableConvolution: the depthwise part gives {depthwise.W.shape[0]} channels "
                f"but the pointwise part expects {pointwise.W.shape[1]}"
            )
        self.depthwise = depthwise
        self.pointwise = pointwise

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        return self.pointwise.forward(self.depthwise.forward(x, train_flg), train_flg)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return self.depthwise.backward(self.pointwise.backward(dout))


def conv_param_count(in_channels: int, out_channels: int, k: int, bias: bool = True) -> int:
    """Parameters of a standard k x k convolution: C_out * C_in * k^2 (+ C_out biases)."""
    return out_channels * in_channels * k * k + (out_channels if bias else 0)


def separable_param_count(in_channels: int, out_channels: int, k: int, bias: bool = True) -> int:
    """Depthwise (C_in k^2 + C_in) plus pointwise (C_out C_in + C_out) parameters."""
    extra = in_channels + out_channels if bias else 0
    return in_channels * k * k + out_channels * in_channels + extra


def conv_mult_adds(in_channels: int, out_channels: int, k: int, out_h: int, out_w: int) -> int:
    """Multiply-adds of a standard convolution: every output value reads C_in k^2 inputs."""
    return out_h * out_w * out_channels * in_channels * k * k


def separable_mult_adds(in_channels: int, out_channels: int, k: int, out_h: int, out_w: int) -> int:
    """Depthwise (OH OW C_in k^2) plus pointwise (OH OW C_in C_out) multiply-adds.

    Divided by conv_mult_adds this is 1/C_out + 1/k^2 (Howard et al. 2017, eq. 5).
    """
    return out_h * out_w * in_channels * (k * k + out_channels)


# ---------------------------------------------------------------- 1-D convolution


def conv1d_output_size(
    length: int, kernel_size: int, stride: int = 1, pad: int = 0, dilation: int = 1
) -> int:
    """(L + 2P - d (K - 1) - 1) // S + 1: a dilated kernel spans d (K - 1) + 1 inputs."""
    span = dilation * (kernel_size - 1) + 1
    return conv_output_size(length, span, stride, pad)


def dilated_receptive_field(kernel_size: int, dilations: Sequence[int]) -> int:
    """Inputs that reach one output of stacked stride-1 1-D convolutions: 1 + sum d (K - 1).

    WaveNet's stack with dilations 1, 2, ..., 2^(L-1) and K = 2 reaches 2^L inputs.
    """
    return 1 + sum(d * (kernel_size - 1) for d in dilations)


class Conv1D:
    """1-D convolution of (N, C, L) with W (FN, C, K), b (FN,): stride, padding and dilation.

    out[n, f, t] = b[f] + sum_{c, j} W[f, c, j] x_pad[n, c, t S + j d] (torch's conv1d).
    causal=True pads d (K - 1) zeros on the left only (pad must be 0), so output t sees inputs
    t, t - d, ..., t - d (K - 1) and never the future: WaveNet's causal convolution.
    """

    def __init__(
        self,
        W: np.ndarray,
        b: np.ndarray,
        stride: int = 1,
        pad: int = 0,
        dilation: int = 1,
        causal: bool = False,
    ) -> None:
        if np.ndim(W) != 3:
            raise ValueError(f"Conv1D needs W of shape (FN, C, K), got {np.shape(W)}")
        check_bias("Conv1D", b, np.shape(W)[0])
        self.W = W
        self.b = b
        self.stride = check_int("stride", stride, 1)
        self.pad = check_int("pad", pad, 0)
        self.dilation = check_int("dilation", dilation, 1)
        if causal and self.pad:
            raise ValueError("a causal Conv1D pads on the left by itself: pad must be 0")
        self.causal = bool(causal)
        self.x_shape: tuple[int, ...] | None = None
        self.taps: np.ndarray | None = None  # (N, C, OL, K)
        self.dW: np.ndarray | None = None
        self.db: np.ndarray | None = None

    def _padding(self) -> tuple[int, int]:
        k = self.W.shape[2]
        if self.causal:
            return self.dilation * (k - 1), 0
        return self.pad, self.pad

    def _index(self, out_len: int) -> np.ndarray:
        k = self.W.shape[2]
        return (np.arange(out_len) * self.stride)[:, None] + np.arange(k) * self.dilation

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        x = np.asarray(x)
        if x.ndim != 3 or x.shape[1] != self.W.shape[1]:
            raise ValueError(
                f"Conv1D expects x of shape (N, {self.W.shape[1]}, L), got shape {x.shape}"
            )
        left, right = self._padding()
        span = self.dilation * (self.W.shape[2] - 1) + 1
        padded_len = x.shape[2] + left + right
        if padded_len < span:
            raise ValueError(
                f"Conv1D: the dilated kernel spans {span} inputs but the padded input has "
                f"{padded_len}"
            )
        out_len = (padded_len - span) // self.stride + 1
        xp = np.pad(x, ((0, 0), (0, 0), (left, right)))
        self.x_shape = x.shape
        self.taps = xp[:, :, self._index(out_len)]
        return np.einsum("fck,ncok->nfo", self.W, self.taps) + self.b[None, :, None]

    def backward(self, dout: np.ndarray) -> np.ndarray:
        dout = np.asarray(dout)
        n, c, length = self.x_shape
        left, right = self._padding()
        self.db = dout.sum(axis=(0, 2))
        self.dW = np.einsum("nfo,ncok->fck", dout, self.taps)
        dtaps = np.einsum("nfo,fck->ncok", dout, self.W)
        dxp = np.zeros((n, c, length + left + right), dtype=dtaps.dtype)
        out_len = dout.shape[2]
        for j in range(self.W.shape[2]):  # loop over taps only
            start = j * self.dilation
            dxp[:, :, start : start + self.stride * out_len : self.stride] += dtaps[..., j]
        return dxp[:, :, left : left + length]


# ---------------------------------------------------------------- transposed convolution


def transposed_output_size(
    input_size: int, filter_size: int, stride: int = 1, pad: int = 0, output_padding: int = 0
) -> int:
    """(H - 1) S - 2P + F + output_padding: the sizes whose convolution gives back H."""
    input_size = check_int("input_size", input_size, 1)
    size = (input_size - 1) * stride - 2 * pad + filter_size + output_padding
    if output_padding >= stride or size < 1:
        raise ValueError(
            f"transposed convolution: input {input_size}, filter {filter_size}, stride {stride}, "
            f"pad {pad}, output_padding {output_padding} gives no valid output size"
        )
    return size


class TransposedConvolution(_FilterLayer):
    """Transposed convolution ("deconvolution") with W (C_in, C_out, FH, FW), b (C_out,).

    The adjoint of `Convolution` with the same W, stride and pad: each input value scatters a
    W-weighted FH x FW patch into the output, S pixels apart, and the P outer rows and columns
    are cropped. Output size (H - 1) S - 2P + FH + output_padding, weights laid out as torch's
    conv_transpose2d.
    """

    NAME, W_LAYOUT, BIAS_AXIS = "TransposedConvolution", "(C_in, C_out, FH, FW)", 1

    def __init__(
        self,
        W: np.ndarray,
        b: np.ndarray,
        stride: int = 1,
        pad: int = 0,
        output_padding: int = 0,
    ) -> None:
        super().__init__(W, b, stride, pad)
        self.output_padding = check_int("output_padding", output_padding, 0)
        self.x2: np.ndarray | None = None

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        c_in, c_out, fh, fw = self.W.shape
        x = self._images(x, c_in)
        n, _, h, w = x.shape
        s, p, op = self.stride, self.pad, self.output_padding
        out_h = transposed_output_size(h, fh, s, p, op)
        out_w = transposed_output_size(w, fw, s, p, op)
        self.x_shape = x.shape
        self.x2 = x.transpose(0, 2, 3, 1).reshape(-1, c_in)
        cols = self.x2 @ self.W.reshape(c_in, -1)  # one patch per input pixel
        out = col2im(cols, (n, c_out, out_h, out_w), fh, fw, s, p)
        return out + self.b[None, :, None, None]

    def backward(self, dout: np.ndarray) -> np.ndarray:
        c_in, _, fh, fw = self.W.shape
        n, _, h, w = self.x_shape
        dout = np.asarray(dout)
        self.db = dout.sum(axis=(0, 2, 3))
        dcols = im2col(dout, fh, fw, self.stride, self.pad)  # (N*H*W, C_out*FH*FW)
        self.dW = (self.x2.T @ dcols).reshape(self.W.shape)
        dx2 = dcols @ self.W.reshape(c_in, -1).T
        return dx2.reshape(n, h, w, c_in).transpose(0, 3, 1, 2)


# ---------------------------------------------------------------- global average pooling


class GlobalAveragePooling:
    """(N, C, H, W) -> (N, C): the mean of each channel's map (Lin, Chen & Yan 2014, §3.2).

    torch: adaptive_avg_pool2d(x, 1) flattened. No parameters; the gradient of each pixel is
    its channel's upstream gradient divided by H W.
    """

    def __init__(self) -> None:
        self.x_shape: tuple[int, ...] | None = None

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        x = check_images("GlobalAveragePooling", x)
        self.x_shape = x.shape
        return x.mean(axis=(2, 3))

    def backward(self, dout: np.ndarray) -> np.ndarray:
        n, c, h, w = self.x_shape
        dout = np.asarray(dout)
        if dout.shape != (n, c):
            raise ValueError(
                f"GlobalAveragePooling.backward: dout has shape {dout.shape}, expected {(n, c)}"
            )
        return np.broadcast_to(dout[:, :, None, None] / (h * w), self.x_shape).copy()
