"""The convolution-family, architecture and normalisation references against hand-worked values
(exact rationals), and their symbolic forms where they are identities."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from eprep.checker.references import NeedsValues, Pick, get_code_reference, get_reference

R = sympy.Rational


def ref(name: str, values: dict, **args):
    p = {k: sympy.nsimplify(v) for k, v in values.items()}
    return sympy.simplify(get_reference(name)(p, **args))


def test_conv_family_definitions_at_numbers():
    assert ref("pointwise_params", dict(C=8, FN=16)) == 8 * 16 + 16
    assert ref("gap_head_saving", dict(C=64, H=4, K=10)) == (64 * 16 * 10 + 10) - (64 * 10 + 10)
    assert ref("gap_pixel_gradient", dict(H=2, IW=3, g=R(12, 5))) == R(2, 5)
    assert ref("separable_params", dict(C=32, N=64, k=3)) == 32 * 9 + 32 * 64
    ratio = ref("separable_cost_ratio", dict(C=16, N=32, k=3, H=4))
    assert ratio == R(1, 32) + R(1, 9)
    # 10 rows, 3x3 filter, pad 1, stride 1: 10 outputs; 3 channels, 8 filters.
    assert ref("conv_mult_adds", dict(C=3, FN=8, F=3, H=10, P=1, S=1)) == 100 * 8 * 27
    # L = 12, K = 3, d = 2, P = 1, S = 2: span 5 over 14 -> starts 0, 2, ..., 8: 5 outputs.
    assert ref("dilated_output", dict(L=12, K=3, d=2, P=1, S=2)) == 5
    # K = 2, L = 3, B = 2: each block reaches 1 + 2 + 4 = 7 back; 1 + 14 = 15.
    assert ref("dilated_stack_field", dict(K=2, L=3, B=2)) == 15
    assert ref("causal_padding", dict(L=20, K=3, d=4)) == 8
    # 4x4 input, F = 3, S = 2, P = 1: 3*2 - 2 + 3 = 7, and a conv maps 7 back to 4.
    assert ref("transposed_output", dict(H=4, F=3, S=2, P=1)) == 7


def test_conv_family_identities_over_symbols():
    c, n, k, h = sympy.symbols("C N k H", positive=True, integer=True)
    ratio = get_reference("separable_cost_ratio")({"C": c, "N": n, "k": k, "H": h})
    assert sympy.simplify(ratio - (1 / n + 1 / k**2)) == 0
    with pytest.raises(NeedsValues):
        get_reference("transposed_output")({"H": h, "F": k, "S": n, "P": c})


def test_pointwise_mixing_pick():
    pick = get_reference("pointwise_mixing")({})
    assert isinstance(pick, Pick)
    assert [name for name, holds in pick.conditions.items() if holds] == ["channels"]


def test_architecture_definitions_at_numbers():
    # Three 3x3 layers see 7x7: 49 C^2 - 27 C^2 (VGG §2.3).
    assert ref("vgg_stack_saving", dict(n=3, C=64)) == 22 * 64**2
    assert ref("inception_bottleneck_params", dict(Cin=192, B=16, Cout=32, K=5)) == 15872
    assert ref("inception_cost_ratio", dict(Cin=192, B=16, Cout=32, K=5, H=7)) == R(
        25 * 192 * 32, 192 * 16 + 25 * 16 * 32
    )
    assert ref("residual_gradient", dict(a=R(1, 2), L=3)) == R(27, 8)
    assert ref("projection_shortcut_params", dict(Cin=16, Cout=32)) == 512 + 64
    lrn = dict(a1=1, a2=1, a3=2, a4=1, a5=3, k=1, alpha=R(1, 2), beta=R(1, 2))
    assert ref("lrn_value", lrn) == 1


def test_normalization_definitions_at_numbers():
    values = dict(x1=1, x2=2, x3=3, gamma=2, beta=R(1, 2), epsilon=R(1, 3))
    assert ref("layernorm_output", values) == R(-3, 2)
    assert ref("groupnorm_count", dict(N=4, C=32, G=8, H=7)) == 4 * 49
    pick = get_reference("groupnorm_one_group")({})
    assert [name for name, holds in pick.conditions.items() if holds] == ["layer"]


def run_code(name: str, namespace: dict, **args) -> list[str]:
    definition = get_code_reference(name)(**args)
    outputs = definition.drive(namespace, np.random.default_rng(3))
    return definition.check(outputs)


def test_code_definitions_accept_right_and_reject_wrong_layers():
    def causal(x, w, d):
        n, length = x.shape
        out = np.zeros((n, length))
        for t in range(length):
            for j in range(len(w)):
                s = t - d * (len(w) - 1 - j)
                if s >= 0:
                    out[:, t] += w[j] * x[:, s]
        return out

    assert run_code("causal_conv_code", {"causal_conv1d": causal}) == []
    shifted = {"causal_conv1d": lambda x, w, d: causal(np.roll(x, -1, axis=1), w, d)}
    assert run_code("causal_conv_code", shifted) != []

    def layer_norm(x, g, b, eps, axis=-1):
        mu = x.mean(axis=axis, keepdims=True)
        return g * (x - mu) / np.sqrt(x.var(axis=axis, keepdims=True) + eps) + b

    assert run_code("layernorm_code", {"layer_norm": layer_norm}) == []
    batch_norm = {"layer_norm": lambda x, g, b, e: layer_norm(x, g, b, e, axis=0)}
    assert run_code("layernorm_code", batch_norm) != []


def test_new_definitions_at_numbers():
    assert ref("transposed_exact_padding", dict(H=5, S=2, F=4)) == 1
    assert ref("bottleneck_block_params", dict(B=64, C=256)) == 16384 + 36864 + 16384
    values = dict(
        d1=R(3, 2), d2=R(-3, 10), d3=R(9, 10), gamma=R(7, 5), beta=R(1, 5), epsilon=R(1, 10)
    )
    assert ref("bn_bias_gradient", values) == 0
