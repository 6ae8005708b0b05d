"""Benchmark of the answer checker (issue 3).

Prints the median and p95 latency of `equivalent` over the course-formula corpus (in-process
"trusted" path used by bank verification, and the learner path through the worker), the wall
time of cold `eprep check` processes, and `eprep --help` against a `python -c pass` baseline
measured in the same run. Targets: median < 50 ms, p95 < 500 ms, `--help` < 0.3 s.
`--baseline COMMIT` instead times the corpus for this tree and for COMMIT (exported with
`git archive` into a temporary folder) in alternating child processes, and prints the ratios.
`--learner COMMIT` times the learner path, before (COMMIT) and after (this tree) in the same
run: judging a right answer with its known mistakes, as the quiz does (the expression kind's
`parse` then `grade`, for every expression question of the bank, answered in another form than
the key), and `judge` over the corpus's equivalent pairs with three mistakes each; then the
same for wrong answers equal to a known mistake. Each child process starts its own worker, so
no proof is cached from another run. Target: the right-answer median and p95 1.5x faster.

    python benchmarks/bench_check.py [--repeat N]
    python benchmarks/bench_check.py --baseline 449eed9 [--rounds 3]
    python benchmarks/bench_check.py --learner dca96c7 [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The corpus always comes from this tree, also when a child times a baseline commit.
PAIRS = json.loads((ROOT / "tests" / "checker" / "formula_pairs.json").read_text())["pairs"]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _wall(args: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(args, capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_equivalent(trusted: bool) -> list[float]:
    from eprep.checker import equivalent

    times = []
    for pair in PAIRS:
        start = time.perf_counter()
        verdict = equivalent(pair["answer"], pair["expected"], pair["domains"], trusted=trusted)
        times.append(time.perf_counter() - start)
        if verdict.equivalent is not pair["equivalent"]:
            print(f"  WRONG VERDICT: {pair['answer']} vs {pair['expected']}", file=sys.stderr)
    return times


def corpus_times() -> dict[str, list[float]]:
    """Warm up, then time every corpus pair on both paths (run in a child by --baseline)."""
    from eprep.checker import equivalent

    equivalent("x", "x", trusted=True)
    equivalent("x + 1", "1 + x", timeout=30.0)
    return {
        "trusted": bench_equivalent(True),
        "learner": bench_equivalent(False),
    }


def _commuted(text: str) -> str:
    """An equivalent formula written differently: the operands of every + and * swapped."""
    from eprep.grammar import parse, to_text
    from eprep.grammar.nodes import BinOp, map_children

    def swap(node):
        node = map_children(node, swap)
        if isinstance(node, BinOp) and node.op in "+*":
            return BinOp(node.op, node.right, node.left)
        return node

    return to_text(swap(parse(text)))


def _mistakes_of(text: str) -> list[str]:
    """Three classic slips of a formula: the sign, a factor 2, a constant term."""
    return [f"-({text})", f"2*({text})", f"({text}) + 1"]


VARIANTS = 5  # per bank question (fewer for a question without random parameters)
PATHS = (
    "quiz right, as the key",
    "quiz right, other form",
    "judge right",
    "quiz wrong",
    "judge wrong",
)


def learner_times() -> dict[str, list[float]]:
    """Right and wrong answers on the learner path (run in a child by --learner)."""
    from eprep.checker import judge, kinds
    from eprep.questions import load_bank

    judge("x + 1", "1 + x", {}, [], timeout=30.0)  # SymPy import and worker start: not timed
    kind = kinds.get("expression")
    variants = [
        q.variant(k)
        for q in load_bank().questions
        if q.kind == "expression" and q.mistakes
        for k in range(q.variant_count(VARIANTS))
    ]
    kind.grade(variants[0], kind.parse(variants[0], "0"))  # the quiz's renderer loads: not timed
    times: dict[str, list[float]] = {name: [] for name in PATHS}
    for variant in variants:
        question = variant.question
        for label, text in (
            ("quiz right, as the key", variant.bind(question.answer)),
            ("quiz right, other form", _commuted(variant.bind(question.answer))),
            ("quiz wrong", _commuted(variant.bind(question.mistakes[-1].answer))),
        ):
            start = time.perf_counter()
            outcome = kind.grade(variant, kind.parse(variant, text))
            times[label].append(time.perf_counter() - start)
            if outcome.correct is not label.startswith("quiz right"):
                print(f"  WRONG OUTCOME: {question.id} {text}", file=sys.stderr)
    for pair in PAIRS:
        if not pair["equivalent"]:
            continue
        mistakes = _mistakes_of(pair["expected"])
        for label, answer in (("judge right", pair["answer"]), ("judge wrong", mistakes[-1])):
            start = time.perf_counter()
            judgement = judge(answer, pair["expected"], pair["domains"], mistakes)
            times[label].append(time.perf_counter() - start)
            if judgement.correct is not (label == "judge right"):
                print(f"  WRONG JUDGEMENT: {answer} vs {pair['expected']}", file=sys.stderr)
    return times


def compare_learner(commit: str, rounds: int) -> None:
    """The learner path before (`commit`) and after (this tree), alternating child processes."""
    with tempfile.TemporaryDirectory() as tmp:
        old = _tree(commit, Path(tmp))
        runs: dict[str, dict[str, list[float]]] = {"before": {}, "after": {}}
        for _ in range(rounds):
            for label, tree in (("before", old), ("after", ROOT)):
                for path, times in _child(tree, "--learner-json").items():
                    runs[label].setdefault(path, []).extend(times)
    count = len(runs["after"]["quiz wrong"]) // rounds
    pairs = len(runs["after"]["judge right"]) // rounds
    print(
        f"learner path, {rounds} alternating rounds, {commit} (before) vs this tree (after): "
        f"{count} bank expression questions through the kind's parse + grade, {pairs} corpus "
        "pairs through judge with 3 mistakes"
    )
    for path in PATHS:
        base, new = runs["before"][path], runs["after"][path]
        bm, bp = statistics.median(base), _percentile(base, 0.95)
        nm, np_ = statistics.median(new), _percentile(new, 0.95)
        target = "   (target: 1.5x faster)" if "right" in path else ""
        print(
            f"  {path:22s} median {bm * 1000:6.2f} -> {nm * 1000:6.2f} ms ({bm / nm:4.2f}x faster)"
            f"   p95 {bp * 1000:6.2f} -> {np_ * 1000:6.2f} ms ({bp / np_:4.2f}x faster){target}"
        )


def _tree(commit: str, into: Path) -> Path:
    """The package at `commit`, exported (no checkout) into `into`."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit, "eprep"], cwd=ROOT, capture_output=True
    )
    if archive.returncode != 0:
        raise SystemExit(f"git archive {commit}: {archive.stderr.decode().strip()}")
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into


