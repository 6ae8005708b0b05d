"""Reinforcement learning from its primary definitions (Sutton & Barto 2018; Watkins 1992;
Williams 1992; Mnih et al. 2015).

Returns by their recursion G_t = R_{t+1} + gamma G_{t+1}; state values as the solution of the
Bellman expectation equations (`sympy.solve`); action values as an expectation over the next
state (`sympy.stats`); optimal values by exact value iteration; the policy gradient by
`sympy.diff` of the expected reward; the baseline's effect from the estimator's exact mean and
variance; code listings against exact solutions (the optimal values as the best of every
deterministic policy's linear system solved in rationals).
"""

from __future__ import annotations

from itertools import product
from typing import Any

import sympy
from sympy import stats

from eprep.checker.references import (
    CodeDefinition,
    NeedsValues,
    Params,
    Pick,
    RecordingRng,
    code_reference,
    float_close,
    from_float,
    grid,
    integer,
    is_number,
    reference,
)


@reference("discounted_return")
def discounted_return(p: Params, *, rewards: tuple[str, ...] = ("r1", "r2", "r3", "r4")):
    """G_0 from G_T = 0 and G_t = R_{t+1} + gamma G_{t+1}, unrolled backwards."""
    g = sympy.S.Zero
    for name in reversed(rewards):
        g = p[name] + p["gamma"] * g
    return sympy.expand(g)


@reference("bellman_stay_or_leave")
def bellman_stay_or_leave(p: Params) -> sympy.Expr:
    """v solves v = p (a + gamma v) + (1 - p) (b + gamma * 0): the Bellman expectation equation."""
    v = sympy.Symbol("v")
    terminal_value = sympy.S.Zero
    equation = sympy.Eq(
        v,
        p["p"] * (p["a"] + p["gamma"] * v) + (1 - p["p"]) * (p["b"] + p["gamma"] * terminal_value),
    )
    (solution,) = sympy.solve(equation, v)
    return solution


@reference("action_value_two_successors")
def action_value_two_successors(p: Params) -> sympy.Expr:
    """q(s, a) = E[r + gamma v(S')] with S' = s1 w.p. p, s2 otherwise (sympy.stats)."""
    to_s1 = stats.Bernoulli("to_s1", p["p"])
    next_value = to_s1 * p["v1"] + (1 - to_s1) * p["v2"]
    return sympy.simplify(stats.E(p["r"] + p["gamma"] * next_value))


def _grid_backups(rows: int, cols: int, gamma, sweeps: int) -> dict[tuple[int, int], Any]:
    """Exact value iteration on the wall-free grid, each move -1, bottom-right terminal."""
    goal = (rows - 1, cols - 1)
    v = {(r, c): sympy.S.Zero for r in range(rows) for c in range(cols)}
    moves = ((-1, 0), (1, 0), (0, -1), (0, 1))
    for _ in range(sweeps):
        new = {}
        for cell in v:
            if cell == goal:
                new[cell] = sympy.S.Zero
                continue
            options = []
            for dr, dc in moves:
                nxt = (cell[0] + dr, cell[1] + dc)
                if nxt not in v:
                    nxt = cell  # off the grid: stay
                options.append(-1 + gamma * v[nxt])
            new[cell] = max(options)
        v = new
    return v


@reference("grid_optimal_value")
def grid_optimal_value(p: Params) -> sympy.Expr:
    """v*(i, j) by the Bellman optimality backup, iterated exactly until it is exact.

    From v = 0, k sweeps give the best k-step truncated return; a cell d moves from the goal is
    exact once k >= d, and every cell of an H x W grid is within H + W - 2 moves.
    """
    rows, cols, i, j = (integer(p[name]) for name in ("H", "W", "i", "j"))
    if not is_number(p["gamma"]):
        raise NeedsValues
    values = _grid_backups(rows, cols, p["gamma"], rows + cols)
    return values[(i, j)]


def _td_update(p: Params, next_value) -> sympy.Expr:
    """Q + alpha (r + gamma next_value - Q): a one-step TD update of an action value."""
    return p["q"] + p["alpha"] * (p["r"] + p["gamma"] * next_value - p["q"])


