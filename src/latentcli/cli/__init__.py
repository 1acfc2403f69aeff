"""The `latent` command line (Typer): parse, call one core function, hand the result on.

`app.py` holds the Typer app and the shared options; each module beside it registers one family
of commands on that app. The executable's entry point is `latentcli.entry.main`.
"""

# Imported in the order `latent --help` lists the commands.
from latentcli.cli import explain as _explain  # noqa: F401, I001  (registers the commands)
from latentcli.cli import queries as _queries  # noqa: F401
from latentcli.cli import structure as _structure  # noqa: F401
from latentcli.cli import directions as _directions  # noqa: F401
from latentcli.cli import evaluate as _evaluate  # noqa: F401
from latentcli.cli import models as _models  # noqa: F401
from latentcli.cli.app import app

__all__ = ["app"]
