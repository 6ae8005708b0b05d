"""Benchmark `eprep export anki day2`: the whole day as an Anki package (target: under 10 s).

Usage: python benchmarks/bench_export.py [--repeat N]

Every figure is the median wall time of a fresh `eprep` process, as a learner runs it, in a
private cache folder. The baseline, measured in the same run, is `eprep list day2` (process start
plus loading the bank: the floor of any command that reads it). The export is timed without
plots (`--run-examples none`), with plots from cached quick example results (the default
`--run-examples cached`; the quick results are made once first and that run is timed apart), and
as JSON. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = 10.0


def _wall(args: list[str], env: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "eprep", *args], env=env, cwd=cwd, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"eprep {' '.join(args)} failed: {result.stderr.strip()}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    med = statistics.median
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        env = {**os.environ, "EPREP_CACHE_DIR": str(work / "cache"), "PYTHONPATH": str(ROOT)}
        out = ["-o", str(work / "day2.apkg")]
        _wall(["list", "day2"], env, work)  # fills the bank cache, as any earlier command would
        fill = _wall(["export", "anki", "day2", *out, "--run-examples", "quick"], env, work)
        rows = {
            "eprep list day2 (baseline)": ["list", "day2"],
            "export anki day2, no plots": [
                "export",
                "anki",
                "day2",
                *out,
                "--run-examples",
                "none",
            ],
            "export anki day2 (default)": ["export", "anki", "day2", *out],
            "export json day2 (default)": ["export", "json", "day2", "-o", str(work / "d.json")],
        }
        times = {label: [] for label in rows}
        for _ in range(args.repeat):
            for label, command in rows.items():
                times[label].append(_wall(command, env, work))
        size = (work / "day2.apkg").stat().st_size
    base = med(times["eprep list day2 (baseline)"])
    print(f"first export with --run-examples quick (runs the quick examples once): {fill:.2f} s")
    for label, values in times.items():
        value = med(values)
        print(f"{label:30s} {value:7.2f} s   {value / base:5.2f}x baseline")
    default = med(times["export anki day2 (default)"])
    print(f"ratio default export / {TARGET:.0f} s target   {default / TARGET:7.2f}  (< 1 meets it)")
    print(f"package size {size / 1024:.0f} KiB (median of {args.repeat} runs each)")


if __name__ == "__main__":
    main()
