"""The Transformer, BERT and GPT, from their papers' definitions.

Scaled dot-product attention is softmax(Q Kᵀ/√d_k) V with blocked scores set to -∞ (Vaswani et
al. 2017, §3.2.1, §3.2.3); multi-head attention projects with W_i^Q, W_i^K ∈ R^{d×d_k},
W_i^V ∈ R^{d×d_v} per head and W^O ∈ R^{h d_v × d} (§3.2.2), d_k = d_v = d/h; the positional
encoding is PE(pos, 2i) = sin(pos/10000^{2i/d}), PE(pos, 2i+1) = cos(...) (§3.5). BERT chooses 15%
of the tokens, of which 80% become [MASK], 10% a random token, 10% stay (Devlin et al. 2019,
§3.1), and NSP pairs are 50% IsNext; GPT predicts each token from the ones before it (Radford et
al. 2018, §3.1). Expectations are taken with `sympy.stats`, counts by enumerating index sets.
"""

from __future__ import annotations

from typing import Any

import sympy
from sympy import stats

from eprep.checker.references import (
    CodeDefinition,
    Params,
    code_reference,
    float_close,
    from_float,
    grid,
    integer,
    reference,
)

# Devlin et al. 2019, §3.1 "Task #1: Masked LM" and "Task #2: NSP".
_SELECT = sympy.Rational(15, 100)
_ACTIONS = {
    "mask": sympy.Rational(8, 10),
    "random": sympy.Rational(1, 10),
    "keep": sympy.Rational(1, 10),
}
_IS_NEXT = sympy.Rational(1, 2)


@reference("qk_score_variance")
def qk_score_variance(p: Params) -> sympy.Expr:
    """Var(sum_i q_i k_i), q_i ~ N(0, a), k_i ~ N(0, b) all independent: one term's variance by
    sympy.stats; the d_k terms are independent with mean 0, so their variances add (Bienaymé)."""
    q = stats.Normal("q", 0, sympy.sqrt(p["a"]))
    k = stats.Normal("k", 0, sympy.sqrt(p["b"]))
    return p["dk"] * sympy.simplify(stats.variance(q * k))


def _softmax(scores: list[Any]) -> list[Any]:
    total = sum((sympy.exp(s) for s in scores), sympy.S.Zero)
    return [sympy.exp(s) / total for s in scores]


@reference("sdpa_weight")
def sdpa_weight(p: Params, *, keys: int = 3, dim: int = 4) -> sympy.Expr:
    """softmax_j(q·k_j/√d_k) for key 1: q = (q1..qd), key j = (kj1..kjd)."""
    q = sympy.Matrix([p[f"q{i}"] for i in range(1, dim + 1)])
    scores = [
        sympy.Matrix([p[f"k{j}{i}"] for i in range(1, dim + 1)]).dot(q) / sympy.sqrt(dim)
        for j in range(1, keys + 1)
    ]
    return _softmax(scores)[0]


@reference("causal_attention_output")
def causal_attention_output(p: Params, *, query: int = 2, length: int = 3) -> sympy.Expr:
    """Output of query `query` (1-based) over scalar values: the keys s > query get score -∞."""
    scores = [p[f"s{j}"] if j <= query else -sympy.oo for j in range(1, length + 1)]
    weights = _softmax(scores)  # exp(-oo) = 0: a blocked key has weight 0
    return sum((w * p[f"v{j}"] for j, w in enumerate(weights, 1)), sympy.S.Zero)


@reference("mha_parameter_count")
def mha_parameter_count(p: Params) -> sympy.Expr:
    """Per head: W^Q, W^K (d×d_k), W^V (d×d_v) with biases; then W^O (h·d_v × d) and its bias."""
    d, h = p["d"], p["h"]
    dk = dv = d / h
    per_head = (d * dk + dk) + (d * dk + dk) + (d * dv + dv)
    return sympy.expand(h * per_head + (h * dv) * d + d)


@reference("attention_weight_count")
def attention_weight_count(p: Params) -> sympy.Expr:
    """One weight per (sample, head, query position, key position)."""
    return p["N"] * p["h"] * p["T"] * p["S"]


def _causal_allows(t: int, s: int) -> bool:
    """The decoder's mask (Vaswani §3.2.3): position t may attend to positions up to t."""
    return s <= t


