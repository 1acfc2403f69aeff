"""The Typer commands, one module per family; importing this package registers them all on `app`.

Each command declares its parameters and makes one call to `latentcli.cli.command.run`.
"""

# Imported in the order `latent --help` lists the commands.
from latentcli.cli.commands import explain as _explain  # noqa: F401, I001  (registers the commands)
from latentcli.cli.commands import queries as _queries  # noqa: F401
from latentcli.cli.commands import structure as _structure  # noqa: F401
from latentcli.cli.commands import explore as _explore_command  # noqa: F401
from latentcli.cli.commands import directions as _directions  # noqa: F401
from latentcli.cli.commands import evaluate as _evaluate  # noqa: F401
from latentcli.cli.commands import context as _context  # noqa: F401
from latentcli.cli.commands import texts as _texts  # noqa: F401
from latentcli.cli.commands import language as _language  # noqa: F401
from latentcli.cli.commands import models as _models  # noqa: F401
from latentcli.cli.app import app

__all__ = ["app"]
