"""Start-up speed of the quiz: wall time to the first question, against baselines of the same run.

Measures (median of --repeat runs, each a fresh process, stdin not a TTY):
  python -c pass                  the interpreter alone (baseline)
  eprep --help                    the CLI with nothing loaded (baseline)
  eprep quiz day2, first question from process start until the first question's answer prompt
                                  is on stdout (one answer is then given and input closed)
  eprep stats                     whole command
Target (issue 5): first question in under 0.5 s on this machine.

Usage: python benchmarks/bench_cli.py [--repeat N] [--selector day2]
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

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_BANK = ROOT / "tests" / "quiz" / "fixtures" / "bank"


def wall(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=True)  # fmt: skip
    return time.perf_counter() - start


def first_question(cmd: list[str], env: dict[str, str]) -> float:
    """Seconds from spawning `cmd` until it prints an answer prompt ('answer')."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)  # fmt: skip
    assert proc.stdout is not None and proc.stdin is not None
    seen = b""
    while b"answer" not in seen and b"derivation>" not in seen:
        chunk = os.read(proc.stdout.fileno(), 4096)
        if not chunk:
            raise RuntimeError(f"no question printed by {' '.join(cmd)}: {proc.stderr.read()!r}")
        seen += chunk
    elapsed = time.perf_counter() - start
    proc.stdin.write(b"a\n")
    proc.stdin.close()
    proc.stdout.read()
    proc.wait(30)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--selector", default="day2")
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="eprep-bench-"))
    env = {k: v for k, v in os.environ.items() if k != "EPREP_BANK"}
    env["EPREP_HOME"] = str(home)
    eprep = [sys.executable, "-m", "eprep"]
    quiz = [*eprep, "quiz", args.selector]
    probe = subprocess.run([*quiz, "--count", "1"], env=env, input=b"", capture_output=True)
    if probe.returncode != 0 or b"[1/" not in probe.stdout:
        print(
            f"note: `eprep quiz {args.selector}` has no question here; using the quiz fixture bank"
        )
        quiz = [*eprep, "quiz", "qz", "--bank", str(FIXTURE_BANK)]
    timings: dict[str, list[float]] = {"python -c pass": [], "eprep --help": [],
                                       "quiz: first question": [], "eprep stats": []}  # fmt: skip
    for _ in range(args.repeat):
        # a fresh database each time: the first session of a learner is the one that counts
        for path in home.iterdir():
            path.unlink()
        timings["python -c pass"].append(wall([sys.executable, "-c", "pass"], env))
        timings["eprep --help"].append(wall([*eprep, "--help"], env))
        timings["quiz: first question"].append(first_question(quiz, env))
        timings["eprep stats"].append(wall([*eprep, "stats"], env))
    base = statistics.median(timings["python -c pass"])
    help_time = statistics.median(timings["eprep --help"])
    print(f"{'measure':<24} {'median s':>9} {'min s':>7} {'x python':>9} {'x --help':>9}")
    for name, values in timings.items():
        median = statistics.median(values)
        print(f"{name:<24} {median:9.3f} {min(values):7.3f} {median / base:9.2f} "
              f"{median / help_time:9.2f}")  # fmt: skip
    first = statistics.median(timings["quiz: first question"])
    verdict = "meets" if first < 0.5 else "MISSES"
    print(f"first question: {first:.3f} s — {verdict} the 0.5 s target ({args.repeat} runs)")


if __name__ == "__main__":
    main()