@reference("q_learning_update")
def q_learning_update(p: Params, *, next_values: tuple[str, ...] = ("q1", "q2", "q3")):
    """Watkins' Q-learning: the target bootstraps from max_a' Q(s', a')."""
    return _td_update(p, sympy.Max(*(p[name] for name in next_values)))


@reference("sarsa_update")
def sarsa_update(p: Params, *, taken: str = "q1") -> sympy.Expr:
    """SARSA: the target bootstraps from Q(s', a') of the action a' actually taken."""
    return _td_update(p, p[taken])


@reference("epsilon_greedy_greedy_probability")
def epsilon_greedy_greedy_probability(p: Params) -> sympy.Expr:
    """P(A = a*) by total probability: explore ~ Bernoulli(eps), then a uniform pick of n.

    The uniform pick hits the greedy action with sum_a [a = a*] / n over a = 0 .. n-1.
    """
    explore = stats.Bernoulli("explore", p["eps"])
    a = sympy.Symbol("a", integer=True)
    greedy = 0
    hit = sympy.Sum(sympy.KroneckerDelta(a, greedy) / p["n"], (a, 0, p["n"] - 1)).doit()
    exploring = stats.P(sympy.Eq(explore, 1)) * hit
    return sympy.simplify(exploring + stats.P(sympy.Eq(explore, 0)))


@reference("boltzmann_probability")
def boltzmann_probability(p: Params, *, values: tuple[str, ...] = ("q1", "q2", "q3")):
    """The Gibbs distribution over actions: weight exp(Q(a)/T), normalised."""
    weights = [sympy.exp(p[name] / p["T"]) for name in values]
    return weights[0] / sum(weights)


@reference("bandit_policy_gradient")
def bandit_policy_gradient(p: Params) -> sympy.Expr:
    """dJ/dtheta_1 of J = sum_a softmax(theta)_a mu_a, by sympy.diff, then the variant's theta."""
    theta = sympy.symbols("theta1:4", real=True)
    weights = [sympy.exp(t) for t in theta]
    objective = sum(w / sum(weights) * p[f"mu{a}"] for a, w in enumerate(weights, start=1))
    gradient = sympy.diff(objective, theta[0])
    return gradient.subs({theta[k]: p[f"t{k + 1}"] for k in range(3)})


def _estimator_moments(means, probs, baseline):
    """Exact mean and variance of (mu_a - b) d/dtheta_1 log pi(a), a ~ pi, two arms."""
    scores = [1 - probs[0], -probs[0]]  # d log pi(a) / d theta_1 for a = 1, 2
    samples = [(m - baseline) * s for m, s in zip(means, scores, strict=True)]
    mean = sum(q * x for q, x in zip(probs, samples, strict=True))
    second = sum(q * x**2 for q, x in zip(probs, samples, strict=True))
    return sympy.simplify(mean), sympy.simplify(second - mean**2)


@reference("reinforce_baseline_effect")
def reinforce_baseline_effect(p: Params) -> Pick:
    """Unbiased (mean independent of b, symbolically) and variance at b = E[G] below b = 0."""
    m1, m2, b = sympy.symbols("m1 m2 b", real=True)
    q = sympy.Symbol("q", positive=True)
    probs = [q, 1 - q]
    with_b, _ = _estimator_moments([m1, m2], probs, b)
    without, _ = _estimator_moments([m1, m2], probs, 0)
    unbiased = sympy.simplify(with_b - without) == 0
    # Large returns of one sign (the case a baseline is for): arms paying 10 and 11, pi = 1/2.
    half = sympy.Rational(1, 2)
    numbers = [sympy.Integer(10), sympy.Integer(11)]
    _, var_zero = _estimator_moments(numbers, [half, half], 0)
    _, var_mean = _estimator_moments(numbers, [half, half], sum(numbers) / 2)
    lower = bool(var_mean < var_zero)
    same = bool(var_mean == var_zero)
    return Pick(
        {
            "unbiased-lower-variance": sympy.sympify(unbiased and lower),
            "biased-lower-variance": sympy.sympify(not unbiased and lower),
            "unbiased-same-variance": sympy.sympify(unbiased and same),
            "changes-direction": sympy.sympify(not unbiased and not lower),
        }
    )


