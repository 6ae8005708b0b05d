"""Convolution and pooling via im2col / col2im, vectorised with sliding_window_view.

Layout follows DLFS: images are (N, C, H, W); im2col returns one row per output position
(ordered n, out_y, out_x) and one column per input tap (ordered c, filter_y, filter_x).

A stride that does not divide H + 2*pad - filter is allowed: the output has
(H + 2*pad - filter) // stride + 1 positions (the floor, as in DLFS's im2col and in PyTorch),
and the rows or columns no window reaches get a zero gradient.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from eprep.engine._checks import check_images as _check_images
from eprep.engine._checks import check_int as _check_int


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
    input_data: np.ndarray,
    filter_h: int,
    filter_w: int,
    stride: int = 1,
    pad: int = 0,
    fill: float = 0.0,
) -> np.ndarray:
    """Unfold (N, C, H, W) images into a (N*out_h*out_w, C*filter_h*filter_w) matrix.

    Row (n, y, x) holds the window whose top-left tap is output position (y, x) of image n;
    `fill` is the value of the padding (0 for a convolution, -inf for max pooling).
    """
    x = _check_images("im2col", input_data)
    n, c = x.shape[:2]
    view, out_h, out_w = _windows(x, filter_h, filter_w, stride, pad, fill)
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
    """2-D convolution (cross-correlation, as DLFS and torch) with W (FN, C, FH, FW), b (FN,).

    As in the book: im2col unfolds the input, one matrix product with the reshaped filters
    computes every output, and a reshape puts them back as images. The caches are the
    product's operands: `col` (one row per output position) and `col_W` (one column per filter).
    """

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
        FN, C, FH, FW = self.W.shape
        N, _, H, W = x.shape
        if x.shape[1] != C:
            raise ValueError(
                f"Convolution: input x has shape {x.shape} ({x.shape[1]} channels) but W has "
                f"shape {self.W.shape} ({C} channels)"
            )
        out_h = conv_output_size(H, FH, self.stride, self.pad)
        out_w = conv_output_size(W, FW, self.stride, self.pad)
        col = im2col(x, FH, FW, self.stride, self.pad)  # (N*out_h*out_w, C*FH*FW)
        col_W = self.W.reshape(FN, -1).T  # (C*FH*FW, FN)
        out = col @ col_W  # (N*out_h*out_w, FN)
        out += self.b
        self.x, self.col, self.col_W = x, col, col_W
        return out.reshape(N, out_h, out_w, FN).transpose(0, 3, 1, 2)

    # Which backward runs: conv_backward_fast (the default: the same numbers, about twice as
    # fast on big batches) or the book's three lines below it. Set False to follow the book.
    fast_backward: bool = True

    def backward(self, dout: np.ndarray) -> np.ndarray:
        if self.fast_backward:
            dx, self.dW, self.db = conv_backward_fast(
                dout, self.W, self.col, self.x.shape, self.stride, self.pad
            )
            return dx
        _, _, FH, FW = self.W.shape
        dout = self.backward_params(dout)  # (N*out_h*out_w, FN)
        dcol = dout @ self.col_W.T  # (N*out_h*out_w, C*FH*FW)
        return col2im(dcol, self.x.shape, FH, FW, self.stride, self.pad)

    def backward_params(self, dout: np.ndarray) -> np.ndarray:
        """Set dW and db only (all a first layer needs); returns dout as (N*out_h*out_w, FN)."""
        FN = self.W.shape[0]
        dout = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
        self.db = np.sum(dout, axis=0)
        self.dW = (dout.T @ self.col).reshape(self.W.shape)
        return dout


def conv_backward_fast(
    dout: np.ndarray,
    W: np.ndarray,
    col: np.ndarray,
    x_shape: tuple[int, ...],
    stride: int,
    pad: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Convolution.backward's (dx, dW, db), computed with the columns laid out tap-major.

    The book's backward builds dcol with one row per output position, so col2im reads each
    filter tap as a strided column of it. Here the same product is taken transposed,
    dcol.T = col_W @ dout.T (one ROW per tap (c, i, j), its entries ordered n, y, x), so each
    of col2im's FH*FW adds reads a contiguous block; the image is accumulated as (C, N, H, W)
    and returned as an (N, C, H, W) view. Same arithmetic, same result (tested against the
    book's path); only the memory order differs.
    """
    FN, C, FH, FW = W.shape
    N, _, H, W_in = x_shape
    out_h, out_w = dout.shape[2:]
    dout_t = dout.transpose(1, 0, 2, 3).reshape(FN, -1)  # (FN, N*out_h*out_w)
    db = np.sum(dout_t, axis=1)
    dW = (dout_t @ col).reshape(W.shape)
    dcol_t = (W.reshape(FN, -1).T @ dout_t).reshape(C, FH, FW, N, out_h, out_w)
    img = np.zeros((C, N, H + 2 * pad, W_in + 2 * pad), dtype=dcol_t.dtype)
    s = stride
    for i in range(FH):  # a loop over filter offsets only, as in col2im
        for j in range(FW):
            img[:, :, i : i + s * out_h : s, j : j + s * out_w : s] += dcol_t[:, i, j]
    return img[:, :, pad : pad + H, pad : pad + W_in].transpose(1, 0, 2, 3), dW, db


