"""`latent generate` and `latent lens`: a language model writing (steered), seen layer by layer."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from latentcli.cli.command import deliver
from latentcli.cli.grammar import JSON, Command, Param
from latentcli.environment import Environment
from latentcli.errors import UsageError

LANGUAGE_MODEL = "smollm2-135m"


def read_pairs(path: str | None, given: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """The contrast pairs of ``--steer`` and of ``--pairs FILE`` (one ``A:B`` a line)."""
    from latentcli.analysis.steering import parse_pair

    lines = list(given)
    if path is not None:
        try:
            text = Path(path).read_text("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise UsageError(f"cannot read --pairs {path}: {error}") from None
        lines += [line for line in text.splitlines() if line.strip()]
    return tuple(parse_pair(line) for line in lines)


def generate(here: Environment, *, prompt: str, max_tokens: int, temperature: float,
             top_p: float, seed: int, chat: bool, steer: list[str] | None, pairs: str | None,
             layer: int | None, strength: float | None, method: str | None, model: str,
             json: bool) -> None:
    from latentcli.analysis.generation import generate as compute
    from latentcli.analysis.steering import SteeringChoice
    from latentcli.networks.decoder.decoder import Sampling
    from latentcli.render.language import generation
    from latentcli.store.resolve import resolve

    sampling = Sampling(temperature, top_p, seed)
    contrast = read_pairs(pairs, steer or [])
    steering = (SteeringChoice(contrast, method, layer, strength)
                if contrast or method or layer is not None or strength is not None else None)
    language = resolve(model).open_decoder(here)
    streaming = not json and steering is None and here.stdout.isatty()

    def listen(text: str) -> None:
        here.stdout.write(text)
        here.stdout.flush()

    result = compute(language, prompt, max_tokens, sampling, chat, steering,
                     listen if streaming else None)
    if streaming:
        here.stdout.write("\n")
        deliver(here, result, json)
    else:
        deliver(here, result, json, generation)


def lens(here: Environment, *, prompt: str, top: int, track: list[str] | None, chat: bool,
         model: str, json: bool) -> None:
    from latentcli.analysis.lens import lens as compute
    from latentcli.render.language import lens_view
    from latentcli.store.resolve import resolve

    deliver(here, compute(resolve(model).open_decoder(here), prompt, top, track or [], chat),
            json, lens_view)


MODEL = Param(key="model", flags=("--model", "-m"), default=LANGUAGE_MODEL,
              metavar="NAME|FILE.gguf",
              help="A language model: smollm2-135m (alias smollm; fetched once) or a "
                   "Llama-family GGUF file.")
PROMPT = Param(key="prompt", help="The text the model continues.")
CHAT = Param(key="chat", flags=("--chat",), kind=bool, default=False,
             help="Wrap the prompt as a user turn in the model's chat template.")

COMMANDS = (
    Command(name="generate", run=generate,
            help="Continue a prompt with a language model, optionally steered by contrast pairs.",
            epilog='Examples: latent generate "The capital of France is"; latent generate '
                   '"I think dogs are" --steer "I love:I hate"',
            params=(PROMPT,
                    Param(key="max_tokens", flags=("--max-tokens",), kind=int, default=40,
                          metavar="N", help="Tokens to write at most."),
                    Param(key="temperature", flags=("--temperature",), kind=float, default=0.0,
                          metavar="T",
                          help="0: greedy (the most likely token); above: sample."),
                    Param(key="top_p", flags=("--top-p",), kind=float, default=1.0, metavar="P",
                          help="Sample from the smallest set of tokens holding P of the "
                               "probability."),
                    Param(key="seed", flags=("--seed",), kind=int, default=0, metavar="N",
                          help="Seed for sampling."),
                    CHAT,
                    Param(key="steer", flags=("--steer",), many=True, default=None,
                          metavar="TOWARD:AWAY",
                          help="Steer toward TOWARD and away from AWAY (repeatable); shows the "
                               "unsteered continuation beside the steered one."),
                    Param(key="pairs", flags=("--pairs",), default=None, metavar="FILE",
                          help="Contrast pairs, one TOWARD:AWAY a line, averaged into one "
                               "direction (--method mean)."),
                    Param(key="layer", flags=("--layer",), kind=int, default=None, metavar="L",
                          help="Block whose input is steered [default: a fifth of the way in "
                               "for actadd (6 of 30), a third for mean (10)]."),
                    Param(key="strength", flags=("--strength",), kind=float, default=None,
                          metavar="C",
                          help="Multiple of the direction added [default: 8 for actadd, 1 for "
                               "mean]."),
                    Param(key="method", flags=("--method",), default=None,
                          metavar="actadd|mean",
                          help="actadd: one pair, position by position; mean: the pairs' mean "
                               "last-token difference at every position [default: actadd for "
                               "one pair, else mean]."),
                    MODEL, JSON)),
    Command(name="lens", run=lens,
            help="The logit lens: what each layer of a language model would say next, and how "
                 "the answer forms.",
            epilog='Examples: latent lens "The capital of France is"; latent lens '
                   '"The capital of France is" --track " Paris" --track " London"',
            params=(PROMPT,
                    Param(key="top", flags=("--top", "-n"), kind=int, default=5, metavar="N",
                          help="Most likely tokens to show per layer."),
                    Param(key="track", flags=("--track",), many=True, default=None,
                          metavar="TOKEN",
                          help="Follow this token's rank down the layers (repeatable; a word "
                               "usually starts with a space: ' Paris') [default: the model's "
                               "answer]."),
                    CHAT, MODEL, JSON)),
)
