"""`eprep engine ...`: self-tests of the NumPy engine."""

from __future__ import annotations

import click


@click.group()
def engine() -> None:
    """Inspect and self-test the NumPy engine."""
