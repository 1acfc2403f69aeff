"""`latent context`: one word's contextual vectors in several sentences."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from latentcli.cli.app import JsonOption, LimitOption, TrustOption, app, environment
from latentcli.cli.command import ModelChoice, answer
from latentcli.cli.options import MODEL
from latentcli.store.encoders import BUILTIN_ENCODER

if TYPE_CHECKING:
    from latentcli.core.space import Space
    from latentcli.results.context import ContextResult


@app.command(epilog='Example: latent context bank "We sat on the bank of the river" '
             '"I opened an account at the bank"')
def context(
    ctx: typer.Context,
    word: Annotated[str, typer.Argument(help="The word to follow from sentence to sentence.")],
    sentences: Annotated[list[str], typer.Argument(
        metavar="SENTENCE...", help="Two or more sentences that contain the word.")],
    top: Annotated[int, typer.Option(
        "--top", "-n", metavar="N", help="Nearest candidate words to show per context.")] = 5,
    model: Annotated[str, typer.Option(
        *MODEL.flags, metavar="NAME|DIR",
        help="A transformer: the built-in encoder or a sentence-transformers directory.")
    ] = BUILTIN_ENCODER,
    limit: LimitOption = None,
    trust: TrustOption = False,
    json: JsonOption = False,
) -> None:
    """A word's vector in each sentence, compared, beside the one static GloVe vector."""
    from latentcli.render.context import context_view

    here = environment(ctx)

    def compute(space: Space) -> ContextResult:
        from latentcli import DEFAULT_MODEL
        from latentcli.analysis.context import in_context
        from latentcli.store.resolve import open_space

        return in_context(space, open_space(DEFAULT_MODEL, here), word, sentences, top)

    answer(here, ModelChoice(model, limit, trust), json, compute, context_view)