@reference("causal_allowed_pairs")
def causal_allowed_pairs(p: Params) -> sympy.Expr:
    """The (query, key) pairs of T positions the causal mask leaves open, counted."""
    T = integer(p["T"])
    return sympy.Integer(
        sum(_causal_allows(t, s) for t in range(1, T + 1) for s in range(1, T + 1))
    )


@reference("causal_reach")
def causal_reach(p: Params) -> sympy.Expr:
    """The positions t whose causal self-attention output reads token j: the queries the mask
    allows to attend to key j."""
    T, j = integer(p["T"]), integer(p["j"])
    return sympy.Integer(sum(1 for t in range(1, T + 1) if _causal_allows(t, j)))


@reference("positional_encoding_value")
def positional_encoding_value(p: Params) -> sympy.Expr:
    """PE(pos, 2i) = sin(pos / 10000^(2i/d_model))."""
    return sympy.sin(p["pos"] / sympy.Integer(10000) ** (2 * p["i"] / p["d"]))


def _encoding(pos: Any, d_model: int) -> list[Any]:
    """The row PE(pos) of width d_model, column by column (§3.5)."""
    row = []
    for column in range(d_model):
        angle = pos / sympy.Integer(10000) ** sympy.Rational(column - column % 2, d_model)
        row.append(sympy.sin(angle) if column % 2 == 0 else sympy.cos(angle))
    return row


@reference("positional_encoding_dot")
def positional_encoding_dot(p: Params, *, d_model: int = 4) -> sympy.Expr:
    """PE(pos) · PE(pos + k), the two rows built from the definition."""
    first, second = _encoding(p["pos"], d_model), _encoding(p["pos"] + p["k"], d_model)
    dot = sum((a * b for a, b in zip(first, second, strict=True)), sympy.S.Zero)
    # The angle-addition formulas, then sin² + cos² = 1: SymPy's own trigonometric rewriting.
    return sympy.trigsimp(sympy.expand(sympy.expand_trig(dot)))


def _masked_lm_variables():
    chosen = stats.Bernoulli("chosen", _SELECT)
    action = stats.FiniteRV(
        "action", {0: _ACTIONS["mask"], 1: _ACTIONS["random"], 2: _ACTIONS["keep"]}
    )
    return chosen, action


@reference("mlm_mask_count")
def mlm_mask_count(p: Params) -> sympy.Expr:
    """Expected [MASK] tokens among L: L · P(chosen and the action is "replace by [MASK]")."""
    chosen, action = _masked_lm_variables()
    return p["L"] * stats.P(sympy.And(sympy.Eq(chosen, 1), sympy.Eq(action, 0)))


@reference("mlm_loss_positions")
def mlm_loss_positions(p: Params) -> sympy.Expr:
    """Expected positions the masked-LM loss is taken at among B·L: every chosen token, whatever
    was done to it."""
    chosen, _ = _masked_lm_variables()
    return p["B"] * p["L"] * stats.P(sympy.Eq(chosen, 1))


@reference("nsp_chance_loss")
def nsp_chance_loss(p: Params) -> sympy.Expr:
    """E[-y log p - (1 - y) log(1 - p)] over NSP labels y ~ Bernoulli(1/2)."""
    y = stats.Bernoulli("y", _IS_NEXT)
    return sympy.simplify(stats.E(-y * sympy.log(p["p"]) - (1 - y) * sympy.log(1 - p["p"])))


@reference("gpt_prediction_terms")
def gpt_prediction_terms(p: Params) -> sympy.Expr:
    """Terms log P(u_i | u_<i) of B sequences of T tokens: every token that has a context."""
    B, T = integer(p["B"]), integer(p["T"])
    return sympy.Integer(B * sum(1 for i in range(1, T + 1) if i > 1))


# --- code references: drivers run the completed template on inputs floats hold exactly ----


def _rows(values: Any) -> list[list[Any]]:
    return [[from_float(v) for v in row] for row in values]


