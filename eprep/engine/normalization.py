"""Batch normalisation: per feature for (N, D) input, per channel for (N, C, H, W) input."""

from __future__ import annotations

import numpy as np

# Default epsilon under the square root. DLFS writes `10e-7` (which is 1e-6) and torch uses 1e-5;
# pass eps=... to reproduce either exactly.
BATCHNORM_EPS = 1e-7


class BatchNormalization:
    """y = gamma * (x - mean) / sqrt(var + eps) + beta with batch statistics at train time.

    2-D input (N, D) is normalised per feature; 4-D input (N, C, H, W) per channel over (N, H, W),
    as in torch's BatchNorm2d (DLFS flattens 4-D input to (N, C*H*W) and normalises every pixel
    separately instead). var is the biased batch variance (divide by N), which is what the forward
    pass uses in DLFS and torch alike. Running statistics follow DLFS:
    running = momentum * running + (1 - momentum) * batch, using the biased variance (torch stores
    the unbiased one), and start at zeros when None. Inference (train_flg=False) uses them.
    eps defaults to 1e-7 (BATCHNORM_EPS).
    """

    def __init__(
        self,
        gamma: np.ndarray,
        beta: np.ndarray,
        momentum: float = 0.9,
        running_mean: np.ndarray | None = None,
        running_var: np.ndarray | None = None,
        eps: float = BATCHNORM_EPS,
    ) -> None:
        if np.ndim(gamma) != 1 or np.shape(gamma) != np.shape(beta):
            raise ValueError(
                f"BatchNormalization needs 1-D gamma and beta of equal shape, got gamma "
                f"{np.shape(gamma)} and beta {np.shape(beta)}"
            )
        if eps <= 0:
            raise ValueError(f"eps must be positive, got {eps}")
        self.gamma = gamma
        self.beta = beta
        self.momentum = momentum
        self.running_mean = running_mean
        self.running_var = running_var
        self.eps = eps
        self.input_shape: tuple[int, ...] | None = None
        self.xn: np.ndarray | None = None
        self.std: np.ndarray | None = None
        self.dgamma: np.ndarray | None = None
        self.dbeta: np.ndarray | None = None
        self.train_mode = True

    def _to_2d(self, x: np.ndarray) -> np.ndarray:
        d = self.gamma.shape[0]
        if x.ndim == 2 and x.shape[1] == d:
            return x
        if x.ndim == 4 and x.shape[1] == d:
            return x.transpose(0, 2, 3, 1).reshape(-1, d)
        raise ValueError(
            f"BatchNormalization: input x has shape {x.shape} but gamma has shape "
            f"{self.gamma.shape}; x must be (N, {d}) or (N, {d}, H, W)"
        )

    def _from_2d(self, y: np.ndarray) -> np.ndarray:
        if len(self.input_shape) == 2:
            return y
        n, c, h, w = self.input_shape
        return y.reshape(n, h, w, c).transpose(0, 3, 1, 2)

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        x = np.asarray(x)
        x2 = self._to_2d(x)
        self.input_shape = x.shape
        d = x2.shape[1]
        if self.running_mean is None:
            self.running_mean = np.zeros(d, dtype=x2.dtype)
            self.running_var = np.zeros(d, dtype=x2.dtype)
        if train_flg:
            if x2.shape[0] < 2:
                raise ValueError(
                    f"BatchNormalization needs more than one value per feature at train time, "
                    f"got input of shape {x.shape}"
                )
            mu = x2.mean(axis=0)
            xc = x2 - mu
            var = np.mean(xc * xc, axis=0)
            self.std = np.sqrt(var + self.eps)
            self.running_mean = self.momentum * self.running_mean + (1 - self.momentum) * mu
            self.running_var = self.momentum * self.running_var + (1 - self.momentum) * var
            self.train_mode = True
        else:
            xc = x2 - self.running_mean
            self.std = np.sqrt(self.running_var + self.eps)
            self.train_mode = False
        self.xn = xc / self.std
        return self._from_2d(self.gamma * self.xn + self.beta)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        dout2 = self._to_2d(np.asarray(dout))
        self.dbeta = dout2.sum(axis=0)
        self.dgamma = np.sum(self.xn * dout2, axis=0)
        dxn = self.gamma * dout2
        if self.train_mode:
            # d/dx of (x - mean)/std with batch statistics: subtract the parts that flow
            # through the mean and through the variance.
            dx = (dxn - dxn.mean(axis=0) - self.xn * np.mean(dxn * self.xn, axis=0)) / self.std
        else:
            dx = dxn / self.std
        return self._from_2d(dx)


# ---------------------------------------------------------------- normalisation per sample

# Default epsilon of LayerNorm, InstanceNorm and GroupNorm: torch's 1e-5 (their papers leave it
# open), so that parity with torch.nn.functional needs no argument.
SAMPLE_NORM_EPS = 1e-5


def _check_eps(eps: float) -> float:
    if eps <= 0:
        raise ValueError(f"eps must be positive, got {eps}")
    return float(eps)


