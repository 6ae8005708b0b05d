"""Benchmark `eprep verify`: whole bank at 20 variants, all cores vs one worker, and bank loading.

Prints wall times and ratios against baselines measured in the same run:
- verification with the SymPy reference definitions (identities proven from a cold cache, then
  read from a warm one) vs the old path without them (`references=False`), all cores
  (target: under 60 s on 2 cores);
- verification with one worker per core vs with a single worker (ratio < 1);
- loading the whole bank in-process (median of repeats), and a cold `load_bank()` process vs a
  bare `python -c pass` (target: loading well under 100 ms).

Run: python benchmarks/bench_verify.py [--variants 20] [--skip-single]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time


def cold(code: str, repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=20)
    parser.add_argument("--skip-single", action="store_true", help="skip the 1-worker baseline")
    args = parser.parse_args()

    from eprep.questions import load_bank
    from eprep.questions.variants import parse_formula

    bank = load_bank()
    print(f"bank: {len(bank)} questions in {len(bank.topics)} topics")
    for mode in ("1", "0"):  # with the validated-bank cache, then parsing every file
        os.environ["EPREP_CACHE"] = mode
        loads = []
        for _ in range(15):
            parse_formula.cache_clear()  # parsed formulas are memoised per process
            started = time.perf_counter()
            load_bank()
            loads.append(time.perf_counter() - started)
        label = "cached" if mode == "1" else "uncached"
        print(f"load_bank() in-process, {label}: median {statistics.median(loads) * 1000:.1f} ms")
    os.environ["EPREP_CACHE"] = "1"
    baseline = cold("pass")
    importing = cold("import eprep.questions")
    loading = cold("from eprep.questions import load_bank; load_bank()")
    print(
        f"cold processes (median): python -c pass {baseline * 1000:.0f} ms, import "
        f"{importing * 1000:.0f} ms, import + load_bank() {loading * 1000:.0f} ms "
        f"(ratio to the bare process {loading / baseline:.2f})"
    )

    import tempfile

    from eprep.checker.verify import default_workers, verify_questions

    workers = default_workers()
    old = verify_questions(bank.questions, args.variants, workers=workers, references=False)
    print(f"verify without references (old path), {workers} workers: {old.seconds:.1f} s")
    with tempfile.TemporaryDirectory() as cache:
        os.environ["EPREP_CACHE_DIR"] = cache  # identities proven from scratch, then cached
        cold_run = verify_questions(bank.questions, args.variants, workers=workers)
        print(
            f"verify with references, cold identity cache: {cold_run.seconds:.1f} s "
            f"(ratio to the old path {cold_run.seconds / old.seconds:.2f})"
        )
        report = verify_questions(bank.questions, args.variants, workers=workers)
        print(
            f"verify with references, warm identity cache: {report.seconds:.1f} s "
            f"(ratio to the old path {report.seconds / old.seconds:.2f}) — {report.summary()}"
        )
    if not args.skip_single and workers > 1:
        single = verify_questions(bank.questions, args.variants, workers=1)
        print(f"verify, 1 worker:  {single.seconds:.1f} s — {single.summary()}")
        print(f"ratio {workers} workers / 1 worker: {report.seconds / single.seconds:.2f}")
    target = "met" if max(report.seconds, cold_run.seconds) < 60 else "MISSED"
    print(f"target < 60 s at {args.variants} variants: {target}")


if __name__ == "__main__":
    main()
