"""`latent axis`, `steer`, `path`, `odd`, `similarity` and `compare`."""

from __future__ import annotations

from typing import Annotated

import typer

from latentcli.cli.app import (
    JsonOption,
    LabelsColumnOption,
    LimitOption,
    TrustOption,
    VectorsColumnOption,
    app,
    environment,
    model_options,
)
from latentcli.cli.command import ModelChoice, answer

ShowOption = Annotated[int, typer.Option(
    "--show", metavar="K", help="How many words to show (at each end, for axis).")]


@app.command(epilog="Examples: latent axis man woman king queen doctor nurse\n\n"
             "          latent axis good bad --pair better:worse --top 5000")
@model_options()
def axis(
    ctx: typer.Context,
    start: Annotated[str, typer.Argument(metavar="A", help="Where the direction starts.")],
    end: Annotated[str, typer.Argument(metavar="B", help="Where the direction points.")],
    words: Annotated[list[str] | None, typer.Argument(
        metavar="WORD", help="Words to rank (default: the --top most frequent).")] = None,
    pair: Annotated[list[str] | None, typer.Option(
        "--pair", metavar="X:Y", help="Another pair; the direction is the mean difference.")
    ] = None,
    top: Annotated[int, typer.Option(
        "--top", "-n", metavar="N", help="Without WORDs, rank the N most frequent words.")
    ] = 1000,
    show: ShowOption = 10,
    *,
    choice: ModelChoice,
    json: JsonOption = False,
) -> None:
    """Rank words by their projection on the direction from A to B."""
    from latentcli.analysis.directions import axis as rank
    from latentcli.render.directions import axis_table

    answer(environment(ctx), choice, json,
           lambda space: rank(space, start, end, pair or [], words or [], top, show), axis_table)


@app.command(epilog="Example: latent steer king --toward woman --away man --strength 1.5")
@model_options()
def steer(
    ctx: typer.Context,
    word: Annotated[str, typer.Argument(help="The word to move.")],
    toward: Annotated[str, typer.Option("--toward", metavar="B", help="Move toward this word.")],
    away: Annotated[str | None, typer.Option(
        "--away", metavar="A", help="Move by the offset B - A instead of toward B.")] = None,
    strength: Annotated[float, typer.Option(
        "--strength", metavar="S",
        help="How far to move (-100 to 100): 1 is the whole offset, so WORD --away A --toward "
             "B at 1 is exactly the analogy WORD - A + B, and without --away 1 arrives at B.")
    ] = 1.0,
    steps: Annotated[int, typer.Option(
        "--steps", metavar="N", help="Steps from 0 to the full strength.")] = 4,
    top: Annotated[int, typer.Option(
        "--top", "-n", metavar="N", help="Neighbours shown at each step.")] = 5,
    *,
    choice: ModelChoice,
    json: JsonOption = False,
) -> None:
    """Move a word along a direction and watch its nearest neighbours change."""
    from latentcli.analysis.directions import steer as move
    from latentcli.render.directions import steer_table

    answer(environment(ctx), choice, json,
           lambda space: move(space, word, toward, away, strength, steps, top), steer_table)


@app.command(epilog="Example: latent path cat dog --steps 6")
@model_options()
def path(
    ctx: typer.Context,
    start: Annotated[str, typer.Argument(metavar="A")],
    end: Annotated[str, typer.Argument(metavar="B")],
    steps: Annotated[int, typer.Option("--steps", metavar="N", help="Steps from A to B.")] = 8,
    *,
    choice: ModelChoice,
    json: JsonOption = False,
) -> None:
    """Walk in a straight line from A to B: the nearest word at each step."""
    from latentcli.analysis.directions import path as walk
    from latentcli.render.directions import path_table

    answer(environment(ctx), choice, json,
           lambda space: walk(space, start, end, steps), path_table)


@app.command(epilog="Example: latent odd breakfast lunch dinner car")
@model_options()
def odd(
    ctx: typer.Context,
    words: Annotated[list[str], typer.Argument(metavar="WORD...", help="Three words or more.")],
    *,
    choice: ModelChoice,
    json: JsonOption = False,
) -> None:
    """The word that does not belong (gensim doesnt_match)."""
    from latentcli.analysis.directions import odd_one_out
    from latentcli.render.directions import odd_table

    answer(environment(ctx), choice, json,
           lambda space: odd_one_out(space, words), odd_table)


@app.command(epilog="Examples: latent similarity cat dog\n\n"
             "          latent similarity cat dog car truck")
@model_options()
def similarity(
    ctx: typer.Context,
    words: Annotated[list[str], typer.Argument(metavar="A B [C...]", help="Two words or more.")],
    *,
    choice: ModelChoice,
    json: JsonOption = False,
) -> None:
    """Cosine similarity of two words, or the matrix for more."""
    from latentcli.analysis.directions import similarity as measure
    from latentcli.render.directions import similarity_table

    answer(environment(ctx), choice, json,
           lambda space: measure(space, words), similarity_table)


@app.command(epilog="Example: latent compare glove-6b-50d ./other-model --top 2000 -k 10")
def compare(
    ctx: typer.Context,
    model_a: Annotated[str, typer.Argument(metavar="MODEL_A")],
    model_b: Annotated[str, typer.Argument(metavar="MODEL_B")],
    words: Annotated[list[str] | None, typer.Argument(
        metavar="WORD", help="Words to compare (default: the --top most frequent).")] = None,
    top: Annotated[int, typer.Option(
        "--top", "-n", metavar="N", help="Without WORDs, the N most frequent shared words.")
    ] = 1000,
    k: Annotated[int, typer.Option("-k", metavar="K", help="Neighbours per word.")] = 10,
    show: ShowOption = 10,
    limit: LimitOption = None,
    trust: TrustOption = False,
    vectors_column: VectorsColumnOption = None,
    labels_column: LabelsColumnOption = None,
    json: JsonOption = False,
) -> None:
    """How alike two models' neighbourhoods are (mean top-k overlap)."""
    from latentcli.analysis.comparison import compare as contrast
    from latentcli.render.comparison import compare_table

    here = environment(ctx)
    first = ModelChoice(model_a, limit, trust, vectors_column, labels_column).open(here)
    answer(here, ModelChoice(model_b, limit, trust, vectors_column, labels_column), json,
           lambda second: contrast(first, second, words or [], top, k, show), compare_table)
