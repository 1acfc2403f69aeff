"""`latent neighbors` and `latent analogy` (what they do is in `latentcli.cli.queries`)."""

from __future__ import annotations

from typing import Annotated

import typer

from latentcli.cli import options
from latentcli.cli.app import (
    JsonOption,
    TopOption,
    app,
    environment,
    model_options,
    typer_option,
)
from latentcli.cli.command import ModelChoice
from latentcli.cli.queries import run_analogy, run_neighbors


@app.command(epilog="Example: latent neighbors king queen \"king - man\" -n 5")
@model_options()
def neighbors(
    ctx: typer.Context,
    words: Annotated[list[str], typer.Argument(
        metavar="WORD", help="Words or quoted expressions; each is its own query.")],
    top: TopOption = options.DEFAULT_TOP,
    *,
    choice: ModelChoice,
    json: JsonOption = False,
) -> None:
    """Nearest words by cosine similarity (the query's own words left out)."""
    run_neighbors(environment(ctx), words, top,
                  choice, json)


@app.command(epilog="Example: latent analogy king - man + woman --method mul")
@model_options()
def analogy(
    ctx: typer.Context,
    expression: Annotated[list[str], typer.Argument(
        metavar="EXPRESSION",
        help="king - man + woman, 2*king - man, or 'man : king :: woman : ?'.")],
    top: TopOption = options.DEFAULT_TOP,
    method: Annotated[str, typer_option(options.METHOD)] = options.DEFAULT_METHOD,
    allow_inputs: Annotated[bool, typer_option(options.ALLOW_INPUTS)] = False,
    *,
    choice: ModelChoice,
    json: JsonOption = False,
) -> None:
    """Solve an analogy: the words nearest to a sum of word vectors."""
    run_analogy(environment(ctx), expression, top, method, allow_inputs,
                choice, json)
