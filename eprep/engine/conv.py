"""Convolution and pooling via im2col / col2im, vectorised with sliding_window_view.

Layout follows DLFS: images are (N, C, H, W); im2col returns one row per output position
(ordered n, out_y, out_x) and one column per input tap (ordered c, filter_y, filter_x).

A stride that does not divide H + 2*pad - filter is allowed: the output has
(H + 2*pad - filter) // stride + 1 positions (the floor, as in DLFS's im2col and in PyTorch),
and the rows or columns no window reaches get a zero gradient.
"""

from __future__ import annotations

import numbers

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def _check_int(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def conv_output_size(
    input_size: int, filter_size: int, stride: int = 1, pad: int = 0, *, strict: bool = False
) -> int:
    """(input_size + 2*pad - filter_size) // stride + 1: the number of window positions.

    A stride that does not divide the span is floored, as in PyTorch and DLFS's im2col; with
    strict=True it is a ValueError instead (for questions that want the division to be exact).
    """
    input_size = _check_int("input_size", input_size, 1)
    filter_size = _check_int("filter_size", filter_size, 1)
    stride = _check_int("stride", stride, 1)
    pad = _check_int("pad", pad, 0)
    span = input_size + 2 * pad - filter_size
    if span < 0:
        raise ValueError(
            f"filter_size {filter_size} is larger than the padded input: input_size {input_size} "
            f"+ 2*pad {2 * pad} = {input_size + 2 * pad}"
        )
    if strict and span % stride:
        raise ValueError(
            f"stride {stride} does not divide input_size + 2*pad - filter_size = {input_size} "
            f"+ {2 * pad} - {filter_size} = {span}"
        )
    return span // stride + 1


def _check_images(name: str, x: np.ndarray) -> np.ndarray:
    x = np.asarray(x)
    if x.ndim != 4:
        raise ValueError(f"{name} expects images of shape (N, C, H, W), got shape {x.shape}")
    return x


def _windows(x: np.ndarray, fh: int, fw: int, stride: int, pad: int, fill: float = 0.0):
    """View of the (fh, fw) windows of x, shape (N, C, out_h, out_w, fh, fw); copies only to pad."""
    _, _, h, w = x.shape
    out_h = conv_output_size(h, fh, stride, pad)
    out_w = conv_output_size(w, fw, stride, pad)
    if pad:
        x = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), constant_values=fill)
    view = sliding_window_view(x, (fh, fw), axis=(2, 3))[:, :, ::stride, ::stride]
    return view, out_h, out_w


def im2col(
    input_data: np.ndarray, filter_h: int, filter_w: int, stride: int = 1, pad: int = 0
) -> np.ndarray:
    """Unfold (N, C, H, W) images into a (N*out_h*out_w, C*filter_h*filter_w) matrix."""
    x = _check_images("im2col", input_data)
    n, c = x.shape[:2]
    view, out_h, out_w = _windows(x, filter_h, filter_w, stride, pad)
    return view.transpose(0, 2, 3, 1, 4, 5).reshape(n * out_h * out_w, c * filter_h * filter_w)


def col2im(
    col: np.ndarray,
    input_shape: tuple[int, int, int, int],
    filter_h: int,
    filter_w: int,
    stride: int = 1,
    pad: int = 0,
) -> np.ndarray:
    """Adjoint of im2col: add each column entry back onto the pixel it was read from."""
    if len(input_shape) != 4:
        raise ValueError(f"col2im: input_shape must be (N, C, H, W), got {tuple(input_shape)}")
    n, c, h, w = (int(s) for s in input_shape)
    out_h = conv_output_size(h, filter_h, stride, pad)
    out_w = conv_output_size(w, filter_w, stride, pad)
    expected = (n * out_h * out_w, c * filter_h * filter_w)
    col = np.asarray(col)
    if col.shape != expected:
        raise ValueError(
            f"col2im: col has shape {col.shape} but input_shape {tuple(input_shape)} with a "
            f"{filter_h}x{filter_w} filter, stride {stride}, pad {pad} needs {expected}"
        )
    taps = col.reshape(n, out_h, out_w, c, filter_h, filter_w)
    # Accumulate channels-last so each add runs over contiguous channels; return an NCHW view.
    img = np.zeros((n, h + 2 * pad, w + 2 * pad, c), dtype=col.dtype)
    # A loop over filter offsets only (fh*fw iterations), never over images or pixels.
    for i in range(filter_h):
        for j in range(filter_w):
            rows = slice(i, i + stride * out_h, stride)
            img[:, rows, j : j + stride * out_w : stride, :] += taps[:, :, :, :, i, j]
    return img[:, pad : pad + h, pad : pad + w, :].transpose(0, 3, 1, 2)


