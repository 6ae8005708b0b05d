"""The error a broken question bank raises: one `file:line: message` line, exit code 2."""

from __future__ import annotations

from pathlib import Path

from eprep.errors import EprepError


class BankError(EprepError):
    """A question file that cannot be loaded: names the file, the line and what is wrong."""

    def __init__(self, path: Path | str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = str(path)
        self.line = line
        self.detail = message
