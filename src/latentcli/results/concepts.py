"""Results of `latent probe` and `latent trace`: where a concept becomes readable in a language
model's residual stream, and how the stream moves through the blocks."""

from __future__ import annotations

from dataclasses import dataclass, field

from latentcli.results.jsonform import HIDDEN, Result


@dataclass(frozen=True, kw_only=True)
class ProbeLayer(Result):
    """How well the last position's residual entering block ``layer`` tells the two sets apart,
    each text judged by a fit on the folds that do not hold it."""

    layer: int
    accuracy: float  # logistic regression on the whole residual
    direction_accuracy: float  # the mean-difference direction alone, cut half way between


@dataclass(frozen=True, kw_only=True)
class Probe(Result):
    """A probe of two sets of texts down the blocks; ``best_layer`` separates them best."""

    model: str
    layers: tuple[ProbeLayer, ...]
    best_layer: int
    sizes: tuple[int, int]  # texts in each set
    names: tuple[str, str] = field(metadata=HIDDEN)  # the sets as the user named them (files)
    folds: int = field(metadata=HIDDEN)  # each text was held out in one of this many folds
    saved: str | None = field(default=None, metadata=HIDDEN)  # the direction file written
    saved_layer: int | None = field(default=None, metadata=HIDDEN)  # its block
    notes: tuple[str, ...] = field(default=(), compare=False, metadata=HIDDEN)


@dataclass(frozen=True, kw_only=True)
class TracePoint(Result):
    """A prompt's last-position residual after ``layer`` blocks (entering block ``layer``; the
    last point leaves the last block), projected to 2-D."""

    layer: int
    x: float
    y: float


@dataclass(frozen=True, kw_only=True)
class TracePath(Result):
    prompt: str
    points: tuple[TracePoint, ...]


@dataclass(frozen=True, kw_only=True)
class Parting(Result):
    """Where a prompt's path parts most from the first prompt's, measured in the full residual
    stream: ``distances`` after each number of blocks (the distance between the two last
    positions over their mean length); ``block`` is the block that adds most to it (None if
    none adds anything)."""

    prompt: int  # its index among the prompts (1 or more)
    distances: tuple[float, ...]
    block: int | None


@dataclass(frozen=True, kw_only=True)
class Trace(Result):
    """Prompts' paths through the blocks on one 2-D projection (PCA over every state drawn),
    which keeps ``explained`` of their variance."""

    model: str
    prompts: tuple[TracePath, ...]
    explained: float  # the share of the states' variance the two axes keep
    axes: tuple[float, float] = field(metadata=HIDDEN)  # each axis's share
    partings: tuple[Parting, ...] = field(default=(), metadata=HIDDEN)
    notes: tuple[str, ...] = field(default=(), compare=False, metadata=HIDDEN)
