"""`latent explore`: the interactive explorer, a Textual app from the optional ``explore`` extra."""

from __future__ import annotations

from typing import Annotated

import typer

from latentcli.cli.app import DEFAULT_MODEL, LimitOption, ModelOption, TrustOption, app, environment
from latentcli.cli.command import ModelChoice
from latentcli.errors import MissingExtra, UsageError


@app.command(epilog="Examples: latent explore king | latent explore king - man + woman")
def explore(
    ctx: typer.Context,
    words: Annotated[list[str] | None, typer.Argument(
        metavar="[WORD | EXPRESSION]", show_default=False,
        help="The first query; nothing to start with an empty query box.")] = None,
    model: ModelOption = DEFAULT_MODEL,
    limit: LimitOption = None,
    trust: TrustOption = False,
) -> None:
    """Walk the space interactively: neighbours, a live map, analogies, axes (press ? for keys)."""
    from importlib.util import find_spec

    if find_spec("textual") is None:
        raise MissingExtra("latent explore", "explore", "textual")
    from latentcli.explore.app import ExploreApp

    here = environment(ctx)
    if not here.interactive:
        raise UsageError("latent explore is interactive: run it in a terminal")
    ExploreApp(ModelChoice(model, limit, trust).open(here), words).run()