class Convolution:
    """2-D convolution (cross-correlation, as DLFS and torch) with W (FN, C, FH, FW), b (FN,)."""

    def __init__(self, W: np.ndarray, b: np.ndarray, stride: int = 1, pad: int = 0) -> None:
        if np.ndim(W) != 4 or np.ndim(b) != 1 or np.shape(b)[0] != np.shape(W)[0]:
            raise ValueError(
                f"Convolution needs W of shape (FN, C, FH, FW) and b of shape (FN,), got W "
                f"{np.shape(W)} and b {np.shape(b)}"
            )
        self.W = W
        self.b = b
        self.stride = _check_int("stride", stride, 1)
        self.pad = _check_int("pad", pad, 0)
        self.x: np.ndarray | None = None
        self.col: np.ndarray | None = None
        self.col_W: np.ndarray | None = None
        self.dW: np.ndarray | None = None
        self.db: np.ndarray | None = None

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        x = _check_images("Convolution", x)
        fn, c, fh, fw = self.W.shape
        if x.shape[1] != c:
            raise ValueError(
                f"Convolution: input x has shape {x.shape} ({x.shape[1]} channels) but W has "
                f"shape {self.W.shape} ({c} channels)"
            )
        n = x.shape[0]
        self.x = x
        self.col = im2col(x, fh, fw, self.stride, self.pad)
        self.col_W = self.W.reshape(fn, -1).T
        out = self.col @ self.col_W + self.b
        out_h = conv_output_size(x.shape[2], fh, self.stride, self.pad)
        out_w = conv_output_size(x.shape[3], fw, self.stride, self.pad)
        return out.reshape(n, out_h, out_w, fn).transpose(0, 3, 1, 2)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        fn, c, fh, fw = self.W.shape
        dout2 = self.backward_params(dout)
        if 2 * c < fn:
            # Few input channels: materialise dcol (N*out_h*out_w, C*fh*fw) and fold it back.
            dcol = dout2 @ self.col_W.T
            return col2im(dcol, self.x.shape, fh, fw, self.stride, self.pad)
        # Many input channels: dcol would be larger than reading dout2 once per filter offset,
        # so add each offset's (N*out_h*out_w, C) product straight into the image.
        n, _, h, w = self.x.shape
        s, pad = self.stride, self.pad
        out_h, out_w = dout.shape[2:]
        taps = np.ascontiguousarray(self.W.transpose(2, 3, 0, 1))  # (fh, fw, FN, C)
        img = np.zeros((n, h + 2 * pad, w + 2 * pad, c), dtype=np.result_type(dout2, taps))
        for i in range(fh):
            for j in range(fw):
                rows = slice(i, i + s * out_h, s)
                part = (dout2 @ taps[i, j]).reshape(n, out_h, out_w, c)
                img[:, rows, j : j + s * out_w : s, :] += part
        return img[:, pad : pad + h, pad : pad + w, :].transpose(0, 3, 1, 2)

    def backward_params(self, dout: np.ndarray) -> np.ndarray:
        """Set dW and db only (for a first layer); returns dout as (N*out_h*out_w, FN)."""
        fn = self.W.shape[0]
        dout2 = dout.transpose(0, 2, 3, 1).reshape(-1, fn)
        self.db = np.sum(dout2, axis=0)
        self.dW = (dout2.T @ self.col).reshape(self.W.shape)
        return dout2


def _check_pool(pool_h: int, pool_w: int, stride: int, pad: int) -> tuple[int, int, int, int]:
    pool_h = _check_int("pool_h", pool_h, 1)
    pool_w = _check_int("pool_w", pool_w, 1)
    stride = _check_int("stride", stride, 1)
    pad = _check_int("pad", pad, 0)
    if 2 * pad > min(pool_h, pool_w):
        # Same rule as torch: a window made only of padding would have no input to pool.
        raise ValueError(f"pad {pad} must be at most half the pool size {pool_h}x{pool_w}")
    return pool_h, pool_w, stride, pad


def _channels_last(x: np.ndarray) -> tuple[np.ndarray, bool]:
    """A free (B, H, W, K) view of NCHW x: (N, H, W, C) when channels are innermost in memory
    (a Convolution's output), else (N*C, H, W, 1). Elementwise work then runs in memory order."""
    if x.strides[1] < x.strides[3]:
        return x.transpose(0, 2, 3, 1), True
    n, c, h, w = x.shape
    return np.ascontiguousarray(x).reshape(n * c, h, w, 1), False


def _from_channels_last(y: np.ndarray, was_nhwc: bool, n: int, c: int) -> np.ndarray:
    if was_nhwc:
        return y.transpose(0, 3, 1, 2)
    return y.reshape(n, c, y.shape[1], y.shape[2])


