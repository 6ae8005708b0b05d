"""The verified bank for other tools: Anki packages (`.apkg`, via genanki) and JSON.

Data flows questions → checker → export: this package reads the bank (and the examples cache
for plots) and imports nothing from the quiz or the site; only `eprep.commands.export` imports it.
`run_export` is what the command calls; `build_export` + `write_apkg` / `write_json` are the parts.
See docs/export.md for the note layout, the identities that make re-imports update in place,
and the JSON shape.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from eprep.errors import EprepError
from eprep.questions import Bank
from eprep.questions.variants import PROVEN_VARIANTS

TARGETS = ("anki", "json")


@dataclass(frozen=True)
class ExportSummary:
    """What an export wrote: the file, the counts, and where the plots came from."""

    path: Path
    notes: int
    questions: int
    decks: int
    media: int
    plots: str
    media_dir: Path | None = None
    plots_lang: str = "en"  # the language the plots were asked in (run_examples none: none drawn)

    def lines(self) -> list[str]:
        """The lines the command prints."""
        where = f" (media in {self.media_dir}/)" if self.media_dir else ""
        return [
            f"wrote {self.path}{where}: {self.notes} notes from {self.questions} questions, "
            f"{self.decks} decks, {self.media} media files",
            self.plots,
        ]


def run_export(
    target: str,
    bank: Bank,
    selectors: Sequence[str],
    output: Path,
    *,
    variants: int = 1,
    lang: str = "ja",
    fmt: str = "exam",
    run_examples: str = "cached",
    timestamp: float | None = None,
) -> ExportSummary:
    """Select questions, build their notes and write them as `target` (anki or json) to `output`."""
    from eprep.export.content import build_export
    from eprep.export.plots import gather_plots

    if target not in TARGETS:
        raise ValueError(f"unknown export target {target!r}")
    if variants > PROVEN_VARIANTS:
        raise EprepError(
            f"--variants {variants}: at most {PROVEN_VARIANTS}, the variants `eprep verify` proves"
        )
    questions = bank.select(selectors)  # an unknown selector is an EprepError before any work
    export = build_export(
        bank,
        questions,
        variants=variants,
        lang=lang,
        fmt=fmt,
        # a Japanese deck gets the Japanese plots; both languages on a card keep the English ones
        plots=gather_plots(run_examples, "ja" if lang == "ja" else "en"),
    )
    media_dir = None
    if target == "anki":
        from eprep.export.anki import write_apkg

        write_apkg(export, output, timestamp=timestamp)
    else:
        from eprep.export.jsonfile import write_json

        media_dir = write_json(export, output)
    return ExportSummary(
        Path(output),
        len(export.notes),
        len(questions),
        len(export.decks),
        len(export.media),
        export.plots.report(),
        media_dir,
        export.plots.lang if export.plots.examples else "en",
    )
