"""Recurrent networks, word2vec, language models and attention, from their defining equations.

Each cell is written once as SymPy equations — the RNN step h' = tanh(h Wh + x Wx + b), the LSTM
c' = f c + g i and h' = o tanh(c') with sigmoid gates and a tanh candidate, the GRU
h' = (1 - z) h + z tanh(x Wx + (r h) Wh + b) — and every quantity a question asks about (a state,
a gradient by `sympy.diff`, a state after T steps by iterating the step) is derived from those.
Parameter counts add up the parameter shapes a cell's blocks define. The sigmoid is written
through exp; tanh is SymPy's own (its exp form makes exact comparisons of nested steps
undecidable), so nothing here borrows the grammar's or the engine's functions.
"""

from __future__ import annotations

from typing import Any

import sympy

from eprep.checker.references import (
    CodeDefinition,
    Params,
    Pick,
    arg,
    code_reference,
    float_close,
    from_float,
    grid,
    integer,
    reference,
)

# Blocks of each cell: each block is an affine map of (x, h) with its own bias, as the cells'
# equations above define them (the RNN's one tanh; the LSTM's f, g, i, o; the GRU's z, r, h~).
CELL_BLOCKS = {"rnn": ("h",), "lstm": ("f", "g", "i", "o"), "gru": ("z", "r", "candidate")}
# The activation of each LSTM block (Hochreiter & Schmidhuber 1997; DLFS2 §6.2).
LSTM_ACTIVATIONS = {"f": "sigmoid", "g": "tanh", "i": "sigmoid", "o": "sigmoid"}
# Order of the fused blocks in each library's weights (DLFS2 time_layers.py LSTM.forward slices
# f, g, i, o; torch.nn.LSTM documents weight_ih as W_ii|W_if|W_ig|W_io; Keras i, f, c, o).
LSTM_LAYOUTS = {"dlfs2": "fgio", "pytorch": "ifgo", "keras": "ifco"}


def sigmoid(x: sympy.Expr) -> sympy.Expr:
    return 1 / (1 + sympy.exp(-x))


def tanh(x: sympy.Expr) -> sympy.Expr:
    return sympy.tanh(x)


def rnn_step(h: sympy.Expr, x: sympy.Expr, wh: sympy.Expr, wx: sympy.Expr, b: sympy.Expr):
    return tanh(h * wh + x * wx + b)


def lstm_step(f, g, i, o, c_prev):
    """(h_next, c_next) of one LSTM unit from its gate values."""
    c_next = f * c_prev + g * i
    return o * tanh(c_next), c_next


def gru_step(z, candidate, h_prev):
    return (1 - z) * h_prev + z * candidate


@reference("recurrent_parameter_count")
def recurrent_parameter_count(p: Params, *, cell: str) -> sympy.Expr:
    """Per block: an input matrix (D, H), a recurrent matrix (H, H) and a bias (H,)."""
    d, h = p["D"], p["H"]
    per_block = d * h + h * h + h
    return sum((per_block for _ in CELL_BLOCKS[cell]), sympy.S.Zero)


@reference("rnn_scalar_step")
def rnn_scalar_step(p: Params) -> sympy.Expr:
    return rnn_step(p["h0"], p["x"], p["wh"], p["wx"], p["b"])


@reference("rnn_gradient_to_initial_state")
def rnn_gradient_to_initial_state(p: Params) -> sympy.Expr:
    """d h_T / d h_0 with zero inputs and no bias, by differentiating T composed steps."""
    h0 = sympy.Dummy("h0", real=True)
    h = h0
    for _ in range(integer(p["T"])):
        h = rnn_step(h, 0, p["w"], 0, 0)
    return sympy.diff(h, h0).subs(h0, p["h0"])


