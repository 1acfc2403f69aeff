"""The ``latent`` executable: one `Environment` for the process, then the fast path or Typer."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from latentcli.environment import Environment


def main(argv: Sequence[str] | None = None) -> None:
    from latentcli.cli.fastpath import fast_path

    environment = Environment()
    arguments = sys.argv[1:] if argv is None else list(argv)
    query = fast_path(arguments, environment)
    if query is None:
        from latentcli.cli.commands import app

        app(args=arguments, obj=environment)
        return
    sys.exit(environment.run(query))
