"""Probes for day3: recurrent layers, clipping, word2vec, perplexity and attention.

Every probe runs an engine layer and measures: parameter counts are the number of scalars whose
perturbation moves the loss (read off the gradients a backward pass fills, then confirmed by a
finite difference on each), gate values are planted through the biases with zero inputs (a gate
fed its own inverse activation must return the wanted value), and gradients come from backward.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from eprep.checker.probes import OptionId, Params, Samples, Value, after_pass, code_probe, probe

_GATES = {"rnn": 1, "lstm": 4, "gru": 3}


def _int(variant: Params, name: str) -> int:
    return round(float(variant[name]))


def _time_layer(cell: str, inputs: int, hidden: int, rng: np.random.Generator):
    """An engine Time layer of `cell` with random weights of the shapes its interface needs.

    The weights are scaled by 1/sqrt(fan-in) so no unit saturates: a saturated tanh or sigmoid
    has a gradient that rounds to 0 and would hide its parameters from the count.
    """
    from eprep.engine import TimeGRU, TimeLSTM, TimeRNN

    gates = _GATES[cell]
    layer_type = {"rnn": TimeRNN, "lstm": TimeLSTM, "gru": TimeGRU}[cell]
    return layer_type(
        rng.standard_normal((inputs, gates * hidden)) / np.sqrt(inputs),
        rng.standard_normal((hidden, gates * hidden)) / np.sqrt(hidden),
        rng.standard_normal(gates * hidden) * 0.1,
    )


@probe("recurrent_parameter_count")
def recurrent_parameter_count(variant: Params, rng: np.random.Generator, *, cell: str) -> Value:
    """Scalars of a Time{RNN,LSTM,GRU} layer that the loss depends on.

    A backward pass on a random loss fills the gradients; each nonzero gradient entry is a
    parameter that matters. A sample of them is confirmed by moving the parameter and watching
    the loss move, so a layer that allocated unused weights would not count them.
    """
    d, h = _int(variant, "D"), _int(variant, "H")
    layer = _time_layer(cell, d, h, rng)
    xs = rng.standard_normal((3, 4, d))
    weights = rng.standard_normal((3, 4, h))

    def loss() -> float:
        return float(np.sum(layer.forward(xs) * weights))

    loss()
    layer.backward(weights)
    used = 0
    for param, grad in zip(layer.params, layer.grads, strict=True):
        mask = grad != 0
        used += int(mask.sum())
        flat = np.flatnonzero(mask)
        for index in rng.choice(flat, size=min(3, flat.size), replace=False):
            original = param.flat[index]
            param.flat[index] = original + 1e-3
            moved = loss()
            param.flat[index] = original
            assert moved != loss(), "a parameter with a nonzero gradient does not move the loss"
    return Value(used)


@probe("rnn_scalar_step")
def rnn_scalar_step(variant: Params, rng: np.random.Generator) -> Value:
    """h_1 of an engine RNN with one input and one unit: weights wx, wh, bias b, x and h0."""
    from eprep.engine import RNN

    layer = RNN(np.array([[variant["wx"]]]), np.array([[variant["wh"]]]), np.array([variant["b"]]))
    h1 = layer.forward(np.array([[variant["x"]]]), np.array([[variant["h0"]]]))
    return Value(float(h1[0, 0]))


@probe("rnn_gradient_to_initial_state")
def rnn_gradient_to_initial_state(variant: Params, rng: np.random.Generator) -> Value:
    """d h_T / d h_0 of a one-unit engine TimeRNN with zero inputs, from its backward pass."""
    from eprep.engine import TimeRNN

    steps = _int(variant, "T")
    layer = TimeRNN(np.zeros((1, 1)), np.array([[variant["w"]]]), np.zeros(1), stateful=True)
    layer.set_state(np.array([[variant["h0"]]]))
    layer.forward(np.zeros((1, steps, 1)))
    dhs = np.zeros((1, steps, 1))
    dhs[0, -1, 0] = 1.0
    layer.backward(dhs)
    return Value(float(after_pass(layer.dh)[0, 0]))


@probe("rnn_gradient_growth")
def rnn_gradient_growth(variant: Params, rng: np.random.Generator) -> OptionId:
    """How the engine's BPTT gradient norm behaves when Wh has largest singular value `s`.

    A linear-regime RNN (small inputs, weights scaled so tanh' is close to 1) is run for 30
    steps; the gradient reaching step 1 is compared with the one at the last step.
    """
    from eprep.engine import TimeRNN

    h, steps = 8, 30
    q, _ = np.linalg.qr(rng.standard_normal((h, h)))
    wh = float(variant["s"]) * q  # every singular value equals s
    layer = TimeRNN(rng.standard_normal((2, h)) * 1e-4, wh, np.zeros(h))
    layer.forward(rng.standard_normal((4, steps, 2)))
    dhs = np.zeros((4, steps, h))
    dhs[:, -1, :] = rng.standard_normal((4, h))
    dxs = layer.backward(dhs)
    ratio = np.linalg.norm(dxs[:, 0]) / np.linalg.norm(dxs[:, -1])
    if ratio < 1e-2:
        return OptionId("vanish")
    if ratio > 1e2:
        return OptionId("explode")
    return OptionId("steady")


def _logit(p: float) -> float:
    return math.log(p / (1.0 - p))


def _lstm_with_gates(f: float, g: float, i: float, o: float):
    """An engine LSTM with one unit whose gates take the given values when x = h = 0."""
    from eprep.engine import LSTM

    bias = np.array([_logit(f), math.atanh(g), _logit(i), _logit(o)])
    return LSTM(np.zeros((1, 4)), np.zeros((1, 4)), bias)


@probe("lstm_cell_state")
def lstm_cell_state(variant: Params, rng: np.random.Generator, *, report: str) -> Value:
    """c_next or h_next of a one-unit engine LSTM with planted gates f, g, i, o and c_prev."""
    layer = _lstm_with_gates(variant["f"], variant["g"], variant["i"], variant["o"])
    h_next, c_next = layer.forward(np.zeros((1, 1)), np.zeros((1, 1)), np.array([[variant["c"]]]))
    return Value(float({"c": c_next, "h": h_next}[report][0, 0]))


@probe("lstm_cell_gradient")
def lstm_cell_gradient(variant: Params, rng: np.random.Generator) -> Value:
    """dc_prev of the engine LSTM's backward when only dc_next = dc arrives (dh_next = 0)."""
    layer = _lstm_with_gates(variant["f"], variant["g"], variant["i"], variant["o"])
    layer.forward(np.zeros((1, 1)), np.zeros((1, 1)), np.array([[variant["c"]]]))
    _, _, dc_prev = layer.backward(np.zeros((1, 1)), np.array([[variant["dc"]]]))
    return Value(float(dc_prev[0, 0]))


@probe("lstm_gate_order")
def lstm_gate_order(variant: Params, rng: np.random.Generator) -> OptionId:
    """Find by experiment which H-wide block of the engine LSTM's columns is which gate.

    With x = h = 0 each block's bias alone sets its gate. For every ordering of the four gates,
    plant distinct gate values through the biases as that ordering would place them, run the
    engine, and keep the ordering under which c_next = f c_prev + g i and h_next = o tanh(c_next)
    come out (the LSTM's defining equations), for two different sets of values.
    """
    from itertools import permutations

    from eprep.engine import LSTM

    trials = ({"f": 0.3, "g": 0.2, "i": 0.6, "o": 0.9}, {"f": 0.8, "g": -0.5, "i": 0.1, "o": 0.4})
    c_prev = 0.7
    matches = []
    for order in permutations("fgio"):
        agrees = True
        for gates in trials:
            bias = np.array([math.atanh(gates[g]) if g == "g" else _logit(gates[g]) for g in order])
            h_next, c_next = LSTM(np.zeros((1, 4)), np.zeros((1, 4)), bias).forward(
                np.zeros((1, 1)), np.zeros((1, 1)), np.array([[c_prev]])
            )
            c = gates["f"] * c_prev + gates["g"] * gates["i"]
            agrees &= math.isclose(float(c_next[0, 0]), c, rel_tol=1e-9)
            agrees &= math.isclose(float(h_next[0, 0]), gates["o"] * math.tanh(c), rel_tol=1e-9)
        if agrees:
            matches.append("".join(order))
    assert len(matches) == 1, f"gate orders consistent with the engine: {matches}"
    return OptionId(matches[0])


@probe("gru_step")
def gru_step(variant: Params, rng: np.random.Generator) -> Value:
    """h_next of a one-unit engine GRU with planted update gate z and candidate h~ (x = 0).

    With x = 0 and Whh = 0 the candidate is tanh(bh), and z = sigmoid(bz); Whz = Whr = 0.
    """
    from eprep.engine import GRU

    bias = np.array([_logit(variant["z"]), 0.0, math.atanh(variant["cand"])])
    layer = GRU(np.zeros((1, 3)), np.zeros((1, 3)), bias)
    return Value(float(layer.forward(np.zeros((1, 1)), np.array([[variant["h"]]]))[0, 0]))


@probe("clipped_gradient_entry")
def clipped_gradient_entry(variant: Params, rng: np.random.Generator) -> Value:
    """The first entry of gradient a after the engine's clip_grads on [a, b] with max_norm c."""
    from eprep.engine import clip_grads

    a = np.array([float(variant["a1"]), float(variant["a2"])])
    b = np.array([float(variant["b1"])])
    clip_grads([a, b], float(variant["c"]))
    return Value(float(a[0]), rel_tol=1e-9)


@probe("negative_sampling_probability")
def negative_sampling_probability(variant: Params, rng: np.random.Generator) -> Value:
    """Frequency with which the engine's UnigramSampler draws word A (Monte Carlo, 5 SE).

    The corpus holds word A nA times, B nB times and C nC times; id 0 never occurs, so using it
    as the target excludes nothing.
    """
    from eprep.engine import UnigramSampler

    counts = [_int(variant, "nA"), _int(variant, "nB"), _int(variant, "nC")]
    corpus = np.repeat(np.arange(1, 4), counts)
    sampler = UnigramSampler(corpus, power=0.75, sample_size=1, rng=rng)
    draws = 200_000
    drawn = sampler.get_negative_sample(np.zeros(draws, dtype=int))[:, 0]
    freq = float(np.mean(drawn == 1))
    se = math.sqrt(max(freq * (1 - freq), 1e-12) / draws)
    return Value(freq, rel_tol=0.0, abs_tol=5 * se)


@probe("embedding_repeated_gradient")
def embedding_repeated_gradient(variant: Params, rng: np.random.Generator) -> Value:
    """dW[word] of the engine Embedding when `word` occurs m times, each time with dout g."""
    from eprep.engine import Embedding

    m, g = _int(variant, "m"), float(variant["g"])
    layer = Embedding(rng.standard_normal((5, 1)))
    idx = np.concatenate([np.full(m, 2), [0, 4]])
    layer.forward(idx)
    dout = np.concatenate([np.full(m, g), rng.standard_normal(2)])[:, None]
    layer.backward(dout)
    return Value(float(layer.grads[0][2, 0]))


@probe("perplexity_of_two_words")
def perplexity_of_two_words(variant: Params, rng: np.random.Generator) -> Value:
    """exp of the engine TimeSoftmaxWithLoss on two positions whose targets get p1 and p2.

    Scores are log-probabilities of a 3-word distribution per position (softmax of log p is p).
    """
    from eprep.engine import TimeSoftmaxWithLoss

    p1, p2 = float(variant["p1"]), float(variant["p2"])
    scores = np.log(
        np.array([[[p1, (1 - p1) / 2, (1 - p1) / 2], [p2, (1 - p2) / 2, (1 - p2) / 2]]])
    )
    loss = TimeSoftmaxWithLoss().forward(scores, np.array([[0, 0]]))
    return Value(math.exp(loss))


@probe("attention_weight_first")
def attention_weight_first(variant: Params, rng: np.random.Generator, *, scaled: bool) -> Value:
    """a_1 of the engine AttentionWeight for two encoder states (2-D) and one decoder state."""
    from eprep.engine import AttentionWeight

    hs = np.array([[[variant["a1"], variant["a2"]], [variant["b1"], variant["b2"]]]], dtype=float)
    h = np.array([[variant["q1"], variant["q2"]]], dtype=float)
    return Value(float(AttentionWeight(scaled).forward(hs, h)[0, 0]))


@probe("attention_context_first")
def attention_context_first(variant: Params, rng: np.random.Generator) -> Value:
    """First component of the engine Attention's context vector for the same two states."""
    from eprep.engine import Attention

    hs = np.array([[[variant["a1"], variant["a2"]], [variant["b1"], variant["b2"]]]], dtype=float)
    h = np.array([[variant["q1"], variant["q2"]]], dtype=float)
    return Value(float(Attention().forward(hs, h)[0, 0]))


@probe("tanh_derivative_by_output")
def tanh_derivative_by_output(variant: Params, rng: np.random.Generator) -> Samples:
    """d tanh(a)/da measured by the engine Tanh layer's backward, at outputs h in (-0.95, 0.95)."""
    from eprep.engine import Tanh

    outputs = np.linspace(-0.95, 0.95, 9)
    layer = Tanh()
    layer.forward(np.arctanh(outputs))
    slopes = layer.backward(np.ones_like(outputs))
    return Samples([{"h": float(h)} for h in outputs], [float(s) for s in slopes])


@probe("lstm_gate_ranges")
def lstm_gate_ranges(variant: Params, rng: np.random.Generator) -> OptionId:
    """Which blocks of the engine LSTM squash with a sigmoid (range 0..1) and which with tanh.

    Each block's bias is driven to -30 in turn (x = h = 0, c_prev = 1, the other blocks at
    +30): a sigmoid block then reads 0, a tanh block -1, and the cell and output show which.
    """
    from eprep.engine import LSTM

    lows = []
    for block in range(4):
        bias = np.full(4, 30.0)
        bias[block] = -30.0
        h, c = LSTM(np.zeros((1, 4)), np.zeros((1, 4)), bias).forward(
            np.zeros((1, 1)), np.zeros((1, 1)), np.ones((1, 1))
        )
        lows.append((round(float(c[0, 0]), 6), round(float(h[0, 0]), 6)))
    # f low: c = 0 + 1*1 = 1; g low (tanh): c = 1 - 1 = 0; i low: c = 1; o low: h = 0.
    g_blocks = [k for k, (c, _) in enumerate(lows) if math.isclose(c, 0.0, abs_tol=1e-6)]
    return OptionId("g-tanh" if g_blocks == [1] else "other")


@probe("bilstm_output_size")
def bilstm_output_size(variant: Params, rng: np.random.Generator) -> Value:
    """Features per time step out of an engine TimeBiLSTM with hidden size H."""
    from eprep.engine import TimeBiLSTM

    d, h = 3, _int(variant, "H")
    weights = [rng.standard_normal(s) * 0.1 for s in ((d, 4 * h), (h, 4 * h), (4 * h,))]
    layer = TimeBiLSTM(*weights, *(w.copy() for w in weights))
    return Value(layer.forward(rng.standard_normal((2, 3, d))).shape[2])


@probe("cross_entropy_for_perplexity")
def cross_entropy_for_perplexity(variant: Params, rng: np.random.Generator) -> Value:
    """The engine TimeSoftmaxWithLoss of a model that gives the right word probability 1/PP."""
    from eprep.engine import TimeSoftmaxWithLoss

    pp = float(variant["PP"])
    vocabulary = math.ceil(pp) + 1
    rest = (1 - 1 / pp) / (vocabulary - 1)
    probs = np.full(vocabulary, rest)
    probs[0] = 1 / pp
    scores = np.log(np.tile(probs, (1, 4, 1)))
    return Value(TimeSoftmaxWithLoss().forward(scores, np.zeros((1, 4), dtype=int)))


@probe("truncated_bptt_behaviour")
def truncated_bptt_behaviour(variant: Params, rng: np.random.Generator) -> OptionId:
    """What a stateful engine TimeRNN carries between chunks, forwards and backwards."""
    from eprep.engine import TimeRNN

    weights = (rng.standard_normal((2, 3)), rng.standard_normal((3, 3)) * 0.5, np.zeros(3))
    xs = rng.standard_normal((1, 8, 2))
    whole = TimeRNN(*weights).forward(xs)
    layer = TimeRNN(*weights, stateful=True)
    layer.forward(xs[:, :4])
    second = layer.forward(xs[:, 4:])
    carries_state = np.allclose(second, whole[:, 4:])
    grads_span = layer.backward(np.ones_like(second)).shape[1]  # inputs reached by backward
    if carries_state and grads_span == 4:
        return OptionId("state-forward-only")
    if carries_state:
        return OptionId("both")
    return OptionId("neither")


@probe("gru_reset_role")
def gru_reset_role(variant: Params, rng: np.random.Generator) -> OptionId:
    """Close the engine GRU's reset gate (bias -30) and see what the candidate still depends on."""
    from eprep.engine import GRU

    wx = rng.standard_normal((2, 3))
    wh = rng.standard_normal((1, 3))
    bias = np.array([30.0, -30.0, 0.0])  # z = 1: the output is the candidate itself; r = 0

    def candidate(x: np.ndarray, h: np.ndarray) -> float:
        return float(GRU(wx, wh, bias).forward(x, h)[0, 0])

    x = rng.standard_normal((1, 2))
    ignores_h = math.isclose(candidate(x, np.array([[0.9]])), candidate(x, np.array([[-0.9]])))
    uses_x = not math.isclose(candidate(x, np.array([[0.5]])), candidate(-x, np.array([[0.5]])))
    return OptionId("forget-past" if ignores_h and uses_x else "other")


@probe("lstm_forget_decay")
def lstm_forget_decay(variant: Params, rng: np.random.Generator) -> Value:
    """c_T of an engine TimeLSTM whose forget gate is held at f and input gate closed."""
    from eprep.engine import TimeLSTM

    steps = _int(variant, "T")
    bias = np.array([_logit(float(variant["f"])), 0.0, -40.0, 0.0])
    layer = TimeLSTM(np.zeros((1, 4)), np.zeros((1, 4)), bias, stateful=True)
    layer.set_state(np.zeros((1, 1)), np.array([[float(variant["c0"])]]))
    layer.forward(np.zeros((1, steps, 1)))
    return Value(float(after_pass(layer.c)[0, 0]), rel_tol=1e-9, abs_tol=1e-12)


@probe("skipgram_binary_losses")
def skipgram_binary_losses(variant: Params, rng: np.random.Generator) -> Value:
    """Binary scores the engine SkipGram computes for one centre word (window w, k negatives)."""
    from eprep.engine import SkipGram

    window, negatives = _int(variant, "w"), _int(variant, "k")
    vocabulary = 2 * window + negatives + 5
    corpus = np.arange(vocabulary)
    model = SkipGram(
        rng.standard_normal((vocabulary, 3)),
        rng.standard_normal((vocabulary, 3)),
        corpus,
        sample_size=negatives,
        rng=rng,
    )
    contexts = np.arange(2 * window)[None, :]
    model.forward(contexts, np.array([vocabulary - 1]))
    _, labels = after_pass(model.loss_layer.loss_layer.cache)
    return Value(labels.size)


# --- code probes: a template's layer must behave as the engine's ----------------------------

_CELL_CALLS = {
    # cell: (engine class name, states in forward, gradients into backward)
    "RNN": ("RNN", 1, 1),
    "LSTM": ("LSTM", 2, 2),
    "GRU": ("GRU", 1, 1),
}


def _same(name: str, got: object, want: object) -> None:
    got = np.asarray(got, dtype=float)
    want = np.asarray(want, dtype=float)
    if got.shape != want.shape or not np.allclose(got, want, rtol=1e-9, atol=1e-12):
        detail = (
            f"shape {got.shape} instead of {want.shape}"
            if got.shape != want.shape
            else f"max abs difference {np.max(np.abs(got - want)):.3g}"
        )
        raise AssertionError(f"{name} differs from the engine's ({detail})")


@code_probe("recurrent_cell_matches_engine")
def recurrent_cell_matches_engine(
    namespace: Mapping[str, Any], variant: Params, rng: np.random.Generator, *, cls: str
) -> None:
    """The template's cell class must compute the engine cell's forward, backward and grads."""
    from eprep import engine

    if cls not in namespace:
        raise AssertionError(f"the completed code defines no class {cls}")
    engine_name, states, incoming = _CELL_CALLS[cls]
    d, h, n = 3, 2, 4
    gates = {"RNN": 1, "LSTM": 4, "GRU": 3}[cls]
    weights = [
        rng.standard_normal((d, gates * h)),
        rng.standard_normal((h, gates * h)),
        rng.standard_normal(gates * h),
    ]
    mine = namespace[cls](*(w.copy() for w in weights))
    theirs = getattr(engine, engine_name)(*(w.copy() for w in weights))
    inputs = [rng.standard_normal((n, d))] + [rng.standard_normal((n, h)) for _ in range(states)]
    with np.errstate(all="ignore"):
        out_mine = mine.forward(*(a.copy() for a in inputs))
    out_theirs = theirs.forward(*inputs)
    for k, (a, b) in enumerate(zip(_as_tuple(out_mine), _as_tuple(out_theirs), strict=True)):
        _same(f"forward output {k}", a, b)
    upstream = [rng.standard_normal((n, h)) for _ in range(incoming)]
    with np.errstate(all="ignore"):
        back_mine = mine.backward(*(u.copy() for u in upstream))
    back_theirs = theirs.backward(*upstream)
    for k, (a, b) in enumerate(zip(_as_tuple(back_mine), _as_tuple(back_theirs), strict=True)):
        _same(f"backward output {k}", a, b)
    for k, (a, b) in enumerate(zip(mine.grads, theirs.grads, strict=True)):
        _same(f"grads[{k}]", a, b)


def _as_tuple(value: Any) -> tuple:
    return value if isinstance(value, tuple) else (value,)


@code_probe("embedding_matches_engine")
def embedding_matches_engine(
    namespace: Mapping[str, Any], variant: Params, rng: np.random.Generator
) -> None:
    """The template's Embedding must sum repeated ids' gradients and start each batch at zero."""
    from eprep.engine import Embedding

    if "Embedding" not in namespace:
        raise AssertionError("the completed code defines no class Embedding")
    W = rng.standard_normal((6, 3))
    mine, theirs = namespace["Embedding"](W.copy()), Embedding(W.copy())
    # Two batches in a row: the second backward must not keep anything of the first.
    for idx in (np.array([1, 4, 1, 1, 0]), np.array([2, 3, 3])):
        dout = rng.standard_normal((idx.size, 3))
        _same("forward", mine.forward(idx), theirs.forward(idx))
        mine.backward(dout.copy())
        theirs.backward(dout)
        _same("dW", mine.grads[0], theirs.grads[0])


@code_probe("clip_grads_matches_engine")
def clip_grads_matches_engine(
    namespace: Mapping[str, Any], variant: Params, rng: np.random.Generator
) -> None:
    """The template's clip_grads must scale in place exactly when the engine's does."""
    from eprep.engine import clip_grads

    if "clip_grads" not in namespace:
        raise AssertionError("the completed code defines no function clip_grads")
    for max_norm in (0.5, 50.0):  # one call that must clip, one that must not
        grads = [rng.standard_normal((3, 2)), rng.standard_normal(4)]
        mine = [g.copy() for g in grads]
        namespace["clip_grads"](mine, max_norm)
        clip_grads(grads, max_norm)
        for k, (a, b) in enumerate(zip(mine, grads, strict=True)):
            _same(f"grads[{k}] with max_norm {max_norm}", a, b)


@code_probe("attention_weight_matches_engine")
def attention_weight_matches_engine(
    namespace: Mapping[str, Any], variant: Params, rng: np.random.Generator
) -> None:
    """The template's AttentionWeight must give the engine's weights and gradients."""
    from eprep.engine import AttentionWeight

    if "AttentionWeight" not in namespace:
        raise AssertionError("the completed code defines no class AttentionWeight")
    hs, h = rng.standard_normal((2, 5, 3)), rng.standard_normal((2, 3))
    mine, theirs = namespace["AttentionWeight"](), AttentionWeight()
    with np.errstate(all="ignore"):
        a = mine.forward(hs.copy(), h.copy())
    _same("the weights", a, theirs.forward(hs, h))
    da = rng.standard_normal((2, 5))
    for k, (x, y) in enumerate(
        zip(_as_tuple(mine.backward(da.copy())), theirs.backward(da), strict=True)
    ):
        _same(f"backward output {k}", x, y)


@probe("rnn_gradient_ratio")
def rnn_gradient_ratio(variant: Params, rng: np.random.Generator) -> Value:
    """|dL/dh_0| / |dL/dh_T| of an engine TimeRNN whose Wh has every singular value s.

    Inputs and biases are zero and the start state tiny, so every tanh' is 1 to ~1e-12; the
    ratio is then the gradient's growth through the T recurrent steps, read off the backward pass
    (`dh` is the gradient at the initial state).
    """
    from eprep.engine import TimeRNN

    h, steps, s = 6, _int(variant, "T"), float(variant["s"])
    q, _ = np.linalg.qr(rng.standard_normal((h, h)))
    layer = TimeRNN(np.zeros((1, h)), s * q, np.zeros(h), stateful=True)
    layer.set_state(np.full((1, h), 1e-9))
    layer.forward(np.zeros((1, steps, 1)))
    dhs = np.zeros((1, steps, h))
    dhs[0, -1] = rng.standard_normal(h)
    layer.backward(dhs)
    return Value(
        float(np.linalg.norm(after_pass(layer.dh)) / np.linalg.norm(dhs[0, -1])), rel_tol=1e-6
    )


@probe("masked_sequence_loss")
def masked_sequence_loss(variant: Params, rng: np.random.Generator) -> Value:
    """Engine TimeSoftmaxWithLoss over 3 positions, the middle one labelled -1 (ignored)."""
    from eprep.engine import TimeSoftmaxWithLoss

    probs = [float(variant[k]) for k in ("p1", "p2", "p3")]
    rows = [[p, (1 - p) / 2, (1 - p) / 2] for p in probs]
    scores = np.log(np.array([rows]))
    return Value(TimeSoftmaxWithLoss().forward(scores, np.array([[0, -1, 0]])))


@probe("bilstm_parameter_count")
def bilstm_parameter_count(variant: Params, rng: np.random.Generator) -> Value:
    """Scalars of an engine TimeBiLSTM that receive a nonzero gradient from a backward pass."""
    from eprep.engine import TimeBiLSTM

    d, h = _int(variant, "D"), _int(variant, "H")

    def weights() -> list[np.ndarray]:
        return [
            rng.standard_normal((d, 4 * h)) / np.sqrt(d),
            rng.standard_normal((h, 4 * h)) / np.sqrt(h),
            rng.standard_normal(4 * h) * 0.1,
        ]

    layer = TimeBiLSTM(*weights(), *weights())
    out = layer.forward(rng.standard_normal((2, 3, d)))
    layer.backward(rng.standard_normal(out.shape))
    return Value(sum(int(np.count_nonzero(g)) for g in layer.grads))


@probe("lstm_forget_preactivation_gradient")
def lstm_forget_preactivation_gradient(variant: Params, rng: np.random.Generator) -> Value:
    """The forget block of db from the engine LSTM's backward (one sample, one unit, dh = 0)."""
    layer = _lstm_with_gates(variant["f"], variant["g"], variant["i"], variant["o"])
    layer.forward(np.zeros((1, 1)), np.zeros((1, 1)), np.array([[variant["c"]]]))
    layer.backward(np.zeros((1, 1)), np.array([[variant["dc"]]]))
    return Value(float(layer.grads[2][0]))


@code_probe("time_rnn_matches_engine")
def time_rnn_matches_engine(
    namespace: Mapping[str, Any], variant: Params, rng: np.random.Generator
) -> None:
    """The template's TimeRNN must give the engine TimeRNN's outputs, dxs, grads and dh."""
    from eprep.engine import TimeRNN

    if "TimeRNN" not in namespace:
        raise AssertionError("the completed code defines no class TimeRNN")
    weights = [rng.standard_normal((3, 2)), rng.standard_normal((2, 2)), rng.standard_normal(2)]
    mine = namespace["TimeRNN"](*(w.copy() for w in weights))
    theirs = TimeRNN(weights[0], weights[1], weights[2])
    xs, dhs = rng.standard_normal((2, 5, 3)), rng.standard_normal((2, 5, 2))
    with np.errstate(all="ignore"):
        _same("hs", mine.forward(xs.copy()), theirs.forward(xs))
        _same("dxs", mine.backward(dhs.copy()), theirs.backward(dhs))
    for k, (a, b) in enumerate(zip(mine.grads, theirs.grads, strict=True)):
        _same(f"grads[{k}]", a, b)


@code_probe("time_softmax_loss_matches_engine")
def time_softmax_loss_matches_engine(
    namespace: Mapping[str, Any], variant: Params, rng: np.random.Generator
) -> None:
    """The template's TimeSoftmaxWithLoss must match the engine's, ignored labels included."""
    from eprep.engine import TimeSoftmaxWithLoss

    if "TimeSoftmaxWithLoss" not in namespace:
        raise AssertionError("the completed code defines no class TimeSoftmaxWithLoss")
    xs = rng.standard_normal((2, 4, 5))
    ts = rng.integers(0, 5, (2, 4))
    ts[0, 1] = ts[1, 3] = -1
    mine, theirs = namespace["TimeSoftmaxWithLoss"](), TimeSoftmaxWithLoss()
    with np.errstate(all="ignore"):
        _same("the loss", mine.forward(xs.copy(), ts.copy()), theirs.forward(xs, ts))
        _same("dxs", mine.backward(1.0), theirs.backward(1.0))


@code_probe("unigram_sampler_matches_engine")
def unigram_sampler_matches_engine(
    namespace: Mapping[str, Any], variant: Params, rng: np.random.Generator
) -> None:
    """The template's UnigramSampler.word_p must match the frequencies the engine's draws show.

    The engine's sampler draws 100,000 negatives for a target outside the corpus; the template's
    probabilities must lie within 5 standard errors of the drawn frequencies.
    """
    from eprep.engine import UnigramSampler

    if "UnigramSampler" not in namespace:
        raise AssertionError("the completed code defines no class UnigramSampler")
    corpus = np.repeat(np.arange(1, 5), [1, 16, 81, 256])  # id 0 never occurs
    mine = np.asarray(namespace["UnigramSampler"](corpus, 0.75, 1).word_p, dtype=float)
    draws = 100_000
    drawn = UnigramSampler(corpus, 0.75, 1, rng).get_negative_sample(np.zeros(draws, dtype=int))
    freq = np.bincount(drawn[:, 0], minlength=5) / draws
    if mine.shape != freq.shape:
        raise AssertionError(f"word_p has shape {mine.shape}, expected {freq.shape}")
    se = np.sqrt(np.maximum(freq * (1 - freq), 1e-12) / draws)
    worst = int(np.argmax(np.abs(mine - freq) / se))
    if abs(mine[worst] - freq[worst]) > 5 * se[worst]:
        raise AssertionError(
            f"word {worst}: word_p = {mine[worst]:.4f} but the sampler draws it "
            f"{freq[worst]:.4f} of the time"
        )


@code_probe("embedding_dot_matches_engine")
def embedding_dot_matches_engine(
    namespace: Mapping[str, Any], variant: Params, rng: np.random.Generator
) -> None:
    """The template's EmbeddingDot must give the engine's scores, dh and dW."""
    from eprep.engine import EmbeddingDot

    if "EmbeddingDot" not in namespace:
        raise AssertionError("the completed code defines no class EmbeddingDot")
    W, h = rng.standard_normal((6, 3)), rng.standard_normal((4, 3))
    idx = np.array([1, 5, 1, 0])
    mine, theirs = namespace["EmbeddingDot"](W.copy()), EmbeddingDot(W.copy())
    with np.errstate(all="ignore"):
        _same("the scores", mine.forward(h.copy(), idx), theirs.forward(h, idx))
        dout = rng.standard_normal(4)
        _same("dh", mine.backward(dout.copy()), theirs.backward(dout))
    _same("dW", mine.grads[0], theirs.grads[0])


@code_probe("weight_sum_matches_engine")
def weight_sum_matches_engine(
    namespace: Mapping[str, Any], variant: Params, rng: np.random.Generator
) -> None:
    """The template's WeightSum must give the engine's context vector and gradients."""
    from eprep.engine import WeightSum

    if "WeightSum" not in namespace:
        raise AssertionError("the completed code defines no class WeightSum")
    hs, a = rng.standard_normal((2, 5, 3)), rng.random((2, 5))
    mine, theirs = namespace["WeightSum"](), WeightSum()
    with np.errstate(all="ignore"):
        _same("the context", mine.forward(hs.copy(), a.copy()), theirs.forward(hs, a))
        dc = rng.standard_normal((2, 3))
        pairs = zip(_as_tuple(mine.backward(dc.copy())), theirs.backward(dc), strict=True)
        for k, (x, y) in enumerate(pairs):
            _same(f"backward output {k}", x, y)


@probe("cbow_hidden")
def cbow_hidden(variant: Params, rng: np.random.Generator) -> Value:
    """The hidden value the engine's CBOW hands to its loss, for two context words (D = 1)."""
    from eprep.engine import CBOW

    W_in = np.array([[0.0], [float(variant["u1"])], [float(variant["u2"])], [0.0], [0.0]])
    model = CBOW(W_in, rng.standard_normal((5, 1)), np.arange(5), sample_size=2, rng=rng)
    seen = []
    forward = model.loss_layer.forward

    def spy(h: np.ndarray, target: np.ndarray) -> float:
        seen.append(np.array(h, copy=True))
        return forward(h, target)

    model.loss_layer.forward = spy  # type: ignore[method-assign]  # a spy on the real call
    model.forward(np.array([[1, 2]]), np.array([3]))
    return Value(float(seen[0][0, 0]))


@probe("beam_candidates")
def beam_candidates(variant: Params, rng: np.random.Generator) -> Value:
    """Candidates the engine's beam search compares at its third step (beam width k, V tokens)."""
    from eprep.engine import beam_search

    k, vocabulary = _int(variant, "k"), _int(variant, "V")
    compared: list[int] = []

    def next_log_probs(prefixes: np.ndarray) -> np.ndarray:
        logits = rng.standard_normal((len(prefixes), vocabulary))  # a random next-token model
        scores = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
        compared.append(scores.size)  # every kept prefix times every token
        return scores

    beam_search(next_log_probs, 0, k, 3)
    return Value(compared[2])


@probe("attention_decoder_head_parameters")
def attention_decoder_head_parameters(variant: Params, rng: np.random.Generator) -> Value:
    """Parameters of the Affine after an engine TimeAttention in a DLFS2-style decoder.

    The decoder concatenates each context vector with its hidden state; the width of that
    concatenation is measured on real outputs, an engine TimeAffine to V words is built on it,
    and its parameters that a backward pass reaches are counted.
    """
    from eprep.engine import TimeAffine, TimeAttention

    h, vocabulary = _int(variant, "H"), _int(variant, "V")
    enc, dec = rng.standard_normal((2, 4, h)), rng.standard_normal((2, 3, h))
    joined = np.concatenate((TimeAttention().forward(enc, dec), dec), axis=2)
    head = TimeAffine(rng.standard_normal((joined.shape[2], vocabulary)), np.zeros(vocabulary))
    out = head.forward(joined)
    head.backward(rng.standard_normal(out.shape))
    return Value(sum(int(np.count_nonzero(g)) for g in head.grads))
