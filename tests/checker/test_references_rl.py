"""The reinforcement-learning references against hand-worked values (exact rationals), their
symbolic forms where they are identities, and the code definitions on right and wrong listings."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from eprep.checker.references import NeedsValues, get_code_reference, get_reference

R = sympy.Rational


def ref(name: str, values: dict, **args):
    p = {k: sympy.nsimplify(v) for k, v in values.items()}
    return sympy.simplify(get_reference(name)(p, **args))


def test_definitions_at_numbers() -> None:
    half = R(1, 2)
    assert ref("discounted_return", dict(r1=1, r2=0, r3=2, r4=-1, gamma=half)) == R(11, 8)
    # v = (1/2)(2 + v/2) + (1/2) 4  ->  v = 4
    assert ref("bellman_stay_or_leave", dict(p=half, a=2, b=4, gamma=half)) == 4
    assert ref("action_value_two_successors", dict(r=1, p=R(1, 4), v1=8, v2=4, gamma=half)) == R(
        7, 2
    )
    # 3 x 4 grid, cell (0, 1): 4 moves, -(1 + 1/2 + 1/4 + 1/8)
    assert ref("grid_optimal_value", dict(H=3, W=4, i=0, j=1, gamma=half)) == R(-15, 8)
    td = dict(q=1, r=2, q1=0, q2=-1, q3=3, alpha=half, gamma=half)
    assert ref("q_learning_update", td) == R(9, 4)
    assert ref("sarsa_update", td) == R(3, 2)
    assert ref("epsilon_greedy_greedy_probability", dict(n=4, eps=R(1, 5))) == R(17, 20)
    assert ref("actor_critic_advantage", dict(r=1, v=2, v2=3, gamma=R(9, 10))) == R(17, 10)
    target = dict(r=1, t1=1, t2=3, t3=0, o1=4, o2=0, o3=0, gamma=half)
    assert ref("dqn_target", target) == R(5, 2)


def test_symbolic_forms() -> None:
    q1, q2, q3, t = sympy.symbols("q1 q2 q3 T", positive=True)
    got = get_reference("boltzmann_probability")({"q1": q1, "q2": q2, "q3": q3, "T": t})
    assert sympy.simplify(got - 1 / (1 + sympy.exp((q2 - q1) / t) + sympy.exp((q3 - q1) / t))) == 0
    th = sympy.symbols("t1:4", real=True)
    mu = sympy.symbols("mu1:4", real=True)
    p = {f"t{k + 1}": th[k] for k in range(3)} | {f"mu{k + 1}": mu[k] for k in range(3)}
    grad = get_reference("bandit_policy_gradient")(p)
    z = sum(sympy.exp(x) for x in th)
    pi = [sympy.exp(x) / z for x in th]
    j = sum(a * b for a, b in zip(pi, mu, strict=True))
    assert sympy.simplify(grad - pi[0] * (mu[0] - j)) == 0
    with pytest.raises(NeedsValues):
        get_reference("grid_optimal_value")(
            {"H": 3, "W": 3, "i": 0, "j": 0, "gamma": sympy.Symbol("g")}
        )


def test_baseline_pick() -> None:
    pick = get_reference("reinforce_baseline_effect")({})
    assert [name for name, holds in pick.conditions.items() if holds] == ["unbiased-lower-variance"]


def run_code(name: str, source: str) -> list[str]:
    namespace: dict = {"np": np}
    exec(source, namespace)
    definition = get_code_reference(name)()
    return definition.check(definition.drive(namespace, np.random.default_rng(3)))


VI = """
def value_iteration(P, R, gamma, tol):
    V = np.zeros(P.shape[0])
    while True:
        V_new = ({backup}).{reduce}(axis=1)
        if np.max(np.abs(V_new - V)) < tol:
            return V_new
        V = V_new
"""


def test_value_iteration_definition() -> None:
    assert (
        run_code("value_iteration_code", VI.format(backup="R + gamma * P @ V", reduce="max")) == []
    )
    assert run_code("value_iteration_code", VI.format(backup="R + gamma * P @ V", reduce="mean"))
    assert run_code("value_iteration_code", VI.format(backup="gamma * (R + P @ V)", reduce="max"))


QL = """
def epsilon_greedy(Q, s, epsilon, rng):
    if rng.random() {cmp} epsilon:
        return int(rng.integers(Q.shape[1]))
    return int(np.argmax(Q[s]))

def q_learning_update(Q, s, a, r, s_next, done, alpha, gamma):
    target = r if done else r + gamma * {future}
    Q[s, a] += alpha * (target - Q[s, a])
"""


def test_q_learning_definition() -> None:
    assert run_code("q_learning_code", QL.format(cmp="<", future="np.max(Q[s_next])")) == []
    assert run_code("q_learning_code", QL.format(cmp=">", future="np.max(Q[s_next])"))
    assert run_code("q_learning_code", QL.format(cmp="<", future="np.max(Q[s])"))


DQN = """
def dqn_targets(q_target_next, rewards, dones, gamma):
    return rewards + gamma * {mask} * q_target_next.max(axis=1)

def sync(online_params):
    return {copy}
"""


def test_dqn_definition() -> None:
    good = "{k: v.copy() for k, v in online_params.items()}"
    assert run_code("dqn_code", DQN.format(mask="(1 - dones)", copy=good)) == []
    assert run_code("dqn_code", DQN.format(mask="1", copy=good))
    assert run_code("dqn_code", DQN.format(mask="(1 - dones)", copy="dict(online_params)"))
