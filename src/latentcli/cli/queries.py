"""`latent neighbors` and `latent analogy`."""

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
    emit_json,
    open_model,
    print_notes,
)
from latentcli.environment import Environment


@app.command(epilog="Example: latent neighbors king queen \"king - man\" -n 5")
def neighbors(
    words: Annotated[list[str], typer.Argument(
        metavar="WORD...", help="Words or quoted expressions; each is its own query.")],
    top: TopOption = 10,
    model: ModelOption = DEFAULT_MODEL,
    limit: LimitOption = None,
    trust: TrustOption = False,
    json: JsonOption = False,
) -> None:
    """Nearest words by cosine similarity (the query's own words left out)."""
    from latentcli.queries import neighbors as find_neighbors

    environment = Environment()
    space = open_model(model, environment, limit, trust)
    results = [find_neighbors(space, text, top) for text in words]
    for result in results:
        print_notes(environment, result.notes)
    if json:
        emit_json(environment, results)
        return
    from latentcli.render.tables import neighbors_table

    for result in results:
        neighbors_table(environment.console(), result)


@app.command(epilog="Example: latent analogy king - man + woman --method mul")
def analogy(
    expression: Annotated[list[str], typer.Argument(
        metavar="EXPRESSION...",
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
    from latentcli.queries import analogy as solve

    environment = Environment()
    space = open_model(model, environment, limit, trust)
    result = solve(space, " ".join(expression), top, method, allow_inputs)
    print_notes(environment, result.notes)
    if json:
        emit_json(environment, [result])
        return
    from latentcli.render.tables import analogy_table

    analogy_table(environment.console(), result)
