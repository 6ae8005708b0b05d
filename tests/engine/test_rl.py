"""Oracle tests of engine/rl.py: linear algebra, hand derivations, shortest paths, Monte Carlo."""

from __future__ import annotations

import math
from collections import deque

import numpy as np
import pytest

from eprep.engine.rl import (
    MOVES,
    LinearQ,
    ReplayBuffer,
    TargetNetwork,
    action_values,
    actor_critic_update,
    chain_mdp,
    cliff_walk,
    discounted_return,
    dqn_step,
    dqn_targets,
    epsilon_greedy_action,
    epsilon_greedy_probs,
    greedy_path,
    greedy_policy,
    grid_world,
    log_softmax_grad,
    policy_evaluation,
    policy_gradient_theorem,
    policy_matrix,
    q_learning_episode,
    q_learning_update,
    reinforce_samples,
    reinforce_update,
    returns_to_go,
    sarsa_episode,
    sarsa_update,
    softmax_policy,
    value_iteration,
)

WALLS = ((1, 1), (2, 1), (1, 3))


def _linear_solution(mdp, pi: np.ndarray, gamma: float) -> np.ndarray:
    """v_pi from (I - gamma P_pi) v = r_pi over the non-terminal states (terminal v = 0)."""
    live = ~mdp.terminal
    p_pi = np.einsum("sa,sat->st", pi, mdp.P)[np.ix_(live, live)]
    r_pi = np.sum(pi * mdp.R, axis=1)[live]
    v = np.zeros(mdp.n_states)
    v[live] = np.linalg.solve(np.eye(int(live.sum())) - gamma * p_pi, r_pi)
    return v


def _bfs_distance(rows: int, cols: int, goal: tuple[int, int], walls) -> np.ndarray:
    """Moves to the goal from every cell, by breadth-first search (the test's own walk)."""
    dist = np.full((rows, cols), -1)
    dist[goal] = 0
    queue = deque([goal])
    while queue:
        r, c = queue.popleft()
        for dr, dc in MOVES:
            nr, nc = r + dr, c + dc
            if 0 <= nr < rows and 0 <= nc < cols and (nr, nc) not in walls and dist[nr, nc] < 0:
                dist[nr, nc] = dist[r, c] + 1
                queue.append((nr, nc))
    return dist.ravel()


def test_value_iteration_agrees_with_the_linear_system_of_its_greedy_policy() -> None:
    mdp = grid_world(4, 5, goal=(3, 4), walls=WALLS)
    gamma = 0.9
    v = value_iteration(mdp, gamma)
    pi = policy_matrix(greedy_policy(action_values(mdp, v, gamma)), mdp.n_actions)
    np.testing.assert_allclose(v, _linear_solution(mdp, pi, gamma), atol=1e-9)


def test_policy_evaluation_agrees_with_numpy_solve_for_a_stochastic_policy() -> None:
    mdp = grid_world(4, 5, goal=(3, 4), walls=WALLS)
    rng = np.random.default_rng(3)
    pi = rng.dirichlet(np.ones(4), size=mdp.n_states)
    for gamma in (0.5, 0.9, 0.99):
        np.testing.assert_allclose(
            policy_evaluation(mdp, pi, gamma), _linear_solution(mdp, pi, gamma), atol=1e-8
        )


def test_optimal_values_are_the_discounted_cost_of_the_shortest_path() -> None:
    """Each move costs 1, so v*(s) = -(1 + gamma + ... + gamma^(d-1)), d from BFS."""
    gamma = 0.8
    mdp = grid_world(4, 5, goal=(3, 4), walls=WALLS)
    d = _bfs_distance(4, 5, (3, 4), set(WALLS))
    v = value_iteration(mdp, gamma)
    reachable = d >= 0
    want = -np.array([sum(gamma**k for k in range(n)) for n in d[reachable]])
    np.testing.assert_allclose(v[reachable], want, atol=1e-9)


def test_hand_derived_corridor_values() -> None:
    """A 1 x 4 corridor, goal on the right, gamma = 1/2: v* = 0, -1, -1.5, -1.75 from the goal."""
    v = value_iteration(grid_world(1, 4, goal=(0, 3)), 0.5)
    np.testing.assert_allclose(v, [-1.75, -1.5, -1.0, 0.0], atol=1e-12)


