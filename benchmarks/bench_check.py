"""Benchmark of the answer checker (issue 3).

Prints the median and p95 latency of `equivalent` over the course-formula corpus (in-process
"trusted" path used by bank verification, and the learner path through the worker), the wall
time of cold `eprep check` processes, and `eprep --help` against a `python -c pass` baseline
measured in the same run. Targets: median < 50 ms, p95 < 500 ms, `--help` < 0.3 s.
`--baseline COMMIT` instead times the corpus for this tree and for COMMIT (exported with
`git archive` into a temporary folder) in alternating child processes, and prints the ratios.

    python benchmarks/bench_check.py [--repeat N]
    python benchmarks/bench_check.py --baseline 449eed9 [--rounds 3]
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


def _tree(commit: str, into: Path) -> Path:
    """The package at `commit`, exported (no checkout) into `into`."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit, "eprep"], cwd=ROOT, capture_output=True
    )
    if archive.returncode != 0:
        raise SystemExit(f"git archive {commit}: {archive.stderr.decode().strip()}")
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into


def _child(tree: Path) -> dict[str, list[float]]:
    env = dict(os.environ, PYTHONPATH=str(tree))
    # cwd too: `python -m eprep.checker.worker` puts the working directory first on sys.path.
    done = subprocess.run(
        [sys.executable, __file__, "--corpus-json"],
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
    parser.add_argument("--corpus-json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.corpus_json:
        print(json.dumps(corpus_times()))
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