class Pooling:
    """Max pooling. Padding counts as -inf (as in torch), so a padded border never wins the max.

    DLFS pads with 0, which silently changes the result when a window's inputs are all negative.
    The gradient goes to the first maximum of each window (row-major), like np.argmax in DLFS.
    Work is a loop over the pool_h*pool_w window offsets, each step one whole-array operation.
    """

    def __init__(self, pool_h: int, pool_w: int, stride: int = 1, pad: int = 0) -> None:
        self.pool_h, self.pool_w, self.stride, self.pad = _check_pool(pool_h, pool_w, stride, pad)
        self.x_shape: tuple[int, ...] | None = None
        self._xl: np.ndarray | None = None  # padded channels-last input
        self._best: np.ndarray | None = None  # channels-last output
        self._nhwc = False

    def _offsets(self, xl: np.ndarray, out_h: int, out_w: int):
        """Each window offset (i, j) with the view of the values it sees, shape like the output."""
        s = self.stride
        for k in range(self.pool_h * self.pool_w):
            i, j = divmod(k, self.pool_w)
            yield i, j, xl[:, i : i + s * out_h : s, j : j + s * out_w : s, :]

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        x = _check_images("Pooling", x)
        n, c, h, w = x.shape
        ph, pw, s, pad = self.pool_h, self.pool_w, self.stride, self.pad
        out_h = conv_output_size(h, ph, s, pad)
        out_w = conv_output_size(w, pw, s, pad)
        xl, self._nhwc = _channels_last(x)
        if pad:
            fill = -np.inf if np.issubdtype(x.dtype, np.floating) else np.iinfo(x.dtype).min
            xl = np.pad(xl, ((0, 0), (pad, pad), (pad, pad), (0, 0)), constant_values=fill)
        best = None
        for _, _, view in self._offsets(xl, out_h, out_w):
            best = view.copy() if best is None else np.maximum(best, view, out=best)
        self.x_shape = x.shape
        self._xl, self._best = xl, best
        return _from_channels_last(best, self._nhwc, n, c)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        n, c, h, w = self.x_shape
        pad, best = self.pad, self._best
        b, out_h, out_w, k_dim = best.shape
        dout = np.asarray(dout)
        if dout.shape != (n, c, out_h, out_w):
            raise ValueError(
                f"Pooling.backward: dout has shape {dout.shape}, expected {(n, c, out_h, out_w)}"
            )
        if self._nhwc:
            dl = np.ascontiguousarray(dout.transpose(0, 2, 3, 1))
        else:
            dl = np.ascontiguousarray(dout).reshape(b, out_h, out_w, 1)
        dx = np.zeros((b, h + 2 * pad, w + 2 * pad, k_dim), dtype=dl.dtype)
        zero = np.zeros((), dtype=dl.dtype)
        overlapping = self.stride < max(self.pool_h, self.pool_w)
        s = self.stride
        taken = np.zeros(best.shape, dtype=bool)  # windows whose maximum is already routed
        for i, j, view in self._offsets(self._xl, out_h, out_w):
            hit = view == best
            hit &= ~taken  # ties: only the first offset holding the maximum gets the gradient
            taken |= hit
            share = np.where(hit, dl, zero)
            target = dx[:, i : i + s * out_h : s, j : j + s * out_w : s, :]
            if overlapping:
                target += share
            else:  # each input pixel lies in at most one window
                target[...] = share
        dx = dx[:, pad : pad + h, pad : pad + w, :]
        return _from_channels_last(dx, self._nhwc, n, c)


class AvgPooling:
    """Average pooling; padding counts as zeros and every window divides by pool_h*pool_w
    (torch's default count_include_pad=True)."""

    def __init__(self, pool_h: int, pool_w: int, stride: int = 1, pad: int = 0) -> None:
        self.pool_h, self.pool_w, self.stride, self.pad = _check_pool(pool_h, pool_w, stride, pad)
        self.x_shape: tuple[int, ...] | None = None

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        x = _check_images("AvgPooling", x)
        view, _, _ = _windows(x, self.pool_h, self.pool_w, self.stride, self.pad)
        self.x_shape = x.shape
        return view.mean(axis=(4, 5))

    def backward(self, dout: np.ndarray) -> np.ndarray:
        n, c, h, w = self.x_shape
        ph, pw, s, pad = self.pool_h, self.pool_w, self.stride, self.pad
        out_h, out_w = dout.shape[2:]
        share = dout / (ph * pw)
        dx = np.zeros((n, c, h + 2 * pad, w + 2 * pad), dtype=share.dtype)
        for i in range(ph):  # loop over pool offsets only
            for j in range(pw):
                dx[:, :, i : i + s * out_h : s, j : j + s * out_w : s] += share
        return dx[:, :, pad : pad + h, pad : pad + w]
