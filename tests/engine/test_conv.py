"""im2col/col2im, Convolution, Pooling and AvgPooling against naive nested-loop references."""

from __future__ import annotations

import numpy as np
import pytest
from gradient_checks import TOL, layer_gradient_errors

from eprep.engine import AvgPooling, Convolution, Pooling, col2im, conv_output_size, im2col


def naive_conv(x, W, b, stride, pad):
    n, c, h, w = x.shape
    fn, _, fh, fw = W.shape
    xp = np.zeros((n, c, h + 2 * pad, w + 2 * pad))
    xp[:, :, pad : pad + h, pad : pad + w] = x
    oh = (h + 2 * pad - fh) // stride + 1
    ow = (w + 2 * pad - fw) // stride + 1
    out = np.zeros((n, fn, oh, ow))
    for i in range(n):
        for f in range(fn):
            for y in range(oh):
                for z in range(ow):
                    patch = xp[i, :, y * stride : y * stride + fh, z * stride : z * stride + fw]
                    out[i, f, y, z] = np.sum(patch * W[f]) + b[f]
    return out


def naive_pool(x, ph, pw, stride, pad, reduce, fill):
    n, c, h, w = x.shape
    xp = np.full((n, c, h + 2 * pad, w + 2 * pad), fill)
    xp[:, :, pad : pad + h, pad : pad + w] = x
    oh = (h + 2 * pad - ph) // stride + 1
    ow = (w + 2 * pad - pw) // stride + 1
    out = np.zeros((n, c, oh, ow))
    for i in range(n):
        for k in range(c):
            for y in range(oh):
                for z in range(ow):
                    window = xp[i, k, y * stride : y * stride + ph, z * stride : z * stride + pw]
                    out[i, k, y, z] = reduce(window)
    return out


CONV_CASES = [  # (x shape, W shape, stride, pad)
    ((2, 3, 7, 7), (4, 3, 3, 3), 2, 1),
    ((2, 1, 6, 6), (3, 1, 5, 5), 1, 2),
    ((1, 2, 5, 7), (2, 2, 3, 1), 2, 0),
    ((2, 2, 4, 4), (3, 2, 2, 2), 1, 0),
    # strides that do not divide H + 2P - F (and W + 2P - F): floor, trailing rows unused
    ((2, 3, 8, 9), (4, 3, 3, 3), 2, 1),
    ((2, 2, 10, 7), (3, 2, 4, 2), 3, 0),
    ((1, 2, 9, 11), (2, 2, 5, 5), 4, 2),
    ((2, 5, 8, 8), (11, 5, 3, 3), 2, 0),  # FN > 2C
]


def positions(size, window, stride, pad):
    """Window placements that fit in the padded input, counted one by one."""
    return sum(1 for start in range(0, size + 2 * pad, stride) if start + window <= size + 2 * pad)


def test_conv_output_size_values_and_errors():
    assert conv_output_size(28, 5) == 24
    assert conv_output_size(7, 3, stride=2, pad=1) == 4
    # A stride that does not divide: the floor, i.e. the windows that fit (PyTorch, DLFS im2col).
    assert conv_output_size(28, 5, stride=2) == positions(28, 5, 2, 0) == 12
    for size, window, stride, pad in [(9, 3, 2, 0), (10, 4, 3, 1), (227, 11, 4, 2), (6, 6, 5, 0)]:
        assert conv_output_size(size, window, stride, pad) == positions(size, window, stride, pad)
    assert conv_output_size(7, 3, stride=2, pad=1, strict=True) == 4
    with pytest.raises(ValueError, match=r"stride 2 does not divide .* 28 \+ 0 - 5 = 23"):
        conv_output_size(28, 5, stride=2, strict=True)
    with pytest.raises(ValueError, match="filter_size 9 is larger"):
        conv_output_size(4, 9)
    with pytest.raises(ValueError, match="input_size must be >= 1, got -3"):
        conv_output_size(-3, 1)
    with pytest.raises(ValueError, match="pad must be >= 0"):
        conv_output_size(5, 3, pad=-1)
    with pytest.raises(TypeError, match="stride must be an integer"):
        conv_output_size(5, 3, stride=1.5)


