"""Write exported notes as JSON (the shape is documented in docs/export.md), media beside it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from eprep import __version__
from eprep.errors import EprepError
from eprep.export.anki import NOTE_TYPE_NAME
from eprep.export.content import Export, write_atomically
from eprep.export.identity import stable_id
from eprep.export.markup import note_css
from eprep.export.notes import FIELDS

SCHEMA = "eprep-export/1"


def media_dir_for(path: Path) -> Path:
    """The folder the media files of a JSON export go into: `NAME-media/` beside `NAME.json`."""
    return path.with_name(f"{path.stem}-media")


def to_data(export: Export, media_dir: str) -> dict[str, Any]:
    """The JSON document of an export (plain data: str, int, float, bool, list, dict)."""
    return {
        "schema": SCHEMA,
        "eprep_version": __version__,
        "lang": export.lang,
        "format": export.format,
        "variants": export.variants,
        "note_type": {
            "name": NOTE_TYPE_NAME,
            "id": stable_id(NOTE_TYPE_NAME),
            "fields": list(FIELDS),
            "css": note_css(),
        },
        "decks": [{"name": d.name, "id": d.id, "description": d.description} for d in export.decks],
        "media": [
            {
                "name": name,
                "path": f"{media_dir}/{name}",
                "sha256": hashlib.sha256(data).hexdigest(),
            }
            for name, data in sorted(export.media.items())
        ],
        "notes": [
            {
                "guid": note.guid,
                "question_id": note.question_id,
                "variant": note.variant,
                "deck": note.deck,
                "tags": list(note.tags),
                "kind": note.kind,
                "asked_as": note.asked_as,
                "difficulty": note.difficulty,
                "area": note.area,
                "trap": note.trap,
                "values": dict(note.values),
                "answer": note.answer,
                "choices": [
                    {"label": c.label, "html": c.html, "correct": c.correct, "feedback": c.feedback}
                    for c in note.choices
                ],
                "fields": {name: note.fields[name] for name in FIELDS},
                "media": list(note.media),
            }
            for note in export.notes
        ],
    }


def write_json(export: Export, path: Path) -> Path | None:
    """Write the JSON to `path` and the media into `media_dir_for(path)`; that folder, if any."""
    path = Path(path)
    folder = media_dir_for(path)
    data = to_data(export, folder.name)
    text = json.dumps(data, ensure_ascii=False, indent=1, allow_nan=False)
    if export.media:
        try:
            folder.mkdir(exist_ok=True)
            for name, content in export.media.items():
                write_atomically(
                    folder / name, lambda tmp, content=content: tmp.write_bytes(content)
                )
        except OSError as error:
            raise EprepError(f"cannot write {folder}: {error.strerror}") from None
    write_atomically(path, lambda tmp: tmp.write_text(text + "\n", encoding="utf-8"))
    return folder if export.media else None
