"""q-learning: tabular Q-learning finds value iteration's optimal policy; SARSA walks safely.

Part 1, a grid world with walls (every move -1, gamma 0.9): value iteration gives v* and an
optimal policy; epsilon-greedy Q-learning from random starts learns Q, and its greedy action is
optimal in every reachable state.

Part 2, the cliff walk of Sutton & Barto's Example 6.6 (epsilon = 0.1, undiscounted): Q-learning
is off-policy, so it learns the values of the greedy policy and its path runs along the cliff
edge (the shortest, 13 moves), where exploration keeps pushing it over; SARSA is on-policy and
learns the values of the epsilon-greedy policy it follows, so its path keeps away from the edge,
and it earns more per episode while exploring. The step size is 0.2 (the book's 0.5 leaves the
greedy policy of a single run still flickering after 500 episodes).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from eprep.examples import Check
from eprep.examples.training import Progress, Steps, rounded
from eprep.examples.words import Lang, Words

NAME = "q-learning"
CLAIM = (
    "On a grid world Q-learning reaches the optimal policy that value iteration computes; "
    "on the cliff walk SARSA takes the safer path and Q-learning the edge."
)
# the claim on Japanese pages
CLAIM_JA = (
    "グリッドワールドでQ学習は価値反復法が求める最適方策に到達し、崖歩きの問題ではSARSAは"
    "安全な経路を、Q学習は崖沿いの経路を学習する。"
)

GRID = {"rows": 4, "cols": 5, "goal": (3, 4), "walls": ((1, 1), (2, 1), (1, 3))}
GRID_GAMMA = 0.9
GRID_EPSILON = 0.3
CLIFF_EPSILON = 0.1
ALPHA_GRID = 0.5
ALPHA_CLIFF = 0.2
ARROWS = {0: (0.0, 0.35), 1: (0.35, 0.0), 2: (0.0, -0.35), 3: (-0.35, 0.0)}  # up right down left

RESULT_SCHEMA = {
    "quick": "bool",
    "runs": "int",
    "grid": {
        "rows": "int",
        "cols": "int",
        "walls": [["int"]],
        "goal": ["int"],
        "episodes": "int",
        "v_star": ["float"],
        "optimal_actions": [["int"]],
        "learnt_actions": [["int"]],
        "optimal_states": ["int"],
        "states": "int",
        "max_q_error": ["float"],
        "returns": ["float"],
    },
    "cliff": {
        "rows": "int",
        "cols": "int",
        "episodes": "int",
        "optimal_path": ["int"],
        "edge": ["int"],
        "methods": {
            "*": {
                "paths": [["int"]],
                "returns": ["float"],
                "last_mean": ["float"],
            }
        },
    },
}


def _grid_part(runs: int, episodes: int, seed: int, steps: Steps) -> dict[str, Any]:
    from eprep.engine.rl import (
        action_values,
        greedy_policy,
        grid_world,
        q_learning_episode,
        value_iteration,
    )

    mdp = grid_world(GRID["rows"], GRID["cols"], goal=GRID["goal"], walls=GRID["walls"])
    v_star = value_iteration(mdp, GRID_GAMMA)
    q_star = action_values(mdp, v_star, GRID_GAMMA)
    blocked = {r * GRID["cols"] + c for r, c in GRID["walls"]}
    live = [s for s in range(mdp.n_states) if not mdp.terminal[s] and s not in blocked]
    # every optimal action of each state (ties are common on a grid)
    optimal = [[int(a) for a in np.flatnonzero(np.isclose(q_star[s], q_star[s].max()))]
               if s in live else [] for s in range(mdp.n_states)]  # fmt: skip
    learnt, counts, errors, returns = [], [], [], np.zeros(episodes)
    for run in range(runs):
        rng = np.random.default_rng([seed, 0, run])
        Q = np.zeros((mdp.n_states, mdp.n_actions))
        for episode in range(episodes):
            start = int(rng.choice(live))  # exploring starts: every state keeps being visited
            returns[episode] += q_learning_episode(
                mdp, Q, rng, ALPHA_GRID, GRID_GAMMA, GRID_EPSILON, start=start
            )
            steps.advance()
        actions = greedy_policy(Q)
        learnt.append([int(a) for a in actions])
        counts.append(sum(int(actions[s]) in optimal[s] for s in live))
        errors.append(float(np.max(np.abs(Q[live] - q_star[live]))))
    return {
        "rows": GRID["rows"],
        "cols": GRID["cols"],
        "walls": [list(w) for w in GRID["walls"]],
        "goal": list(GRID["goal"]),
        "episodes": episodes,
        "v_star": v_star.tolist(),
        "optimal_actions": optimal,
        "learnt_actions": learnt,
        "optimal_states": counts,
        "states": len(live),
        "max_q_error": errors,
        "returns": (returns / runs).tolist(),
    }


def _cliff_part(runs: int, episodes: int, seed: int, steps: Steps) -> dict[str, Any]:
    from eprep.engine.rl import (
        action_values,
        cliff_walk,
        greedy_path,
        greedy_policy,
        q_learning_episode,
        sarsa_episode,
        value_iteration,
    )

    mdp = cliff_walk()
    rows, cols = mdp.shape or (4, 12)
    optimal = greedy_path(mdp, greedy_policy(action_values(mdp, value_iteration(mdp, 1.0), 1.0)))
    episode_fns = {"Q-learning": q_learning_episode, "SARSA": sarsa_episode}
    methods: dict[str, dict[str, Any]] = {}
    for index, (name, fn) in enumerate(episode_fns.items()):
        paths, returns, last = [], np.zeros(episodes), []
        for run in range(runs):
            rng = np.random.default_rng([seed, 1, index, run])
            Q = np.zeros((mdp.n_states, mdp.n_actions))
            mine = []
            for _ in range(episodes):
                mine.append(fn(mdp, Q, rng, ALPHA_CLIFF, 1.0, CLIFF_EPSILON))
                steps.advance()
            returns += np.array(mine)
            last.append(float(np.mean(mine[-100:])))
            paths.append(greedy_path(mdp, greedy_policy(Q), 4 * rows * cols))
        methods[name] = {"paths": paths, "returns": (returns / runs).tolist(), "last_mean": last}
    return {
        "rows": rows,
        "cols": cols,
        "episodes": episodes,
        "optimal_path": optimal,
        "edge": [(rows - 2) * cols + c for c in range(1, cols - 1)],
        "methods": methods,
    }


def run(quick: bool = False, seed: int = 0, progress: Progress | None = None) -> dict[str, Any]:
    """Value iteration and Q-learning on the grid; Q-learning and SARSA on the cliff walk."""
    runs = 1 if quick else 5
    grid_episodes, cliff_episodes = 400, 500
    steps = Steps(runs * (grid_episodes + 2 * cliff_episodes), progress)
    result = {
        "quick": quick,
        "runs": runs,
        "grid": _grid_part(runs, grid_episodes, seed, steps),
        "cliff": _cliff_part(runs, cliff_episodes, seed, steps),
    }
    return rounded(result, 5)


def _reaches_goal(cliff: dict[str, Any], path: list[int]) -> bool:
    return path[-1] == cliff["rows"] * cliff["cols"] - 1


def check_claim(result: dict[str, Any]) -> list[Check]:
    """Grid: greedy Q optimal everywhere. Cliff: Q-learning on the edge, SARSA off it."""
    grid, cliff = result["grid"], result["cliff"]
    worst = min(grid["optimal_states"])
    checks = [
        Check(
            "grid world: Q-learning's greedy action is optimal (value iteration) in every "
            "reachable state, in every run",
            worst == grid["states"],
            f"{worst} of {grid['states']} states in the worst run; "
            f"max |Q - q*| = {max(grid['max_q_error']):.2g}",
            statement_ja="グリッドワールド: どの実行でも、到達できる全ての状態で"
            "Q 学習の貪欲な行動が（価値反復法による）最適な行動である",
            measured_ja=f"最悪の実行で {grid['states']} 状態中 {worst} 状態、"
            f"|Q - q*| の最大 = {max(grid['max_q_error']):.2g}",
        )
    ]
    edge = set(cliff["edge"])
    q_paths = cliff["methods"]["Q-learning"]["paths"]
    s_paths = cliff["methods"]["SARSA"]["paths"]
    checks.append(
        Check(
            "cliff walk: Q-learning's greedy path is value iteration's optimal path along the "
            "edge (13 moves), in every run",
            all(p == cliff["optimal_path"] for p in q_paths) and len(cliff["optimal_path"]) == 14,
            f"path lengths {[len(p) - 1 for p in q_paths]}",
            statement_ja="崖歩き: どの実行でも、Q 学習の貪欲な経路は"
            "価値反復法による崖沿いの最適経路（13 手）である",
            measured_ja=f"経路の手数 {[len(p) - 1 for p in q_paths]}",
        )
    )
    safe = [_reaches_goal(cliff, p) and not edge & set(p) for p in s_paths]
    checks.append(
        Check(
            "cliff walk: SARSA's greedy path reaches the goal without touching the edge cells, "
            "in every run",
            all(safe),
            f"safe in {sum(safe)} of {len(safe)} runs; lengths {[len(p) - 1 for p in s_paths]}",
            statement_ja="崖歩き: どの実行でも、SARSA の貪欲な経路は"
            "崖沿いのマスを通らずにゴールに着く",
            measured_ja=f"{len(safe)} 回中 {sum(safe)} 回安全、"
            f"手数 {[len(p) - 1 for p in s_paths]}",
        )
    )
    q_last = cliff["methods"]["Q-learning"]["last_mean"]
    s_last = cliff["methods"]["SARSA"]["last_mean"]
    checks.append(
        Check(
            "cliff walk: while exploring (epsilon = 0.1), SARSA earns more per episode than "
            "Q-learning over the last 100 episodes",
            float(np.mean(s_last)) > float(np.mean(q_last)),
            f"SARSA {np.mean(s_last):.1f} vs Q-learning {np.mean(q_last):.1f}",
            statement_ja="崖歩き: 探索しながら（ε = 0.1）の最後の 100 エピソードで、"
            "SARSA は Q 学習より 1 エピソードあたり多くの報酬を得る",
            measured_ja=f"SARSA {np.mean(s_last):.1f}、Q 学習 {np.mean(q_last):.1f}",
        )
    )
    return checks


WORDS = Words(
    {
        "en": {
            "header": ("task", "method", "greedy path (moves)", "optimal states",
                       "mean return, last 100"),
            "grid": "grid world", "cliff": "cliff walk", "Q-learning": "Q-learning",
            "SARSA": "SARSA", "value iteration": "value iteration",
            "grid title": "grid world (random starts)",
            "episode": "episode",
            "return": "return (moving average of 10)",
            "optimal": "optimal path (-13)",
            "cliff title": "cliff walk (epsilon = 0.1)",
            "policy title": "Q-learning's greedy policy\n(black: optimal by value iteration)",
            "path": "{name} ({moves})",
            "paths title": "cliff walk: greedy paths after learning (moves)",
        },
        "ja": {
            "header": ("問題", "手法", "貪欲な経路（手数）", "最適な状態",
                       "平均収益（最後の 100）"),
            "grid": "グリッドワールド", "cliff": "崖歩き", "Q-learning": "Q 学習",
            "SARSA": "SARSA", "value iteration": "価値反復法",
            "grid title": "グリッドワールド（開始位置はランダム）",
            "episode": "エピソード",
            "return": "収益（10 エピソードの移動平均）",
            "optimal": "最適な経路（-13）",
            "cliff title": "崖歩き（ε = 0.1）",
            "policy title": "Q 学習の貪欲方策\n（黒: 価値反復法による最適行動）",
            "path": "{name}（{moves}）",
            "paths title": "崖歩き: 学習後の貪欲な経路（手数）",
        },
    }
)  # fmt: skip


def rows(result: dict[str, Any], lang: str = "en") -> list[tuple[str, ...]]:
    """One row per task and method: greedy path, optimal states, last-100 mean return."""
    w = WORDS.of(lang)
    grid, cliff = result["grid"], result["cliff"]
    body = [
        (
            w("grid"),
            w("Q-learning"),
            "-",
            f"{min(grid['optimal_states'])}/{grid['states']}",
            f"{np.mean(grid['returns'][-100:]):.2f}",
        ),
        (w("grid"), w("value iteration"), "-", f"{grid['states']}/{grid['states']}", "-"),
    ]
    for name, method in cliff["methods"].items():
        lengths = sorted({len(p) - 1 for p in method["paths"]})
        body.append(
            (w("cliff"), w(name), ", ".join(map(str, lengths)), "-",
             f"{np.mean(method['last_mean']):.1f}")
        )  # fmt: skip
    return [w.row("header"), *body]


def _moving_average(values: list[float], width: int = 10) -> np.ndarray:
    kernel = np.ones(width) / width
    return np.convolve(np.asarray(values, dtype=float), kernel, mode="valid")


def figures(result: dict[str, Any], lang: str) -> dict[str, Any]:
    """Returns per episode (grid and cliff) and the learnt policies drawn on their grids."""
    from eprep.examples.plotting import figure, style

    w = WORDS.of(lang)
    grid, cliff = result["grid"], result["cliff"]
    fig = figure(10.0, 3.8)
    left, right = fig.subplots(1, 2)
    left.plot(_moving_average(grid["returns"]), color="tab:blue", label=w("Q-learning"))
    style(left, w("grid title"), w("episode"), w("return"))
    left.legend()
    for name, color in (("Q-learning", "tab:red"), ("SARSA", "tab:blue")):
        right.plot(_moving_average(cliff["methods"][name]["returns"]), color=color, label=w(name))
    right.axhline(-13, color="gray", linestyle=":", label=w("optimal"))
    right.set_ylim(-120, 0)
    style(right, w("cliff title"), w("episode"), w("return"))
    right.legend()
    returns = fig

    fig = figure(10.0, 3.6)
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [5, 12]})
    _draw_grid_policy(left, grid, w)
    _draw_cliff_paths(right, cliff, w)
    return {"returns": returns, "policies": fig}


def _draw_grid_policy(ax: Any, grid: dict[str, Any], w: Lang) -> None:
    """Arrows of Q-learning's greedy actions (first run), shaded by v*; walls black."""
    rows_, cols = grid["rows"], grid["cols"]
    values = np.array(grid["v_star"]).reshape(rows_, cols)
    walls = {tuple(w) for w in grid["walls"]}
    shade = np.where(np.array([[(r, c) in walls for c in range(cols)] for r in range(rows_)]),
                     np.nan, values)  # fmt: skip
    ax.imshow(shade, cmap="Greens", origin="upper")
    actions = grid["learnt_actions"][0]
    for s, a in enumerate(actions):
        r, c = divmod(s, cols)
        if (r, c) in walls:
            ax.add_patch(_square(c, r, "black"))
        elif [r, c] == grid["goal"]:
            ax.text(c, r, "G", ha="center", va="center", fontsize=14, weight="bold")
        else:
            dx, dy = ARROWS[a]
            ok = a in grid["optimal_actions"][s]
            ax.arrow(c - dx / 2, r + dy / 2, dx, -dy, head_width=0.15, length_includes_head=True,
                     color="black" if ok else "red")  # fmt: skip
    ax.set_title(w("policy title"))
    ax.set_xticks([])
    ax.set_yticks([])


