"""Errors that reach the user as one line and an exit code, never as a traceback."""

from __future__ import annotations


class EprepError(Exception):
    """A user-facing error: bad input, a broken question file, a corrupt database.

    The message is one line that names what was wrong and where (`file:line: ...` or the
    position in an expression). The CLI prints it and exits with `exit_code`.
    """

    exit_code = 2

    def __init__(self, message: str, *, exit_code: int | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code

    def text(self, lang: str = "en") -> str:
        """The message in `lang`; errors with a Japanese wording override this."""
        return str(self)
