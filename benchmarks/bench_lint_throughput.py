"""Benchmark: `eprep lint` throughput (formulas per second) on a long note (issue 15).

The note is the test notes (planted errata, correct formulas in unusual forms; English and
Japanese) repeated N times; verdict caches are cleared after the warm-up, so the first copy is
compared cold and the later copies reuse its verdicts (`--copies 1` gives the cold figure).
Baseline, measured in the same run: reading every formula of that note with the answer grammar
alone (extraction and parsing, no recognition or comparison). Prints formulas/s of both and the
ratio.

    python benchmarks/bench_lint_throughput.py [--copies N]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTES = ROOT / "tests" / "checker" / "lint_notes"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=20, help="copies of the test notes")
    args = parser.parse_args()

    from eprep.checker.lint import Linter, LintReport
    from eprep.checker.lint.extract import extract
    from eprep.checker.lint.rules import equations, read
    from eprep.questions import load_bank

    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(NOTES.glob("*.md")))
    note = "\n".join([text] * args.copies)
    linter = Linter(load_bank())
    linter.lint_text(text, "warm-up", LintReport())  # SymPy import and worker start
    from eprep.checker import equivalence, lint

    lint._VERDICTS.clear()  # no verdict carried over from the warm-up: each pair is compared
    # once in the timed run (later copies reuse it, as a long note would)
    equivalence._PROVEN.clear()

    start = time.perf_counter()
    found = extract(note)
    for item in found:
        for lhs, rhs in equations(item.text):
            read(lhs), read(rhs)
    baseline = time.perf_counter() - start

    start = time.perf_counter()
    report = LintReport()
    linter.lint_text(note, "long-note", report)
    elapsed = time.perf_counter() - start

    print(f"long note: {report.formulas} formulas and code lines, {len(report.findings)} findings")
    print(f"baseline (extract + parse only): {len(found) / baseline:,.0f} formulas/s")
    print(f"eprep lint:                      {report.formulas / elapsed:,.0f} formulas/s")
    print(f"ratio lint / baseline time:      {elapsed / baseline:.1f}x")


if __name__ == "__main__":
    main()
