"""The commands a group declares, the lazily imported ones too (cli.grammar.COMMAND_MODULES)."""

from __future__ import annotations

from typing import Any

from typer import Context
from typer.main import get_command


def commands(group: Any = None) -> dict[str, Any]:
    """Every subcommand of ``group`` (by default latent's root) by name, in help order."""
    if group is None:
        from latentcli.cli.app import app

        group = get_command(app)
    context = Context(group)
    return {name: group.get_command(context, name) for name in group.list_commands(context)}