@reference("rnn_gradient_growth")
def rnn_gradient_growth(p: Params, *, steps: int = 30) -> Pick:
    """In tanh's linear regime each BPTT step multiplies the gradient's norm by s."""
    factor = p["s"] ** (steps - 1)
    return Pick(
        {
            "vanish": sympy.Lt(factor, sympy.Rational(1, 100)),
            "explode": sympy.Gt(factor, 100),
            "steady": sympy.And(factor >= sympy.Rational(1, 100), factor <= 100),
            "sign": sympy.false,
        }
    )


@reference("clipped_gradient")
def clipped_gradient(p: Params, *, entry: str = "a1", others: tuple = ("a2", "b1")) -> sympy.Expr:
    """Every gradient scaled by min(1, c / (||g|| + 1e-6)), ||g|| the L2 norm of all of them."""
    norm = sympy.sqrt(sum((p[name] ** 2 for name in (entry, *others)), sympy.S.Zero))
    rate = p["c"] / (norm + sympy.Rational(1, 10**6))
    return p[entry] * sympy.Min(1, rate)


@reference("tanh_derivative_by_output")
def tanh_derivative_by_output(p: Params) -> sympy.Expr:
    """d tanh(a) / da written in terms of h = tanh(a)."""
    a = sympy.Symbol("a", real=True)
    slope = sympy.diff(tanh(a), a)
    return sympy.simplify(slope.subs(a, sympy.atanh(p["h"])))


@reference("truncated_bptt")
def truncated_bptt(p: Params) -> Pick:
    """Two chunks of a scalar RNN; truncation treats the boundary state as a constant.

    The full graph's last output depends on the first chunk's input (the state is carried);
    the truncated backward pass differentiates with the boundary state frozen.
    """
    x1, x2, w = sympy.symbols("x1 x2 w", real=True)
    boundary = sympy.Symbol("h_boundary", real=True)
    full = rnn_step(rnn_step(0, x1, w, 1, 0), x2, w, 1, 0)
    truncated = rnn_step(boundary, x2, w, 1, 0)  # what the second chunk's backward sees
    carries = sympy.simplify(sympy.diff(full, x1)) != 0
    crosses = sympy.diff(truncated, x1) != 0
    return Pick(
        {
            "state-forward-only": sympy.sympify(carries and not crosses),
            "both": sympy.sympify(carries and crosses),
            "neither": sympy.sympify(not carries and not crosses),
            "gradient-only": sympy.sympify(not carries and crosses),
        }
    )


@reference("bidirectional_output")
def bidirectional_output(p: Params) -> sympy.Expr:
    """Two directions' hidden states (H each) concatenated."""
    forward, backward = p["H"], p["H"]
    return forward + backward


@reference("lstm_cell")
def lstm_cell(p: Params, *, report: str) -> sympy.Expr:
    """The LSTM unit's new cell ("c") or output ("h"), or "dc_prev" = dL/dc_prev given dc."""
    c_prev = sympy.Dummy("c_prev", real=True)
    h_next, c_next = lstm_step(p["f"], p["g"], p["i"], p["o"], c_prev)
    if report == "c":
        return c_next.subs(c_prev, p["c"])
    if report == "h":
        return h_next.subs(c_prev, p["c"])
    if report == "dc_prev":  # only dL/dc_next arrives; chain rule through c_next
        return p["dc"] * sympy.diff(c_next, c_prev).subs(c_prev, p["c"])
    raise ValueError(f"unknown report {report!r}")


@reference("lstm_forget_decay")
def lstm_forget_decay(p: Params) -> sympy.Expr:
    """The cell after T steps with the forget gate held at f and the input gate closed."""
    c = p["c0"]
    for _ in range(integer(p["T"])):
        _, c = lstm_step(p["f"], 0, 0, 1, c)
    return c


@reference("lstm_gate_order")
def lstm_gate_order(p: Params, *, library: str = "dlfs2") -> Pick:
    return Pick({order: sympy.sympify(order == LSTM_LAYOUTS[library]) for order in _ORDERS})


