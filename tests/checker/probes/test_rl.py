"""RL probes against hand computations; every wrong key must disagree with the measurement."""

from __future__ import annotations

import numpy as np
import pytest

from eprep.checker.probes import OptionId, get_code_probe

from .bank_probes import evidence, separates

Q = "day4.reinforcement-learning."


def test_discounted_return() -> None:
    values = {"r1": 1, "r2": 0, "r3": 2, "r4": -1, "gamma": 0.5}
    # 1 + 0 + 0.25 * 2 - 0.125 = 1.375
    separates(evidence(Q + "discounted-return", values), 1.375, [2.0, 0.6875, -0.5 + 0.125])


def test_bellman_stay_or_leave() -> None:
    values = {"p": 0.5, "a": 2, "b": 4, "gamma": 0.5}
    # v = 0.5 (2 + 0.5 v) + 0.5 * 4  ->  0.75 v = 3  ->  v = 4
    separates(evidence(Q + "bellman-state-value", values), 4.0, [6.0, 3.0, 4.5])


def test_action_value_two_successors() -> None:
    values = {"r": 1, "p": 0.25, "v1": 8, "v2": 4, "gamma": 0.5}
    # 1 + 0.5 (2 + 3) = 3.5
    separates(evidence(Q + "bellman-action-value", values), 3.5, [5.0, 6.0, 3.0])


def test_grid_optimal_value() -> None:
    values = {"H": 3, "W": 4, "i": 0, "j": 1, "gamma": 0.5}
    # d = 2 + 2 = 4 moves: -(1 + 1/2 + 1/4 + 1/8) = -1.875
    separates(evidence(Q + "optimal-value-grid", values), -1.875, [-4.0, -1.9375, -2.0])


def test_q_learning_and_sarsa_steps() -> None:
    values = {"q": 1.0, "r": 2, "q1": 0.0, "q2": -1.0, "q3": 3.0, "alpha": 0.5, "gamma": 0.5}
    # Q-learning: 1 + 0.5 (2 + 1.5 - 1) = 2.25; SARSA with a' = a_1: 1 + 0.5 (2 + 0 - 1) = 1.5
    separates(evidence(Q + "q-learning-update", values), 2.25, [1.5, 3.5, 3.0])
    separates(evidence(Q + "sarsa-update", values), 1.5, [2.25, 2.0])


def test_epsilon_greedy_and_softmax() -> None:
    separates(evidence(Q + "epsilon-greedy", {"n": 4, "eps": 0.2}), 0.85, [0.8, 0.05, 0.95])
    values = {"q1": 2.0, "q2": 0.0, "q3": 0.0, "T": 2.0}
    e = np.e
    separates(
        evidence(Q + "softmax-temperature", values),
        e / (e + 2),
        [np.exp(4) / (np.exp(4) + 2), e**2 / (e**2 + 2), 1.0],
    )


def test_bandit_policy_gradient() -> None:
    values = {"t1": 0.0, "t2": 0.0, "t3": 0.0, "mu1": 3, "mu2": 1, "mu3": 0}
    # pi = 1/3 each, J = 4/3: dJ/dtheta_1 = (1/3)(3 - 4/3) = 5/9
    separates(evidence(Q + "policy-gradient-bandit", values), 5 / 9, [2 / 3, 2.0, 1.0])


def test_actor_critic_and_dqn() -> None:
    values = {"r": 1, "v": 2.0, "v2": 3.0, "gamma": 0.9}
    separates(evidence(Q + "actor-critic-advantage", values), 1.7, [3.7, -1.0, 2.0])
    values = {"r": 1, "t1": 1.0, "t2": 3.0, "t3": 0.0, "o1": 4.0, "o2": 0.0, "o3": 0.0}
    values["gamma"] = 0.5
    separates(evidence(Q + "dqn-target", values), 2.5, [3.0, 4.0, 1 + 0.5 * 4 / 3])


def test_reinforce_baseline_effect() -> None:
    assert evidence(Q + "reinforce-baseline", {}) == OptionId("unbiased-lower-variance")


def _dqn_listing(best: str, mask: str, sync: str) -> dict:
    namespace: dict = {"np": np}
    exec(
        f"def dqn_targets(q_target_next, rewards, dones, gamma):\n"
        f"    return rewards + gamma * {mask} * {best}\n"
        f"def sync(online_params):\n    return {sync}\n",
        namespace,
    )
    return namespace


def test_dqn_code_probe_tells_a_shallow_copy_apart() -> None:
    check = get_code_probe("dqn_code_matches_engine")
    rng = np.random.default_rng(0)
    good = "{k: v.copy() for k, v in online_params.items()}"
    check(_dqn_listing("q_target_next.max(axis=1)", "(1 - dones)", good), {}, rng)
    for best, mask, sync in (
        ("q_target_next.max(axis=1)", "(1 - dones)", "dict(online_params)"),
        ("q_target_next.max(axis=1)", "dones", good),
        ("q_target_next.mean(axis=1)", "(1 - dones)", good),
    ):
        with pytest.raises(AssertionError):
            check(_dqn_listing(best, mask, sync), {}, rng)
