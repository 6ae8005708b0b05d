"""Benchmark: a LaTeX answer checks as fast as the same answer typed in plain text (issue 15).

For every readable input of tests/corpus/latex.json, its plain form is the grammar's own
"read as" text; both are parsed and checked with `equivalent` (the learner path) against the
same expected formula (the cache of proved verdicts cleared before each check). Prints the
median per-answer times and the LaTeX / plain ratios.

    python benchmarks/bench_latex_check.py [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASES = json.loads((ROOT / "tests" / "corpus" / "latex.json").read_text("utf-8"))["cases"]


def _median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from eprep.checker import equivalence, equivalent
    from eprep.grammar import parse, to_text

    def check(text: str, expected: str, assume: dict) -> None:
        equivalence._PROVEN.clear()  # no verdict cached by the other spelling's run
        equivalent(text, expected, assume)

    cases = [c for c in CASES if c["verdict"] != "refused"]
    equivalent("x", "x")  # worker start and SymPy import are one-time costs
    parse_tex, parse_plain, check_tex, check_plain = [], [], [], []
    for case in cases:
        tex = case["text"]
        plain = to_text(parse(tex))
        assume = dict(a.split(":", 1) for a in case.get("assume", []))
        parse_tex.append(_median_time(lambda t=tex: parse(t), args.repeat))
        parse_plain.append(_median_time(lambda t=plain: parse(t), args.repeat))
        expected = case["expected"]
        for text, times in ((tex, check_tex), (plain, check_plain)):
            times.append(
                _median_time(lambda t=text, e=expected, a=assume: check(t, e, a), args.repeat)
            )
    med = statistics.median
    print(f"{len(cases)} answers, median of {args.repeat} runs each")
    print(f"parse:  LaTeX {med(parse_tex) * 1e6:.0f} µs, plain {med(parse_plain) * 1e6:.0f} µs,"
          f" ratio {med(parse_tex) / med(parse_plain):.2f}")  # fmt: skip
    print(f"check:  LaTeX {med(check_tex) * 1e3:.1f} ms, plain {med(check_plain) * 1e3:.1f} ms,"
          f" ratio {med(check_tex) / med(check_plain):.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
