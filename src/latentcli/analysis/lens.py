"""The logit lens (nostalgebraist 2020): what each layer's residual would predict next.

The residual leaving block ``l`` at the prompt's last position (hook point
``blocks.{l}.resid_post``, of which only that row is kept, so a long prompt costs no more memory)
goes through the final RMSNorm and the LM head, as the last block's output does; the
probabilities say how far the answer has formed.
Ranks count the tokens with a strictly higher logit, so ties never depend on sorting.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from latentcli.errors import ParameterError, clip
from latentcli.networks.arrays import Array
from latentcli.networks.decoder.decoder import Decoder
from latentcli.networks.decoder.hooks import HookPoint
from latentcli.results.language import Lens, LensLayer, TokenProbability, TrackedToken


def lens(model: Decoder, prompt: str, top: int = 5, track: Sequence[str] = (),
         chat: bool = False) -> Lens:
    """The top ``top`` tokens at every layer, and the rank of each tracked token (by default,
    the model's own next token)."""
    if top < 1:
        raise ParameterError("top", "must be at least 1")
    leaving: dict[int, Array] = {}  # block → its residual at the last position only

    def keep_last(residual: Array, point: HookPoint) -> None:
        leaving[point.layer] = residual[0, -1].copy()

    output = model.network.forward([model.prompt_ids(prompt, chat)], hooks={
        f"blocks.{layer}.resid_post": keep_last for layer in range(model.network.layers)})
    last = np.stack([leaving[layer] for layer in range(model.network.layers)])
    logits = model.network.logits(last).astype(np.float64)
    probabilities = softmax(logits)
    final = int(np.argmax(output[0]))
    tracked, notes = _tracked(model, track, final)
    readable = model.tokenizer.readable
    layers = []
    for layer, (row, p) in enumerate(zip(logits, probabilities, strict=True)):
        best = np.argsort(-row, kind="stable")[:top]
        layers.append(LensLayer(
            layer=layer,
            top=tuple(TokenProbability(token=readable(int(t)), id=int(t), probability=float(p[t]))
                      for t in best),
            tracked=tuple(TrackedToken(token=readable(t), id=t, rank=int(np.sum(row > row[t])) + 1,
                                       probability=float(p[t])) for t in tracked)))
    final_p = float(probabilities[-1, final])
    return Lens(model=model.name, prompt=prompt, layers=tuple(layers),
                final=TokenProbability(token=readable(final), id=final, probability=final_p),
                vocabulary=model.network.vocabulary_size, notes=tuple(notes))


def softmax(logits: npt.NDArray[np.floating[Any]]) -> npt.NDArray[np.float64]:
    """Each row of next-token logits as probabilities, in float64 (the largest subtracted first,
    so no exponent overflows)."""
    values = np.exp(logits.astype(np.float64) - logits.max(axis=1, keepdims=True))
    return np.asarray(values / values.sum(axis=1, keepdims=True), dtype=np.float64)


def _tracked(model: Decoder, texts: Sequence[str], final: int) -> tuple[list[int], list[str]]:
    """Token ids to follow down the layers: the first token of each text given."""
    if not texts:
        return [final], []
    found = [token_id(model, text) for text in texts]
    return [token for token, _ in found], [note for _, note in found if note]


def token_id(model: Decoder, text: str, name: str = "track") -> tuple[int, str | None]:
    """The id of ``text``'s first token, and a note saying so when it is several (the parameter
    ``name`` is blamed when it is none)."""
    encoded = model.tokenizer.encode(text)[int(model.tokenizer.add_bos):]  # without a BOS
    if not encoded:
        raise ParameterError(name, "needs a token, such as ' Paris' (with its leading space)")
    if len(encoded) == 1:
        return encoded[0], None
    pieces = " + ".join(repr(model.tokenizer.readable(i)) for i in encoded[:8])
    more = " + …" if len(encoded) > 8 else ""
    return encoded[0], (f"{clip(text)!r} is {len(encoded)} tokens ({pieces}{more}); tracking "
                        "the first")