def _standardize(x: np.ndarray, axes: tuple[int, ...], eps: float) -> tuple[np.ndarray, np.ndarray]:
    """(x - mean) / sqrt(var + eps) over `axes` (biased variance); returns (xn, std)."""
    mu = x.mean(axis=axes, keepdims=True)
    xc = x - mu
    std = np.sqrt(np.mean(xc * xc, axis=axes, keepdims=True) + eps)
    return xc / std, std


def _standardize_backward(
    dxn: np.ndarray, xn: np.ndarray, std: np.ndarray, axes: tuple[int, ...]
) -> np.ndarray:
    """dx of xn = (x - mean)/std when the mean and variance are taken over `axes` of x."""
    # The same three terms as batch norm's: the direct path, the path through the mean and
    # the path through the variance, each averaged over the values that share one statistic.
    return (
        dxn - dxn.mean(axis=axes, keepdims=True) - xn * np.mean(dxn * xn, axis=axes, keepdims=True)
    ) / std


class LayerNorm:
    """Layer normalisation (Ba, Kiros & Hinton 2016): each sample over its trailing axes.

    gamma and beta have the shape of the normalised trailing axes (torch's `normalized_shape`):
    for x of shape (N, D) and gamma (D,) every row is normalised over its D features; for
    (N, C, H, W) and gamma (C, H, W) every sample over all its C*H*W values, with one gamma and
    beta per value. Statistics never mix samples, so train and inference behave alike and
    train_flg is ignored. Biased variance, eps = 1e-5 (torch's default).
    """

    def __init__(self, gamma: np.ndarray, beta: np.ndarray, eps: float = SAMPLE_NORM_EPS) -> None:
        if np.ndim(gamma) < 1 or np.shape(gamma) != np.shape(beta):
            raise ValueError(
                f"LayerNorm needs gamma and beta of equal shape (the normalised trailing axes), "
                f"got gamma {np.shape(gamma)} and beta {np.shape(beta)}"
            )
        self.gamma = gamma
        self.beta = beta
        self.eps = _check_eps(eps)
        self.axes: tuple[int, ...] = ()
        self.xn: np.ndarray | None = None
        self.std: np.ndarray | None = None
        self.dgamma: np.ndarray | None = None
        self.dbeta: np.ndarray | None = None

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        x = np.asarray(x)
        shape = np.shape(self.gamma)
        if x.ndim <= len(shape) or x.shape[-len(shape) :] != shape:
            raise ValueError(
                f"LayerNorm: input x has shape {x.shape} but gamma has shape {shape}; x must be "
                f"(N, ..., {', '.join(map(str, shape))})"
            )
        self.axes = tuple(range(x.ndim - len(shape), x.ndim))
        self.xn, self.std = _standardize(x, self.axes, self.eps)
        return self.gamma * self.xn + self.beta

    def backward(self, dout: np.ndarray) -> np.ndarray:
        dout = np.asarray(dout)
        batch_axes = tuple(range(dout.ndim - np.ndim(self.gamma)))
        self.dbeta = dout.sum(axis=batch_axes)
        self.dgamma = np.sum(dout * self.xn, axis=batch_axes)
        return _standardize_backward(self.gamma * dout, self.xn, self.std, self.axes)


