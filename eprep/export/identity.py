"""Stable identities: note GUIDs from question id and variant, deck and note type ids from names.

Anki matches an imported note to an existing one by GUID and keeps the existing card's schedule
and review log, so these must never depend on anything but what names the thing: the GUID of
variant k of a question is the same in every export, in every language and format (switching
`--lang` or `--format` re-imports the same notes in place), and a deck's id is a hash of its name.
"""

from __future__ import annotations

import hashlib

# Changing this changes every GUID: every learner's history would start over. Never change it.
GUID_NAMESPACE = "eprep-note"
# Anki stores ids as 64-bit integers, but its web views read them as JavaScript numbers: stay
# below 2**53, and above 2**32 so they never meet the small ids Anki gives built-in objects.
_ID_BITS = 48


def stable_id(name: str) -> int:
    """A deck's or note type's id: a hash of its name, between 2**32 and 2**32 + 2**48."""
    digest = hashlib.sha256(f"eprep-id:{name}".encode()).digest()
    return (1 << 32) + int.from_bytes(digest[:8], "big") % (1 << _ID_BITS)


def note_guid(question_id: str, variant: int) -> str:
    """The GUID of variant `variant` of a question (Anki's base91 form, via genanki)."""
    from genanki import guid_for

    return guid_for(GUID_NAMESPACE, question_id, variant)
