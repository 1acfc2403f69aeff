"""Write docs/reference.md from the ``--help`` of every command (tests/test_docs.py checks it).

    python scripts/reference.py          # rewrite docs/reference.md
    python scripts/reference.py --check  # exit 1 if docs/reference.md is out of date
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from typer import Context
from typer.main import get_command
from typer.testing import CliRunner

from latentcli.cli.app import app

REFERENCE = Path(__file__).resolve().parent.parent / "docs" / "reference.md"
HEADER = """# Command reference

Generated from `latent … --help` by `python scripts/reference.py`; do not edit by hand
(CI fails when this file and the help text disagree).
"""


def command_paths() -> Iterator[list[str]]:
    """Every command path, depth first: [], ['neighbors'], ['models', 'info'], …"""
    def walk(command: Any, path: list[str]) -> Iterator[list[str]]:
        yield path
        if hasattr(command, "list_commands"):  # a group: its commands are declared on request
            context = Context(command)
            for name in command.list_commands(context):
                yield from walk(command.get_command(context, name), [*path, name])

    yield from walk(get_command(app), [])


def render() -> str:
    runner = CliRunner()
    sections = [HEADER]
    for path in command_paths():
        result = runner.invoke(app, [*path, "--help"], prog_name="latent", terminal_width=80,
                               env={"COLUMNS": "80"})
        title = " ".join(["latent", *path])
        sections.append(f"## `{title}`\n\n```\n{result.stdout.rstrip()}\n```\n")
    return "\n".join(sections)


def main() -> int:
    text = render()
    if "--check" in sys.argv[1:]:
        if REFERENCE.read_text("utf-8") != text:
            print(f"{REFERENCE} is out of date: run python scripts/reference.py", file=sys.stderr)
            return 1
        return 0
    REFERENCE.write_text(text, "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
