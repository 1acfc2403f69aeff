"""The path of each prompt's last position through the blocks, drawn on one 2-D projection.

Each prompt is read after the sink token, as steering and the probe read a text, and its
residual at the last position is taken after 0, 1, … every block: entering each block, then
leaving the last. PCA over every state drawn (all prompts, all blocks) gives one plane, which keeps
``explained`` of their variance; the stream's length grows block by block, so the first axis
mostly follows depth, and two prompts that differ in a word share most of the path.

Where two paths part is measured in the full stream, not on the plane: after each block, the
distance between the two last positions over their mean length; the block that adds most to it
is where the model tells the prompts apart most (`Parting`). Each prompt is compared with the
first.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from latentcli.analysis.numpy_fits import principal_components
from latentcli.analysis.residuals import last_states
from latentcli.errors import UsageError, clip
from latentcli.networks.arrays import Array
from latentcli.networks.decoder.decoder import Decoder
from latentcli.results.concepts import Parting, Trace, TracePath, TracePoint

MAX_PROMPTS = 100  # a plot of more paths than this is unreadable, and a page too
PARTED = 1e-6  # a block adding less to the distance between two paths does not part them


def check_count(prompts: Sequence[str]) -> None:
    """Refuse no prompt, or more than a plot can show."""
    if not prompts:
        raise UsageError("trace needs a prompt")
    if len(prompts) > MAX_PROMPTS:
        raise UsageError(f"trace draws at most {MAX_PROMPTS} prompts, not {len(prompts):,}")


def trace(model: Decoder, prompts: Sequence[str]) -> Trace:
    """The paths of ``prompts``' last positions through the blocks of ``model``."""
    check_count(prompts)
    several = len(prompts) > 1
    ids = [model.prompt(text, sink=True,
                        noun=f"prompt {number} ({clip(text, 40)!r})" if several
                        else "the prompt").ids
           for number, text in enumerate(prompts, 1)]
    states = last_states(model, ids).astype(np.float64)  # prompts x blocks + 1 x hidden
    steps = states.shape[1]
    with np.errstate(divide="ignore", invalid="ignore"):  # nothing varies: shares of 0
        flat, shares = principal_components(states.reshape(-1, states.shape[2]), 2)
    shares = np.nan_to_num(shares, nan=0.0)
    flat = np.pad(flat, ((0, 0), (0, 2 - flat.shape[1])))  # a hidden size of 1 has one axis
    paths = tuple(
        TracePath(prompt=text, points=tuple(
            TracePoint(layer=layer, x=float(x), y=float(y))
            for layer, (x, y) in enumerate(flat[index * steps : (index + 1) * steps])))
        for index, text in enumerate(prompts))
    notes = []
    if len(set(prompts)) < len(prompts):
        notes.append("a prompt is given twice: its paths lie on one another")
    return Trace(model=model.name, prompts=paths, explained=float(shares.sum()),
                 axes=(float(shares[0]), float(shares[1]) if len(shares) > 1 else 0.0),
                 partings=tuple(parting(states[0], states[index], index)
                                for index in range(1, len(prompts))),
                 notes=tuple(notes))


def parting(first: Array, other: Array, index: int) -> Parting:
    """Where ``other``'s states (blocks + 1 x hidden) part most from ``first``'s: the distance
    between them over their mean length after each block, and the block that adds most to it."""
    lengths = (np.linalg.norm(first, axis=1) + np.linalg.norm(other, axis=1)) / 2
    gaps = np.linalg.norm(first - other, axis=1)
    distances = np.divide(gaps, lengths, out=np.zeros_like(gaps), where=lengths > 0)
    growth = np.diff(distances)  # growth[b]: what block b adds
    block = int(np.argmax(growth)) if growth.max() > PARTED else None
    return Parting(prompt=index, distances=tuple(float(d) for d in distances), block=block)