@reference("actor_critic_advantage")
def actor_critic_advantage(p: Params) -> sympy.Expr:
    """A(s, a) = Q(s, a) - V(s), with Q(s, a) the critic's one-step estimate E[r + gamma V(s')]."""
    q_estimate = p["r"] + p["gamma"] * p["v2"]  # one sampled, non-terminal transition
    return q_estimate - p["v"]


@reference("dqn_target")
def dqn_target(p: Params, *, target: tuple[str, ...] = ("t1", "t2", "t3")) -> sympy.Expr:
    """Mnih et al. 2015: y = r + gamma max_a' Q_hat(s', a'; theta^-), s' not terminal."""
    return p["r"] + p["gamma"] * sympy.Max(*(p[name] for name in target))


# --- code listings ---------------------------------------------------------------------------


@code_reference("q_learning_code")
def q_learning_code(*, epsilon: str = "0.25", calls: int = 40) -> CodeDefinition:
    """epsilon_greedy explores exactly when its uniform draw is below epsilon; the update is
    Watkins' rule, evaluated exactly on the driver's transitions."""

    def drive(namespace, rng):
        import numpy as np

        q = grid(rng, (3, 4))
        choices = []
        for _ in range(calls):
            recording = RecordingRng(rng)
            before = recording.other
            a = namespace["epsilon_greedy"](q, 1, float(epsilon), recording)
            u = recording.uniform[0] if recording.uniform else None
            choices.append({"u": u, "other": recording.other - before, "a": int(a)})
        updates = []
        for s, a, s_next, done in ((0, 1, 2, False), (2, 3, 1, True), (1, 0, 0, False)):
            table = grid(rng, (3, 4))
            r = float(grid(rng, (1,))[0])
            before = table.copy()
            namespace["q_learning_update"](table, s, a, r, s_next, done, 0.25, 0.5)
            updates.append(
                {"before": before.tolist(), "after": np.asarray(table).tolist(), "r": r,
                 "s": s, "a": a, "s_next": s_next, "done": done}
            )  # fmt: skip
        return {"q": q.tolist(), "choices": choices, "updates": updates}

    def check(out):
        eps = from_float(float(epsilon))
        row = [from_float(x) for x in out["q"][1]]
        greedy = row.index(max(row))
        for k, c in enumerate(out["choices"]):
            if c["u"] is None:
                return [f"call {k}: epsilon_greedy drew no uniform number to decide"]
            if from_float(c["u"]) >= eps and (c["a"] != greedy or c["other"]):
                return [f"call {k}: u = {c['u']:.3f} >= epsilon but the action is not greedy"]
            if from_float(c["u"]) < eps and c["other"] != 1:
                return [f"call {k}: u = {c['u']:.3f} < epsilon but no random action was drawn"]
        alpha, gamma = sympy.Rational(1, 4), sympy.Rational(1, 2)
        for u in out["updates"]:
            before = [[from_float(x) for x in r] for r in u["before"]]
            future = 0 if u["done"] else max(before[u["s_next"]])
            old = before[u["s"]][u["a"]]
            want = old + alpha * (from_float(u["r"]) + gamma * future - old)
            for s, a in product(range(3), range(4)):
                expected = want if (s, a) == (u["s"], u["a"]) else before[s][a]
                if not float_close(u["after"][s][a], expected):
                    return [f"Q[{s}, {a}] = {u['after'][s][a]}, Watkins' rule gives "
                            f"{float(expected):.12g}"]  # fmt: skip
        return []

    return CodeDefinition(drive, check)


def _optimal_values(P, R, gamma) -> list:
    """v* exactly: the elementwise best of v_pi over every deterministic policy pi.

    Each v_pi solves the linear system (I - gamma P_pi) v = r_pi in rationals; an optimal
    deterministic policy exists and dominates all others in every state (Sutton & Barto §3.6).
    """
    n_states, n_actions = len(R), len(R[0])
    best: list[Any] = []
    for policy in product(range(n_actions), repeat=n_states):
        p_pi = sympy.Matrix(
            [[P[s][policy[s]][t] for t in range(n_states)] for s in range(n_states)]
        )
        r_pi = sympy.Matrix([R[s][policy[s]] for s in range(n_states)])
        v = (sympy.eye(n_states) - gamma * p_pi).LUsolve(r_pi)
        best = [max(a, b) for a, b in zip(best, v, strict=True)] if best else list(v)
    return best


