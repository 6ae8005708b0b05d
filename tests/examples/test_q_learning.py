"""The q-learning example: its result against the test's own grid model, and its claim checks."""

from __future__ import annotations

import copy
from collections import deque

import numpy as np

from eprep.examples import load

MOVES = ((-1, 0), (0, 1), (1, 0), (0, -1))  # up, right, down, left


def _next_cell(grid: dict, r: int, c: int, a: int) -> tuple[int, int]:
    """The grid's move rule written here: off the grid or into a wall stays put."""
    walls = {tuple(w) for w in grid["walls"]}
    nr, nc = r + MOVES[a][0], c + MOVES[a][1]
    if not (0 <= nr < grid["rows"] and 0 <= nc < grid["cols"]) or (nr, nc) in walls:
        return r, c
    return nr, nc


def _live(grid: dict) -> list[tuple[int, int]]:
    walls = {tuple(w) for w in grid["walls"]}
    cells = [(r, c) for r in range(grid["rows"]) for c in range(grid["cols"])]
    return [cell for cell in cells if cell not in walls and list(cell) != grid["goal"]]


def test_v_star_is_the_discounted_cost_of_the_shortest_path(quick_results: dict) -> None:
    grid = quick_results["q-learning"]["grid"]
    goal = tuple(grid["goal"])
    dist = {goal: 0}
    queue = deque([goal])
    while queue:  # BFS backwards from the goal (moves are reversible on this grid)
        r, c = queue.popleft()
        for a in range(4):
            cell = _next_cell(grid, r, c, a)
            if cell not in dist:
                dist[cell] = dist[(r, c)] + 1
                queue.append(cell)
    gamma = 0.9
    for r, c in _live(grid):
        d = dist[(r, c)]
        want = -(1 - gamma**d) / (1 - gamma)
        assert abs(grid["v_star"][r * grid["cols"] + c] - want) < 1e-4


def test_the_learnt_grid_policy_has_the_optimal_values_by_a_linear_solve(
    quick_results: dict,
) -> None:
    """v_pi of Q-learning's greedy policy from (I - gamma P_pi) v = r_pi equals v*."""
    grid = quick_results["q-learning"]["grid"]
    cols, gamma = grid["cols"], 0.9
    live = _live(grid)
    index = {cell: k for k, cell in enumerate(live)}
    actions = grid["learnt_actions"][0]
    P = np.zeros((len(live), len(live)))
    for (r, c), k in index.items():
        nxt = _next_cell(grid, r, c, actions[r * cols + c])
        if nxt in index:  # the goal is terminal, worth 0
            P[k, index[nxt]] = 1.0
    v = np.linalg.solve(np.eye(len(live)) - gamma * P, -np.ones(len(live)))
    want = [grid["v_star"][r * cols + c] for r, c in live]
    np.testing.assert_allclose(v, want, atol=1e-4)


def test_cliff_paths_by_hand(quick_results: dict) -> None:
    """Shortest path: up, 11 right, down = 13 moves; SARSA's is longer and off the edge row."""
    cliff = quick_results["q-learning"]["cliff"]
    cols = cliff["cols"]
    assert len(cliff["optimal_path"]) - 1 == 13
    assert [s // cols for s in cliff["optimal_path"][1:-1]] == [2] * 12
    for path in cliff["methods"]["SARSA"]["paths"]:
        rows = [s // cols for s in path[1:-1]]
        assert len(path) - 1 > 13 and 2 not in rows[1:-1]


def test_the_claim_checks_reject_broken_results(quick_results: dict) -> None:
    module = load("q-learning")
    result = quick_results["q-learning"]
    assert all(c.ok for c in module.check_claim(result))

    broken = copy.deepcopy(result)
    broken["grid"]["optimal_states"][0] -= 1
    assert not all(c.ok for c in module.check_claim(broken))

    broken = copy.deepcopy(result)
    broken["cliff"]["methods"]["SARSA"]["paths"][0] = broken["cliff"]["optimal_path"]
    assert not all(c.ok for c in module.check_claim(broken))

    broken = copy.deepcopy(result)
    broken["cliff"]["methods"]["Q-learning"]["paths"][0] = result["cliff"]["methods"]["SARSA"][
        "paths"
    ][0]
    assert not all(c.ok for c in module.check_claim(broken))

    broken = copy.deepcopy(result)
    broken["cliff"]["methods"]["SARSA"]["last_mean"] = [-80.0]
    assert not all(c.ok for c in module.check_claim(broken))
