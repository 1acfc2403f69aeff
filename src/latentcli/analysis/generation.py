"""A prompt continued, plain or steered: what `latent generate` and `Decoder.generate`
return.

Steered, the unsteered continuation comes too, and the two are computed together: two rows of
one batch through every step, the steering hook adding its vector to the second row only, so
the two share each step's forward pass (its Python work, its attention and norms in one go).
Each row picks its tokens with its own sampler, seeded alike, and the network computes a row's
numbers alone (`networks.products`), so both write exactly what `Decoder.generate` writes for
each alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from latentcli.analysis.steering import SteeringChoice, SteeringVector, steer_vector
from latentcli.core.counts import Default
from latentcli.core.progress import Progress, no_progress
from latentcli.errors import ParameterError
from latentcli.networks.arrays import Array
from latentcli.networks.decoder.decoder import Decoder, Listener, Sampling
from latentcli.networks.decoder.hooks import Hooks
from latentcli.networks.decoder.network import KVCache
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
        max_tokens = int(max(1, min(max_tokens, model.context - len(text.ids))))
    model.check_room(len(text.ids), max_tokens)
    if steering is None:
        return Generation(model=model.name, prompt=prompt, prompt_token_ids=tuple(text.ids),
                          max_tokens=max_tokens, continuation=continuation(model, model.generate(
                              text.ids, max_tokens, sampling, listen=listen)))
    method, layer, strength, defaults = steering.resolve(model.network.layers)
    steer = steer_vector(model, steering.pairs, method, layer, strength, text.start, progress,
                         steering.direction)
    plain, steered = (continuation(model, ids)
                      for ids in side_by_side(model, text.ids, max_tokens, sampling, steer))
    return Generation(model=model.name, prompt=prompt, prompt_token_ids=tuple(text.ids),
                      max_tokens=max_tokens, continuation=steered,
                      steering=Steering(method=method, layer=layer, strength=strength,
                                        pairs=steering.pairs, start=steer.start,
                                        defaults=defaults, unsteered=plain,
                                        direction=None if steering.direction is None
                                        else steering.direction.source))


def side_by_side(model: Decoder, ids: Sequence[int], max_tokens: int, sampling: Sampling,
                 steer: SteeringVector) -> tuple[list[int], list[int]]:
    """The unsteered and the steered continuation of ``ids`` (up to ``max_tokens`` each,
    stopping at an end-of-turn token), as `Decoder.generate` writes them one at a time, in one
    batch of two: a row that has ended is fed its last token again, its logits unread."""
    model.check_room(len(ids), max_tokens)
    choosers = (sampling.chooser(), sampling.chooser())
    cache = KVCache(model.network.config, 2, len(ids) + max_tokens)
    logits = [_prompt_pass(model, ids, cache, 0, None),
              _prompt_pass(model, ids, cache, 1, steer.hooks())]
    hooks = steer.hooks(rows=slice(1, 2))
    written: tuple[list[int], list[int]] = ([], [])
    going = [True, True]
    while True:
        for row, choose in enumerate(choosers):
            if going[row]:
                token = choose(logits[row])
                if token in model.tokenizer.ends:
                    going[row] = False
                else:
                    written[row].append(token)
                    going[row] = len(written[row]) < max_tokens
        if not any(going):
            return written
        last = [[row[-1] if row else ids[-1]] for row in written]
        logits = list(model.network.forward(last, cache, hooks))


def _prompt_pass(model: Decoder, ids: Sequence[int], cache: KVCache, row: int,
                 hooks: Hooks | None) -> Array:
    """The prompt's logits for one row of ``cache``, its keys and values written there: the
    prompt runs alone, a batch of one as `Decoder.generate` runs it (many positions go to sgemm,
    whose numbers depend on how many rows it is given)."""
    alone = KVCache(model.network.config, 1, len(ids))
    logits: Array = model.network.forward([ids], alone, hooks)[0]
    cache.keys[:, row, :, : len(ids)] = alone.keys[:, 0]
    cache.values[:, row, :, : len(ids)] = alone.values[:, 0]
    cache.length = alone.length
    return logits