@pytest.mark.parametrize(("xs", "ws", "stride", "pad"), CONV_CASES)
def test_im2col_rows_are_the_windows(xs, ws, stride, pad):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(xs)
    _, _, fh, fw = ws
    col = im2col(x, fh, fw, stride, pad)
    n, _, h, w = xs
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh = (h + 2 * pad - fh) // stride + 1
    ow = (w + 2 * pad - fw) // stride + 1
    row = 0
    for i in range(n):
        for y in range(oh):
            for z in range(ow):
                window = xp[i, :, y * stride : y * stride + fh, z * stride : z * stride + fw]
                np.testing.assert_array_equal(col[row], window.ravel())
                row += 1
    assert row == col.shape[0]


@pytest.mark.parametrize(("xs", "ws", "stride", "pad"), CONV_CASES)
def test_col2im_is_the_adjoint_of_im2col(xs, ws, stride, pad):
    rng = np.random.default_rng(1)
    x = rng.standard_normal(xs)
    _, _, fh, fw = ws
    col = im2col(x, fh, fw, stride, pad)
    c = rng.standard_normal(col.shape)
    lhs = np.sum(col * c)
    rhs = np.sum(x * col2im(c, xs, fh, fw, stride, pad))
    assert lhs == pytest.approx(rhs, rel=1e-12)


@pytest.mark.parametrize(("xs", "ws", "stride", "pad"), CONV_CASES)
def test_convolution_forward_matches_nested_loops_and_gradients(xs, ws, stride, pad):
    rng = np.random.default_rng(2)
    x, W, b = rng.standard_normal(xs), rng.standard_normal(ws), rng.standard_normal(ws[0])
    layer = Convolution(W, b, stride=stride, pad=pad)
    np.testing.assert_allclose(layer.forward(x), naive_conv(x, W, b, stride, pad), atol=1e-12)
    errors = layer_gradient_errors(layer, x, rng, ("W", "b"))
    assert max(errors.values()) < TOL, errors


def book_backward(x, W, b, stride, pad, dout):
    """The book's lines: dW, db from col; dcol = dout @ col_W.T; col2im (fast path off)."""
    layer = Convolution(W, b, stride=stride, pad=pad)
    layer.fast_backward = False
    layer.forward(x)
    return layer.backward(dout), layer.dW, layer.db


