"""The Typer commands, one module per family (`cli.app.COMMAND_MODULES` says which), each
imported only when one of its commands runs. A module declares its commands' parameters, and each
command makes one call.
"""

from latentcli.cli.app import app

__all__ = ["app"]
