"""The ``latent`` executable: one `Environment` for the process, then the fast path or Typer.

Everything, Typer's import included, runs inside `Environment.run`, so no failure — Ctrl-C, a
closed or full stdout, a signal — reaches the user as a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from latentcli.environment import Environment, standard_streams


def main(argv: Sequence[str] | None = None) -> None:
    from latentcli.failures import catch_termination

    standard_streams()
    catch_termination()
    environment = Environment()
    arguments = sys.argv[1:] if argv is None else list(argv)
    sys.exit(environment.run(lambda: _dispatch(arguments, environment)))


def _dispatch(arguments: list[str], environment: Environment) -> object:
    from latentcli.cli.fastpath import fast_path

    query = fast_path(arguments, environment)
    if query is not None:
        return environment.run(query)
    from latentcli.cli.app import app

    return app(args=arguments, obj=environment, standalone_mode=False)
