"""What `latent generate` and `latent lens` compute, for the Typer commands and the API alike."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from latentcli.errors import ModelError, UsageError

if TYPE_CHECKING:
    from latentcli.language.model import LanguageModel, Listener, Sampling
    from latentcli.language.steering import SteeringChoice
    from latentcli.results.language import Generation
    from latentcli.store.resolve import Reporter


def open_language(spec: str, reporter: Reporter) -> LanguageModel:
    """The language model ``spec`` names (fetched and converted on first use)."""
    from latentcli.store.languages import (
        BUILTIN_LANGUAGE_MODEL,
        choose_language_model,
        open_language_model,
    )

    choice = choose_language_model(spec)
    if choice is None:
        raise ModelError(f"{spec!r} is not a language model: use {BUILTIN_LANGUAGE_MODEL} "
                         "(alias smollm) or a Llama-family .gguf file")
    return open_language_model(choice, reporter)


def read_pairs(path: str | None, given: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """The contrast pairs of ``--steer`` and of ``--pairs FILE`` (one ``A:B`` a line)."""
    from latentcli.language.steering import parse_pair

    lines = list(given)
    if path is not None:
        try:
            text = Path(path).read_text("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise UsageError(f"cannot read --pairs {path}: {error}") from None
        lines += [line for line in text.splitlines() if line.strip()]
    return tuple(parse_pair(line) for line in lines)


def generate(model: LanguageModel, prompt: str, max_tokens: int, sampling: Sampling,
             chat: bool = False, steering: SteeringChoice | None = None,
             listen: Listener | None = None) -> Generation:
    """A continuation of ``prompt``; steered, the unsteered one too (same seed, same prompt:
    both opened with the sink token)."""
    from latentcli.language.steering import steer_vector
    from latentcli.results.language import Generation, Steering

    if max_tokens < 1:
        raise UsageError("--max-tokens must be at least 1")
    if steering is None:
        ids = model.prompt_ids(prompt, chat)
        return Generation(model.name, prompt, tuple(ids),
                          model.generate(ids, max_tokens, sampling, listen=listen))
    method, layer, strength, defaults = steering.resolve(model.network.layers)
    steer = steer_vector(model, steering.pairs, method, layer, strength)
    ids = model.prompt_ids(prompt, chat, sink=True)
    plain = model.generate(ids, max_tokens, sampling)
    steered = model.generate(ids, max_tokens, sampling, [steer])
    return Generation(model.name, prompt, tuple(ids), steered,
                      Steering(method, layer, strength, steering.pairs, steer.start, defaults,
                               plain))