def test_the_fast_backward_equals_the_books_on_random_shapes():
    rng = np.random.default_rng(11)
    cases = list(CONV_CASES)
    for _ in range(40):  # random shapes, strides (dividing or not) and pads
        fh, fw = rng.integers(1, 6, size=2)
        pad = int(rng.integers(0, 3))
        h, w = fh + int(rng.integers(0, 8)) - 2 * pad, fw + int(rng.integers(0, 8)) - 2 * pad
        h, w = max(h, 1), max(w, 1)
        if h + 2 * pad < fh or w + 2 * pad < fw:
            continue
        n, c, fn = (int(v) for v in rng.integers(1, 6, size=3))
        cases.append(((n, c, h, w), (fn, c, int(fh), int(fw)), int(rng.integers(1, 4)), pad))
    assert len(cases) > 30
    for xs, ws, stride, pad in cases:
        x, W, b = rng.standard_normal(xs), rng.standard_normal(ws), rng.standard_normal(ws[0])
        layer = Convolution(W, b, stride=stride, pad=pad)
        assert layer.fast_backward  # the default
        dout = rng.standard_normal(layer.forward(x).shape)
        dx, dW, db = layer.backward(dout), layer.dW, layer.db
        book_dx, book_dW, book_db = book_backward(x, W, b, stride, pad, dout)
        assert dx.shape == book_dx.shape == xs
        for fast, book in ((dx, book_dx), (dW, book_dW), (db, book_db)):
            assert np.allclose(fast, book, rtol=1e-12, atol=1e-12), (xs, ws, stride, pad)
    # float32 in, float32 out on both paths
    x32 = rng.standard_normal((2, 3, 6, 5)).astype(np.float32)
    W32 = rng.standard_normal((4, 3, 3, 2)).astype(np.float32)
    b32 = np.zeros(4, np.float32)
    layer = Convolution(W32, b32, stride=2, pad=1)
    dout32 = np.ones_like(layer.forward(x32))
    dx32 = layer.backward(dout32)
    book32 = book_backward(x32, W32, b32, 2, 1, dout32)[0]
    assert dx32.dtype == book32.dtype == np.float32
    np.testing.assert_allclose(dx32, book32, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(("xs", "ws", "stride", "pad"), CONV_CASES[:3])
def test_the_books_backward_passes_the_gradient_check(xs, ws, stride, pad):
    rng = np.random.default_rng(12)
    layer = Convolution(rng.standard_normal(ws), rng.standard_normal(ws[0]), stride, pad)
    layer.fast_backward = False
    errors = layer_gradient_errors(layer, rng.standard_normal(xs), rng, ("W", "b"))
    assert max(errors.values()) < TOL, errors


POOL_CASES = [  # (x shape, pool_h, pool_w, stride, pad)
    ((2, 3, 4, 6), 2, 2, 2, 0),
    ((2, 2, 7, 7), 3, 3, 2, 1),
    ((1, 2, 5, 5), 2, 2, 1, 1),
    ((2, 1, 7, 6), 3, 2, 2, 0),
    # strides that do not divide
    ((2, 3, 5, 7), 2, 2, 2, 0),
    ((2, 2, 8, 9), 3, 3, 2, 1),
    ((1, 2, 10, 7), 3, 2, 3, 1),
]


@pytest.mark.parametrize(("xs", "ph", "pw", "stride", "pad"), POOL_CASES)
def test_max_pooling_matches_nested_loops_and_gradients(xs, ph, pw, stride, pad):
    rng = np.random.default_rng(3)
    x = rng.standard_normal(xs) - 3.0  # mostly negative: zero padding would win, -inf must not
    layer = Pooling(ph, pw, stride=stride, pad=pad)
    expected = naive_pool(x, ph, pw, stride, pad, np.max, -np.inf)
    np.testing.assert_array_equal(layer.forward(x), expected)
    errors = layer_gradient_errors(layer, x, rng)
    assert errors["x"] < TOL, errors


@pytest.mark.parametrize(("xs", "ph", "pw", "stride", "pad"), POOL_CASES)
def test_avg_pooling_matches_nested_loops_and_gradients(xs, ph, pw, stride, pad):
    rng = np.random.default_rng(4)
    x = rng.standard_normal(xs)
    layer = AvgPooling(ph, pw, stride=stride, pad=pad)
    expected = naive_pool(x, ph, pw, stride, pad, np.mean, 0.0)  # zeros count (torch default)
    np.testing.assert_allclose(layer.forward(x), expected, atol=1e-14)
    assert layer_gradient_errors(layer, x, rng)["x"] < TOL


def test_pooling_accepts_channels_last_memory_and_ties_go_to_the_first_max():
    rng = np.random.default_rng(5)
    x_nhwc = rng.standard_normal((2, 4, 4, 3))
    x = x_nhwc.transpose(0, 3, 1, 2)  # NCHW view of channels-last memory, as Convolution returns
    layer = Pooling(2, 2, stride=2)
    np.testing.assert_array_equal(layer.forward(x), naive_pool(x, 2, 2, 2, 0, np.max, -np.inf))
    dout = rng.standard_normal((2, 3, 2, 2))
    dx = layer.backward(dout)
    dense = Pooling(2, 2, stride=2)
    dense.forward(np.ascontiguousarray(x))
    np.testing.assert_array_equal(dx, dense.backward(dout))
    ties = np.zeros((1, 1, 2, 2))
    layer.forward(ties)
    np.testing.assert_array_equal(layer.backward(np.ones((1, 1, 1, 1)))[0, 0], [[1, 0], [0, 0]])


def test_float32_stays_float32():
    rng = np.random.default_rng(6)
    x = rng.standard_normal((2, 2, 6, 6)).astype(np.float32)
    W = rng.standard_normal((3, 2, 3, 3)).astype(np.float32)
    conv = Convolution(W, np.zeros(3, np.float32), pad=1)
    pool = Pooling(2, 2, stride=2)
    out = pool.forward(conv.forward(x))
    assert out.dtype == np.float32
    dx = conv.backward(pool.backward(np.ones_like(out)))
    assert dx.dtype == np.float32 and conv.dW.dtype == np.float32
    exact = naive_conv(x.astype(float), W.astype(float), np.zeros(3), 1, 1)
    np.testing.assert_allclose(conv.forward(x), exact, rtol=1e-4, atol=1e-5)


def test_bad_shapes_are_named():
    rng = np.random.default_rng(7)
    conv = Convolution(rng.standard_normal((2, 3, 3, 3)), np.zeros(2))
    with pytest.raises(ValueError, match=r"\(1, 2, 5, 5\).*\(2, 3, 3, 3\)"):
        conv.forward(np.zeros((1, 2, 5, 5)))
    with pytest.raises(ValueError, match=r"\(N, C, H, W\), got shape \(5, 5\)"):
        conv.forward(np.zeros((5, 5)))
    with pytest.raises(ValueError, match="b of shape"):
        Convolution(np.zeros((2, 3, 3, 3)), np.zeros(3))
    with pytest.raises(ValueError, match="filter_size 6 is larger"):
        Convolution(np.zeros((1, 1, 6, 6)), np.zeros(1)).forward(np.zeros((1, 1, 5, 5)))
    with pytest.raises(ValueError, match="pad 2 must be at most half"):
        Pooling(2, 2, pad=2)
    with pytest.raises(ValueError, match=r"col has shape \(3, 4\)"):
        col2im(np.zeros((3, 4)), (1, 1, 4, 4), 2, 2)
    with pytest.raises(ValueError, match="filter_size 7 is larger"):
        im2col(np.zeros((1, 1, 6, 6)), 7, 7)


def test_non_dividing_stride_floors_and_leaves_the_unreached_border_without_gradient():
    rng = np.random.default_rng(10)
    x = rng.standard_normal((1, 1, 6, 6))
    # 3x3 windows at stride 2 start at 0 and 2 (start 4 would need row 6): the last row and
    # column are never read, so their gradient is exactly zero.
    conv = Convolution(rng.standard_normal((1, 1, 3, 3)), np.zeros(1), stride=2)
    out = conv.forward(x)
    assert out.shape == (1, 1, 2, 2)
    dx = conv.backward(np.ones_like(out))
    assert np.all(dx[0, 0, 5, :] == 0) and np.all(dx[0, 0, :, 5] == 0)
    assert np.all(dx[0, 0, :5, :5] != 0)
    pool = Pooling(3, 3, stride=2)
    assert pool.forward(x).shape == (1, 1, 2, 2)
    assert np.all(pool.backward(np.ones((1, 1, 2, 2)))[0, 0, 5, :] == 0)
    assert im2col(x, 3, 3, stride=2).shape == (4, 9)


def test_torch_parity_conv_and_pooling():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rng = np.random.default_rng(8)
    for xs, ws, stride, pad in CONV_CASES:
        x, W, b = rng.standard_normal(xs), rng.standard_normal(ws), rng.standard_normal(ws[0])
        layer = Convolution(W, b, stride=stride, pad=pad)
        out = layer.forward(x)
        assert out.shape[2:] == tuple(
            positions(size, f, stride, pad) for size, f in zip(xs[2:], ws[2:], strict=True)
        )
        dout = rng.standard_normal(out.shape)
        dx = layer.backward(dout)
        tx, tW, tb = (torch.tensor(a, requires_grad=True) for a in (x, W, b))
        tout = F.conv2d(tx, tW, tb, stride=stride, padding=pad)
        tout.backward(torch.tensor(dout))
        for mine, theirs in ((out, tout), (dx, tx.grad), (layer.dW, tW.grad), (layer.db, tb.grad)):
            assert np.max(np.abs(mine - theirs.detach().numpy())) < 1e-10
    for xs, ph, pw, stride, pad in POOL_CASES:
        x = rng.standard_normal(xs)
        for layer, fn in (
            (Pooling(ph, pw, stride, pad), F.max_pool2d),
            (AvgPooling(ph, pw, stride, pad), F.avg_pool2d),
        ):
            out = layer.forward(x)
            dout = rng.standard_normal(out.shape)
            tx = torch.tensor(x, requires_grad=True)
            tout = fn(tx, (ph, pw), stride=stride, padding=pad)
            tout.backward(torch.tensor(dout))
            assert np.max(np.abs(out - tout.detach().numpy())) < 1e-10
            assert np.max(np.abs(layer.backward(dout) - tx.grad.numpy())) < 1e-10


def test_torch_parity_max_pooling_with_many_ties():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(9)
    for xs, ph, pw, stride, pad in POOL_CASES:
        x = rng.integers(-2, 2, xs).astype(float)  # small integers: most windows tie
        layer = Pooling(ph, pw, stride, pad)
        out = layer.forward(x)
        dout = rng.standard_normal(out.shape)
        tx = torch.tensor(x, requires_grad=True)
        tout = torch.nn.functional.max_pool2d(tx, (ph, pw), stride=stride, padding=pad)
        tout.backward(torch.tensor(dout))
        np.testing.assert_array_equal(out, tout.detach().numpy())
        assert np.max(np.abs(layer.backward(dout) - tx.grad.numpy())) < 1e-10


@pytest.mark.parametrize(("xs", "ph", "pw", "stride", "pad"), POOL_CASES)
def test_max_pooling_arg_max_is_the_books_argmax_of_im2col_rows(xs, ph, pw, stride, pad):
    """`arg_max` and the backward pass equal the book's: np.argmax of each im2col row (padding
    -inf), the gradient routed to that tap and folded back with col2im. Integer inputs make ties
    common, so the first-maximum rule is exercised."""
    rng = np.random.default_rng(8)
    x = rng.integers(-2, 2, xs).astype(float)
    layer = Pooling(ph, pw, stride=stride, pad=pad)
    out = layer.forward(x)
    n, c = xs[:2]
    oh, ow = out.shape[2:]
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), constant_values=-np.inf)
    rows = im2col(xp, ph, pw, stride, 0).reshape(-1, ph * pw)  # a row per (n, y, x, c)
    arg_max = np.argmax(rows, axis=1)
    np.testing.assert_array_equal(
        layer.arg_max, arg_max.reshape(n, oh, ow, c).transpose(0, 3, 1, 2)
    )
    dout = rng.standard_normal(out.shape)
    dmax = np.zeros(rows.shape)
    dmax[np.arange(rows.shape[0]), arg_max] = dout.transpose(0, 2, 3, 1).ravel()
    dx = col2im(dmax.reshape(n * oh * ow, -1), xp.shape, ph, pw, stride, 0)
    np.testing.assert_array_equal(
        layer.backward(dout), dx[:, :, pad : pad + xs[2], pad : pad + xs[3]]
    )
