"""Probes for the reinforcement-learning questions, measured with engine/rl.py.

Values are measured by building the situation of the question as a small MDP and running the
engine's policy evaluation or value iteration on it (never a closed form); updates by running
the engine's update on a table and reading the changed entry; probabilities from the engine's
policies, cross-checked against the frequencies of the engine's samplers (5 standard errors);
the policy gradient by the score-function expectation, cross-checked by REINFORCE's Monte-Carlo
estimate and by central differences of the expected reward.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from eprep.checker.probes import OptionId, Params, Value, code_probe, probe
from eprep.checker.probes.cnn import _compare, _int, _lookup
from eprep.engine.rl import (
    LinearQ,
    TabularMDP,
    TargetNetwork,
    action_values,
    actor_critic_update,
    chain_mdp,
    copy_params,
    dqn_targets,
    epsilon_greedy_action,
    epsilon_greedy_probs,
    expected_reward,
    grid_world,
    policy_evaluation,
    policy_gradient_theorem,
    q_learning_update,
    reinforce_samples,
    sarsa_update,
    softmax_action,
    softmax_policy,
    value_iteration,
)

SIGMAS = 5.0  # Monte-Carlo cross-checks: disagreement beyond this many standard errors


def _f(variant: Params, name: str) -> float:
    return float(variant[name])


def _frequency_agrees(draw, n: int, action: int, probability: float, what: str) -> None:
    """The sampler's frequency of `action` must lie within SIGMAS binomial errors of it."""
    hits = sum(draw() == action for _ in range(n))
    se = math.sqrt(max(probability * (1 - probability), 1e-12) / n)
    if abs(hits / n - probability) > SIGMAS * se + 1e-12:
        raise AssertionError(f"{what}: frequency {hits / n:.4f} vs probability {probability:.4f}")


@probe("discounted_return_chain")
def discounted_return_chain(variant: Params, rng: np.random.Generator) -> Value:
    """v(0) of a chain MDP paying the episode's rewards, by the engine's policy evaluation."""
    rewards = [_f(variant, f"r{k}") for k in (1, 2, 3, 4)]
    mdp = chain_mdp(rewards)
    v = policy_evaluation(mdp, np.ones((mdp.n_states, 1)), _f(variant, "gamma"))
    return Value(float(v[0]), rel_tol=1e-9, abs_tol=1e-9)


@probe("bellman_stay_or_leave")
def bellman_stay_or_leave(variant: Params, rng: np.random.Generator) -> Value:
    """v_pi(s) of the two-action MDP (stay: reward a, back to s; leave: reward b, terminal)."""
    P = np.zeros((2, 2, 2))
    P[0, 0, 0] = 1.0  # stay
    P[0, 1, 1] = 1.0  # leave
    P[1, :, 1] = 1.0  # terminal, absorbing
    R = np.array([[_f(variant, "a"), _f(variant, "b")], [0.0, 0.0]])
    mdp = TabularMDP(P, R, np.array([False, True]))
    p = _f(variant, "p")
    pi = np.array([[p, 1 - p], [0.5, 0.5]])
    return Value(float(policy_evaluation(mdp, pi, _f(variant, "gamma"))[0]), abs_tol=1e-9)


@probe("action_value_two_successors")
def action_value_two_successors(variant: Params, rng: np.random.Generator) -> Value:
    """q(s0, a) in an MDP where s1 and s2 are worth v1 and v2: one reward each, then terminal."""
    P = np.zeros((4, 1, 4))
    p = _f(variant, "p")
    P[0, 0, 1], P[0, 0, 2] = p, 1 - p
    P[1, 0, 3] = P[2, 0, 3] = P[3, 0, 3] = 1.0
    R = np.array([[_f(variant, "r")], [_f(variant, "v1")], [_f(variant, "v2")], [0.0]])
    mdp = TabularMDP(P, R, np.array([False, False, False, True]))
    gamma = _f(variant, "gamma")
    v = policy_evaluation(mdp, np.ones((4, 1)), gamma)
    if not (abs(v[1] - _f(variant, "v1")) < 1e-9 and abs(v[2] - _f(variant, "v2")) < 1e-9):
        raise AssertionError(f"the successors are worth {v[1]}, {v[2]}, not v1 and v2")
    return Value(float(action_values(mdp, v, gamma)[0, 0]), abs_tol=1e-9)


@probe("grid_optimal_value")
def grid_optimal_value(variant: Params, rng: np.random.Generator) -> Value:
    """v* of cell (i, j) by the engine's value iteration on its grid world."""
    rows, cols, i, j = (_int(variant, name) for name in ("H", "W", "i", "j"))
    v = value_iteration(grid_world(rows, cols), _f(variant, "gamma"))
    return Value(float(v[i * cols + j]), abs_tol=1e-9)


def _td_table(variant: Params) -> np.ndarray:
    """Q with row 0 = (Q(s, a), 0, 0) and row 1 = Q(s', .)."""
    return np.array(
        [[_f(variant, "q"), 0.0, 0.0], [_f(variant, "q1"), _f(variant, "q2"), _f(variant, "q3")]]
    )


