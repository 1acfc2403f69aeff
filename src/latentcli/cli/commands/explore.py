"""`latent explore`: the interactive explorer, a Textual app from the optional ``explore`` extra."""

from __future__ import annotations

from typing import Annotated

import typer

from latentcli.cli.app import app, environment, model_options
from latentcli.cli.command import ModelChoice
from latentcli.errors import MissingExtra, UsageError


@app.command(epilog="Examples: latent explore king | latent explore king - man + woman")
@model_options(names=True)
def explore(
    ctx: typer.Context,
    words: Annotated[list[str] | None, typer.Argument(
        metavar="[WORD | EXPRESSION]", show_default=False,
        help="The first query; nothing to start with an empty query box.")] = None,
    *,
    choice: ModelChoice,
) -> None:
    """Walk the space interactively: neighbours, a live map, analogies, axes (press ? for keys)."""
    from importlib.util import find_spec

    if find_spec("textual") is None:
        raise MissingExtra("latent explore", "explore", "textual")
    from latentcli.explore.app import INTERRUPTED, ExploreApp

    here = environment(ctx)
    if not here.interactive:
        raise UsageError("latent explore is interactive: run it in a terminal")
    explorer = ExploreApp(choice.open(here), words)
    explorer.run()
    if explorer.return_code == INTERRUPTED:  # Ctrl-C or SIGINT: exit 130 like any command
        raise KeyboardInterrupt
