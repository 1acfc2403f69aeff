"""The `latent` command line: parse, call one core function, hand the result to a renderer.

`app.py` holds the Typer app and the shared options; each module beside it registers one family
of commands on that app. Core modules are imported inside commands so start-up stays light.
"""

from latentcli.cli import queries as _queries  # noqa: F401  (registers the commands)
from latentcli.cli import structure as _structure  # noqa: F401
from latentcli.cli.app import app


def main() -> None:
    app()


__all__ = ["app", "main"]