_ORDERS = ("fgio", "ifgo", "fiog", "giof")


@reference("lstm_gate_activations")
def lstm_gate_activations(p: Params) -> Pick:
    """Which blocks are sigmoids and which tanh, read off the LSTM's definition."""
    sigmoids = {k for k, v in LSTM_ACTIVATIONS.items() if v == "sigmoid"}
    return Pick(
        {
            "g-tanh": sympy.sympify(sigmoids == {"f", "i", "o"}),
            "all-sigmoid": sympy.sympify(len(sigmoids) == 4),
            "all-tanh": sympy.sympify(not sigmoids),
            "swapped": sympy.sympify(sigmoids == {"g"}),
        }
    )


@reference("gru_update")
def gru_update(p: Params) -> sympy.Expr:
    return gru_step(p["z"], p["cand"], p["h"])


@reference("gru_reset_role")
def gru_reset_role(p: Params) -> Pick:
    """With r = 0 the candidate tanh(x wx + (r h) wh + b) loses h and keeps x."""
    x, h, wx, wh, b, r = sympy.symbols("x h w_x w_h b r", real=True)
    candidate = tanh(x * wx + (r * h) * wh + b).subs(r, 0)
    ignores_h = sympy.simplify(sympy.diff(candidate, h)) == 0
    uses_x = sympy.simplify(sympy.diff(candidate, x)) != 0
    closed_state = gru_step(1, candidate, h)  # z = 1: the state is the candidate itself
    zeroes_state = sympy.simplify(closed_state) == 0
    return Pick(
        {
            "forget-past": sympy.sympify(ignores_h and uses_x),
            "copy": sympy.false,  # copying h_{t-1} is z = 0, a different gate
            "zero-state": sympy.sympify(zeroes_state),
            "ignore-input": sympy.sympify(not uses_x),
        }
    )


@reference("unigram_power")
def unigram_power(p: Params, *, word: str = "nA", words: tuple = ("nA", "nB", "nC")) -> sympy.Expr:
    """P(w) proportional to count(w) ** (3/4), normalised over the vocabulary."""
    power = sympy.Rational(3, 4)
    return p[word] ** power / sum((p[w] ** power for w in words), sympy.S.Zero)


@reference("embedding_repeated_gradient")
def embedding_repeated_gradient(p: Params) -> sympy.Expr:
    """L = sum over the batch rows of dout_n * W[idx_n]; the word appears m times."""
    row = sympy.Symbol("W_word", real=True)
    loss = p["m"] * p["g"] * row  # m rows read the same W[word], each with upstream g
    return sympy.diff(loss, row)


def _perplexity(probabilities) -> sympy.Expr:
    """exp of the mean negative log-likelihood."""
    mean = sum((-sympy.log(q) for q in probabilities), sympy.S.Zero) / len(probabilities)
    return sympy.exp(mean)


@reference("perplexity")
def perplexity(p: Params) -> sympy.Expr:
    return _perplexity([p["p1"], p["p2"]])


@reference("cross_entropy_from_perplexity")
def cross_entropy_from_perplexity(p: Params) -> sympy.Expr:
    """The mean cross-entropy L with perplexity exp(L) = PP."""
    loss = sympy.Symbol("L", real=True)
    (solution,) = sympy.solve(sympy.Eq(sympy.exp(loss), p["PP"]), loss)
    return solution


def _scores(p: Params, scale: sympy.Expr) -> tuple[sympy.Expr, sympy.Expr]:
    query = sympy.Matrix([p["q1"], p["q2"]])
    first = sympy.Matrix([p["a1"], p["a2"]])
    second = sympy.Matrix([p["b1"], p["b2"]])
    return first.dot(query) / scale, second.dot(query) / scale


