"""Line numbers of keys and tables in a TOML file's text, for `file:line:` error messages.

`tomllib` returns plain dicts without positions, so this scans the text once: every table header
(`[topic]`, `[[question]]`, `[[question.options]]`) and every `key = ...` line, skipping the
insides of multi-line strings. Keys are addressed by paths like `("question", 3, "options", 1,
"code")`, with array-of-tables indices counted as `tomllib` counts them.
"""

from __future__ import annotations

import re

_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\s\"']+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+(?:\s*\.\s*[A-Za-z0-9_\-]+)*)\s*=")

Path = tuple[str | int, ...]


class LineIndex:
    """Maps key paths of one TOML document to the 1-based line where they are written."""

    def __init__(self, text: str) -> None:
        self._lines: dict[Path, int] = {}
        self._scan(text)

    def _scan(self, text: str) -> None:
        counts: dict[Path, int] = {}
        table: Path = ()
        in_string: str | None = None
        for number, line in enumerate(text.splitlines(), start=1):
            if in_string is not None:
                if line.count(in_string) % 2 == 1:
                    in_string = None
                continue
            header = _HEADER.match(line)
            if header and not _KEY.match(line):
                names = tuple(part.strip().strip("\"'") for part in header.group(2).split("."))
                table = self._resolve(names, table, counts, is_array=header.group(1) == "[[")
                self._lines.setdefault(table, number)
                if isinstance(table[-1], int):
                    self._lines.setdefault(
                        table[:-1], number
                    )  # the array itself: its first element
                continue
            key = _KEY.match(line)
            if key:
                parts = tuple(part.strip() for part in key.group(1).split("."))
                for depth in range(1, len(parts) + 1):
                    self._lines.setdefault(table + parts[:depth], number)
                rest = line[key.end() :]
                for quote in ('"""', "'''"):
                    if rest.count(quote) % 2 == 1:
                        in_string = quote
                        break

    def _resolve(
        self, names: tuple[str, ...], table: Path, counts: dict[Path, int], *, is_array: bool
    ) -> Path:
        # A header's path re-uses the current index of every enclosing array of tables.
        path: Path = ()
        for depth, name in enumerate(names):
            path = (*path, name)
            last = depth == len(names) - 1
            if last and is_array:
                index = counts.get(path, -1) + 1
                counts[path] = index
                # A new element of an array resets the counters of arrays nested inside it.
                for key in [k for k in counts if len(k) > len(path) and k[: len(path)] == path]:
                    del counts[key]
                path = (*path, index)
            elif path in counts:
                path = (*path, counts[path])
        return path

    def line(self, path: Path) -> int:
        """The line of `path`, or of its nearest written ancestor (1 when nothing matches)."""
        while path:
            if path in self._lines:
                return self._lines[path]
            path = path[:-1]
        return 1
