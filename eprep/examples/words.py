"""An example's learner-facing words (plot titles, labels, legends, table headers) per language.

Each example keeps one `Words` table: the same keys in English and Japanese, a value either a
string or a tuple of strings (a table header), with `str.format` fields for the numbers. Drawing
and table code ask `WORDS.of(lang)` for the words and never test the language themselves.
"""

from __future__ import annotations

from collections.abc import Mapping

LANGS = ("en", "ja")

Entry = str | tuple[str, ...]


class Words:
    """One example's words in every language of `LANGS`, under the same keys."""

    def __init__(self, table: Mapping[str, Mapping[str, Entry]]) -> None:
        if set(table) != set(LANGS):
            raise ValueError(f"words in {sorted(table)}, expected {list(LANGS)}")
        keys = {lang: set(entries) for lang, entries in table.items()}
        for lang in LANGS:
            if keys[lang] != keys["en"]:
                odd = sorted(keys[lang] ^ keys["en"])
                raise ValueError(f"{lang} words differ from en in {odd}")
        self.table = table

    def of(self, lang: str) -> Lang:
        """The words in `lang` (an unknown language gets English)."""
        return Lang(self.table.get(lang, self.table["en"]))


class Lang:
    """One language's words: `w(key, **values)` a string, `w.row(key, **values)` a header."""

    def __init__(self, entries: Mapping[str, Entry]) -> None:
        self.entries = entries

    def __call__(self, key: str, **values: object) -> str:
        entry = self.entries[key]
        if not isinstance(entry, str):
            raise TypeError(f"{key!r} is a row of words; use .row()")
        return entry.format(**values)

    def row(self, key: str, **values: object) -> tuple[str, ...]:
        entry = self.entries[key]
        cells = (entry,) if isinstance(entry, str) else entry
        return tuple(cell.format(**values) for cell in cells)
