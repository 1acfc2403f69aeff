"""`latent context`: one word's contextual vectors in several sentences."""

from __future__ import annotations

from latentcli.api.model import Model
from latentcli.cli.command import ModelChoice, answer, shown_by
from latentcli.cli.grammar import JSON, LIMIT, TRUST, Command, Param, defaults, model_option
from latentcli.environment import Environment

ENCODER = "all-minilm-l6-v2"  # store.encoders.BUILTIN_ENCODER, without importing the store


def context(here: Environment, *, word: str, sentences: list[str], top: int,
            choice: ModelChoice, json: bool) -> None:
    answer(here, choice, json, lambda chosen: chosen.context(word, *sentences, top=top),
           shown_by("context", "context_view"))


COMMANDS = (
    Command(name="context", run=context, opens=True,
            model_params=(model_option(ENCODER, "NAME|DIR",
                                       "A transformer: the built-in encoder or a "
                                       "sentence-transformers directory."), LIMIT, TRUST),
            help="A word's vector in each sentence, compared, beside the one static GloVe "
                 "vector.",
            epilog='Example: latent context bank "We sat on the bank of the river" '
                   '"I opened an account at the bank"',
            params=(Param(key="word", help="The word to follow from sentence to sentence."),
                    Param(key="sentences", many=True, metavar="SENTENCE...",
                          help="Two or more sentences that contain the word."),
                    Param(key="top", flags=("--top", "-n"), kind=int,
                          default=defaults(Model.context)["top"], metavar="N",
                          help="Nearest candidate words to show per context."),
                    JSON)),
)
