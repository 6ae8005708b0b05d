"""Benchmark: wall time of `eprep lint` on all seed notes in ../shared/seeds (issue 15).

Baseline, measured in the same run: `eprep --help` (interpreter and CLI start-up). Prints the
median of both over --repeat runs and their ratio.

    python benchmarks/bench_lint_seeds.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / ".." / "shared" / "seeds"


def _wall(args: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(args, capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    seeds = sorted(str(p) for p in SEEDS.glob("*.txt"))
    if not seeds:
        sys.exit(f"no seed notes in {SEEDS}")
    help_time = _wall([sys.executable, "-m", "eprep", "--help"], args.repeat)
    lint_time = _wall([sys.executable, "-m", "eprep", "lint", *seeds], args.repeat)
    print(f"eprep --help (baseline):          {help_time * 1000:.0f} ms")
    print(f"eprep lint on {len(seeds)} seed notes:       {lint_time * 1000:.0f} ms")
    print(f"ratio:                            {lint_time / help_time:.1f}x")


if __name__ == "__main__":
    main()
