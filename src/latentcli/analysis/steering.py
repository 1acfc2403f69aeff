"""Steering vectors from contrast pairs: ActAdd (Turner et al. 2023) and the mean difference.

Both read the residual stream entering block ``layer`` (hook point ``blocks.{layer}.resid_pre``)
for each side of a pair, every prompt opened with the sink token (``<|endoftext|>``): position 0
carries a residual many times the norm of the others (the attention sink), so it is neither
measured nor steered. ActAdd adds one pair's difference position by position from position 1 of
the prompt; the mean difference averages the last-token differences over the pairs and adds that
at every position from 1 on, the generated ones included.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from latentcli.errors import UsageError
from latentcli.networks.arrays import Array
from latentcli.networks.decoder.decoder import Decoder
from latentcli.networks.decoder.hooks import HookPoint, Hooks

METHODS = ("actadd", "mean")
# (depth, strength): the layer is that fraction of the way in; on SmolLM2-135M's 30 blocks,
# ActAdd at 6 with 8 and the mean difference at 10 with 1 change the text and keep it fluent.
DEFAULTS = {"actadd": (0.2, 8.0), "mean": (1 / 3, 1.0)}


@dataclass(frozen=True)
class SteeringChoice:
    """What the user asked for; None where a default applies (`resolve` fills it in).
    ``averaged``: the pairs came as a collection (a file), whose default is their mean."""

    pairs: tuple[tuple[str, str], ...]
    method: str | None = None
    layer: int | None = None
    strength: float | None = None
    averaged: bool = False

    def resolve(self, layers: int) -> tuple[str, int, float, tuple[str, ...]]:
        """Method, layer and strength for a model of ``layers`` blocks, and the names of those
        left to their defaults."""
        method = self.method or ("actadd" if len(self.pairs) == 1 and not self.averaged
                                 else "mean")
        if method not in METHODS:
            raise UsageError(f"--method must be one of {', '.join(METHODS)}, not {method!r}")
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
    ``start``, ``start + 1``…"""

    layer: int
    vector: Array
    start: int = 1

    def hooks(self) -> Hooks:
        """The hook that adds it, for `Decoder.generate` or a forward pass."""
        def add(residual: Array, point: HookPoint) -> Array:
            steered = residual.copy()
            if self.vector.ndim == 1:
                steered[:, point.positions >= self.start] += self.vector
            else:
                row = point.positions - self.start
                inside = (row >= 0) & (row < len(self.vector))
                steered[:, inside] += self.vector[row[inside]]
            return steered

        return {f"blocks.{self.layer}.resid_pre": add}


def parse_pair(text: str) -> tuple[str, str]:
    """``"I love:I hate"`` → ("I love", "I hate"): toward the first, away from the second."""
    from latentcli.core.expressions import parse_pair as split

    return split(text, "a steering pair", "TOWARD:AWAY ('I love:I hate')")


def steer_vector(model: Decoder, pairs: Sequence[tuple[str, str]], method: str,
                 layer: int, strength: float) -> SteeringVector:
    """The vector (or, for ActAdd, the rows) to add at ``layer``, scaled by ``strength``."""
    layers = model.network.layers
    if not 0 <= layer < layers:
        raise UsageError(f"--layer must be from 0 to {layers - 1} ({model.name} has {layers} "
                         "blocks)")
    if not pairs:
        raise UsageError("steering needs a pair: --steer 'TOWARD:AWAY' or --pairs FILE")
    if method == "actadd" and len(pairs) != 1:
        raise UsageError("ActAdd takes one pair; --method mean averages several")
    differences = []
    for toward, away in pairs:
        a, b = (_residuals(model, text, layer) for text in (toward, away))
        if method == "actadd":
            if len(a) != len(b):
                raise UsageError(f"{toward!r} is {len(a) - 1} tokens and {away!r} {len(b) - 1}: "
                                 "ActAdd subtracts them position by position, so reword them "
                                 "to the same length (or use --method mean)")
            return SteeringVector(layer, np.float32(strength) * (a[1:] - b[1:]), start=1)
        differences.append(a[-1] - b[-1])
    mean = np.mean(differences, axis=0, dtype=np.float32)
    return SteeringVector(layer, np.asarray(np.float32(strength) * mean, dtype=np.float32))


def _residuals(model: Decoder, text: str, layer: int) -> Array:
    """The residual entering block ``layer`` at each position of the sink plus ``text``."""
    name = f"blocks.{layer}.resid_pre"
    _, entering = model.network.run_with_cache([model.prompt_ids(text, sink=True)], [name])
    residuals: Array = entering[name][0]
    return residuals
