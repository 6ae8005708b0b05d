"""Benchmark: what the code-option sandbox (Landlock + seccomp, issue 13) costs.

Two figures, each against a baseline measured in the same run:
1. one code option: `run_completed_template` confined vs unconfined (median of N runs of every
   option of the bundled code questions, variant 0);
2. `verify` of the bundled bank's code questions: sandbox on vs off (off = as on a machine
   without Landlock/libseccomp, where the bundled bank runs unconfined).

    python benchmarks/bench_sandbox.py [--repeat N] [--variants V]
"""

from __future__ import annotations

import argparse
import statistics
import time


def _option_runs(questions, repeat: int, confine: bool) -> list[float]:
    from eprep.checker.verify_sandbox import run_completed_template
    from eprep.questions import BLANK, substitute

    times = []
    for _ in range(repeat):
        for question in questions:
            variant = question.variant(0)
            template = variant.code() or ""
            for option in question.options:
                source = template.replace(BLANK, substitute(option.code or "", variant.values), 1)
                started = time.perf_counter()
                run_completed_template(
                    source,
                    question.probe,
                    dict(variant.values),
                    variant.seed,
                    question.probe_args,
                    confine=confine,
                )
                times.append(time.perf_counter() - started)
    return times


def _verify(questions, variants: int, sandbox: bool) -> float:
    from eprep.checker import confine
    from eprep.checker.verify import verify_questions

    original = confine.unavailable_reason
    if not sandbox:
        confine.unavailable_reason = lambda: "switched off for the benchmark"
    try:
        started = time.perf_counter()
        report = verify_questions(questions, variants)
        elapsed = time.perf_counter() - started
    finally:
        confine.unavailable_reason = original
    assert report.failed == 0, report.summary()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--variants", type=int, default=5)
    args = parser.parse_args()

    from eprep.checker.confine import unavailable_reason
    from eprep.checker.verify import warm_up
    from eprep.questions import load_bank

    missing = unavailable_reason()
    if missing:
        raise SystemExit(f"no sandbox on this machine: {missing}")
    warm_up()
    code = [q for q in load_bank().questions if q.kind == "code"]
    options = sum(len(q.options) for q in code)
    print(f"{len(code)} code questions, {options} options")

    unconfined = _option_runs(code, args.repeat, confine=False)
    confined = _option_runs(code, args.repeat, confine=True)
    base, boxed = statistics.median(unconfined), statistics.median(confined)
    print(
        f"one option: unconfined {base * 1000:.1f} ms, sandboxed {boxed * 1000:.1f} ms "
        f"(median of {len(confined)}; ratio {boxed / base:.2f})"
    )

    off = min(_verify(code, args.variants, sandbox=False) for _ in range(args.repeat))
    on = min(_verify(code, args.variants, sandbox=True) for _ in range(args.repeat))
    print(
        f"verify of the code questions, {args.variants} variants: without sandbox {off:.2f} s, "
        f"with sandbox {on:.2f} s (best of {args.repeat}; ratio {on / off:.2f})"
    )


if __name__ == "__main__":
    main()
