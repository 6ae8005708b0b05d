"""Benchmark the exam format's cost in `eprep verify`: the formula questions of the bank
verified with and without the exam-item check, in the same run (one worker).

Prints both wall times and their ratio (target: under 1.5), and how many
child processes the code listings cost now that every wrong option of every blank is run.

Run: python benchmarks/bench_exam.py [--variants 20]
"""

from __future__ import annotations

import argparse
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=20)
    args = parser.parse_args()

    from eprep.checker import verify
    from eprep.questions import load_bank

    bank = load_bank()
    formulas = [q for q in bank if q.answer is not None]
    verify.warm_up()

    def run() -> float:
        started = time.perf_counter()
        verify.verify_questions(formulas, args.variants, workers=1)
        return time.perf_counter() - started

    run()  # warms the caches both measurements share (parsed formulas, proven verdicts)
    original = verify.exam_checks
    times: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(2):  # alternate, so neither side gets warmer caches than the other
        for exam in (False, True):
            verify.exam_checks = original if exam else (lambda question, variant, eq: [])
            try:
                times[exam].append(run())
            finally:
                verify.exam_checks = original
    with_exam, without = min(times[True]), min(times[False])
    print(f"{len(formulas)} formula questions x {args.variants} variants, one worker")
    print(f"  without the exam check: {without:6.2f} s (baseline)")
    print(f"  with the exam check:    {with_exam:6.2f} s  ratio {with_exam / without:.2f}")

    listings = [q for q in bank if q.blanks]
    runs = sum(1 + sum(not o.correct for o in b.options) for q in listings for b in q.blanks)
    several = sum(len(q.blanks) > 1 for q in listings)
    print(f"code listings: {len(listings)} ({several} with several blanks), {runs} child runs")


if __name__ == "__main__":
    main()
