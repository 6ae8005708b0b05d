"""Reading one TOML file of the bank: its text and data, or a `file:line:` BankError."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from eprep.questions.errors import BankError

_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


def read_toml(path: Path) -> tuple[str, dict]:
    """The file's text and parsed data; BankError for unreadable, non-UTF-8 or bad TOML."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        raise BankError(path, line, "not valid UTF-8") from None
    except OSError as error:
        raise BankError(path, 1, f"cannot read: {error.strerror}") from None
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        match = _TOML_POSITION.search(message)
        line = int(match.group(1)) if match else 1
        detail = _TOML_POSITION.sub("", message).strip()
        column = f" (column {match.group(2)})" if match else ""
        raise BankError(path, line, f"TOML syntax: {detail}{column}") from None
    except RecursionError:  # tomllib recurses per nested array or inline table
        message = "TOML nested too deeply (arrays or tables inside each other)"
        raise BankError(path, 1, message) from None