@probe("q_learning_step")
def q_learning_step(variant: Params, rng: np.random.Generator) -> Value:
    """Q(s, a) after the engine's Q-learning update (the behaviour's next action plays no part)."""
    Q = _td_table(variant)
    q_learning_update(
        Q, 0, 0, _f(variant, "r"), 1, False, _f(variant, "alpha"), _f(variant, "gamma")
    )
    return Value(float(Q[0, 0]), abs_tol=1e-9)


@probe("sarsa_step")
def sarsa_step(variant: Params, rng: np.random.Generator) -> Value:
    """Q(s, a) after the engine's SARSA update with the next action a' = a_1."""
    Q = _td_table(variant)
    alpha, gamma = _f(variant, "alpha"), _f(variant, "gamma")
    sarsa_update(Q, 0, 0, _f(variant, "r"), 1, 0, False, alpha, gamma)
    return Value(float(Q[0, 0]), abs_tol=1e-9)


@probe("epsilon_greedy_greedy_probability")
def epsilon_greedy_greedy_probability(variant: Params, rng: np.random.Generator) -> Value:
    """pi(a*) of the engine's epsilon-greedy policy, checked against its sampler's frequency."""
    n, eps = _int(variant, "n"), _f(variant, "eps")
    q = rng.standard_normal(n)
    greedy = int(np.argmax(q))
    probability = float(epsilon_greedy_probs(q, eps)[greedy])
    draw = lambda: epsilon_greedy_action(q, eps, rng)  # noqa: E731
    _frequency_agrees(draw, 1000, greedy, probability, "epsilon-greedy")
    return Value(probability, abs_tol=1e-12)


@probe("softmax_policy_probability")
def softmax_policy_probability(variant: Params, rng: np.random.Generator) -> Value:
    """pi(a_1) of the engine's Boltzmann policy, checked against its sampler's frequency."""
    q = np.array([_f(variant, "q1"), _f(variant, "q2"), _f(variant, "q3")])
    t = _f(variant, "T")
    probability = float(softmax_policy(q, t)[0])
    _frequency_agrees(lambda: softmax_action(q, t, rng), 1000, 0, probability, "softmax")
    return Value(probability, abs_tol=1e-12)


@probe("bandit_policy_gradient")
def bandit_policy_gradient(variant: Params, rng: np.random.Generator) -> Value:
    """dJ/dtheta_1 as E[mu_a grad log pi(a)], cross-checked by REINFORCE and central differences."""
    theta = np.array([_f(variant, "t1"), _f(variant, "t2"), _f(variant, "t3")])
    means = np.array([_f(variant, "mu1"), _f(variant, "mu2"), _f(variant, "mu3")])
    exact = policy_gradient_theorem(theta, means)
    samples = reinforce_samples(theta, lambda a, _: float(means[a]), 1000, rng)
    se = samples.std(axis=0, ddof=1) / math.sqrt(len(samples))
    if np.any(np.abs(samples.mean(axis=0) - exact) > SIGMAS * se + 1e-9):
        raise AssertionError(f"REINFORCE estimate {samples.mean(axis=0)} vs {exact}")
    h = 1e-6
    e1 = np.array([h, 0.0, 0.0])
    slope = (expected_reward(theta + e1, means) - expected_reward(theta - e1, means)) / (2 * h)
    if abs(slope - exact[0]) > 1e-6:
        raise AssertionError(f"central difference {slope} vs the score expectation {exact[0]}")
    return Value(float(exact[0]), abs_tol=1e-9)


@probe("reinforce_baseline_effect")
def reinforce_baseline_effect(variant: Params, rng: np.random.Generator) -> OptionId:
    """Mean and variance of REINFORCE's samples with b = 0 and b = the average reward."""
    theta = np.array([0.4, -0.2, 0.1])
    means = np.array([10.0, 11.0, 9.5])  # returns of one sign, as in most episodic tasks
    exact = policy_gradient_theorem(theta, means)
    baseline = float(softmax_policy(theta) @ means)
    stats = {}
    for b in (0.0, baseline):
        samples = reinforce_samples(theta, lambda a, _: float(means[a]), 4000, rng, b)
        se = samples.std(axis=0, ddof=1) / math.sqrt(len(samples))
        unbiased = bool(np.all(np.abs(samples.mean(axis=0) - exact) < SIGMAS * se + 1e-9))
        stats[b] = (unbiased, float(samples.var(axis=0).sum()))
    unbiased = stats[0.0][0] and stats[baseline][0]
    ratio = stats[baseline][1] / stats[0.0][1]
    if unbiased and ratio < 0.5:
        return OptionId("unbiased-lower-variance")
    if unbiased and 0.9 < ratio < 1.1:
        return OptionId("unbiased-same-variance")
    if ratio < 0.5:
        return OptionId("biased-lower-variance")
    return OptionId("changes-direction")


