"""Gradient clipping by value (by norm: `clip_grads` in time_layers, DLFS2's name)."""

from __future__ import annotations

import numpy as np


def clip_by_value(grads: list[np.ndarray], limit: float) -> None:
    """Clamp every gradient entry to [-limit, limit] in place (torch.nn.utils.clip_grad_value_)."""
    for grad in grads:
        np.clip(grad, -limit, limit, out=grad)
