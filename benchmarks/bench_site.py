"""Benchmark `eprep site build`: full build time of the whole bank and the largest page.

Usage: python benchmarks/bench_site.py [--bank DIR ...] [--repeat N]

Prints the median full build (collect + render + write + Pagefind) with cached examples, its
parts, and ratios against two baselines measured in the same run: loading the bank (the floor
any consumer pays) and the issue's 15 s target. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _cold() -> None:
    # A CLI build runs in a fresh process: empty the in-process conversion caches between runs.
    from eprep.site import markup

    markup._convert.cache_clear()
    markup.highlight.cache_clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--bank", action="append", default=[], help="extra bank folder (repeatable)"
    )
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from eprep.questions.loader import load_bank
    from eprep.site.build import build_site, index_search
    from eprep.site.examples import prepare_examples

    # Fill the examples cache first (a full run of each example the first time only).
    prepare_examples(quick=False)
    example_times = []

    load_times, render_times, search_times, full_times = [], [], [], []
    bank = None
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.repeat):

            def load() -> None:
                nonlocal bank
                bank = load_bank(args.bank)

            load_times.append(_timed(load))
            out = Path(tmp) / f"run{run}"

            def full_build(out: Path = out) -> None:
                # What `eprep site build` does: examples from the cache, then build + search.
                start = time.perf_counter()
                folder = prepare_examples(quick=False)
                example_times.append(time.perf_counter() - start)
                build_site(bank, out, examples_dir=folder)

            full_times.append(_timed(full_build))
            search_times.append(_timed(lambda out=out: index_search(out)))
            render_out = Path(tmp) / f"render{run}"
            _cold()
            render_times.append(
                _timed(lambda o=render_out: build_site(bank, o, examples_dir=None, search=False))
            )
        pages = [p for p in (Path(tmp) / "run0").rglob("*.html") if "pagefind" not in p.parts]
        largest = max(pages, key=lambda p: p.stat().st_size)
        size = largest.stat().st_size
        name = largest.relative_to(Path(tmp) / "run0")
        total = sum(p.stat().st_size for p in (Path(tmp) / "run0").rglob("*") if p.is_file())

    med = statistics.median
    full, load_s = med(full_times), med(load_times)
    print(f"bank: {len(bank.questions)} questions, {len(bank.topics)} topics; {len(pages)} pages")
    print(f"load bank (baseline)       {load_s:8.3f} s")
    print(f"examples from the cache    {med(example_times):8.3f} s")
    print(f"build without search       {med(render_times):8.3f} s")
    print(f"pagefind indexing alone    {med(search_times):8.3f} s")
    print(f"full build (median of {args.repeat})   {full:8.3f} s")
    print(f"ratio full build / load bank   {full / load_s:8.1f}x")
    print(f"ratio full build / 15 s target {full / 15.0:8.2f}  (< 1 meets the target)")
    print(f"largest page: {name} {size / 1024:.1f} KiB; whole site {total / 1024 / 1024:.2f} MiB")


if __name__ == "__main__":
    main()