def _check_pool(pool_h: int, pool_w: int, stride: int, pad: int) -> tuple[int, int, int, int]:
    pool_h = _check_int("pool_h", pool_h, 1)
    pool_w = _check_int("pool_w", pool_w, 1)
    stride = _check_int("stride", stride, 1)
    pad = _check_int("pad", pad, 0)
    if 2 * pad > min(pool_h, pool_w):
        # Same rule as torch: a window made only of padding would have no input to pool.
        raise ValueError(f"pad {pad} must be at most half the pool size {pool_h}x{pool_w}")
    return pool_h, pool_w, stride, pad


class Pooling:
    """Max pooling: each output is the maximum of its pool_h x pool_w window, and `arg_max`
    remembers which window offset held it; backward sends each gradient to that offset.

    The book unfolds the windows with im2col and takes `np.argmax` of each row; this walks the
    pool_h*pool_w window offsets instead (4 for 2x2), each step one whole-array comparison,
    which gives the same `arg_max` (offsets in row-major order, the first maximum wins, as with
    np.argmax) without copying every window. Padding counts as -inf (as in torch), so a padded
    border never wins the max; DLFS pads with 0, which silently changes the result when a
    window's inputs are all negative.
    """

    def __init__(self, pool_h: int, pool_w: int, stride: int = 1, pad: int = 0) -> None:
        self.pool_h, self.pool_w, self.stride, self.pad = _check_pool(pool_h, pool_w, stride, pad)
        self.x_shape: tuple[int, ...] | None = None
        self.arg_max: np.ndarray | None = None  # per output: the offset k = i*pool_w + j of its max

    def _window_offsets(self, out_h: int, out_w: int):
        """Each offset k = (i, j) of the window, with the index of the inputs it sees: the
        input pixel at offset (i, j) of every window, shaped like the output."""
        s = self.stride
        for k in range(self.pool_h * self.pool_w):
            i, j = divmod(k, self.pool_w)
            yield k, (..., slice(i, i + s * out_h, s), slice(j, j + s * out_w, s))

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        x = _check_images("Pooling", x)
        N, C, H, W = x.shape
        pad = self.pad
        out_h = conv_output_size(H, self.pool_h, self.stride, pad)
        out_w = conv_output_size(W, self.pool_w, self.stride, pad)
        if pad:
            fill = -np.inf if np.issubdtype(x.dtype, np.floating) else np.iinfo(x.dtype).min
            x = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), constant_values=fill)
        out = arg_max = None
        for k, at in self._window_offsets(out_h, out_w):
            if out is None:
                out = x[at].copy()
                arg_max = np.zeros(out.shape, dtype=np.int16)
                continue
            larger = x[at] > out  # strictly: on a tie the earlier offset keeps the max
            arg_max += larger * (k - arg_max)  # arg_max = k where larger (arithmetic is faster)
            np.maximum(out, x[at], out=out)
        self.x_shape, self.arg_max = (N, C, H, W), arg_max
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        N, C, H, W = self.x_shape
        pad = self.pad
        out_h, out_w = self.arg_max.shape[2:]
        dout = np.asarray(dout)
        if dout.shape != (N, C, out_h, out_w):
            raise ValueError(
                f"Pooling.backward: dout has shape {dout.shape}, expected {(N, C, out_h, out_w)}"
            )
        dx = np.zeros((N, C, H + 2 * pad, W + 2 * pad), dtype=dout.dtype)
        for k, at in self._window_offsets(out_h, out_w):
            dx[at] += dout * (self.arg_max == k)  # overlapping windows add up
        return dx[:, :, pad : pad + H, pad : pad + W]


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