def test_a_chain_of_rewards_evaluates_to_its_discounted_return() -> None:
    """rewards 1, 0, 2 with gamma = 1/2: G_0 = 1 + 0 + 2/4 = 1.5, G_1 = 1, G_2 = 2 (by hand)."""
    assert discounted_return([1.0, 0.0, 2.0], 0.5) == pytest.approx(1.5)
    np.testing.assert_allclose(returns_to_go([1.0, 0.0, 2.0], 0.5), [1.5, 1.0, 2.0])
    mdp = chain_mdp([1.0, 0.0, 2.0])
    v = policy_evaluation(mdp, np.ones((4, 1)), 0.5)
    np.testing.assert_allclose(v, [1.5, 1.0, 2.0, 0.0], atol=1e-12)
    rewards = np.random.default_rng(0).normal(size=9)
    direct = sum(0.7**k * r for k, r in enumerate(rewards))  # the definition's sum
    assert discounted_return(rewards, 0.7) == pytest.approx(direct, rel=1e-12)


def test_single_step_updates_by_hand() -> None:
    """Q(s,a) = 1, r = 2, gamma = 0.5, alpha = 0.1, Q(s',.) = (4, 6), a' = 0."""
    Q = np.array([[1.0, 0.0], [4.0, 6.0]])
    delta = q_learning_update(Q, 0, 0, 2.0, 1, False, 0.1, 0.5)
    assert delta == pytest.approx(2 + 0.5 * 6 - 1)  # max_a' Q = 6
    assert Q[0, 0] == pytest.approx(1 + 0.1 * 4)
    Q = np.array([[1.0, 0.0], [4.0, 6.0]])
    delta = sarsa_update(Q, 0, 0, 2.0, 1, 0, False, 0.1, 0.5)
    assert delta == pytest.approx(2 + 0.5 * 4 - 1)  # the action taken, a' = 0
    assert Q[0, 0] == pytest.approx(1 + 0.1 * 3)
    Q = np.array([[1.0, 0.0], [4.0, 6.0]])
    q_learning_update(Q, 0, 0, 2.0, 1, True, 1.0, 0.5)  # terminal: target = r
    assert Q[0, 0] == pytest.approx(2.0)


def test_q_learning_reaches_the_values_and_policy_of_value_iteration() -> None:
    mdp = grid_world(4, 5, goal=(3, 4), walls=WALLS)
    gamma = 0.9
    q_star = action_values(mdp, value_iteration(mdp, gamma), gamma)
    rng = np.random.default_rng(0)
    Q = np.zeros((mdp.n_states, mdp.n_actions))
    for _ in range(1500):
        # exploring starts: every state-action pair keeps being visited
        start = int(rng.choice(np.flatnonzero(~mdp.terminal)))
        q_learning_episode(mdp, Q, rng, alpha=0.5, gamma=gamma, epsilon=0.5, start=start)
    live = ~mdp.terminal & (_bfs_distance(4, 5, (3, 4), set(WALLS)) >= 0)
    np.testing.assert_allclose(Q[live], q_star[live], atol=1e-3)
    chosen = greedy_policy(Q)
    v_star = q_star.max(axis=1)
    np.testing.assert_allclose(q_star[np.arange(mdp.n_states), chosen][live], v_star[live])


def _epsilon_soft_q(mdp, epsilon: float, sweeps: int = 3000) -> np.ndarray:
    """The best epsilon-greedy behaviour: q = R + P [(1-eps) max q + eps mean q] (test's own)."""
    q = np.zeros((mdp.n_states, mdp.n_actions))
    for _ in range(sweeps):
        v = (1 - epsilon) * q.max(axis=1) + epsilon * q.mean(axis=1)
        v[mdp.terminal] = 0.0
        q = mdp.R + mdp.P @ v
    return q


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_cliff_walk_sarsa_takes_the_safe_path_and_q_learning_the_edge(seed: int) -> None:
    """Sutton & Barto, Example 6.6 (epsilon 0.1, 500 episodes; alpha 0.2, not the book's 0.5,
    under which one run's final greedy policy still flickers between paths)."""
    mdp = cliff_walk()
    rng = np.random.default_rng(seed)
    q_q = np.zeros((mdp.n_states, 4))
    q_s = np.zeros((mdp.n_states, 4))
    online_q, online_s = [], []
    for _ in range(500):
        online_q.append(q_learning_episode(mdp, q_q, rng, alpha=0.2, gamma=1.0, epsilon=0.1))
        online_s.append(sarsa_episode(mdp, q_s, rng, alpha=0.2, gamma=1.0, epsilon=0.1))
    q_path = greedy_path(mdp, greedy_policy(q_q), 100)
    s_path = greedy_path(mdp, greedy_policy(q_s), 100)
    optimal = greedy_path(mdp, greedy_policy(action_values(mdp, value_iteration(mdp, 1.0), 1.0)))
    assert q_path == optimal and len(q_path) - 1 == 13  # up, 11 right, down: the edge
    edge = {2 * 12 + c for c in range(1, 11)}  # the cells next to the cliff
    assert edge <= set(q_path)
    # Under epsilon-greedy behaviour the best path keeps off the edge (the test's own
    # epsilon-soft Bellman iteration), and so does SARSA's, which learns that behaviour's values.
    assert not edge & set(greedy_path(mdp, greedy_policy(_epsilon_soft_q(mdp, 0.1)), 100))
    assert not edge & set(s_path)
    assert np.mean(online_s[-200:]) > np.mean(online_q[-200:])  # SARSA earns more while exploring


