"""Benchmark drawing the examples' plots per language (what `eprep site build` adds for ja pages).

Usage: python benchmarks/bench_example_plots.py [--full] [--repeat N]

Draws every example's plots from its cached result (run once first if missing; quick results
unless --full) in English only, then in English and Japanese, and prints the median of each and
their ratio, measured in the same run. Nothing is asserted. Runs in a private cache directory
unless EPREP_CACHE_DIR is set.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="full results instead of quick ones")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not os.environ.get("EPREP_CACHE_DIR"):
        os.environ["EPREP_CACHE_DIR"] = tempfile.mkdtemp(prefix="eprep-bench-")

    from eprep.examples import names
    from eprep.examples.cache import cached_result, write_outputs
    from eprep.examples.plotting import drawn_lang

    results = {name: cached_result(name, quick=not args.full) for name in names()}
    if drawn_lang("ja") != "ja":
        print("no Japanese font: ja plots would be the English ones; nothing to measure")
        return

    def draw(langs: tuple[str, ...]) -> float:
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            for name, result in results.items():
                write_outputs(name, result, Path(tmp) / name, langs)
            return time.perf_counter() - start

    draw(("en",))  # warm matplotlib's font and text caches before measuring
    en, both = [], []
    for _ in range(args.repeat):
        en.append(draw(("en",)))
        both.append(draw(("en", "ja")))
    en_s, both_s = statistics.median(en), statistics.median(both)
    kind = "full" if args.full else "quick"
    print(f"{len(results)} examples ({kind} results), median of {args.repeat}:")
    print(f"  en plots only     {en_s:6.2f} s")
    print(f"  en and ja plots   {both_s:6.2f} s   ratio {both_s / en_s:.2f}")


if __name__ == "__main__":
    main()
