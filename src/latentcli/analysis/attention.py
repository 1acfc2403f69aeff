"""Where each head looks: the attention weights of one query position, block by block.

The weights are read at the hook point ``blocks.{l}.attn.pattern``. The positions before the
query run first, into a KV cache and without hooks; then the query runs alone, so a pattern hook
sees one row of keys (batch x heads x 1 x keys) however long the prompt is. Positions after the
query are never read by it (the attention is causal): their weight is 0.
"""

from __future__ import annotations

import numpy as np

from latentcli.errors import ParameterError
from latentcli.networks.arrays import Array
from latentcli.networks.decoder.decoder import Decoder
from latentcli.networks.decoder.hooks import HookPoint
from latentcli.networks.decoder.network import KVCache
from latentcli.results.inside import Attention, AttentionLayer, HeadWeights


def attention(model: Decoder, prompt: str, layer: int | None = None, head: int | None = None,
              position: int | None = None) -> Attention:
    """The attention weights from ``position`` (by default the prompt's last) over the prompt's
    tokens, of every head of every block (or of block ``layer``, head ``head`` only)."""
    ids = model.prompt(prompt).ids
    network, config = model.network, model.network.config
    layers = range(network.layers) if layer is None else [
        in_range(layer, network.layers, "layer", f"{model.name} has {network.layers} blocks")]
    heads = range(config.heads) if head is None else [
        in_range(head, config.heads, "head", f"{model.name} has {config.heads} heads a block")]
    query = len(ids) - 1 if position is None else in_range(
        position, len(ids), "position", f"the prompt is {len(ids)} token{'s' * (len(ids) > 1)}")
    rows: dict[int, Array] = {}  # block → heads x keys, the query's row only

    def keep(pattern: Array, point: HookPoint) -> None:
        rows[point.layer] = pattern[0, :, 0].astype(np.float64)

    cache = KVCache(config, 1, query + 1)
    if query > 0:
        network.forward([ids[:query]], cache)
    network.forward([ids[query:query + 1]], cache,
                    hooks={f"blocks.{block}.attn.pattern": keep for block in layers})
    found = []
    for block in layers:
        weights = np.zeros((config.heads, len(ids)))
        weights[:, : query + 1] = rows[block] / rows[block].sum(axis=1, keepdims=True)
        found.append(AttentionLayer(layer=block, heads=tuple(
            HeadWeights(head=h, weights=tuple(float(w) for w in weights[h])) for h in heads)))
    readable = model.tokenizer.readable
    return Attention(model=model.name, prompt=prompt, tokens=tuple(readable(i) for i in ids),
                     position=query, layers=tuple(found), chosen_layer=layer, chosen_head=head)


def in_range(value: int, count: int, name: str, why: str) -> int:
    """``value`` if it is from 0 to ``count`` - 1; else a `ParameterError` naming ``name`` and
    saying ``why`` that is the range."""
    if not 0 <= value < count:
        raise ParameterError(name, f"must be from 0 to {count - 1} ({why}), not {value}")
    return value