@reference("attention_weight")
def attention_weight(p: Params, *, scaled: bool = False) -> sympy.Expr:
    """The softmax over the encoder states of their dot products with the query."""
    s1, s2 = _scores(p, sympy.sqrt(2) if scaled else sympy.S.One)
    return sympy.exp(s1) / (sympy.exp(s1) + sympy.exp(s2))


@reference("attention_context")
def attention_context(p: Params, *, component: str = "1") -> sympy.Expr:
    """The weighted sum of the encoder states, one component."""
    s1, s2 = _scores(p, sympy.S.One)
    total = sympy.exp(s1) + sympy.exp(s2)
    first = arg(p, "a1" if component == "1" else "a2")
    second = arg(p, "b1" if component == "1" else "b2")
    return sympy.exp(s1) / total * first + sympy.exp(s2) / total * second


@reference("skipgram_binary_losses")
def skipgram_binary_losses(p: Params) -> sympy.Expr:
    """Each of the 2w context words is one positive pair plus k sampled negatives."""
    context_words = 2 * p["w"]
    return context_words * (1 + p["k"])


# --- code references: each driver runs the completed template on inputs floats hold exactly ---


def _flat(values: Any) -> list[float]:
    import numpy as np

    return np.asarray(values, dtype=float).ravel().tolist()


def _weights(rng: Any, gates: int) -> dict[str, list[float]]:
    """Weights of a one-input, one-unit cell: Wx (1, gates), Wh (1, gates), b (gates,)."""
    return {
        name: grid(rng, shape).tolist()
        for name, shape in (("Wx", (1, gates)), ("Wh", (1, gates)), ("b", (gates,)))
    }


def _cell(namespace: dict, cls: str, w: dict) -> Any:
    import numpy as np

    return namespace[cls](np.array(w["Wx"]), np.array(w["Wh"]), np.array(w["b"]))


def _exact_rows(w: dict, key: str) -> list[sympy.Expr]:
    rows = w[key][0] if key != "b" else w[key]
    return [from_float(v) for v in rows]


def _mismatches(label: str, got: list[float], want: list[sympy.Expr]) -> list[str]:
    if len(got) != len(want):
        return [f"{label} has {len(got)} entries, the definition {len(want)}"]
    return [
        f"{label}[{k}] = {g}, the definition {float(sympy.N(v, 20)):.12g}"
        for k, (g, v) in enumerate(zip(got, want, strict=True))
        if not float_close(g, v)
    ][:3]


@code_reference("rnn_forward_code")
def rnn_forward_code() -> CodeDefinition:
    """RNN.forward(x, h_prev) must be tanh(h_prev Wh + x Wx + b) at every sample."""

    def drive(namespace, rng):
        w = _weights(rng, 1)
        x, h = grid(rng, (3, 1)), grid(rng, (3, 1))
        out = _cell(namespace, "RNN", w).forward(x, h)
        return {**w, "x": _flat(x), "h": _flat(h), "out": _flat(out)}

    def check(outputs):
        (wx,), (wh,), (b,) = (_exact_rows(outputs, k) for k in ("Wx", "Wh", "b"))
        want = [
            rnn_step(from_float(h), from_float(x), wh, wx, b)
            for x, h in zip(outputs["x"], outputs["h"], strict=True)
        ]
        return _mismatches("h_next", outputs["out"], want)

    return CodeDefinition(drive, check)


