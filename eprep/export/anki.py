"""Write exported notes as an Anki package (.apkg) with genanki: fixed note type, stable ids."""

from __future__ import annotations

import tempfile
from pathlib import Path

from eprep.export.content import Export, write_atomically
from eprep.export.identity import stable_id
from eprep.export.markup import note_css
from eprep.export.notes import FIELDS

# Renaming the note type gives it a new id: bump the suffix only when FIELDS or the card's
# structure change incompatibly (Anki would otherwise refuse to map the old notes' fields).
NOTE_TYPE_NAME = "eprep question v1"

_FRONT = """\
<div class="eprep">
{{#Title}}<div class="eprep-title">{{Title}}</div>{{/Title}}
<div class="eprep-prompt">{{Prompt}}</div>
{{#Code}}<div class="eprep-code">{{Code}}</div>{{/Code}}
{{#Choices}}<div class="eprep-choices">{{Choices}}</div>{{/Choices}}
</div>"""

_BACK = (
    '{{FrontSide}}\n<hr id=answer>\n<div class="eprep eprep-back">\n'
    + "\n".join(
        f'{{{{#{name}}}}}<div class="eprep-{name.lower()}">{{{{{name}}}}}</div>{{{{/{name}}}}}'
        for name in ("Answer", "WhyNot", "Mistakes", "Solution", "Explanation", "Trap", "Plots")
    )
    + "\n{{Meta}}\n</div>"
)


def note_type():
    """The one note type of every eprep note (fixed id, so re-imports map onto it)."""
    import genanki

    return genanki.Model(
        stable_id(NOTE_TYPE_NAME),
        NOTE_TYPE_NAME,
        fields=[{"name": name} for name in FIELDS],
        templates=[{"name": "eprep card", "qfmt": _FRONT, "afmt": _BACK}],
        css=note_css(),
        sort_field_index=0,
    )


def write_apkg(export: Export, path: Path, timestamp: float | None = None) -> None:
    """Write `export` to `path` (a temporary file renamed into place, so failure leaves none).

    `timestamp` is the notes' modification time (default now): Anki's importer updates an
    existing note only when the incoming one is newer.
    """
    import genanki

    model = note_type()
    decks = {
        deck.name: genanki.Deck(stable_id(deck.name), deck.name, description=deck.description)
        for deck in export.decks
    }
    for due, note in enumerate(export.notes):
        decks[note.deck].add_note(
            genanki.Note(
                model=model,
                fields=[note.fields[name] for name in FIELDS],
                guid=note.guid,
                tags=list(note.tags),
                due=due,  # new cards come in bank order
            )
        )
    with tempfile.TemporaryDirectory(prefix="eprep-media-") as media_dir:
        files = []
        for name, data in export.media.items():
            media = Path(media_dir) / name
            media.write_bytes(data)
            files.append(str(media))
        package = genanki.Package(list(decks.values()), media_files=files)
        write_atomically(path, lambda tmp: package.write_to_file(str(tmp), timestamp=timestamp))
