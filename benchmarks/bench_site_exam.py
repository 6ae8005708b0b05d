"""Speed of the site's mock exam in JavaScript (node): load its data, draw and grade a paper.

Measures (median of --repeat runs, each in a fresh node process):
  node -e 0                           node alone (baseline for the load)
  load exam-data.js + exam.js         node evaluating the page's two scripts (the en data, as
                                      `eprep site build` writes it), the page's work on opening
  draw a 100-item paper (JS)          `EprepExam.drawPaper` in node, median over 50 seeds
  grade a 100-item paper (JS)         `EprepExam.grade` with every other item right
  draw a 100-item paper (Python)      `eprep.exam.paper.draw_paper` over the same pools, with
                                      askability already known (baseline for the draw)

Usage: python benchmarks/bench_site_exam.py [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SCRIPT = r"""
const t0 = process.hrtime.bigint();
global.window = {};
require(process.argv[2]);
require(process.argv[3]);
const loaded = Number(process.hrtime.bigint() - t0) / 1e6;
const E = window.EprepExam, D = window.EPREP_EXAM;
const draws = [], grades = [];
for (let seed = 1; seed <= 50; seed++) {
  let t = process.hrtime.bigint();
  const paper = E.drawPaper(D, 100, seed);
  draws.push(Number(process.hrtime.bigint() - t) / 1e6);
  const answers = {};
  paper.items.forEach((item, i) => {
    const q = D.questions.find((x) => x.id === item.id);
    const v = q.variants.find((x) => x.k === item.k);
    answers[i + 1] = i % 2 ? v.correct.map((c) => (c + 1) % 2) : v.correct.slice();
  });
  t = process.hrtime.bigint();
  E.grade(D, paper.items, answers);
  grades.push(Number(process.hrtime.bigint() - t) / 1e6);
}
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(JSON.stringify({loaded, draw: median(draws), grade: median(grades),
                            items: E.drawPaper(D, 100, 1).items.length}));
"""


def wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def python_draw(repeat: int) -> float:
    from eprep.exam.paper import draw_paper, exam_ready, load_weights
    from eprep.questions import load_bank
    from eprep.questions.syllabus import current

    bank, syllabus = load_bank(), current()
    weights = load_weights(syllabus)
    askable = {q.id: exam_ready(q) for q in bank.questions}
    times = []
    for seed in range(max(repeat, 50)):
        start = time.perf_counter()
        draw_paper(bank.questions, syllabus, weights, 100, seed, lambda q: askable[q.id])
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    node = shutil.which("node")
    if node is None:
        sys.exit("node is not installed: nothing to measure")
    from eprep.questions import load_bank
    from eprep.site.build import STATIC
    from eprep.site.exam import data_script, exam_data
    from eprep.site.markup import Markup

    folder = Path(tempfile.mkdtemp(prefix="eprep-bench-site-exam-"))
    data = folder / "exam-data.js"
    start = time.perf_counter()
    data.write_text(data_script(exam_data(load_bank(), "en", Markup())), encoding="utf-8")
    written = time.perf_counter() - start
    bench = folder / "bench.js"
    bench.write_text(SCRIPT, encoding="utf-8")
    cmd = [node, str(bench), str(data), str(STATIC / "exam.js")]
    runs = [json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)
            for _ in range(args.repeat)]  # fmt: skip
    node_alone = statistics.median(wall([node, "-e", "0"]) for _ in range(args.repeat))
    loaded = statistics.median(r["loaded"] for r in runs) / 1000
    draw = statistics.median(r["draw"] for r in runs) / 1000
    grade = statistics.median(r["grade"] for r in runs) / 1000
    py_draw = python_draw(args.repeat)
    size = data.stat().st_size / 2**20
    print(f"exam-data.js (en): {size:.1f} MiB, written in {written:.2f} s; "
          f"{runs[0]['items']} items drawn")  # fmt: skip
    print(f"{'measure':<34} {'median ms':>10} {'ratio':>8}")
    print(f"{'node -e 0':<34} {node_alone * 1000:10.1f} {'(base)':>8}")
    print(f"{'load exam-data.js + exam.js':<34} {loaded * 1000:10.1f} {loaded / node_alone:8.2f}")
    print(f"{'draw a 100-item paper (Python)':<34} {py_draw * 1000:10.3f} {'(base)':>8}")
    print(f"{'draw a 100-item paper (JS)':<34} {draw * 1000:10.3f} {draw / py_draw:8.2f}")
    print(f"{'grade a 100-item paper (JS)':<34} {grade * 1000:10.3f} {grade / py_draw:8.2f}")
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
