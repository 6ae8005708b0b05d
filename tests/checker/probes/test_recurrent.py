"""The day3 probes against hand computations in this file (loops over steps, plain math).

Each test also feeds the probe's measurement a deliberately wrong key and checks that the two
disagree, so a probe that echoed any number could not pass.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from eprep.checker.probes import OptionId, get_code_probe, get_probe

from .bank_probes import run
from .bank_probes import variants as bank_variants


def variants(question_id: str, count: int = 6) -> list[dict[str, float]]:
    return bank_variants(question_id, count)


def _differs(measured: float, wrong: float) -> bool:
    return not math.isclose(measured, wrong, rel_tol=1e-6, abs_tol=1e-9)


@pytest.mark.parametrize(
    ("question_id", "blocks"),
    [("day3.rnn.param-count", 1), ("day3.lstm.param-count", 4), ("day3.gru.param-count", 3)],
)
def test_parameter_counts_by_listing_the_shapes(question_id: str, blocks: int) -> None:
    for values in variants(question_id, 4):
        d, h = int(values["D"]), int(values["H"])
        # Each block: an input weight matrix, a recurrent one and a bias vector, listed here.
        shapes = [(d, h), (h, h), (h,)] * blocks
        expected = sum(math.prod(s) for s in shapes)
        measured = run(question_id, values)
        assert measured == expected
        assert _differs(measured, expected - blocks * h)  # the key without biases


@pytest.mark.parametrize("values", variants("day3.rnn.scalar-step"))
def test_rnn_scalar_step(values: dict[str, float]) -> None:
    pre = values["h0"] * values["wh"] + values["x"] * values["wx"] + values["b"]
    measured = run("day3.rnn.scalar-step", values)
    assert measured == pytest.approx(math.tanh(pre), rel=1e-12)
    assert _differs(measured, pre)


@pytest.mark.parametrize("values", variants("day3.rnn.bptt-initial-gradient"))
def test_rnn_gradient_to_the_initial_state_by_finite_differences(values: dict[str, float]) -> None:
    w, h0, steps = values["w"], values["h0"], int(values["T"])

    def last(h: float) -> float:
        for _ in range(steps):
            h = math.tanh(w * h)
        return h

    eps = 1e-6
    expected = (last(h0 + eps) - last(h0 - eps)) / (2 * eps)
    measured = run("day3.rnn.bptt-initial-gradient", values)
    assert measured == pytest.approx(expected, rel=1e-6)
    assert _differs(measured, w**steps)


def test_rnn_gradient_growth_names_each_regime() -> None:
    probe = get_probe("rnn_gradient_growth")
    rng = np.random.default_rng(0)
    assert probe({"s": 0.6}, rng) == OptionId("vanish")
    assert probe({"s": 1.6}, rng) == OptionId("explode")
    assert probe({"s": 1.0}, rng) == OptionId("steady")


@pytest.mark.parametrize("values", variants("day3.rnn.clipped-entry"))
def test_clipped_entry(values: dict[str, float]) -> None:
    norm = math.sqrt(values["a1"] ** 2 + values["a2"] ** 2 + values["b1"] ** 2)
    expected = values["a1"] * min(1.0, values["c"] / norm)
    measured = run("day3.rnn.clipped-entry", values)
    assert measured == pytest.approx(expected, rel=1e-5)
    assert _differs(measured, values["a1"])


@pytest.mark.parametrize("values", variants("day3.lstm.cell-update"))
def test_lstm_cell_and_hidden_state(values: dict[str, float]) -> None:
    c = values["f"] * values["c"] + values["g"] * values["i"]
    assert run("day3.lstm.cell-update", values) == pytest.approx(c, rel=1e-9)
    hidden = get_probe("lstm_cell_state")(values, np.random.default_rng(0), report="h").value
    assert hidden == pytest.approx(values["o"] * math.tanh(c), rel=1e-9)
    assert _differs(hidden, values["o"] * c)


@pytest.mark.parametrize("values", variants("day3.lstm.cell-gradient"))
def test_lstm_cell_gradient_by_finite_differences(values: dict[str, float]) -> None:
    def cell(c_prev: float) -> float:
        return values["f"] * c_prev + values["g"] * values["i"]

    eps = 1e-6
    expected = values["dc"] * (cell(values["c"] + eps) - cell(values["c"] - eps)) / (2 * eps)
    measured = run("day3.lstm.cell-gradient", values)
    assert measured == pytest.approx(expected, rel=1e-6)
    assert _differs(measured, values["dc"])


def test_lstm_gate_order_is_found_by_experiment() -> None:
    assert get_probe("lstm_gate_order")({}, np.random.default_rng(0)) == OptionId("fgio")


@pytest.mark.parametrize("values", variants("day3.gru.update"))
def test_gru_update(values: dict[str, float]) -> None:
    z, h, cand = values["z"], values["h"], values["cand"]
    measured = run("day3.gru.update", values)
    assert measured == pytest.approx((1 - z) * h + z * cand, rel=1e-9)
    assert _differs(measured, z * h + (1 - z) * cand)  # PyTorch's roles


@pytest.mark.parametrize("values", variants("day3.word2vec.negative-sampling-probability", 4))
def test_negative_sampling_frequency(values: dict[str, float]) -> None:
    counts = [values["nA"], values["nB"], values["nC"]]
    expected = counts[0] ** 0.75 / sum(c**0.75 for c in counts)
    measured = run("day3.word2vec.negative-sampling-probability", values)
    assert abs(measured - expected) < 5 * math.sqrt(expected * (1 - expected) / 200_000)
    assert abs(measured - counts[0] / sum(counts)) > 0.005  # the unpowered frequency is far


@pytest.mark.parametrize("values", variants("day3.word2vec.embedding-gradient"))
def test_embedding_gradient_sums_repeats(values: dict[str, float]) -> None:
    measured = run("day3.word2vec.embedding-gradient", values)
    assert measured == pytest.approx(values["m"] * values["g"], rel=1e-12)
    assert _differs(measured, values["g"])


@pytest.mark.parametrize("values", variants("day3.language-model.perplexity"))
def test_perplexity(values: dict[str, float]) -> None:
    expected = 1 / math.sqrt(values["p1"] * values["p2"])  # geometric mean, by hand
    measured = run("day3.language-model.perplexity", values)
    assert measured == pytest.approx(expected, rel=1e-9)
    assert _differs(measured, 2 / (values["p1"] + values["p2"]))


@pytest.mark.parametrize("values", variants("day3.attention.context"))
def test_attention_weight_and_context(values: dict[str, float]) -> None:
    s1 = values["a1"] * values["q1"] + values["a2"] * values["q2"]
    s2 = values["b1"] * values["q1"] + values["b2"] * values["q2"]
    a1 = 1 / (1 + math.exp(s2 - s1))
    weight = get_probe("attention_weight_first")(values, np.random.default_rng(0), scaled=False)
    assert weight.value == pytest.approx(a1, rel=1e-12)
    scaled = get_probe("attention_weight_first")(values, np.random.default_rng(0), scaled=True)
    assert scaled.value == pytest.approx(1 / (1 + math.exp((s2 - s1) / math.sqrt(2))), rel=1e-12)
    context = run("day3.attention.context", values)
    assert context == pytest.approx(a1 * values["a1"] + (1 - a1) * values["b1"], rel=1e-12)
    assert _differs(context, (values["a1"] + values["b1"]) / 2)


def test_tanh_derivative_samples_match_a_central_difference() -> None:
    evidence = get_probe("tanh_derivative_by_output")({}, np.random.default_rng(0))
    for point, slope in zip(evidence.points, evidence.values, strict=True):
        a = math.atanh(point["h"])
        numeric = (math.tanh(a + 1e-6) - math.tanh(a - 1e-6)) / 2e-6
        assert slope == pytest.approx(numeric, rel=1e-6)
        assert _differs(slope, point["h"] * (1 - point["h"]))  # the sigmoid's form


def test_choice_probes_pick_the_behaviour_the_engine_shows() -> None:
    rng = np.random.default_rng(0)
    assert get_probe("lstm_gate_ranges")({}, rng) == OptionId("g-tanh")
    assert get_probe("truncated_bptt_behaviour")({}, rng) == OptionId("state-forward-only")
    assert get_probe("gru_reset_role")({}, rng) == OptionId("forget-past")


@pytest.mark.parametrize("values", variants("day3.lstm.forget-decay"))
def test_forget_decay_by_iterating_the_cell(values: dict[str, float]) -> None:
    c = values["c0"]
    for _ in range(int(values["T"])):
        c = values["f"] * c  # i = 0: nothing is written
    measured = run("day3.lstm.forget-decay", values)
    assert measured == pytest.approx(c, rel=1e-9)
    assert _differs(measured, values["f"] * values["c0"])


@pytest.mark.parametrize("values", variants("day3.rnn.bidirectional-output"))
def test_bidirectional_output(values: dict[str, float]) -> None:
    assert run("day3.rnn.bidirectional-output", values) == 2 * values["H"]


@pytest.mark.parametrize("values", variants("day3.language-model.cross-entropy-from-perplexity"))
def test_cross_entropy_from_perplexity(values: dict[str, float]) -> None:
    measured = run("day3.language-model.cross-entropy-from-perplexity", values)
    assert math.exp(measured) == pytest.approx(values["PP"], rel=1e-9)
    assert _differs(measured, math.log2(values["PP"]))


@pytest.mark.parametrize("values", variants("day3.word2vec.skipgram-losses"))
def test_skipgram_binary_losses(values: dict[str, float]) -> None:
    pairs = [(c, s) for c in range(2 * int(values["w"])) for s in range(1 + int(values["k"]))]
    measured = run("day3.word2vec.skipgram-losses", values)
    assert measured == len(pairs)  # every (context word, positive-or-negative) pair, listed
    assert _differs(measured, 2 * values["w"] * values["k"])


# --- code probes: a layer written here passes, a broken one fails ---------------------------


class LoopRNN:
    """An RNN step written with Python loops over units, independent of the engine."""

    def __init__(self, Wx, Wh, b, broken=False):
        self.params = [Wx, Wh, b]
        self.grads = [np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)]
        self.broken = broken

    def forward(self, x, h_prev):
        Wx, Wh, b = self.params
        out = np.zeros((x.shape[0], Wh.shape[1]))
        for n in range(x.shape[0]):
            for j in range(Wh.shape[1]):
                total = sum(x[n, i] * Wx[i, j] for i in range(Wx.shape[0])) + b[j]
                if not self.broken:
                    total += sum(h_prev[n, i] * Wh[i, j] for i in range(Wh.shape[0]))
                out[n, j] = math.tanh(total)
        self.cache = (x, h_prev, out)
        return out

    def backward(self, dh):
        Wx, Wh, _ = self.params
        x, h_prev, out = self.cache
        dt = dh * (1 - out**2)
        self.grads[0][...] = x.T @ dt
        self.grads[1][...] = h_prev.T @ dt
        self.grads[2][...] = dt.sum(axis=0)
        return dt @ Wx.T, dt @ Wh.T


def test_recurrent_cell_probe_accepts_a_loop_rnn_and_rejects_a_broken_one() -> None:
    probe = get_code_probe("recurrent_cell_matches_engine")
    probe({"RNN": LoopRNN}, {}, np.random.default_rng(0), cls="RNN")
    with pytest.raises(AssertionError, match="forward output"):
        probe({"RNN": lambda *w: LoopRNN(*w, broken=True)}, {}, np.random.default_rng(0), cls="RNN")


def test_embedding_and_clip_probes_tell_right_from_wrong() -> None:
    class Summing:
        def __init__(self, W):
            self.params, self.grads = [W], [np.zeros_like(W)]

        def forward(self, idx):
            self.idx = idx
            return self.params[0][idx]

        def backward(self, dout):
            self.grads[0][...] = 0
            for n, word in enumerate(self.idx):  # one row at a time: repeats add up
                self.grads[0][word] += dout[n]

    class Assigning(Summing):
        def backward(self, dout):
            self.grads[0][...] = 0
            self.grads[0][self.idx] = dout

    rng = np.random.default_rng(1)
    get_code_probe("embedding_matches_engine")({"Embedding": Summing}, {}, rng)
    with pytest.raises(AssertionError, match="dW"):
        get_code_probe("embedding_matches_engine")({"Embedding": Assigning}, {}, rng)

    def clip(grads, max_norm):
        norm = math.sqrt(sum(float((g * g).sum()) for g in grads))
        if norm > max_norm:
            for g in grads:
                g *= max_norm / (norm + 1e-6)

    def always(grads, max_norm):
        norm = math.sqrt(sum(float((g * g).sum()) for g in grads))
        for g in grads:
            g *= max_norm / (norm + 1e-6)

    get_code_probe("clip_grads_matches_engine")({"clip_grads": clip}, {}, rng)
    with pytest.raises(AssertionError, match="max_norm 50"):
        get_code_probe("clip_grads_matches_engine")({"clip_grads": always}, {}, rng)


@pytest.mark.parametrize("values", variants("day3.rnn.gradient-growth"))
def test_gradient_growth_is_s_to_the_t(values: dict[str, float]) -> None:
    measured = run("day3.rnn.gradient-growth", values)
    assert measured == pytest.approx(values["s"] ** values["T"], rel=1e-6)
    assert _differs(measured, values["s"] ** (values["T"] - 1))


@pytest.mark.parametrize("values", variants("day3.rnn.bilstm-parameters", 4))
def test_bilstm_parameters_by_listing_the_shapes(values: dict[str, float]) -> None:
    d, h = int(values["D"]), int(values["H"])
    shapes = [(d, 4 * h), (h, 4 * h), (4 * h,)] * 2  # two directions
    measured = run("day3.rnn.bilstm-parameters", values)
    assert measured == sum(math.prod(s) for s in shapes)
    assert _differs(measured, sum(math.prod(s) for s in shapes[:3]))


@pytest.mark.parametrize("values", variants("day3.language-model.ignored-positions"))
def test_ignored_positions(values: dict[str, float]) -> None:
    expected = -(math.log(values["p1"]) + math.log(values["p3"])) / 2
    measured = run("day3.language-model.ignored-positions", values)
    assert measured == pytest.approx(expected, rel=1e-9)
    assert _differs(measured, expected * 2 / 3)


@pytest.mark.parametrize("values", variants("day3.lstm.forget-gradient"))
def test_forget_gradient_by_finite_differences(values: dict[str, float]) -> None:
    a_f = math.log(values["f"] / (1 - values["f"]))

    def loss(a: float) -> float:
        f = 1 / (1 + math.exp(-a))
        return values["dc"] * (f * values["c"] + values["g"] * values["i"])

    eps = 1e-6
    expected = (loss(a_f + eps) - loss(a_f - eps)) / (2 * eps)
    measured = run("day3.lstm.forget-gradient", values)
    assert measured == pytest.approx(expected, rel=1e-6)
    assert _differs(measured, values["dc"] * values["c"])


def test_time_layer_code_probes_tell_right_from_wrong() -> None:
    from eprep.engine import RNN

    class LoopTimeRNN:
        """Backpropagation through time written out step by step, optionally without carry."""

        def __init__(self, Wx, Wh, b, carry=True):
            self.params = [Wx, Wh, b]
            self.grads = [np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)]
            self.carry = carry

        def forward(self, xs):
            n, steps, _ = xs.shape
            h = np.zeros((n, self.params[1].shape[0]))
            self.cells, outputs = [], []
            for t in range(steps):
                cell = RNN(*self.params)
                h = cell.forward(xs[:, t], h)
                self.cells.append(cell)
                outputs.append(h)
            return np.stack(outputs, axis=1)

        def backward(self, dhs):
            dh, totals, dxs = 0, [0, 0, 0], []
            for t in reversed(range(dhs.shape[1])):
                dx, dh = self.cells[t].backward(dhs[:, t] + (dh if self.carry else 0))
                dxs.insert(0, dx)
                totals = [a + g for a, g in zip(totals, self.cells[t].grads, strict=True)]
            for grad, total in zip(self.grads, totals, strict=True):
                grad[...] = total
            return np.stack(dxs, axis=1)

    probe = get_code_probe("time_rnn_matches_engine")
    probe({"TimeRNN": LoopTimeRNN}, {}, np.random.default_rng(2))
    with pytest.raises(AssertionError, match="dxs"):
        probe({"TimeRNN": lambda *w: LoopTimeRNN(*w, carry=False)}, {}, np.random.default_rng(2))

    class CountsPadding:
        def forward(self, xs, ts):
            v = xs.shape[2]
            flat, labels = xs.reshape(-1, v), ts.reshape(-1)
            shifted = flat - flat.max(axis=1, keepdims=True)
            log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
            picked = log_probs[np.arange(labels.size), np.where(labels < 0, 0, labels)]
            return float(-(picked * (labels >= 0)).sum() / labels.size)  # wrong denominator

        def backward(self, dout=1.0):
            return np.zeros(1)

    with pytest.raises(AssertionError, match="loss"):
        get_code_probe("time_softmax_loss_matches_engine")(
            {"TimeSoftmaxWithLoss": CountsPadding}, {}, np.random.default_rng(3)
        )


def test_sampler_dot_and_weight_sum_code_probes() -> None:
    class Flat:
        def __init__(self, corpus, power, sample_size):
            counts = np.bincount(corpus).astype(float)
            self.word_p = counts / counts.sum()  # no power: too peaked

    class Powered:
        def __init__(self, corpus, power, sample_size):
            counts = np.bincount(corpus).astype(float)
            weights = np.array([c**power for c in counts])
            self.word_p = weights / weights.sum()

    rng = np.random.default_rng(4)
    get_code_probe("unigram_sampler_matches_engine")({"UnigramSampler": Powered}, {}, rng)
    with pytest.raises(AssertionError, match="draws it"):
        get_code_probe("unigram_sampler_matches_engine")({"UnigramSampler": Flat}, {}, rng)

    class SumOverTime:
        def forward(self, hs, a):
            self.cache = (hs, a)
            return np.einsum("nth,nt->nh", hs, a)

        def backward(self, dc):
            hs, a = self.cache
            return a[:, :, None] * dc[:, None, :], np.einsum("nth,nh->nt", hs, dc)

    class SumOverFeatures(SumOverTime):
        def forward(self, hs, a):
            self.cache = (hs, a)
            return (hs * a[:, :, None]).sum(axis=2)

    get_code_probe("weight_sum_matches_engine")({"WeightSum": SumOverTime}, {}, rng)
    with pytest.raises(AssertionError, match="context"):
        get_code_probe("weight_sum_matches_engine")({"WeightSum": SumOverFeatures}, {}, rng)


@pytest.mark.parametrize("values", variants("day3.word2vec.cbow-hidden"))
def test_cbow_hidden_is_the_mean(values: dict[str, float]) -> None:
    measured = run("day3.word2vec.cbow-hidden", values)
    assert measured == pytest.approx((values["u1"] + values["u2"]) / 2, rel=1e-12)
    assert _differs(measured, values["u1"] + values["u2"])


@pytest.mark.parametrize("values", variants("day3.seq2seq.beam-candidates", 3))
def test_beam_candidates(values: dict[str, float]) -> None:
    measured = run("day3.seq2seq.beam-candidates", values)
    assert measured == values["k"] * values["V"]
    assert _differs(measured, values["V"])


@pytest.mark.parametrize("values", variants("day3.attention.decoder-head-parameters", 3))
def test_attention_decoder_head_parameters(values: dict[str, float]) -> None:
    h, v = int(values["H"]), int(values["V"])
    shapes = [(h + h, v), (v,)]  # weight of the concatenated [c; h], and the bias
    measured = run("day3.attention.decoder-head-parameters", values)
    assert measured == sum(math.prod(s) for s in shapes)
    assert _differs(measured, h * v + v)