def _child(tree: Path, mode: str = "--corpus-json") -> dict[str, list[float]]:
    env = dict(os.environ, PYTHONPATH=str(tree))
    # cwd too: `python -m eprep.checker.worker` puts the working directory first on sys.path.
    done = subprocess.run(
        [sys.executable, __file__, mode],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def compare_baseline(commit: str, rounds: int) -> None:
    """Median and p95 of this tree against `commit`, in alternating child processes."""
    with tempfile.TemporaryDirectory() as tmp:
        old = _tree(commit, Path(tmp))
        runs: dict[str, dict[str, list[float]]] = {"baseline": {}, "this tree": {}}
        for _ in range(rounds):
            for label, tree in (("baseline", old), ("this tree", ROOT)):
                for path, times in _child(tree).items():
                    runs[label].setdefault(path, []).extend(times)
    print(f"equivalent over {len(PAIRS)} corpus pairs, {rounds} alternating rounds, vs {commit}:")
    for path in ("trusted", "learner"):
        base, new = runs["baseline"][path], runs["this tree"][path]
        bm, bp = statistics.median(base), _percentile(base, 0.95)
        nm, np_ = statistics.median(new), _percentile(new, 0.95)
        print(
            f"  {path:8s} median {bm * 1000:7.1f} -> {nm * 1000:7.1f} ms ({nm / bm:4.2f}x)   "
            f"p95 {bp * 1000:7.1f} -> {np_ * 1000:7.1f} ms ({np_ / bp:4.2f}x)   (target: 1.2x)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per process timing")
    parser.add_argument(
        "--baseline", metavar="COMMIT", help="compare the corpus timings with this git commit"
    )
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (--baseline)")
    parser.add_argument(
        "--learner", metavar="COMMIT", help="time the learner path against this git commit"
    )
    parser.add_argument("--corpus-json", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--learner-json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.corpus_json:
        print(json.dumps(corpus_times()))
        return
    if args.learner_json:
        print(json.dumps(learner_times()))
        return
    if args.learner:
        compare_learner(args.learner, args.rounds)
        return
    if args.baseline:
        compare_baseline(args.baseline, args.rounds)
        return

    # Warm up: SymPy import and the worker start are one-time costs, timed separately below.
    from eprep.checker import equivalent

    equivalent("x", "x", trusted=True)
    equivalent("x + 1", "1 + x", timeout=30.0)

    print(f"equivalent over {len(PAIRS)} corpus pairs (first run, no proof cache):")
    for label, trusted in (("trusted, in-process", True), ("learner, via worker", False)):
        times = bench_equivalent(trusted)
        median, p95 = statistics.median(times), _percentile(times, 0.95)
        print(
            f"  {label:22s} median {median * 1000:7.1f} ms  p95 {p95 * 1000:7.1f} ms  "
            f"max {max(times) * 1000:7.1f} ms   (targets: 50 ms, 500 ms)"
        )

    python = [sys.executable]
    baseline = _wall([*python, "-c", "pass"], args.repeat)
    helptime = _wall([*python, "-m", "eprep", "--help"], args.repeat)
    wrong = _wall(
        [*python, "-m", "eprep", "check", "s*(1+s)", "--expected", "s*(1-s)"], args.repeat
    )
    right = _wall(
        [*python, "-m", "eprep", "check", "s*(1-s)", "--expected", "s - s^2"], args.repeat
    )
    print(f"process wall time (median of {args.repeat}):")
    print(f"  python -c pass                   {baseline * 1000:7.0f} ms   1.00x (baseline)")
    print(
        f"  eprep --help                     {helptime * 1000:7.0f} ms  {helptime / baseline:5.2f}x"
        "   (target: under 300 ms)"
    )
    print(
        f"  eprep check, wrong answer (cold) {wrong * 1000:7.0f} ms  {wrong / baseline:5.2f}x"
        "   (floats decide; SymPy never loads)"
    )
    print(
        f"  eprep check, right answer (cold) {right * 1000:7.0f} ms  {right / baseline:5.2f}x"
        "   (starts the SymPy worker for a proof)"
    )


if __name__ == "__main__":
    main()
