"""Speed of the mock exam: time to the first item on screen, and to score a 100-item paper.

Measures (median of --repeat runs):
  python -c pass                      the interpreter alone (baseline)
  eprep quiz --format exam, first     the quiz's first exam-format question (baseline, issue 5)
  eprep exam, first item              from process start to the first item's answer prompt
                                      (a fresh database; a 100-item paper drawn and stored)
  score and report 100 items          in one process: `grade_paper` + `format_report` with
                                      every other item right, against drawing the paper
Target (issue 20): the first item in under 0.5 s, like the quiz.

Usage: python benchmarks/bench_mock_exam.py [--repeat N]
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


def first_prompt(cmd: list[str], env: dict[str, str]) -> float:
    """Seconds from spawning `cmd` until it prints an answer prompt."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)  # fmt: skip
    assert proc.stdout is not None and proc.stdin is not None
    seen = b""
    while b"answer" not in seen:
        chunk = os.read(proc.stdout.fileno(), 4096)
        if not chunk:
            raise RuntimeError(f"no prompt from {' '.join(cmd)}: {proc.stderr.read()!r}")
        seen += chunk
    elapsed = time.perf_counter() - start
    proc.stdin.close()
    proc.stdout.read()
    proc.wait(30)
    return elapsed


def wall(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def in_process(repeat: int) -> tuple[float, float]:
    """Median seconds to draw a 100-item paper, and to score and print its report."""
    from eprep.exam.paper import draw_paper, load_weights
    from eprep.exam.report import Answer, format_report, grade_paper
    from eprep.questions import load_bank
    from eprep.questions.syllabus import current

    bank, syllabus = load_bank(), current()
    weights = load_weights(syllabus)
    draws, grades = [], []
    for seed in range(repeat):
        start = time.perf_counter()
        paper = draw_paper(bank.questions, syllabus, weights, 100, seed)
        draws.append(time.perf_counter() - start)
        answers = {i.number: Answer(i.number % 2 == 0, 30.0) for i in paper.items}
        start = time.perf_counter()
        format_report(grade_paper(paper, bank, syllabus, answers), "ja")
        grades.append(time.perf_counter() - start)
    return statistics.median(draws), statistics.median(grades)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="eprep-bench-exam-"))
    env = {k: v for k, v in os.environ.items() if k != "EPREP_BANK"}
    env["EPREP_HOME"] = str(home)
    eprep = [sys.executable, "-m", "eprep"]
    timings: dict[str, list[float]] = {
        "python -c pass": [], "quiz --format exam, first": [], "eprep exam, first item": [],
    }  # fmt: skip
    for seed in range(args.repeat):
        for path in home.iterdir():
            path.unlink()
        timings["python -c pass"].append(wall([sys.executable, "-c", "pass"], env))
        quiz = [*eprep, "quiz", "--format", "exam"]
        timings["quiz --format exam, first"].append(first_prompt(quiz, env))
        exam = [*eprep, "exam", "--count", "100", "--seed", str(seed)]
        timings["eprep exam, first item"].append(first_prompt(exam, env))
    base = statistics.median(timings["python -c pass"])
    quiz_first = statistics.median(timings["quiz --format exam, first"])
    print(f"{'measure':<28} {'median s':>9} {'x python':>9} {'x quiz':>7}")
    for name, values in timings.items():
        median = statistics.median(values)
        print(f"{name:<28} {median:9.3f} {median / base:9.2f} {median / quiz_first:7.2f}")
    first = statistics.median(timings["eprep exam, first item"])
    verdict = "meets" if first < 0.5 else "MISSES"
    print(f"first item: {first:.3f} s — {verdict} the 0.5 s target ({args.repeat} runs)")
    draw, grade = in_process(args.repeat)
    print(f"draw a 100-item paper:       {draw * 1000:8.2f} ms (baseline)")
    print(f"score and report 100 items:  {grade * 1000:8.2f} ms  ratio {grade / draw:.2f}")


if __name__ == "__main__":
    main()
