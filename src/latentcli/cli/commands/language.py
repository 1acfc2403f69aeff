"""`latent generate` and `latent lens`: a language model writing (steered), seen block by block."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from latentcli.api.language_model import LanguageModel
from latentcli.cli.command import ModelChoice, answer_each, shown_by
from latentcli.cli.grammar import JSON, Command, Param, defaults, model_option
from latentcli.environment import Environment
from latentcli.errors import UsageError

if TYPE_CHECKING:

    from latentcli.api.model import Model
    from latentcli.results.language import Generation

LANGUAGE_MODEL = "smollm2-135m"  # store.builtins.SMOLLM2, without importing the store
GENERATE, LENS = defaults(LanguageModel.generate), defaults(LanguageModel.lens)


def read_prompt(prompt: str, stdin: TextIO) -> str:
    """The prompt as given, or for ``-`` the text on stdin (its final line break dropped: a
    prompt piped from ``echo`` does not end the line it continues)."""
    from latentcli.cli.inputs import STDIN, read_text

    if prompt != STDIN:
        return prompt
    text = read_text(STDIN, stdin, "a prompt")
    return text[:-1] if text.endswith("\n") else text


def language(model: Model) -> LanguageModel:
    """``model``, which the command's `ModelChoice` made sure is a language model."""
    assert isinstance(model, LanguageModel)
    return model


def generate(here: Environment, *, prompt: str, max_tokens: int, temperature: float,
             top_p: float, seed: int, chat: bool, steer: list[str] | None, pairs: str | None,
             direction: Path | None, layer: int | None, strength: float | None,
             method: str | None, choices: list[ModelChoice], json: bool) -> None:
    from latentcli.cli.inputs import STDIN, read_lines
    from latentcli.results.language import Generations

    if prompt == pairs == STDIN:
        raise UsageError("only one of the prompt and --pairs can be read from stdin ('-')")
    steered = bool(steer or pairs) or any(value is not None for value in (
        direction, layer, strength, method))
    streaming = not json and not steered and len(choices) == 1 and here.stdout.isatty()

    text = read_prompt(prompt, here.stdin)
    contrast = read_lines(pairs, here.stdin, "pairs") if pairs is not None else []

    def compute(model: Model) -> Generation:
        return language(model).generate(
            text, max_tokens, temperature, top_p, seed, chat, steer=steer or (), pairs=contrast,
            method=method, layer=layer, strength=strength,
            stream=here.stream if streaming else None, direction=direction)

    answer_each(here, choices, json, compute,
                (lambda console, result: here.end_stream()) if streaming
                else shown_by("language", "generation"),
                lambda found: Generations(models=found), shown_by("language", "generations"))


def lens(here: Environment, *, prompt: str, top: int, track: list[str] | None, chat: bool,
         choices: list[ModelChoice], json: bool) -> None:
    from latentcli.results.language import Lenses

    text = read_prompt(prompt, here.stdin)
    answer_each(here, choices, json,
                lambda model: language(model).lens(text, top, track or (), chat),
                shown_by("language", "lens_view"),
                lambda found: Lenses(models=found), shown_by("language", "lenses_view"))


# the one --model of the commands that run a language model (`inside`, `concepts` take it too)
WHICH = ("A language model: smollm2-135m (alias smollm) or gemma3-270m (alias gemma), each "
         "fetched once, or a GGUF file or Hugging Face folder of a Llama, Qwen 2/3 or Gemma 3 "
         "model")
ONE_MODEL = model_option(LANGUAGE_MODEL, "NAME|FILE.gguf|DIR", f"{WHICH}.")
MODEL = replace(model_option(LANGUAGE_MODEL, "NAME|FILE.gguf|DIR",
                             f"{WHICH}; repeat it to see models side by side."),
                many=True, default=[LANGUAGE_MODEL])
PROMPT = Param(key="prompt", help="The text the model continues ('-': read it from stdin).")
CHAT = Param(key="chat", flags=("--chat",), kind=bool, default=False,
             help="Wrap the prompt as a user turn in the model's chat template.")

COMMANDS = (
    Command(name="generate", run=generate, opens=True, model_params=(MODEL,), language=True,
            help="Continue a prompt with a language model, optionally steered by contrast pairs.",
            epilog='Examples: latent generate "The capital of France is"; latent generate '
                   '"I think dogs are" --steer "I love:I hate"',
            params=(PROMPT,
                    Param(key="max_tokens", flags=("--max-tokens",), kind=int,
                          default=GENERATE["max_tokens"], metavar="N",
                          help="Tokens to write at most."),
                    Param(key="temperature", flags=("--temperature",), kind=float,
                          default=GENERATE["temperature"], metavar="T",
                          help="0: greedy (the most likely token); above: sample."),
                    Param(key="top_p", flags=("--top-p",), kind=float, default=GENERATE["top_p"],
                          metavar="P",
                          help="Sample from the smallest set of tokens holding P of the "
                               "probability."),
                    Param(key="seed", flags=("--seed",), kind=int, default=GENERATE["seed"],
                          metavar="N", help="Seed for sampling."),
                    CHAT,
                    Param(key="steer", flags=("--steer",), many=True, default=None,
                          metavar="TOWARD:AWAY",
                          help="Steer toward TOWARD and away from AWAY (repeatable); shows the "
                               "unsteered continuation beside the steered one."),
                    Param(key="pairs", flags=("--pairs",), default=None, metavar="FILE",
                          help="Contrast pairs, one TOWARD:AWAY a line ('-': stdin), averaged "
                               "into one direction (--method mean)."),
                    Param(key="direction", flags=("--direction",), kind=Path, default=None,
                          metavar="FILE",
                          help="Steer along a direction latent probe --save wrote (at the "
                               "block it was saved at, unless --layer)."),
                    Param(key="layer", flags=("--layer",), kind=int, default=None, metavar="L",
                          help="Block whose input is steered [default: a fifth of the way in "
                               "for actadd (6 of 30), a third for mean (10), the saved block "
                               "for --direction]."),
                    Param(key="strength", flags=("--strength",), kind=float, default=None,
                          metavar="C",
                          help="Multiple of the direction added [default: 8 for actadd, 1 for "
                               "mean and --direction]."),
                    Param(key="method", flags=("--method",), default=None,
                          metavar="actadd|mean",
                          help="actadd: one pair, position by position; mean: the pairs' mean "
                               "last-token difference at every position [default: actadd for "
                               "one --steer pair, else mean]."),
                    JSON)),
    Command(name="lens", run=lens, opens=True, model_params=(MODEL,), language=True,
            help="The logit lens: what each block of a language model would say next, and how "
                 "the answer forms.",
            epilog='Examples: latent lens "The capital of France is"; latent lens '
                   '"The capital of France is" --track " Paris" --track " London"',
            params=(PROMPT,
                    Param(key="top", flags=("--top", "-n"), kind=int, default=LENS["top"],
                          metavar="N", help="Most likely tokens to show per block."),
                    Param(key="track", flags=("--track",), many=True, default=None,
                          metavar="TOKEN",
                          help="Follow this token's rank down the blocks (repeatable; a word "
                               "usually starts with a space: ' Paris') [default: the model's "
                               "answer]."),
                    CHAT, JSON)),
)
