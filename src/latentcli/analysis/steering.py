"""Steering vectors from contrast pairs: ActAdd (Turner et al. 2023) and the mean difference; or
a direction a probe found and saved (`SavedDirection`), added as the mean difference is.

Both read the residual stream entering block ``layer`` (hook point ``blocks.{layer}.resid_pre``)
for each side of a pair, every prompt opened with the sink token (``<|endoftext|>``): position 0
carries a residual many times the norm of the others (the attention sink), so it is neither
measured nor steered. ActAdd adds one pair's difference position by position from the first
position of the user's text (position 1, or where the user's turn starts inside a chat
template); the mean difference averages the last-token differences over the pairs and adds that
at every position from there on, the generated ones included. The sides of many pairs are run
as batches, all sides of one length in one forward pass that stops at ``layer``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from latentcli.analysis.residuals import POSITIONS, by_length
from latentcli.core.progress import Progress, no_progress
from latentcli.errors import ParameterError, UsageError, clip
from latentcli.networks.arrays import Array
from latentcli.networks.decoder.decoder import Decoder
from latentcli.networks.decoder.hooks import HookPoint, Hooks

METHODS = ("actadd", "mean")
# (depth, strength): the layer is that fraction of the way in; on SmolLM2-135M's 30 blocks,
# ActAdd at 6 with 8 and the mean difference at 10 with 1 change the text and keep it fluent.
DEFAULTS = {"actadd": (0.2, 8.0), "mean": (1 / 3, 1.0)}
DIRECTION = "direction"  # the method of a saved direction: a mean difference, so its strength
# defaults to the mean's


@dataclass(frozen=True)
class SavedDirection:
    """A direction a probe found (`analysis.probes`, ``latent probe --save``), read from its
    file ``source``: one vector per block, the mean difference of two sets' last-position
    residuals entering it, and the block ``layer`` it was chosen at."""

    source: str
    vectors: Array  # blocks x hidden
    layer: int


@dataclass(frozen=True)
class SteeringChoice:
    """What the user asked for; None where a default applies (`resolve` fills it in).
    ``averaged``: the pairs came as a collection (a file), whose default is their mean;
    ``direction``: a saved direction, steered along instead of pairs."""

    pairs: tuple[tuple[str, str], ...]
    method: str | None = None
    layer: int | None = None
    strength: float | None = None
    averaged: bool = False
    direction: SavedDirection | None = None

    def resolve(self, layers: int) -> tuple[str, int, float, tuple[str, ...]]:
        """Method, layer and strength for a model of ``layers`` blocks, and the names of those
        left to their defaults."""
        if self.direction is not None:  # its own block, and the mean difference's strength
            defaults = tuple(name for name, value in (("layer", self.layer),
                                                       ("strength", self.strength))
                             if value is None)
            return (DIRECTION, self.direction.layer if self.layer is None else self.layer,
                    DEFAULTS["mean"][1] if self.strength is None else self.strength, defaults)
        method = self.method or ("actadd" if len(self.pairs) == 1 and not self.averaged
                                 else "mean")
        if method not in METHODS:
            raise ParameterError("method", f"must be one of {', '.join(METHODS)}, not "
                                           f"{clip(method)!r}")
        depth, strength = DEFAULTS[method]
        layer = min(layers - 1, round(depth * layers))
        defaults = tuple(name for name, value in (("method", self.method), ("layer", self.layer),
                                                   ("strength", self.strength)) if value is None)
        return (method, layer if self.layer is None else self.layer,
                strength if self.strength is None else self.strength, defaults)


@dataclass(frozen=True)
class SteeringVector:
    """What steering adds to the residual entering block ``layer``: one vector at every
    position from ``start`` on, or (a matrix, ActAdd's alignment) its rows at positions
    ``start``, ``start + 1``… Its values must be finite numbers."""

    layer: int
    vector: Array
    start: int = 1

    def __post_init__(self) -> None:
        if not np.isfinite(self.vector).all():
            raise UsageError("the steering vector holds values that are not finite numbers "
                             "(is the strength a finite number?)")

    def hooks(self, rows: slice = slice(None)) -> Hooks:
        """The hook that adds it to the sequences ``rows`` of the batch (all of them by
        default), for `Decoder.generate` or a forward pass."""
        def add(residual: Array, point: HookPoint) -> Array:
            steered = residual.copy()
            if self.vector.ndim == 1:
                steered[rows, point.positions >= self.start] += self.vector
            else:
                row = point.positions - self.start
                inside = (row >= 0) & (row < len(self.vector))
                steered[rows, inside] += self.vector[row[inside]]
            return steered

        return {f"blocks.{self.layer}.resid_pre": add}


def parse_pair(text: str) -> tuple[str, str]:
    """``"I love:I hate"`` → ("I love", "I hate"): toward the first, away from the second."""
    from latentcli.core.expressions import parse_pair as split

    return split(text, "a steering pair", "TOWARD:AWAY ('I love:I hate')")


def steer_vector(model: Decoder, pairs: Sequence[tuple[str, str]], method: str,
                 layer: int, strength: float, start: int = 1,
                 progress: Progress = no_progress,
                 saved: SavedDirection | None = None) -> SteeringVector:
    """The vector (or, for ActAdd, the rows) to add at ``layer`` from position ``start`` on,
    scaled by ``strength``: made from ``pairs`` (``progress`` counts their sides run so far), or
    for the method `DIRECTION` the block's vector of ``saved``."""
    layers = model.network.layers
    if not 0 <= layer < layers:
        raise ParameterError("layer", f"must be from 0 to {layers - 1} ({model.name} has "
                                      f"{layers} blocks)")
    if method == DIRECTION and saved is not None:
        direction = saved.vectors[layer]
        if not direction.any():
            raise UsageError(f"the direction in {clip(saved.source)} is zero at block {layer} "
                             "(the two sets read alike there): choose another layer")
        return _scaled(direction, strength, layer, start)
    if not pairs:
        raise UsageError("steering needs a pair: --steer 'TOWARD:AWAY' or --pairs FILE")
    if method == "actadd" and len(pairs) != 1:
        raise UsageError("ActAdd takes one pair; --method mean averages several")
    if method == "actadd":
        (toward, away), = pairs
        a, b = (model.network.resid_pre([side(model, text)], layer)[0]
                for text in (toward, away))
        if len(a) != len(b):
            raise UsageError(f"{clip(toward)!r} is {len(a) - 1} tokens and {clip(away)!r} "
                             f"{len(b) - 1}: ActAdd subtracts them position by position, so "
                             "reword them to the same length (or use --method mean)")
        direction = a[1:] - b[1:]
    else:
        direction = _mean_difference(model, pairs, layer, progress)
    if not direction.any():
        raise UsageError("the two sides of every pair give the same residual, so there is no "
                         "direction to steer along: give pairs whose sides differ")
    return _scaled(direction, strength, layer, start)


def _scaled(direction: Array, strength: float, layer: int, start: int) -> SteeringVector:
    with np.errstate(over="ignore", invalid="ignore"):  # refused by SteeringVector if not finite
        scaled = np.asarray(np.float32(strength) * direction, dtype=np.float32)
    return SteeringVector(layer, scaled, start=start)


def side(model: Decoder, text: str) -> list[int]:
    """One side of a pair as the model reads it: after the sink token."""
    return model.prompt(text, sink=True, noun=f"the steering text {clip(text)!r}").ids


def _mean_difference(model: Decoder, pairs: Sequence[tuple[str, str]], layer: int,
                     progress: Progress) -> Array:
    """The mean over ``pairs`` of the difference of their sides' residuals entering block
    ``layer`` at their last position. Each text is run once (if at all: one as often toward as
    away adds nothing), weighted by how often it is a side toward less how often away, so memory
    holds one sum, not a residual per side; the texts of one length run together, up to
    `POSITIONS` positions a pass."""
    weights: dict[str, int] = defaultdict(int)
    for toward, away in pairs:
        weights[toward] += 1
        weights[away] -= 1
    texts = [text for text, weight in weights.items() if weight]
    ids = [side(model, text) for text in texts]
    total = np.zeros(model.network.config.hidden, dtype=np.float64)
    done = 0
    progress(done, len(ids))
    for batch in by_length([len(found) for found in ids], POSITIONS):
        entering = model.network.resid_pre([ids[index] for index in batch], layer)[:, -1]
        total += np.array([weights[texts[index]] for index in batch], dtype=np.float64) @ entering
        done += len(batch)
        progress(done)
    return np.asarray(total / len(pairs), dtype=np.float32)
