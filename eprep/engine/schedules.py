"""Learning-rate schedules that drive an optimizer's `lr`, used like torch.optim.lr_scheduler.

Each schedule reads the optimizer's initial `lr` as its base rate and sets `optimizer.lr` to the
rate of update t = 0 at once; `step()` (after each update, or each epoch) moves to t + 1.
"""

from __future__ import annotations

import math
from typing import Any


class _Schedule:
    def __init__(self, optimizer: Any) -> None:
        self.optimizer = optimizer
        self.base_lr = float(optimizer.lr)
        self.t = 0
        optimizer.lr = self.lr_at(0)

    def lr_at(self, t: int) -> float:
        raise NotImplementedError

    def step(self) -> None:
        self.t += 1
        self.optimizer.lr = self.lr_at(self.t)


class StepLR(_Schedule):
    """lr_t = base * gamma ** floor(t / step_size) (torch.optim.lr_scheduler.StepLR)."""

    def __init__(self, optimizer: Any, step_size: int, gamma: float = 0.1) -> None:
        self.step_size, self.gamma = int(step_size), float(gamma)
        super().__init__(optimizer)

    def lr_at(self, t: int) -> float:
        return self.base_lr * self.gamma ** (t // self.step_size)


class CosineLR(_Schedule):
    """lr_t = min + (base - min)(1 + cos(pi t / T)) / 2 to t = T, then min (CosineAnnealingLR)."""

    def __init__(self, optimizer: Any, total: int, min_lr: float = 0.0) -> None:
        self.total, self.min_lr = int(total), float(min_lr)
        super().__init__(optimizer)

    def lr_at(self, t: int) -> float:
        t = min(t, self.total)
        cosine = (1 + math.cos(math.pi * t / self.total)) / 2
        return self.min_lr + (self.base_lr - self.min_lr) * cosine


class WarmupCosineLR(_Schedule):
    """Linear warm-up, then cosine decay: the schedule of Goyal et al. 2017 + Loshchilov & Hutter.

    Updates t = 0 .. warmup - 1 use base * (t + 1) / warmup (the rate climbs to base); from
    t = warmup the rate follows the cosine from base down to min_lr, reached at t = total.
    """

    def __init__(self, optimizer: Any, warmup: int, total: int, min_lr: float = 0.0) -> None:
        if not 0 < warmup < total:
            raise ValueError(f"warm-up needs 0 < warmup < total, got {warmup} and {total}")
        self.warmup, self.total, self.min_lr = int(warmup), int(total), float(min_lr)
        super().__init__(optimizer)

    def lr_at(self, t: int) -> float:
        if t < self.warmup:
            return self.base_lr * (t + 1) / self.warmup
        done = min(t - self.warmup, self.total - self.warmup) / (self.total - self.warmup)
        return self.min_lr + (self.base_lr - self.min_lr) * (1 + math.cos(math.pi * done)) / 2
