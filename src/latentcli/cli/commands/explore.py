"""`latent explore`: the interactive explorer, a Textual app from the optional ``explore`` extra."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from latentcli.cli.app import DEFAULT_MODEL, LimitOption, ModelOption, TrustOption, app
from latentcli.cli.command import ModelChoice
from latentcli.environment import Environment
from latentcli.errors import MissingExtra, UsageError


@app.command(epilog="Examples: latent explore king | latent explore king - man + woman")
def explore(
    words: Annotated[list[str] | None, typer.Argument(
        metavar="[WORD | EXPRESSION]", show_default=False,
        help="The first query; nothing to start with an empty query box.")] = None,
    model: ModelOption = DEFAULT_MODEL,
    limit: LimitOption = None,
    trust: TrustOption = False,
) -> None:
    """Walk the space interactively: neighbours, a live map, analogies, axes (press ? for keys)."""
    try:
        import textual  # noqa: F401  (only to know whether the extra is installed)
    except ImportError:
        raise MissingExtra("latent explore", "explore", "textual") from None
    from latentcli.explore.app import ExploreApp

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError("latent explore is interactive: run it in a terminal")
    environment = Environment()
    space = ModelChoice(model, limit, trust).open(environment)
    ExploreApp(space, words).run()
