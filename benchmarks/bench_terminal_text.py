"""Benchmark of the terminal's text (issue 14): what wrapping costs on top of rendering.

Renders every prompt and explanation of the bundled bank (en and ja) as the quiz does, once
without wrapping (`width=0`, the baseline) and once wrapped to 80 and to 40 columns, in the
same run, and prints the time per text and the ratios to the baseline. Wrapping should add a
small fraction to the rendering (LaTeX to Unicode), which was already there.

    python benchmarks/bench_terminal_text.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import time

from eprep.questions import load_bank
from eprep.quiz.render import render_markdown


def _texts() -> list[str]:
    texts = []
    for question in load_bank():
        variant = question.variant(0)
        for lang in ("en", "ja"):
            texts += [variant.prompt(lang), variant.explanation(lang)]
    return texts


def _time(texts: list[str], width: int, repeat: int) -> float:
    """Median seconds to render all `texts` at `width` over `repeat` rounds."""
    rounds = []
    for _ in range(repeat):
        start = time.perf_counter()
        for text in texts:
            render_markdown(text, color=False, width=width)
        rounds.append(time.perf_counter() - start)
    return statistics.median(rounds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    texts = _texts()
    _time(texts, 80, 1)  # warm the caches (unicodeit's table, Pygments)
    baseline = _time(texts, 0, args.repeat)
    print(f"{len(texts)} texts; render without wrapping: {1e3 * baseline / len(texts):.3f} ms each")
    for width in (80, 40):
        seconds = _time(texts, width, args.repeat)
        print(
            f"wrapped to {width:>2} columns: {1e3 * seconds / len(texts):.3f} ms each, "
            f"{seconds / baseline:.2f}× the unwrapped rendering"
        )


if __name__ == "__main__":
    main()
