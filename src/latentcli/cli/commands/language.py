"""`latent generate` and `latent lens`: a language model writing (steered), seen layer by layer."""

from __future__ import annotations

from typing import Annotated

import typer

from latentcli.cli.app import JsonOption, app, environment
from latentcli.cli.command import deliver

LANGUAGE_MODEL = "smollm2-135m"
ModelOption = Annotated[str, typer.Option(
    "--model", "-m", metavar="NAME|FILE.gguf",
    help="A language model: smollm2-135m (alias smollm; fetched once) or a Llama-family GGUF "
         "file.")]
PromptArgument = Annotated[str, typer.Argument(help="The text the model continues.")]
ChatOption = Annotated[bool, typer.Option(
    "--chat", help="Wrap the prompt as a user turn in the model's chat template.")]


@app.command(epilog='Examples: latent generate "The capital of France is"; latent generate '
             '"I think dogs are" --steer "I love:I hate"')
def generate(
    ctx: typer.Context,
    prompt: PromptArgument,
    max_tokens: Annotated[int, typer.Option("--max-tokens", metavar="N",
                                            help="Tokens to write at most.")] = 40,
    temperature: Annotated[float, typer.Option(
        "--temperature", metavar="T", help="0: greedy (the most likely token); above: sample.")
    ] = 0.0,
    top_p: Annotated[float, typer.Option(
        "--top-p", metavar="P", help="Sample from the smallest set of tokens holding P of the "
        "probability.")] = 1.0,
    seed: Annotated[int, typer.Option("--seed", metavar="N", help="Seed for sampling.")] = 0,
    chat: ChatOption = False,
    steer: Annotated[list[str] | None, typer.Option(
        "--steer", metavar="TOWARD:AWAY", help="Steer toward TOWARD and away from AWAY "
        "(repeatable); shows the unsteered continuation beside the steered one.")] = None,
    pairs: Annotated[str | None, typer.Option(
        "--pairs", metavar="FILE", help="Contrast pairs, one TOWARD:AWAY a line, averaged into "
        "one direction (--method mean).")] = None,
    layer: Annotated[int | None, typer.Option(
        "--layer", metavar="L", help="Block whose input is steered [default: a fifth of the "
        "way in for actadd (6 of 30), a third for mean (10)].")] = None,
    strength: Annotated[float | None, typer.Option(
        "--strength", metavar="C", help="Multiple of the direction added [default: 8 for "
        "actadd, 1 for mean].")] = None,
    method: Annotated[str | None, typer.Option(
        "--method", metavar="actadd|mean", help="actadd: one pair, position by position; mean: "
        "the pairs' mean last-token difference at every position [default: actadd for one "
        "pair, else mean].")] = None,
    model: ModelOption = LANGUAGE_MODEL,
    json: JsonOption = False,
) -> None:
    """Continue a prompt with a language model, optionally steered by contrast pairs."""
    from latentcli.cli.language import read_pairs
    from latentcli.language.generation import generate as compute
    from latentcli.language.model import Sampling
    from latentcli.language.steering import SteeringChoice
    from latentcli.render.language import generation
    from latentcli.store.languages import open_language

    here = environment(ctx)
    sampling = Sampling(temperature, top_p, seed)
    contrast = read_pairs(pairs, steer or [])
    steering = (SteeringChoice(contrast, method, layer, strength)
                if contrast or method or layer is not None or strength is not None else None)
    language = open_language(model, here)
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


@app.command(epilog='Examples: latent lens "The capital of France is"; latent lens '
             '"The capital of France is" --track " Paris" --track " London"')
def lens(
    ctx: typer.Context,
    prompt: PromptArgument,
    top: Annotated[int, typer.Option("--top", "-n", metavar="N",
                                     help="Most likely tokens to show per layer.")] = 5,
    track: Annotated[list[str] | None, typer.Option(
        "--track", metavar="TOKEN", help="Follow this token's rank down the layers (repeatable; "
        "a word usually starts with a space: ' Paris') [default: the model's answer].")] = None,
    chat: ChatOption = False,
    model: ModelOption = LANGUAGE_MODEL,
    json: JsonOption = False,
) -> None:
    """The logit lens: what each layer of a language model would say next, and how the answer
    forms."""
    from latentcli.language.lens import lens as compute
    from latentcli.render.language import lens_view
    from latentcli.store.languages import open_language

    here = environment(ctx)
    deliver(here, compute(open_language(model, here), prompt, top, track or [], chat), json,
            lens_view)
