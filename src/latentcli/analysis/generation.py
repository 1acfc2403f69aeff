"""A prompt continued, plain or steered: what `latent generate` and `Decoder.generate`
return."""

from __future__ import annotations

from collections.abc import Sequence

from latentcli.analysis.steering import SteeringChoice, steer_vector
from latentcli.core.counts import Default
from latentcli.core.progress import Progress, no_progress
from latentcli.errors import ParameterError
from latentcli.networks.decoder.decoder import Decoder, Listener, Sampling
from latentcli.results.language import Continuation, Generation, Steering


def continuation(model: Decoder, ids: Sequence[int]) -> Continuation:
    """Token ids a model wrote, as ids, readable tokens and text."""
    return Continuation(token_ids=tuple(ids),
                        tokens=tuple(model.tokenizer.readable(i) for i in ids),
                        text=model.tokenizer.decode(ids))


def generate(model: Decoder, prompt: str, max_tokens: int, sampling: Sampling,
             chat: bool = False, steering: SteeringChoice | None = None,
             listen: Listener | None = None, progress: Progress = no_progress) -> Generation:
    """A continuation of ``prompt``; steered, the unsteered one too (same seed, same prompt:
    both opened with the sink token), and ``progress`` counts the steering pairs' sides run.
    ``max_tokens`` left at its default (`core.counts.Default`) shrinks to the room the context
    leaves after the prompt."""
    if max_tokens < 1:
        raise ParameterError("max_tokens", "must be at least 1")
    text = model.prompt(prompt, chat, sink=steering is not None)
    if isinstance(max_tokens, Default):
        max_tokens = max(1, min(max_tokens, model.context - len(text.ids)))
    model.check_room(len(text.ids), max_tokens)
    if steering is None:
        return Generation(model=model.name, prompt=prompt, prompt_token_ids=tuple(text.ids),
                          continuation=continuation(model, model.generate(
                              text.ids, max_tokens, sampling, listen=listen)))
    method, layer, strength, defaults = steering.resolve(model.network.layers)
    steer = steer_vector(model, steering.pairs, method, layer, strength, text.start, progress,
                         steering.direction)
    plain = continuation(model, model.generate(text.ids, max_tokens, sampling))
    steered = continuation(model, model.generate(text.ids, max_tokens, sampling, steer.hooks()))
    return Generation(model=model.name, prompt=prompt, prompt_token_ids=tuple(text.ids),
                      continuation=steered,
                      steering=Steering(method=method, layer=layer, strength=strength,
                                        pairs=steering.pairs, start=steer.start,
                                        defaults=defaults, unsteered=plain,
                                        direction=None if steering.direction is None
                                        else steering.direction.source))