@code_reference("lstm_backward_code")
def lstm_backward_code() -> CodeDefinition:
    """LSTM.backward's dc_prev must be dL/dc_prev of L = dh h_next + dc c_next."""

    def drive(namespace, rng):
        w = _weights(rng, 4)
        x, h, c = grid(rng, (3, 1)), grid(rng, (3, 1)), grid(rng, (3, 1))
        dh, dc = grid(rng, (3, 1)), grid(rng, (3, 1))
        layer = _cell(namespace, "LSTM", w)
        layer.forward(x, h, c)
        _, _, dc_prev = layer.backward(dh, dc)
        values = {"x": x, "h": h, "c": c, "dh": dh, "dc": dc}
        return {**w, **{k: _flat(v) for k, v in values.items()}, "dc_prev": _flat(dc_prev)}

    def check(outputs):
        wx, wh, b = (_exact_rows(outputs, k) for k in ("Wx", "Wh", "b"))
        c_prev = sympy.Dummy("c_prev", real=True)
        want = []
        for x, h, c, dh, dc in zip(*(outputs[k] for k in ("x", "h", "c", "dh", "dc")), strict=True):
            pre = [from_float(x) * wx[k] + from_float(h) * wh[k] + b[k] for k in range(4)]
            f, g, i, o = sigmoid(pre[0]), tanh(pre[1]), sigmoid(pre[2]), sigmoid(pre[3])
            h_next, c_next = lstm_step(f, g, i, o, c_prev)
            loss = from_float(dh) * h_next + from_float(dc) * c_next
            want.append(sympy.diff(loss, c_prev).subs(c_prev, from_float(c)))
        return _mismatches("dc_prev", outputs["dc_prev"], want)

    return CodeDefinition(drive, check)


@code_reference("gru_forward_code")
def gru_forward_code() -> CodeDefinition:
    """GRU.forward must be (1 - z) h + z tanh(x Wxh + (r h) Whh + bh), z and r sigmoids."""

    def drive(namespace, rng):
        w = _weights(rng, 3)
        x, h = grid(rng, (3, 1)), grid(rng, (3, 1))
        out = _cell(namespace, "GRU", w).forward(x, h)
        return {**w, "x": _flat(x), "h": _flat(h), "out": _flat(out)}

    def check(outputs):
        wx, wh, b = (_exact_rows(outputs, k) for k in ("Wx", "Wh", "b"))
        want = []
        for x, h in zip(outputs["x"], outputs["h"], strict=True):
            x, h = from_float(x), from_float(h)
            z = sigmoid(x * wx[0] + h * wh[0] + b[0])
            r = sigmoid(x * wx[1] + h * wh[1] + b[1])
            candidate = tanh(x * wx[2] + (r * h) * wh[2] + b[2])
            want.append(gru_step(z, candidate, h))
        return _mismatches("h_next", outputs["out"], want)

    return CodeDefinition(drive, check)


@code_reference("embedding_backward_code")
def embedding_backward_code() -> CodeDefinition:
    """dW must be the gradient of L = sum_n dout_n . W[idx_n]: repeated ids add up."""

    def drive(namespace, rng):
        import numpy as np

        W = grid(rng, (4, 2))
        idx = np.array([2, 0, 2, 2, 3])
        dout = grid(rng, (5, 2))
        layer = namespace["Embedding"](W.copy())
        layer.forward(idx)
        layer.backward(dout)
        return {"idx": idx.tolist(), "dout": dout.tolist(), "dW": _flat(layer.grads[0])}

    def check(outputs):
        W = sympy.Matrix(4, 2, lambda i, j: sympy.Symbol(f"W_{i}{j}", real=True))
        loss = sum(
            (
                from_float(outputs["dout"][n][j]) * W[word, j]
                for n, word in enumerate(outputs["idx"])
                for j in range(2)
            ),
            sympy.S.Zero,
        )
        want = [sympy.diff(loss, W[i, j]) for i in range(4) for j in range(2)]
        return _mismatches("dW", outputs["dW"], want)

    return CodeDefinition(drive, check)