def _square(x: float, y: float, color: str) -> Any:
    from matplotlib.patches import Rectangle

    return Rectangle((x - 0.5, y - 0.5), 1, 1, color=color)


def _draw_cliff_paths(ax: Any, cliff: dict[str, Any], w: Lang) -> None:
    """The cliff (grey), and the greedy paths of Q-learning and SARSA (first run)."""
    rows_, cols = cliff["rows"], cliff["cols"]
    for c in range(1, cols - 1):
        ax.add_patch(_square(c, rows_ - 1, "0.6"))
    for name, color, offset in (("Q-learning", "tab:red", 0.08), ("SARSA", "tab:blue", -0.08)):
        path = cliff["methods"][name]["paths"][0]
        xs = [s % cols for s in path]
        ys = [s // cols + offset for s in path]
        ax.plot(
            xs,
            ys,
            color=color,
            marker="o",
            markersize=3,
            label=w("path", name=w(name), moves=len(path) - 1),
        )
    ax.text(0, rows_ - 1, "S", ha="center", va="center", weight="bold")
    ax.text(cols - 1, rows_ - 1, "G", ha="center", va="center", weight="bold")
    ax.set_xlim(-0.5, cols - 0.5)
    ax.set_ylim(rows_ - 0.5, -0.5)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(w("paths title"))
    ax.legend(loc="upper center", fontsize=8)
