"""`latent attention` and `latent patch`: inside a language model's blocks — where each head
looks, and where a fact sits."""

from __future__ import annotations

from latentcli.api.language_model import LanguageModel
from latentcli.cli.command import ModelChoice, answer, shown_by
from latentcli.cli.commands.language import ONE_MODEL, language, read_prompt
from latentcli.cli.grammar import JSON, Command, Param, defaults
from latentcli.environment import Environment
from latentcli.errors import UsageError


def attention(here: Environment, *, prompt: str, layer: int | None, head: int | None,
              position: int | None, choice: ModelChoice, json: bool) -> None:
    text = read_prompt(prompt, here.stdin)
    answer(here, choice, json,
           lambda model: language(model).attention(text, layer, head, position),
           shown_by("inside", "attention_view"))


def patch(here: Environment, *, clean: str, corrupt: str, track: str | None,
          against: str | None, site: str, choice: ModelChoice, json: bool) -> None:
    if clean == corrupt == "-":
        raise UsageError("only one of CLEAN and CORRUPT can be read from stdin ('-')")
    clean_text, corrupt_text = read_prompt(clean, here.stdin), read_prompt(corrupt, here.stdin)
    answer(here, choice, json,
           lambda model: language(model).patch(clean_text, corrupt_text, track, against, site),
           shown_by("inside", "patching_view"))


PATCH = defaults(LanguageModel.patch)

COMMANDS = (
    Command(name="attention", run=attention, opens=True, model_params=(ONE_MODEL,), language=True,
            help="Where each attention head looks: every block's weights from the last "
                 "position over the prompt's tokens.",
            epilog='Examples: latent attention "The Eiffel Tower is in the city of"; latent '
                   'attention "The Eiffel Tower is in the city of" --layer 20',
            params=(Param(key="prompt",
                          help="The text whose attention is shown ('-': read it from stdin)."),
                    Param(key="layer", flags=("--layer",), kind=int, default=None,
                          metavar="L", help="One block: a row for each of its heads."),
                    Param(key="head", flags=("--head",), kind=int, default=None, metavar="H",
                          help="One head (of every block, or of --layer's)."),
                    Param(key="position", flags=("--position",), kind=int, default=None,
                          metavar="P",
                          help="The position that looks, from 0 [default: the last]."),
                    JSON)),
    Command(name="patch", run=patch, opens=True, model_params=(ONE_MODEL,), language=True,
            help="Activation patching: where in the blocks and positions a fact sits, by "
                 "restoring a clean run's activations into a corrupt run one at a time.",
            epilog='Example: latent patch "The Eiffel Tower is in the city of" "The Colosseum '
                   'is in the city of"',
            params=(Param(key="clean", metavar="CLEAN",
                          help="The prompt whose answer is restored ('-': stdin)."),
                    Param(key="corrupt", metavar="CORRUPT",
                          help="The same number of tokens, with another answer ('-': stdin)."),
                    Param(key="track", flags=("--track",), default=None, metavar="TOKEN",
                          help="The clean answer (a word usually starts with a space: ' Paris') "
                               "[default: the clean run's top next token]."),
                    Param(key="against", flags=("--against",), default=None, metavar="TOKEN",
                          help="The corrupt answer [default: the corrupt run's top next "
                               "token]."),
                    Param(key="site", flags=("--site",), default=PATCH["site"],
                          metavar="resid|attn|mlp",
                          help="What is restored: the residual entering each block, or what "
                               "its attention or its MLP adds."),
                    JSON)),
)