def test_epsilon_greedy_frequencies_by_monte_carlo() -> None:
    q = np.array([0.2, 1.5, -0.3, 0.7])
    eps, n = 0.2, 20_000
    rng = np.random.default_rng(1)
    counts = np.bincount([epsilon_greedy_action(q, eps, rng) for _ in range(n)], minlength=4)
    want = np.array([eps / 4, 1 - eps + eps / 4, eps / 4, eps / 4])  # by hand
    np.testing.assert_allclose(epsilon_greedy_probs(q, eps), want)
    se = np.sqrt(want * (1 - want) / n)
    assert np.all(np.abs(counts / n - want) < 5 * se)
    tied = epsilon_greedy_probs(np.array([1.0, 1.0, 0.0]), 0.3)
    np.testing.assert_allclose(tied, [0.1 + 0.35, 0.1 + 0.35, 0.1])


def test_softmax_policy_with_temperature_matches_torch() -> None:
    torch = pytest.importorskip("torch")
    q = np.array([1.0, 2.0, 0.5, -1.0])
    for t in (0.1, 0.5, 1.0, 4.0):
        theirs = torch.softmax(torch.tensor(q) / t, dim=0).numpy()
        np.testing.assert_allclose(softmax_policy(q, t), theirs, rtol=1e-12)
    assert softmax_policy(q, 1e-3)[1] == pytest.approx(1.0)  # greedy limit
    np.testing.assert_allclose(softmax_policy(q, 1e6), 0.25, atol=1e-5)  # uniform limit
    with pytest.raises(ValueError):
        softmax_policy(q, 0.0)


def test_score_function_matches_torch_autograd() -> None:
    torch = pytest.importorskip("torch")
    theta = np.array([0.3, -0.2, 1.1])
    for a in range(3):
        t = torch.tensor(theta, requires_grad=True)
        torch.log_softmax(t, dim=0)[a].backward()
        np.testing.assert_allclose(log_softmax_grad(theta, a), t.grad.numpy(), rtol=1e-12)


def _exact_bandit_gradient(theta: np.ndarray, means: np.ndarray) -> np.ndarray:
    """grad of J = sum softmax(theta) . mu by central differences (the test's own softmax)."""

    def objective(th: np.ndarray) -> float:
        e = np.exp(th - th.max())
        return float(e / e.sum() @ means)

    h = 1e-6
    return np.array(
        [
            (objective(theta + h * np.eye(3)[i]) - objective(theta - h * np.eye(3)[i])) / (2 * h)
            for i in range(3)
        ]
    )


@pytest.mark.parametrize("baseline", [0.0, 1.0])
def test_reinforce_estimate_matches_the_exact_gradient(baseline: float) -> None:
    """Monte Carlo: each component within 5 standard errors of the exact gradient."""
    theta = np.array([0.5, -0.3, 0.1])
    means = np.array([1.0, 2.0, 0.5])

    def reward(a: int, rng: np.random.Generator) -> float:
        return float(rng.normal(means[a], 0.5))

    samples = reinforce_samples(theta, reward, 20_000, np.random.default_rng(7), baseline)
    exact = _exact_bandit_gradient(theta, means)
    se = samples.std(axis=0, ddof=1) / math.sqrt(len(samples))
    assert np.all(np.abs(samples.mean(axis=0) - exact) < 5 * se)
    np.testing.assert_allclose(policy_gradient_theorem(theta, means), exact, atol=1e-8)


def test_a_baseline_keeps_the_mean_and_lowers_the_variance() -> None:
    theta = np.array([0.5, -0.3, 0.1])
    means = np.array([4.0, 5.0, 3.5])  # large rewards: b = 4 centres them

    def reward(a: int, rng: np.random.Generator) -> float:
        return float(means[a])

    plain = reinforce_samples(theta, reward, 5000, np.random.default_rng(2))
    centred = reinforce_samples(theta, reward, 5000, np.random.default_rng(2), baseline=4.0)
    assert np.all(centred.var(axis=0) < plain.var(axis=0) / 5)
    exact = _exact_bandit_gradient(theta, means)
    se = centred.std(axis=0, ddof=1) / math.sqrt(len(centred))
    assert np.all(np.abs(centred.mean(axis=0) - exact) < 5 * se)