@code_reference("clip_grads_code")
def clip_grads_code() -> CodeDefinition:
    """Every gradient times min(1, c / (||g|| + 1e-6)), ||g|| the global L2 norm."""

    def drive(namespace, rng):
        runs = []
        for max_norm in (0.5, 100.0):
            grads = [grid(rng, (2, 2)), grid(rng, (3,))]
            before = [_flat(g) for g in grads]
            namespace["clip_grads"](grads, max_norm)
            runs.append(
                {"max_norm": max_norm, "before": before, "after": [_flat(g) for g in grads]}
            )
        return {"runs": runs}

    def check(outputs):
        problems = []
        for run in outputs["runs"]:
            values = [from_float(v) for g in run["before"] for v in g]
            norm = sympy.sqrt(sum((v**2 for v in values), sympy.S.Zero))
            rate = sympy.Min(1, from_float(run["max_norm"]) / (norm + sympy.Rational(1, 10**6)))
            got = [v for g in run["after"] for v in g]
            problems += _mismatches(f"max_norm {run['max_norm']}", got, [v * rate for v in values])
        return problems[:3]

    return CodeDefinition(drive, check)


@code_reference("attention_weight_code")
def attention_weight_code() -> CodeDefinition:
    """a must be the softmax over t of the dot products h . hs_t."""

    def drive(namespace, rng):
        hs, h = grid(rng, (1, 3, 2)), grid(rng, (1, 2))
        a = namespace["AttentionWeight"]().forward(hs, h)
        return {"hs": hs[0].tolist(), "h": h[0].tolist(), "a": _flat(a)}

    def check(outputs):
        query = sympy.Matrix([from_float(v) for v in outputs["h"]])
        scores = [sympy.Matrix([from_float(v) for v in row]).dot(query) for row in outputs["hs"]]
        total = sum((sympy.exp(s) for s in scores), sympy.S.Zero)
        return _mismatches("a", outputs["a"], [sympy.exp(s) / total for s in scores])

    return CodeDefinition(drive, check)


@reference("rnn_gradient_ratio")
def rnn_gradient_ratio(p: Params) -> sympy.Expr:
    """In tanh's linear regime a step multiplies the gradient by Wh^T; with every singular value s
    each step scales its norm by exactly s (Wh = s Q, Q orthogonal), so T steps by s^T."""
    steps = integer(p["T"])
    q = sympy.Matrix([[0, -1], [1, 0]])  # an orthogonal matrix: rotations keep norms
    jacobian = (p["s"] * q.T) ** steps
    g = sympy.Matrix([1, 0])
    return sympy.sqrt((jacobian * g).dot(jacobian * g))


@reference("masked_sequence_loss")
def masked_sequence_loss(p: Params) -> sympy.Expr:
    """The mean of -log p over the positions whose label is not -1 (the middle one is)."""
    counted = [p["p1"], p["p3"]]
    return sum((-sympy.log(q) for q in counted), sympy.S.Zero) / len(counted)


@reference("bilstm_parameter_count")
def bilstm_parameter_count(p: Params) -> sympy.Expr:
    """Two LSTMs, one per direction, each with its own weights."""
    return 2 * recurrent_parameter_count(p, cell="lstm")


@reference("lstm_forget_preactivation_gradient")
def lstm_forget_preactivation_gradient(p: Params) -> sympy.Expr:
    """dL/da_f for L = dc * c_next, with f = sigmoid(a_f), from the LSTM's equations."""
    a_f = sympy.Symbol("a_f", real=True)
    f_value = p["f"]
    a_value = sympy.log(f_value / (1 - f_value))  # the pre-activation that gives this f
    _, c_next = lstm_step(sigmoid(a_f), p["g"], p["i"], p["o"], p["c"])
    return sympy.simplify(p["dc"] * sympy.diff(c_next, a_f)).subs(a_f, a_value)