@code_reference("sdpa_code")
def sdpa_code() -> CodeDefinition:
    """out = softmax(Q Kᵀ/√d_k, blocked scores -∞) V and the weights, for Tq != Tk with a mask."""

    def drive(namespace, rng):
        import numpy as np

        q, k, v = grid(rng, (3, 4)), grid(rng, (5, 4)), grid(rng, (5, 2))
        mask = np.ones((3, 5), dtype=bool)
        mask[0, 2:] = False
        mask[1, [1, 4]] = False
        out, weights = namespace["scaled_dot_product_attention"](q, k, v, mask)
        return {
            "q": q.tolist(),
            "k": k.tolist(),
            "v": v.tolist(),
            "mask": mask.tolist(),
            "out": np.asarray(out, dtype=float).tolist(),
            "weights": np.asarray(weights, dtype=float).tolist(),
        }

    def check(out):
        q, k, v = _rows(out["q"]), _rows(out["k"]), _rows(out["v"])
        got_out, got_w = out["out"], out["weights"]
        if len(got_w) != len(q) or any(len(row) != len(k) for row in got_w):
            return ["the weights do not have shape (Tq, Tk)"]
        if len(got_out) != len(q) or any(len(row) != len(v[0]) for row in got_out):
            return ["the output does not have shape (Tq, d_v)"]
        dk = len(q[0])
        for t, query in enumerate(q):
            scores = [
                sum(a * b for a, b in zip(query, key, strict=True)) / sympy.sqrt(dk)
                if out["mask"][t][s]
                else -sympy.oo
                for s, key in enumerate(k)
            ]
            weights = _softmax(scores)
            for s, w in enumerate(weights):
                if not float_close(got_w[t][s], w):
                    return [f"weight[{t}, {s}] = {got_w[t][s]}, the definition {float(w):.12g}"]
            for c in range(len(v[0])):
                want = sum((w * v[s][c] for s, w in enumerate(weights)), sympy.S.Zero)
                if not float_close(got_out[t][c], want):
                    return [f"out[{t}, {c}] = {got_out[t][c]}, the definition {float(want):.12g}"]
        return []

    return CodeDefinition(drive, check)


@code_reference("split_heads_code")
def split_heads_code(*, heads: int = 3) -> CodeDefinition:
    """split_heads(x, h)[n, j, t, f] = x[n, t, j·d_k + f]; merge_heads undoes it."""

    def drive(namespace, rng):
        import numpy as np

        x = grid(rng, (2, 4, 6))
        split = np.asarray(namespace["split_heads"](x, heads), dtype=float)
        merged = np.asarray(namespace["merge_heads"](split), dtype=float)
        return {"x": x.tolist(), "split": split.tolist(), "merged": merged.tolist()}

    def check(out):
        import numpy as np

        x, split = np.array(out["x"]), np.array(out["split"])
        n, T, d = x.shape
        dk = d // heads
        if split.shape != (n, heads, T, dk):
            return [f"split_heads gives shape {list(split.shape)}, not {[n, heads, T, dk]}"]
        for b, j, t, f in np.ndindex(split.shape):
            if split[b, j, t, f] != x[b, t, j * dk + f]:
                return [f"head {j} at position {t}, feature {f} is not x[{b}, {t}, {j * dk + f}]"]
        if np.array(out["merged"]).shape != x.shape or not np.array_equal(out["merged"], x):
            return ["merge_heads(split_heads(x)) is not x"]
        return []

    return CodeDefinition(drive, check)


@code_reference("positional_encoding_code")
def positional_encoding_code(*, length: int = 7, d_model: int = 6) -> CodeDefinition:
    """pe[pos, 2i] = sin(pos/10000^(2i/d)), pe[pos, 2i+1] = cos(pos/10000^(2i/d))."""

    def drive(namespace, rng):
        import numpy as np

        pe = np.asarray(namespace["positional_encoding"](length, d_model), dtype=float)
        return {"pe": pe.tolist()}

    def check(out):
        pe = out["pe"]
        if len(pe) != length or any(len(row) != d_model for row in pe):
            return [f"the encoding does not have shape ({length}, {d_model})"]
        for pos in range(length):
            for column in range(d_model):
                two_i = column - column % 2
                angle = sympy.Integer(pos) / sympy.Integer(10000) ** sympy.Rational(two_i, d_model)
                want = sympy.sin(angle) if column % 2 == 0 else sympy.cos(angle)
                if not float_close(pe[pos][column], want):
                    got = pe[pos][column]
                    return [f"PE({pos}, {column}) = {got}, the definition {float(want):.12g}"]
        return []

    return CodeDefinition(drive, check)
