"""Reinforcement learning on small tabular problems, in the notation of Sutton & Barto (2018).

A finite MDP is a transition model P[s, a, s'] = p(s' | s, a) and an expected reward
R[s, a] = E[R_{t+1} | S_t = s, A_t = a]. Terminal states are absorbing with reward 0, so every
sum below may run over all states. Values are arrays: v[s] (state value), Q[s, a] (action value);
a policy is a table pi[s, a] of probabilities. Imports nothing from eprep.

Pieces: a deterministic grid world and the cliff walk (Sutton & Barto Example 6.6); the Bellman
expectation and optimality backups, policy evaluation and value iteration; epsilon-greedy and
softmax (Boltzmann) policies; discounted returns; the one-step Q-learning and SARSA updates and
their episode runners; REINFORCE on a softmax bandit policy (the score-function estimate of the
policy gradient); the one-step actor-critic update; DQN's targets with a target network that is
copied from the online network every `period` steps, and a replay buffer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

# Grid actions, in this order: the row/column change of each.
ACTIONS = ("up", "right", "down", "left")
MOVES = ((-1, 0), (0, 1), (1, 0), (0, -1))


@dataclass(frozen=True)
class TabularMDP:
    """p(s' | s, a) as P (S, A, S), expected rewards R (S, A), absorbing terminal states."""

    P: np.ndarray
    R: np.ndarray
    terminal: np.ndarray  # (S,) bool
    start: int = 0
    shape: tuple[int, int] | None = None  # (rows, cols) when the states are grid cells

    def __post_init__(self) -> None:
        n_states, n_actions, n_next = self.P.shape
        if n_next != n_states or self.R.shape != (n_states, n_actions):
            raise ValueError(f"P has shape {self.P.shape}, R {self.R.shape}: need (S,A,S), (S,A)")
        if not np.allclose(self.P.sum(axis=2), 1.0):
            raise ValueError("each P[s, a] must be a probability distribution over s'")

    @property
    def n_states(self) -> int:
        return self.P.shape[0]

    @property
    def n_actions(self) -> int:
        return self.P.shape[1]

    def step(self, s: int, a: int, rng: np.random.Generator) -> tuple[int, float, bool]:
        """Sample s' ~ p(. | s, a); return (s', R[s, a], whether s' is terminal)."""
        s_next = int(rng.choice(self.n_states, p=self.P[s, a]))
        return s_next, float(self.R[s, a]), bool(self.terminal[s_next])


def _grid_model(rows: int, cols: int, move: Callable[[int, int, int], tuple[int, float]]):
    """P and R of a deterministic grid whose move(r, c, a) gives (next state, reward)."""
    n = rows * cols
    P = np.zeros((n, len(MOVES), n))
    R = np.zeros((n, len(MOVES)))
    for s in range(n):
        for a in range(len(MOVES)):
            s_next, reward = move(s // cols, s % cols, a)
            P[s, a, s_next] = 1.0
            R[s, a] = reward
    return P, R


def _bump(r: int, c: int, a: int, rows: int, cols: int) -> tuple[int, int]:
    """The cell a move leads to; a move off the grid stays put."""
    dr, dc = MOVES[a]
    return min(max(r + dr, 0), rows - 1), min(max(c + dc, 0), cols - 1)


def grid_world(
    rows: int = 4,
    cols: int = 4,
    goal: tuple[int, int] | None = None,
    start: tuple[int, int] = (0, 0),
    step_reward: float = -1.0,
    walls: Sequence[tuple[int, int]] = (),
) -> TabularMDP:
    """A deterministic grid: every move costs `step_reward`, the goal cell is terminal.

    Walls and the border block a move (the agent stays and still pays). With step reward -1 the
    optimal value of a cell d moves from the goal is -(1 + gamma + ... + gamma^(d-1)).
    """
    goal = goal if goal is not None else (rows - 1, cols - 1)
    blocked = set(walls)
    goal_state = goal[0] * cols + goal[1]

    def move(r: int, c: int, a: int) -> tuple[int, float]:
        s = r * cols + c
        if s == goal_state:  # absorbing, no reward
            return s, 0.0
        nr, nc = _bump(r, c, a, rows, cols)
        if (nr, nc) in blocked:
            nr, nc = r, c
        return nr * cols + nc, step_reward

    P, R = _grid_model(rows, cols, move)
    terminal = np.zeros(rows * cols, dtype=bool)
    terminal[goal_state] = True
    return TabularMDP(P, R, terminal, start[0] * cols + start[1], (rows, cols))


def cliff_walk(rows: int = 4, cols: int = 12, cliff_reward: float = -100.0) -> TabularMDP:
    """Sutton & Barto's Example 6.6: start bottom-left, goal bottom-right, the cliff between.

    Every move costs -1; stepping into the cliff costs `cliff_reward` and sends the agent back
    to the start (the episode goes on).
    """
    start = (rows - 1) * cols
    goal = rows * cols - 1

    def move(r: int, c: int, a: int) -> tuple[int, float]:
        s = r * cols + c
        if s == goal:
            return s, 0.0
        nr, nc = _bump(r, c, a, rows, cols)
        if nr == rows - 1 and 0 < nc < cols - 1:  # the cliff
            return start, cliff_reward
        return nr * cols + nc, -1.0

    P, R = _grid_model(rows, cols, move)
    terminal = np.zeros(rows * cols, dtype=bool)
    terminal[goal] = True
    return TabularMDP(P, R, terminal, start, (rows, cols))


def chain_mdp(rewards: Sequence[float]) -> TabularMDP:
    """States 0..n: from state t the one action gives rewards[t] and leads to t + 1 (terminal n)."""
    n = len(rewards)
    P = np.zeros((n + 1, 1, n + 1))
    R = np.zeros((n + 1, 1))
    for t in range(n):
        P[t, 0, t + 1] = 1.0
        R[t, 0] = rewards[t]
    P[n, 0, n] = 1.0
    terminal = np.zeros(n + 1, dtype=bool)
    terminal[n] = True
    return TabularMDP(P, R, terminal)


# --- returns --------------------------------------------------------------------------------


def discounted_return(rewards: Sequence[float], gamma: float) -> float:
    """G_0 = R_1 + gamma R_2 + gamma^2 R_3 + ... for the rewards R_1, R_2, ... of one episode."""
    return float(returns_to_go(rewards, gamma)[0]) if len(rewards) else 0.0


def returns_to_go(rewards: Sequence[float], gamma: float) -> np.ndarray:
    """G_t for every t, backwards by G_t = R_{t+1} + gamma G_{t+1} (G_T = 0)."""
    out = np.zeros(len(rewards))
    g = 0.0
    for t in range(len(rewards) - 1, -1, -1):
        g = rewards[t] + gamma * g
        out[t] = g
    return out


# --- Bellman backups, policy evaluation, value iteration -------------------------------------


def action_values(mdp: TabularMDP, v: np.ndarray, gamma: float) -> np.ndarray:
    """q(s, a) = R(s, a) + gamma sum_s' p(s' | s, a) v(s'), with v(terminal) taken as 0."""
    v = np.where(mdp.terminal, 0.0, v)
    return mdp.R + gamma * mdp.P @ v


def bellman_expectation(mdp: TabularMDP, pi: np.ndarray, v: np.ndarray, gamma: float):
    """One backup of v_pi: v(s) <- sum_a pi(a | s) q(s, a); terminal states stay 0."""
    new = np.sum(pi * action_values(mdp, v, gamma), axis=1)
    return np.where(mdp.terminal, 0.0, new)


def bellman_optimality(mdp: TabularMDP, v: np.ndarray, gamma: float) -> np.ndarray:
    """One backup of v_*: v(s) <- max_a q(s, a); terminal states stay 0."""
    return np.where(mdp.terminal, 0.0, action_values(mdp, v, gamma).max(axis=1))


def _iterate(backup: Callable[[np.ndarray], np.ndarray], n: int, tol: float, max_sweeps: int):
    v = np.zeros(n)
    for _ in range(max_sweeps):
        new = backup(v)
        if np.max(np.abs(new - v)) < tol:
            return new
        v = new
    raise RuntimeError(f"no convergence within {max_sweeps} sweeps (is gamma < 1?)")


def policy_evaluation(
    mdp: TabularMDP, pi: np.ndarray, gamma: float, tol: float = 1e-12, max_sweeps: int = 100_000
) -> np.ndarray:
    """v_pi by repeated Bellman expectation backups from v = 0, until a sweep moves < tol."""
    return _iterate(lambda v: bellman_expectation(mdp, pi, v, gamma), mdp.n_states, tol, max_sweeps)


def value_iteration(
    mdp: TabularMDP, gamma: float, tol: float = 1e-12, max_sweeps: int = 100_000
) -> np.ndarray:
    """v_* by repeated Bellman optimality backups from v = 0, until a sweep moves < tol."""
    return _iterate(lambda v: bellman_optimality(mdp, v, gamma), mdp.n_states, tol, max_sweeps)


def greedy_policy(q: np.ndarray) -> np.ndarray:
    """pi(s) = argmax_a q(s, a), ties to the lowest action (a deterministic policy, (S,) ints)."""
    return np.argmax(q, axis=1)


def policy_matrix(actions: np.ndarray, n_actions: int) -> np.ndarray:
    """A deterministic policy (S,) as the probability table pi[s, a]."""
    return np.eye(n_actions)[actions]


def greedy_path(mdp: TabularMDP, actions: np.ndarray, max_steps: int = 1000) -> list[int]:
    """The states visited from the start following a deterministic policy (P deterministic)."""
    s, path = mdp.start, [mdp.start]
    for _ in range(max_steps):
        if mdp.terminal[s]:
            break
        s = int(np.argmax(mdp.P[s, actions[s]]))
        path.append(s)
    return path


# --- policies -------------------------------------------------------------------------------


def epsilon_greedy_probs(q_row: np.ndarray, epsilon: float) -> np.ndarray:
    """pi(a) = epsilon/|A| for every action, plus 1 - epsilon shared by the greedy action(s)."""
    q_row = np.asarray(q_row, dtype=float)
    best = q_row == q_row.max()
    return epsilon / q_row.size + (1 - epsilon) * best / best.sum()


def epsilon_greedy_action(q_row: np.ndarray, epsilon: float, rng: np.random.Generator) -> int:
    """With probability epsilon a uniform action, else a greedy one (ties broken at random)."""
    q_row = np.asarray(q_row, dtype=float)
    if rng.random() < epsilon:
        return int(rng.integers(q_row.size))
    return int(rng.choice(np.flatnonzero(q_row == q_row.max())))


def softmax_policy(q_row: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """Boltzmann pi(a) = exp(q(a)/T) / sum_b exp(q(b)/T); small T is greedy, large T uniform."""
    if temperature <= 0:
        raise ValueError(f"temperature must be positive, got {temperature}")
    z = np.asarray(q_row, dtype=float) / temperature
    e = np.exp(z - z.max())  # shift for stability; the ratio is unchanged
    return e / e.sum()


def softmax_action(q_row: np.ndarray, temperature: float, rng: np.random.Generator) -> int:
    """An action drawn from the Boltzmann policy."""
    p = softmax_policy(q_row, temperature)
    return int(rng.choice(p.size, p=p))


# --- temporal-difference control -------------------------------------------------------------


def q_learning_update(
    Q: np.ndarray, s: int, a: int, r: float, s_next: int, done: bool, alpha: float, gamma: float
) -> float:
    """Watkins: Q(s,a) += alpha (r + gamma max_a' Q(s',a') - Q(s,a)); returns the TD error.

    Off-policy: the target takes the greedy action at s' whatever the behaviour will do there.
    A terminal s' has no future: the target is r.
    """
    target = r if done else r + gamma * np.max(Q[s_next])
    delta = target - Q[s, a]
    Q[s, a] += alpha * delta
    return float(delta)


def sarsa_update(
    Q: np.ndarray,
    s: int,
    a: int,
    r: float,
    s_next: int,
    a_next: int,
    done: bool,
    alpha: float,
    gamma: float,
) -> float:
    """SARSA: Q(s,a) += alpha (r + gamma Q(s',a') - Q(s,a)) with a' the action actually taken.

    On-policy: the target follows the behaviour policy (exploration included).
    """
    target = r if done else r + gamma * Q[s_next, a_next]
    delta = target - Q[s, a]
    Q[s, a] += alpha * delta
    return float(delta)


def q_learning_episode(
    mdp: TabularMDP,
    Q: np.ndarray,
    rng: np.random.Generator,
    alpha: float,
    gamma: float,
    epsilon: float,
    max_steps: int = 10_000,
    start: int | None = None,
) -> float:
    """One episode of epsilon-greedy Q-learning (from `start`, default the MDP's start).

    Returns the undiscounted return.
    """
    s, total = (mdp.start if start is None else start), 0.0
    for _ in range(max_steps):
        a = epsilon_greedy_action(Q[s], epsilon, rng)
        s_next, r, done = mdp.step(s, a, rng)
        q_learning_update(Q, s, a, r, s_next, done, alpha, gamma)
        total += r
        s = s_next
        if done:
            break
    return total


def sarsa_episode(
    mdp: TabularMDP,
    Q: np.ndarray,
    rng: np.random.Generator,
    alpha: float,
    gamma: float,
    epsilon: float,
    max_steps: int = 10_000,
    start: int | None = None,
) -> float:
    """One episode of epsilon-greedy SARSA (from `start`, default the MDP's start).

    Returns the undiscounted return.
    """
    s, total = (mdp.start if start is None else start), 0.0
    a = epsilon_greedy_action(Q[s], epsilon, rng)
    for _ in range(max_steps):
        s_next, r, done = mdp.step(s, a, rng)
        a_next = epsilon_greedy_action(Q[s_next], epsilon, rng)
        sarsa_update(Q, s, a, r, s_next, a_next, done, alpha, gamma)
        total += r
        s, a = s_next, a_next
        if done:
            break
    return total


# --- policy gradient on a bandit -------------------------------------------------------------


def log_softmax_grad(theta: np.ndarray, a: int) -> np.ndarray:
    """The score d/dtheta log pi_theta(a) of a softmax policy over logits: e_a - pi."""
    score = -softmax_policy(theta)
    score[a] += 1.0
    return score


def reinforce_samples(
    theta: np.ndarray,
    reward: Callable[[int, np.random.Generator], float],
    n: int,
    rng: np.random.Generator,
    baseline: float = 0.0,
) -> np.ndarray:
    """n one-step episodes a ~ pi_theta, r = reward(a): each row (r - b) grad log pi(a).

    Their mean is REINFORCE's Monte-Carlo estimate of grad J(theta) (Williams 1992); any
    baseline b that does not depend on the action leaves its expectation unchanged.
    """
    pi = softmax_policy(theta)
    out = np.empty((n, len(theta)))
    for i in range(n):
        a = int(rng.choice(len(theta), p=pi))
        out[i] = (reward(a, rng) - baseline) * log_softmax_grad(theta, a)
    return out


def reinforce_gradient(
    theta: np.ndarray,
    reward: Callable[[int, np.random.Generator], float],
    n: int,
    rng: np.random.Generator,
    baseline: float = 0.0,
) -> np.ndarray:
    """The Monte-Carlo policy-gradient estimate: the mean of `reinforce_samples`."""
    return reinforce_samples(theta, reward, n, rng, baseline).mean(axis=0)


def reinforce_update(
    theta: np.ndarray, a: int, g: float, lr: float, baseline: float = 0.0
) -> np.ndarray:
    """theta += lr (G - b) grad log pi(a), in place; returns theta."""
    theta += lr * (g - baseline) * log_softmax_grad(theta, a)
    return theta


def expected_reward(theta: np.ndarray, means: np.ndarray) -> float:
    """J(theta) = sum_a pi_theta(a) mu_a, the objective REINFORCE climbs on a bandit."""
    return float(softmax_policy(theta) @ np.asarray(means, dtype=float))


def policy_gradient_theorem(theta: np.ndarray, means: np.ndarray) -> np.ndarray:
    """sum_a pi(a) mu_a grad log pi(a): the policy-gradient theorem's expectation, enumerated."""
    pi = softmax_policy(theta)
    return sum(pi[a] * means[a] * log_softmax_grad(theta, a) for a in range(len(theta)))


# --- actor-critic ---------------------------------------------------------------------------


def actor_critic_update(
    theta: np.ndarray,
    V: np.ndarray,
    s: int,
    a: int,
    r: float,
    s_next: int,
    done: bool,
    actor_lr: float,
    critic_lr: float,
    gamma: float,
) -> float:
    """One-step actor-critic with tabular softmax logits theta[s] and critic V; returns delta.

    The TD error delta = r + gamma V(s') - V(s) estimates the advantage A(s, a): the critic
    moves V(s) by critic_lr delta, the actor theta[s] by actor_lr delta grad log pi(a | s).
    """
    delta = (r if done else r + gamma * V[s_next]) - V[s]
    V[s] += critic_lr * delta
    theta[s] += actor_lr * delta * log_softmax_grad(theta[s], a)
    return float(delta)


# --- DQN ------------------------------------------------------------------------------------


class LinearQ:
    """Q(x, .) = x W + b, a one-layer action-value network with DLFS-style params."""

    def __init__(self, W: np.ndarray, b: np.ndarray) -> None:
        self.params = {"W": np.array(W, dtype=float), "b": np.array(b, dtype=float)}

    def predict(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(x, dtype=float) @ self.params["W"] + self.params["b"]


def dqn_targets(
    rewards: np.ndarray, q_next_target: np.ndarray, dones: np.ndarray, gamma: float
) -> np.ndarray:
    """y = r + gamma (1 - done) max_a' Q_target(s', a') for a batch (N,), Q_target (N, A).

    The max is over the TARGET network's values (Mnih et al. 2015), which are held fixed
    between copies so the regression target does not move with every update; a terminal s'
    has no next value.
    """
    rewards = np.asarray(rewards, dtype=float)
    alive = 1.0 - np.asarray(dones, dtype=float)
    return rewards + gamma * alive * np.max(q_next_target, axis=1)


def copy_params(params: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """A deep copy: the target network must not share arrays with the online network."""
    return {key: value.copy() for key, value in params.items()}


class TargetNetwork:
    """A frozen copy of an online network, refreshed every `period` calls of `step`."""

    def __init__(self, online: LinearQ, period: int) -> None:
        if period < 1:
            raise ValueError(f"period must be at least 1, got {period}")
        self.online = online
        self.period = period
        self.net = LinearQ(online.params["W"].copy(), online.params["b"].copy())
        self.steps = 0

    def step(self) -> bool:
        """Count one online update; copy the online weights every `period`-th. Copied?"""
        self.steps += 1
        if self.steps % self.period == 0:
            self.net.params = copy_params(self.online.params)
            return True
        return False

    def targets(
        self, rewards: np.ndarray, next_states: np.ndarray, dones: np.ndarray, gamma: float
    ) -> np.ndarray:
        """DQN targets from this frozen network's values at the next states."""
        return dqn_targets(rewards, self.net.predict(next_states), dones, gamma)


class ReplayBuffer:
    """A ring buffer of transitions (s, a, r, s', done), sampled uniformly (experience replay)."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.items: list[tuple] = []
        self.next = 0

    def push(self, s: np.ndarray, a: int, r: float, s_next: np.ndarray, done: bool) -> None:
        item = (np.asarray(s, dtype=float), int(a), float(r), np.asarray(s_next, float), done)
        if len(self.items) < self.capacity:
            self.items.append(item)
        else:  # overwrite the oldest
            self.items[self.next] = item
        self.next = (self.next + 1) % self.capacity

    def __len__(self) -> int:
        return len(self.items)

    def sample(self, batch: int, rng: np.random.Generator):
        """(states, actions, rewards, next states, dones) of `batch` uniform draws."""
        idx = rng.integers(len(self.items), size=batch)
        s, a, r, s2, d = zip(*(self.items[i] for i in idx), strict=True)
        return np.stack(s), np.array(a), np.array(r), np.stack(s2), np.array(d, dtype=float)


def dqn_step(
    online: LinearQ,
    target: TargetNetwork,
    batch: tuple,
    gamma: float,
    lr: float,
) -> float:
    """One SGD step on the mean of (y - Q(s, a))^2 / 2, y from the target network (constant)."""
    s, a, r, s_next, dones = batch
    y = target.targets(r, s_next, dones, gamma)
    q = online.predict(s)
    n = len(a)
    error = q[np.arange(n), a] - y
    dq = np.zeros_like(q)
    dq[np.arange(n), a] = error / n
    online.params["W"] -= lr * s.T @ dq
    online.params["b"] -= lr * dq.sum(axis=0)
    target.step()
    return float(np.mean(error**2) / 2)