@probe("actor_critic_delta")
def actor_critic_delta(variant: Params, rng: np.random.Generator) -> Value:
    """delta read off the critic's move: (V_new(s) - V(s)) / critic step, engine actor-critic."""
    V = np.array([_f(variant, "v"), _f(variant, "v2")])
    theta = np.zeros((2, 2))
    critic_lr = 0.5
    actor_critic_update(
        theta, V, 0, 1, _f(variant, "r"), 1, False, 0.1, critic_lr, _f(variant, "gamma")
    )
    return Value(float((V[0] - _f(variant, "v")) / critic_lr), rel_tol=1e-9, abs_tol=1e-9)


@probe("dqn_target_network")
def dqn_target_network(variant: Params, rng: np.random.Generator) -> Value:
    """y from an engine TargetNetwork frozen at the t-values while the online net moved on."""
    one_hot = np.eye(2)
    frozen = np.array([[0.0, 0.0, 0.0], [_f(variant, "t1"), _f(variant, "t2"), _f(variant, "t3")]])
    online = LinearQ(frozen, np.zeros(3))
    target = TargetNetwork(online, period=1000)
    online.params["W"][1] = [_f(variant, "o1"), _f(variant, "o2"), _f(variant, "o3")]  # trained
    y = target.targets(
        np.array([_f(variant, "r")]), one_hot[[1]], np.array([0.0]), _f(variant, "gamma")
    )
    return Value(float(y[0]), abs_tol=1e-9)


# --- code probes ----------------------------------------------------------------------------


@code_probe("q_learning_code_matches_engine")
def q_learning_code_matches_engine(
    namespace: Mapping[str, Any], variant: Params, rng: np.random.Generator
) -> None:
    """epsilon_greedy's greedy frequency and q_learning_update against the engine's."""
    choose = _lookup(namespace, "epsilon_greedy")
    update = _lookup(namespace, "q_learning_update")
    Q = rng.standard_normal((3, 4))
    for eps in (0.1, 0.3):
        greedy = int(np.argmax(Q[1]))
        probability = float(epsilon_greedy_probs(Q[1], eps)[greedy])
        draw = lambda e=eps: choose(Q, 1, e, rng)  # noqa: E731
        _frequency_agrees(draw, 3000, greedy, probability, "template")
    for s, a, s_next, done in ((0, 1, 2, False), (2, 3, 1, True), (1, 0, 0, False)):
        table = rng.standard_normal((3, 4))
        table[s_next, a] = table[s_next].min() - 1.0  # the action taken is never the greedy one
        mine, theirs = table.copy(), table.copy()
        r = float(rng.standard_normal())
        update(mine, s, a, r, s_next, done, 0.3, 0.9)
        q_learning_update(theirs, s, a, r, s_next, done, 0.3, 0.9)
        _compare("q_learning_update", (s, a, s_next, int(done)), mine, theirs)


@code_probe("value_iteration_code_matches_engine")
def value_iteration_code_matches_engine(
    namespace: Mapping[str, Any], variant: Params, rng: np.random.Generator
) -> None:
    """value_iteration(P, R, gamma, tol) against the engine's on a grid world and a random MDP."""
    fn = _lookup(namespace, "value_iteration")
    world = grid_world(3, 4, walls=((1, 1),))
    P = rng.dirichlet(np.ones(5), size=(5, 2))
    P[4] = 0.0
    P[4, :, 4] = 1.0
    R = rng.standard_normal((5, 2))
    R[4] = 0.0
    random_mdp = TabularMDP(P, R, np.array([False] * 4 + [True]))
    for name, mdp, gamma in (("grid", world, 0.9), ("random", random_mdp, 0.8)):
        mine = np.asarray(fn(mdp.P, mdp.R, gamma, 1e-12), dtype=float)
        theirs = value_iteration(mdp, gamma, tol=1e-12)
        if mine.shape != theirs.shape or not np.allclose(mine, theirs, atol=1e-8):
            raise AssertionError(f"value_iteration on the {name} MDP: {mine} vs {theirs}")


@code_probe("dqn_code_matches_engine")
def dqn_code_matches_engine(
    namespace: Mapping[str, Any], variant: Params, rng: np.random.Generator
) -> None:
    """dqn_targets against the engine's; sync must survive an in-place update of the online net."""
    targets = _lookup(namespace, "dqn_targets")
    sync = _lookup(namespace, "sync")
    q_next = rng.standard_normal((6, 3))
    rewards = rng.standard_normal(6)
    dones = np.array([0.0, 1.0, 0.0, 0.0, 1.0, 0.0])
    _compare("dqn_targets", (6, 3), targets(q_next, rewards, dones, 0.9),
             dqn_targets(rewards, q_next, dones, 0.9))  # fmt: skip
    online = LinearQ(rng.standard_normal((4, 3)), rng.standard_normal(3))
    reference = copy_params(online.params)
    mine = sync(online.params)
    for key, value in reference.items():
        if key not in mine or not np.array_equal(np.asarray(mine[key]), value):
            raise AssertionError(f"sync does not reproduce the online {key}")
    for value in online.params.values():
        value -= 0.1  # the optimizer's in-place step
    for key, value in reference.items():
        if not np.array_equal(np.asarray(mine[key]), value):
            raise AssertionError(f"the target {key} moved with the online network's update")