@code_reference("time_rnn_backward_code")
def time_rnn_backward_code() -> CodeDefinition:
    """dxs and grads of TimeRNN: SymPy differentiates L = sum_t dh_t h_t of the unrolled steps."""

    def drive(namespace, rng):
        w = _weights(rng, 1)
        xs, dhs = grid(rng, (1, 3, 1)), grid(rng, (1, 3, 1))
        layer = namespace["TimeRNN"](*(np_array(w[k]) for k in ("Wx", "Wh", "b")))
        layer.forward(xs)
        dxs = layer.backward(dhs)
        grads = [_flat(g) for g in layer.grads]
        return {**w, "xs": _flat(xs), "dhs": _flat(dhs), "dxs": _flat(dxs), "grads": grads}

    def check(outputs):
        wx, wh, b = (sympy.Symbol(n, real=True) for n in ("w_x", "w_h", "b"))
        xs = [sympy.Symbol(f"x{t}", real=True) for t in range(3)]
        h, loss = sympy.S.Zero, sympy.S.Zero
        for t, x in enumerate(xs):
            h = rnn_step(h, x, wh, wx, b)
            loss += from_float(outputs["dhs"][t]) * h
        (wx0,), (wh0,), (b0,) = (_exact_rows(outputs, k) for k in ("Wx", "Wh", "b"))
        values = {
            wx: wx0,
            wh: wh0,
            b: b0,
            **{x: from_float(v) for x, v in zip(xs, outputs["xs"], strict=True)},
        }

        def grad(symbol):
            return sympy.diff(loss, symbol).subs(values)

        problems = _mismatches("dxs", outputs["dxs"], [grad(x) for x in xs])
        for label, symbol, got in zip(
            ("dWx", "dWh", "db"), (wx, wh, b), outputs["grads"], strict=True
        ):
            problems += _mismatches(label, got, [grad(symbol)])
        return problems[:3]

    return CodeDefinition(drive, check)


def np_array(values: Any) -> Any:
    import numpy as np

    return np.array(values, dtype=float)


@code_reference("time_softmax_loss_code")
def time_softmax_loss_code() -> CodeDefinition:
    """Loss and dxs of TimeSoftmaxWithLoss: the mean of -log softmax over unignored positions."""

    def drive(namespace, rng):
        import numpy as np

        xs = grid(rng, (1, 3, 3))
        ts = np.array([[2, -1, 0]])
        layer = namespace["TimeSoftmaxWithLoss"]()
        loss = float(layer.forward(xs, ts))
        return {
            "xs": xs[0].tolist(),
            "ts": ts[0].tolist(),
            "loss": loss,
            "dxs": _flat(layer.backward(1.0)),
        }

    def check(outputs):
        a = sympy.Matrix(3, 3, lambda i, j: sympy.Symbol(f"a{i}{j}", real=True))
        counted = [(t, label) for t, label in enumerate(outputs["ts"]) if label != -1]
        loss = sum(
            (
                -sympy.log(sympy.exp(a[t, k]) / sum(sympy.exp(a[t, j]) for j in range(3)))
                for t, k in counted
            ),
            sympy.S.Zero,
        ) / len(counted)
        values = {a[i, j]: from_float(outputs["xs"][i][j]) for i in range(3) for j in range(3)}
        problems = _mismatches("the loss", [outputs["loss"]], [loss.subs(values)])
        return problems + _mismatches(
            "dxs", outputs["dxs"], [sympy.diff(loss, s).subs(values) for s in a]
        )

    return CodeDefinition(drive, check)


@code_reference("lstm_forward_code")
def lstm_forward_code() -> CodeDefinition:
    """h_next and c_next of LSTM.forward from the gate equations (blocks f, g, i, o)."""

    def drive(namespace, rng):
        w = _weights(rng, 4)
        x, h, c = grid(rng, (3, 1)), grid(rng, (3, 1)), grid(rng, (3, 1))
        h_next, c_next = _cell(namespace, "LSTM", w).forward(x, h, c)
        return {
            **w,
            "x": _flat(x),
            "h": _flat(h),
            "c": _flat(c),
            "h_next": _flat(h_next),
            "c_next": _flat(c_next),
        }

    def check(outputs):
        wx, wh, b = (_exact_rows(outputs, k) for k in ("Wx", "Wh", "b"))
        want_h, want_c = [], []
        for x, h, c in zip(outputs["x"], outputs["h"], outputs["c"], strict=True):
            pre = [from_float(x) * wx[k] + from_float(h) * wh[k] + b[k] for k in range(4)]
            gates = sigmoid(pre[0]), tanh(pre[1]), sigmoid(pre[2]), sigmoid(pre[3])
            h_next, c_next = lstm_step(*gates, from_float(c))
            want_h.append(h_next)
            want_c.append(c_next)
        return _mismatches("c_next", outputs["c_next"], want_c) + _mismatches(
            "h_next", outputs["h_next"], want_h
        )

    return CodeDefinition(drive, check)