@code_reference("value_iteration_code")
def value_iteration_code(*, gamma: str = "0.5") -> CodeDefinition:
    """value_iteration(P, R, gamma, tol) on a small stochastic MDP with an absorbing state."""

    def drive(namespace, rng):
        import numpy as np

        n_states, n_actions = 4, 3
        P = np.zeros((n_states, n_actions, n_states))
        for s in range(n_states - 1):
            for a in range(n_actions):
                counts = rng.multinomial(4, np.ones(n_states) / n_states)
                P[s, a] = counts / 4.0  # quarters: exact in floats
        P[n_states - 1, :, n_states - 1] = 1.0  # absorbing, reward 0
        R = grid(rng, (n_states, n_actions))
        R[n_states - 1] = 0.0
        V = namespace["value_iteration"](P, R, float(gamma), 1e-13)
        return {"P": P.tolist(), "R": R.tolist(), "V": np.asarray(V, dtype=float).tolist()}

    def check(out):
        P = [[[from_float(x) for x in row] for row in s] for s in out["P"]]
        R = [[from_float(x) for x in row] for row in out["R"]]
        want = _optimal_values(P, R, from_float(float(gamma)))
        if len(out["V"]) != len(want):
            return [f"V has {len(out['V'])} values for {len(want)} states"]
        for s, (got, expected) in enumerate(zip(out["V"], want, strict=True)):
            if not float_close(got, expected, rel=1e-9, abs_=1e-10):
                return [f"V[{s}] = {got}, the optimal value is {float(expected):.12g}"]
        return []

    return CodeDefinition(drive, check)


@code_reference("dqn_code")
def dqn_code(*, gamma: str = "0.5") -> CodeDefinition:
    """dqn_targets against y = r + gamma max Q_target(s') (y = r when terminal); sync must give
    equal arrays that later in-place updates of the online weights leave untouched."""

    def drive(namespace, rng):
        import numpy as np

        q_next = grid(rng, (5, 3))
        rewards = grid(rng, (5,))
        dones = np.array([0.0, 1.0, 0.0, 1.0, 0.0])
        y = namespace["dqn_targets"](q_next, rewards, dones, float(gamma))
        online = {"W": grid(rng, (2, 3)), "b": grid(rng, (3,))}
        original = {k: v.tolist() for k, v in online.items()}
        copied = namespace["sync"](online)
        at_copy = {k: np.asarray(v, dtype=float).tolist() for k, v in copied.items()}
        for value in online.values():
            value -= 0.5  # the optimizer's in-place step
        later = {k: np.asarray(v, dtype=float).tolist() for k, v in copied.items()}
        return {"q_next": q_next.tolist(), "rewards": rewards.tolist(), "dones": dones.tolist(),
                "y": np.asarray(y, dtype=float).tolist(), "original": original,
                "at_copy": at_copy, "later": later}  # fmt: skip

    def check(out):
        g = from_float(float(gamma))
        if len(out["y"]) != len(out["rewards"]):
            return [f"dqn_targets gives {len(out['y'])} targets for {len(out['rewards'])} samples"]
        for j, (row, r, d) in enumerate(
            zip(out["q_next"], out["rewards"], out["dones"], strict=True)
        ):
            future = 0 if d else max(from_float(x) for x in row)
            want = from_float(r) + g * future
            if not float_close(out["y"][j], want):
                return [f"y[{j}] = {out['y'][j]}, the definition gives {float(want):.12g}"]
        for when in ("at_copy", "later"):
            if out[when] != out["original"]:
                moment = "when copied" if when == "at_copy" else "after the online update"
                return [f"the target parameters differ from the online ones {moment}"]
        return []

    return CodeDefinition(drive, check)
