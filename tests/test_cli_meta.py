"""Every command of the `eprep` CLI (and every subcommand of a group) has help text and a row in
the README, so nothing a learner can run is undocumented."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import click
import pytest

from eprep.cli import COMMANDS, main

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _commands() -> list[tuple[str, click.Command]]:
    """(full name, command) for every command and subcommand, as `eprep` resolves them."""
    found = []
    for name in sorted(COMMANDS):
        module, attribute, _help = COMMANDS[name]
        command = getattr(importlib.import_module(module), attribute)
        found.append((name, command))
        if isinstance(command, click.Group):
            found += [(f"{name} {sub}", cmd) for sub, cmd in sorted(command.commands.items())]
    return found


def test_the_group_lists_every_command_with_a_one_line_help() -> None:
    context = click.Context(main)
    assert main.list_commands(context) == sorted(COMMANDS)
    for name, (_module, _attribute, line) in COMMANDS.items():
        assert line.strip() and "\n" not in line, name


@pytest.mark.parametrize("name, command", _commands(), ids=lambda value: str(value))
def test_command_has_help_text(name: str, command: click.Command) -> None:
    text = (command.help or command.short_help or "").strip()
    assert len(text) >= 10, f"`eprep {name}` has no help text"
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            assert (param.help or "").strip(), f"`eprep {name}` option {param.opts} has no help"


@pytest.mark.parametrize("name", [name for name, _command in _commands()])
def test_command_appears_in_the_readme(name: str) -> None:
    assert re.search(rf"`eprep {re.escape(name)}\b", README), f"`eprep {name}` not in the README"
