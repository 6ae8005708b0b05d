"""What an export holds (notes, decks, media) and how it is built from selected questions."""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from eprep.errors import EprepError
from eprep.export.identity import stable_id
from eprep.export.markup import Markup
from eprep.export.notes import ExportNote, build_note, deck_name
from eprep.export.plots import PlotSet
from eprep.questions import Bank, Question


@dataclass(frozen=True)
class DeckInfo:
    """A deck of the export: `eprep::DAY` or `eprep::DAY::TOPIC`, its fixed id and description."""

    name: str
    id: int
    description: str


@dataclass(frozen=True)
class Export:
    """Everything one export writes, whichever the file format."""

    notes: tuple[ExportNote, ...]
    decks: tuple[DeckInfo, ...]
    media: dict[str, bytes]
    lang: str
    format: str
    variants: int
    plots: PlotSet


def languages(lang: str) -> tuple[str, ...]:
    """The languages of a note's text for `--lang` (`both`: Japanese first, then English)."""
    return ("ja", "en") if lang == "both" else (lang,)


def build_export(
    bank: Bank,
    questions: Sequence[Question],
    *,
    variants: int = 1,
    lang: str = "ja",
    fmt: str = "exam",
    plots: PlotSet | None = None,
) -> Export:
    """Notes for `variants` variants of each question (one when it has no params), in bank order."""
    plots = plots or PlotSet("none")
    langs = languages(lang)
    markup = Markup()
    notes = [
        _note(question, k, langs, fmt, plots, markup)
        for question in questions
        for k in range(question.variant_count(variants))
    ]
    media = {
        plot.name: plot.data
        for example in plots.examples
        for plot in example.plots
        if any(plot.name in note.media for note in notes)
    }
    return Export(tuple(notes), _decks(bank, questions, langs), media, lang, fmt, variants, plots)


def _note(
    question: Question, k: int, langs: tuple[str, ...], fmt: str, plots: PlotSet, markup: Markup
) -> ExportNote:
    """`build_note`, with a failure (an unverified user bank's key that does not evaluate, say)
    reported as one line naming the question and variant."""
    try:
        return build_note(question, k, langs, fmt, plots, markup)
    except (EprepError, ArithmeticError, ValueError) as error:
        raise EprepError(f"{question.location}: {question.id} variant {k}: {error}") from None


def _decks(
    bank: Bank, questions: Sequence[Question], langs: tuple[str, ...]
) -> tuple[DeckInfo, ...]:
    wanted = {deck_name(q) for q in questions}
    decks = []
    for day in bank.days:
        topics = [t for t in day.topics if f"eprep::{day.name}::{t.name}" in wanted]
        if not topics:
            continue
        name = f"eprep::{day.name}"
        decks.append(DeckInfo(name, stable_id(name), _describe(day.title, day.summary, langs)))
        for topic in topics:
            name = f"eprep::{day.name}::{topic.name}"
            decks.append(
                DeckInfo(name, stable_id(name), _describe(topic.title, topic.summary, langs))
            )
    return tuple(decks)


def _describe(title, summary, langs: tuple[str, ...]) -> str:
    import html

    lines = []
    for lang in langs:
        text = html.escape(title.get(lang))
        if summary is not None:
            text += f" — {html.escape(summary.get(lang))}"
        lines.append(text)
    return "<br>".join(dict.fromkeys(lines))


def write_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """Run `write(tmp)` on a temporary file beside `path`, then rename it to `path`.

    An unwritable place is an EprepError naming the path; nothing is left behind on failure.
    """
    path = Path(path)
    if path.is_dir():
        raise EprepError(f"cannot write {path}: it is a directory")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise EprepError(f"cannot write {path}: no such directory {parent}")
    try:
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent)
    except OSError as error:
        raise EprepError(f"cannot write {path}: {error.strerror}") from None
    os.close(handle)
    tmp = Path(name)
    try:
        write(tmp)
        os.replace(tmp, path)
    except (OSError, sqlite3.Error) as error:  # genanki builds the package in SQLite first
        reason = getattr(error, "strerror", None) or str(error)
        raise EprepError(f"cannot write {path}: {reason}") from None
    finally:
        tmp.unlink(missing_ok=True)