@code_reference("unigram_sampler_code")
def unigram_sampler_code() -> CodeDefinition:
    """word_p must be count ** (3/4) normalised, word by word."""

    def drive(namespace, rng):
        import numpy as np

        counts = [0, 1, 16, 81, 625]
        corpus = np.repeat(np.arange(5), counts)
        sampler = namespace["UnigramSampler"](corpus, 0.75, 1)
        return {"counts": counts, "word_p": _flat(sampler.word_p)}

    def check(outputs):
        powered = [sympy.Integer(c) ** sympy.Rational(3, 4) for c in outputs["counts"]]
        total = sum(powered, sympy.S.Zero)
        return _mismatches("word_p", outputs["word_p"], [w / total for w in powered])

    return CodeDefinition(drive, check)


@code_reference("embedding_dot_code")
def embedding_dot_code() -> CodeDefinition:
    """Each score is the dot product of h_n with row idx_n of W."""

    def drive(namespace, rng):
        import numpy as np

        W, h = grid(rng, (4, 2)), grid(rng, (3, 2))
        idx = np.array([0, 2, 2])
        out = namespace["EmbeddingDot"](W).forward(h, idx)
        return {"W": W.tolist(), "h": h.tolist(), "idx": idx.tolist(), "out": _flat(out)}

    def check(outputs):
        W, h = outputs["W"], outputs["h"]
        want = [
            sum((from_float(W[word][j]) * from_float(h[n][j]) for j in range(2)), sympy.S.Zero)
            for n, word in enumerate(outputs["idx"])
        ]
        return _mismatches("the scores", outputs["out"], want)

    return CodeDefinition(drive, check)


@code_reference("weight_sum_code")
def weight_sum_code() -> CodeDefinition:
    """The context vector c = sum_t a_t hs_t, component by component."""

    def drive(namespace, rng):
        hs, a = grid(rng, (1, 3, 2)), grid(rng, (1, 3))
        c = namespace["WeightSum"]().forward(hs, a)
        return {"hs": hs[0].tolist(), "a": a[0].tolist(), "c": _flat(c)}

    def check(outputs):
        hs, a = outputs["hs"], outputs["a"]
        want = [
            sum((from_float(a[t]) * from_float(hs[t][j]) for t in range(3)), sympy.S.Zero)
            for j in range(2)
        ]
        return _mismatches("c", outputs["c"], want)

    return CodeDefinition(drive, check)


@reference("cbow_hidden")
def cbow_hidden(p: Params) -> sympy.Expr:
    """CBOW's hidden layer: the mean of the context words' input vectors."""
    context = [p["u1"], p["u2"]]
    return sum(context, sympy.S.Zero) / len(context)


@reference("beam_candidates")
def beam_candidates(p: Params) -> sympy.Expr:
    """After the first steps k prefixes are kept, and each is extended by each of the V tokens."""
    kept_prefixes, tokens = p["k"], p["V"]
    return kept_prefixes * tokens


@reference("attention_decoder_head_parameters")
def attention_decoder_head_parameters(p: Params) -> sympy.Expr:
    """The head maps the concatenation [c; h] (H + H features) to V scores, with a bias."""
    features = p["H"] + p["H"]  # the context vector and the decoder's hidden state
    return features * p["V"] + p["V"]
