"""`latent neighbors` and `latent analogy` (the work itself is in `latentcli.cli.command`)."""

from __future__ import annotations

from typing import Annotated

import typer

from latentcli.cli.app import (
    DEFAULT_MODEL,
    JsonOption,
    LimitOption,
    ModelOption,
    TopOption,
    TrustOption,
    app,
)
from latentcli.cli.command import ModelChoice, run_analogy, run_neighbors
from latentcli.environment import Environment


@app.command(epilog="Example: latent neighbors king queen \"king - man\" -n 5")
def neighbors(
    words: Annotated[list[str], typer.Argument(
        metavar="WORD", help="Words or quoted expressions; each is its own query.")],
    top: TopOption = 10,
    model: ModelOption = DEFAULT_MODEL,
    limit: LimitOption = None,
    trust: TrustOption = False,
    json: JsonOption = False,
) -> None:
    """Nearest words by cosine similarity (the query's own words left out)."""
    run_neighbors(Environment(), words, top, ModelChoice(model, limit, trust), json)


@app.command(epilog="Example: latent analogy king - man + woman --method mul")
def analogy(
    expression: Annotated[list[str], typer.Argument(
        metavar="EXPRESSION",
        help="king - man + woman, 2*king - man, or 'man : king :: woman : ?'.")],
    top: TopOption = 10,
    method: Annotated[str, typer.Option(
        "--method", metavar="add|mul",
        help="add: 3CosAdd (gensim most_similar); mul: 3CosMul (most_similar_cosmul).")] = "add",
    allow_inputs: Annotated[bool, typer.Option(
        "--allow-inputs", help="Let the expression's own words appear among the answers.")] = False,
    model: ModelOption = DEFAULT_MODEL,
    limit: LimitOption = None,
    trust: TrustOption = False,
    json: JsonOption = False,
) -> None:
    """Solve an analogy: the words nearest to a sum of word vectors."""
    run_analogy(Environment(), expression, top, method, allow_inputs,
                ModelChoice(model, limit, trust), json)
