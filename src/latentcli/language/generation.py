"""A prompt continued, plain or steered: what `latent generate` and `Language.generate` return."""

from __future__ import annotations

from latentcli.errors import UsageError
from latentcli.language.model import LanguageModel, Listener, Sampling
from latentcli.language.steering import SteeringChoice, steer_vector
from latentcli.results.language import Generation, Steering


def generate(model: LanguageModel, prompt: str, max_tokens: int, sampling: Sampling,
             chat: bool = False, steering: SteeringChoice | None = None,
             listen: Listener | None = None) -> Generation:
    """A continuation of ``prompt``; steered, the unsteered one too (same seed, same prompt:
    both opened with the sink token)."""
    if max_tokens < 1:
        raise UsageError("--max-tokens must be at least 1")
    if steering is None:
        ids = model.prompt_ids(prompt, chat)
        return Generation(model=model.name, prompt=prompt, prompt_token_ids=tuple(ids),
                          continuation=model.generate(ids, max_tokens, sampling, listen=listen))
    method, layer, strength, defaults = steering.resolve(model.network.layers)
    steer = steer_vector(model, steering.pairs, method, layer, strength)
    ids = model.prompt_ids(prompt, chat, sink=True)
    plain = model.generate(ids, max_tokens, sampling)
    steered = model.generate(ids, max_tokens, sampling, [steer])
    return Generation(model=model.name, prompt=prompt, prompt_token_ids=tuple(ids),
                      continuation=steered,
                      steering=Steering(method=method, layer=layer, strength=strength,
                                        pairs=steering.pairs, start=steer.start,
                                        defaults=defaults, unsteered=plain))