def test_reinforce_update_climbs_to_the_best_arm() -> None:
    theta = np.zeros(3)
    means = np.array([0.0, 1.0, 0.3])
    rng = np.random.default_rng(5)
    for _ in range(2000):
        a = int(rng.choice(3, p=softmax_policy(theta)))
        reinforce_update(theta, a, means[a], lr=0.1, baseline=0.3)
    assert softmax_policy(theta)[1] > 0.9


def test_actor_critic_by_hand() -> None:
    """r = 1, gamma = 0.9, V(s) = 2, V(s') = 3: delta = 1 + 2.7 - 2 = 1.7."""
    theta, V = np.zeros((2, 2)), np.array([2.0, 3.0])
    delta = actor_critic_update(theta, V, 0, 1, 1.0, 1, False, 0.5, 0.1, 0.9)
    assert delta == pytest.approx(1.7)
    assert V[0] == pytest.approx(2.17)
    np.testing.assert_allclose(theta[0], [0.5 * 1.7 * -0.5, 0.5 * 1.7 * 0.5])
    assert actor_critic_update(theta, V, 0, 0, 1.0, 1, True, 0.5, 0.1, 0.9) == pytest.approx(
        1.0 - 2.17
    )


def test_dqn_targets_by_hand() -> None:
    """y = r + gamma max Q_target(s') unless terminal: [1 + 0.9*3, 0.5]."""
    y = dqn_targets(np.array([1.0, 0.5]), np.array([[1.0, 3.0], [2.0, -1.0]]), [0, 1], 0.9)
    np.testing.assert_allclose(y, [3.7, 0.5])


def test_the_target_network_is_a_frozen_copy_refreshed_every_period() -> None:
    rng = np.random.default_rng(0)
    online = LinearQ(rng.normal(size=(3, 2)), np.zeros(2))
    target = TargetNetwork(online, period=3)
    frozen = target.net.params["W"].copy()
    buffer = ReplayBuffer(50)
    for _ in range(60):
        buffer.push(rng.normal(size=3), int(rng.integers(2)), 1.0, rng.normal(size=3), False)
    assert len(buffer) == 50
    batch = buffer.sample(8, rng)
    s_next = batch[3]
    want = batch[2] + 0.9 * (target.net.predict(s_next)).max(axis=1)  # before any step
    np.testing.assert_allclose(target.targets(batch[2], s_next, batch[4], 0.9), want)
    dqn_step(online, target, batch, 0.9, 0.1)
    dqn_step(online, target, batch, 0.9, 0.1)
    assert not np.allclose(online.params["W"], frozen)
    np.testing.assert_array_equal(target.net.params["W"], frozen)  # held for period - 1 steps
    dqn_step(online, target, batch, 0.9, 0.1)
    np.testing.assert_array_equal(target.net.params["W"], online.params["W"])  # copied
    online.params["W"] += 1.0
    assert not np.allclose(target.net.params["W"], online.params["W"])  # a copy, not an alias


def test_dqn_step_is_gradient_descent_on_the_squared_td_error() -> None:
    """The update equals -lr times the central-difference gradient of the loss, y held fixed."""
    rng = np.random.default_rng(4)
    online = LinearQ(rng.normal(size=(3, 2)), rng.normal(size=2))
    target = TargetNetwork(online, period=100)
    batch = (rng.normal(size=(5, 3)), rng.integers(2, size=5), rng.normal(size=5),
             rng.normal(size=(5, 3)), np.array([0, 1, 0, 0, 1.0]))  # fmt: skip
    y = target.targets(batch[2], batch[3], batch[4], 0.9)

    def loss(W: np.ndarray) -> float:
        q = batch[0] @ W + online.params["b"]
        return float(np.mean((q[np.arange(5), batch[1]] - y) ** 2) / 2)

    W0 = online.params["W"].copy()
    h = 1e-6
    grad = np.zeros_like(W0)
    for i in np.ndindex(W0.shape):
        e = np.zeros_like(W0)
        e[i] = h
        grad[i] = (loss(W0 + e) - loss(W0 - e)) / (2 * h)
    dqn_step(online, target, batch, 0.9, 0.1)
    np.testing.assert_allclose(online.params["W"], W0 - 0.1 * grad, atol=1e-8)


def test_the_mdp_refuses_a_broken_model() -> None:
    from eprep.engine.rl import TabularMDP

    with pytest.raises(ValueError, match="probability"):
        TabularMDP(np.zeros((2, 1, 2)), np.zeros((2, 1)), np.zeros(2, dtype=bool))
    with pytest.raises(ValueError, match="shape"):
        TabularMDP(np.ones((2, 1, 2)) / 2, np.zeros((3, 1)), np.zeros(2, dtype=bool))
