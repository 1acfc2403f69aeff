"""The residual stream at the last position of many texts, read block by block in batches.

Texts of one token count run together, as rows of one forward pass (the batch axis of
`Llama.forward`); texts of different counts are never padded, so no mask is needed and every row
is exactly what the text alone would give. A pass holds at most ``positions`` positions, so memory
stays bounded however many texts share a length. The probe, the trace and the mean-difference
steering vector read the stream this way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from latentcli.core.progress import Progress, no_progress
from latentcli.networks.arrays import Array
from latentcli.networks.decoder.decoder import Decoder
from latentcli.networks.decoder.hooks import HookPoint

POSITIONS = 2048  # positions run in one forward pass (their activations' memory)


def by_length(lengths: Sequence[int], positions: int = POSITIONS) -> list[list[int]]:
    """The indices of ``lengths`` in batches of equal length, shortest first, each of at most
    ``positions`` positions (a longer text alone)."""
    groups: dict[int, list[int]] = defaultdict(list)
    for index, length in enumerate(lengths):
        groups[length].append(index)
    batches: list[list[int]] = []
    for length, group in sorted(groups.items()):
        rows = max(1, positions // length)
        batches.extend(group[first : first + rows] for first in range(0, len(group), rows))
    return batches


def last_states(model: Decoder, ids: Sequence[Sequence[int]], progress: Progress = no_progress,
                positions: int = POSITIONS) -> Array:
    """The residual stream at the last position of each of ``ids`` after 0, 1, … every block
    (texts x blocks + 1 x hidden): row ``l`` enters block ``l`` (``blocks.{l}.resid_pre``; row 0
    is the token's embedding), the last row leaves the last block. ``progress`` counts the texts
    run."""
    layers = model.network.layers
    states = np.empty((len(ids), layers + 1, model.network.config.hidden), dtype=np.float32)
    done = 0
    progress(done, len(ids))
    for batch in by_length([len(text) for text in ids], positions):
        def keep(residual: Array, point: HookPoint, batch: list[int] = batch) -> None:
            row = point.layer + (point.name.endswith("resid_post"))
            states[batch, row] = residual[:, -1]

        hooks = {f"blocks.{layer}.resid_pre": keep for layer in range(layers)}
        hooks[f"blocks.{layers - 1}.resid_post"] = keep
        model.network.forward([ids[index] for index in batch], hooks=hooks)
        done += len(batch)
        progress(done)
    return states