class GroupNorm:
    """Group normalisation (Wu & He 2018): each sample's channels in G groups of C/G.

    x is (N, C, ...) (any number of spatial axes, none included); the C channels are split into
    `num_groups` consecutive groups and each (sample, group) is normalised over its C/G channels
    and all positions. gamma and beta have shape (C,): one scale and shift per channel, as in
    torch's group_norm. G = 1 normalises each sample over (C, H, W) (layer normalisation with
    per-channel affine); G = C is instance normalisation. Biased variance, eps = 1e-5.
    """

    def __init__(
        self,
        num_groups: int,
        gamma: np.ndarray,
        beta: np.ndarray,
        eps: float = SAMPLE_NORM_EPS,
    ) -> None:
        if np.ndim(gamma) != 1 or np.shape(gamma) != np.shape(beta):
            raise ValueError(
                f"{type(self).__name__} needs 1-D gamma and beta of equal shape (C,), got gamma "
                f"{np.shape(gamma)} and beta {np.shape(beta)}"
            )
        channels = np.shape(gamma)[0]
        if isinstance(num_groups, bool) or not isinstance(num_groups, int | np.integer):
            raise TypeError(f"num_groups must be an integer, got {num_groups!r}")
        if num_groups < 1 or channels % num_groups:
            raise ValueError(
                f"num_groups {num_groups} must be positive and divide the {channels} channels"
            )
        self.num_groups = int(num_groups)
        self.gamma = gamma
        self.beta = beta
        self.eps = _check_eps(eps)
        self.input_shape: tuple[int, ...] | None = None
        self.xn: np.ndarray | None = None  # grouped: (N, G, C/G, ...)
        self.std: np.ndarray | None = None
        self.dgamma: np.ndarray | None = None
        self.dbeta: np.ndarray | None = None

    def _grouped(self, x: np.ndarray) -> np.ndarray:
        n, c = x.shape[:2]
        return x.reshape(n, self.num_groups, c // self.num_groups, *x.shape[2:])

    def _per_channel(self, v: np.ndarray, ndim: int) -> np.ndarray:
        return v.reshape(1, -1, *([1] * (ndim - 2)))

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        x = np.asarray(x)
        c = np.shape(self.gamma)[0]
        if x.ndim < 2 or x.shape[1] != c:
            raise ValueError(
                f"{type(self).__name__}: input x has shape {x.shape} but gamma has shape "
                f"{np.shape(self.gamma)}; x must be (N, {c}, ...)"
            )
        self.input_shape = x.shape
        grouped = self._grouped(x)
        self.xn, self.std = _standardize(grouped, tuple(range(2, grouped.ndim)), self.eps)
        xn = self.xn.reshape(x.shape)
        return self._per_channel(self.gamma, x.ndim) * xn + self._per_channel(self.beta, x.ndim)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        dout = np.asarray(dout)
        shape = self.input_shape
        others = (0, *range(2, len(shape)))
        xn = self.xn.reshape(shape)
        self.dbeta = dout.sum(axis=others)
        self.dgamma = np.sum(dout * xn, axis=others)
        dxn = self._grouped(self._per_channel(self.gamma, len(shape)) * dout)
        axes = tuple(range(2, dxn.ndim))
        return _standardize_backward(dxn, self.xn, self.std, axes).reshape(shape)


class InstanceNorm(GroupNorm):
    """Instance normalisation (Ulyanov, Vedaldi & Lempitsky 2016): each (sample, channel) over
    its positions, with per-channel gamma and beta — GroupNorm with one channel per group.

    x is (N, C, ...); like torch's instance_norm without running statistics (train and
    inference alike).
    """

    def __init__(self, gamma: np.ndarray, beta: np.ndarray, eps: float = SAMPLE_NORM_EPS) -> None:
        super().__init__(int(np.shape(gamma)[0]) if np.ndim(gamma) == 1 else 1, gamma, beta, eps)

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        if np.ndim(x) < 3:
            raise ValueError(
                f"InstanceNorm needs positions to normalise over: x of shape (N, C, ...) with at "
                f"least one spatial axis, got shape {np.shape(x)}"
            )
        return super().forward(x, train_flg)


class LocalResponseNormalization:
    """AlexNet's local response normalisation across channels (Krizhevsky et al. 2012, §3.3).

    b[c] = a[c] / (k + alpha * sum_{j = c - n//2}^{c + n//2} a[j]^2) ** beta, the sum over the
    channels that exist, for x of shape (N, C, ...). Defaults are the paper's k = 2, n = 5,
    alpha = 1e-4, beta = 0.75. torch's local_response_norm divides alpha by n (it averages the
    squares): pass alpha * n to it for the same result. n must be odd (a centred window).
    No parameters are learnt.
    """

    def __init__(self, n: int = 5, k: float = 2.0, alpha: float = 1e-4, beta: float = 0.75) -> None:
        if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1 or n % 2 == 0:
            raise ValueError(f"LRN window n must be a positive odd integer, got {n!r}")
        if k <= 0 or alpha < 0:
            raise ValueError(f"LRN needs k > 0 and alpha >= 0, got k={k}, alpha={alpha}")
        self.n, self.k, self.alpha, self.beta = int(n), float(k), float(alpha), float(beta)
        self.x: np.ndarray | None = None
        self.scale: np.ndarray | None = None  # k + alpha * window sum of squares

    def _window_sum(self, v: np.ndarray) -> np.ndarray:
        """Sum of v over the channels c - n//2 ... c + n//2 (those that exist), per channel."""
        half = self.n // 2
        padded = np.pad(v, [(0, 0), (half, half)] + [(0, 0)] * (v.ndim - 2))
        cumulative = np.concatenate(
            [np.zeros_like(padded[:, :1]), np.cumsum(padded, axis=1)], axis=1
        )
        return cumulative[:, self.n :] - cumulative[:, : -self.n]

    def forward(self, x: np.ndarray, train_flg: bool = True) -> np.ndarray:
        x = np.asarray(x)
        if x.ndim < 2:
            raise ValueError(f"LRN needs x of shape (N, C, ...), got shape {x.shape}")
        self.x = x
        self.scale = self.k + self.alpha * self._window_sum(x * x)
        return x * self.scale**-self.beta

    def backward(self, dout: np.ndarray) -> np.ndarray:
        x, s, beta = self.x, self.scale, self.beta
        # Channel j enters its own output directly and every window that contains it through
        # the sum of squares; the window is symmetric, so those are the windows of j's neighbours.
        through_sum = self._window_sum(dout * x * s ** (-beta - 1))
        return dout * s**-beta - 2 * self.alpha * beta * x * through_sum
