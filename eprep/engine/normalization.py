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
