"""Squeezing words onto a 2-D map, and measuring how much of their neighbourhoods survive.

Methods: PCA (deterministic; the share of variance each axis explains), t-SNE (scikit-learn, cosine
metric, perplexity scaled down for small inputs), UMAP (the optional ``umap`` extra), and semantic
axes: a word's coordinate is its projection on the direction from one word to another; a missing
second axis is the first principal component of what the given axis leaves over.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from latentcli.analysis.clustering import fit_clusters
from latentcli.analysis.numpy_fits import principal_components
from latentcli.analysis.words import WordSelection
from latentcli.core.counts import SEEDS, within
from latentcli.core.progress import Progress, no_progress
from latentcli.core.space import Space
from latentcli.errors import LatentError, MissingExtra, UsageError
from latentcli.results import Scored
from latentcli.results.structure import Axis, MapPoint, MapResult

METHODS = ("pca", "tsne", "umap")
MAX_WORDS = 5_000  # the trust score compares every pair of words: n² float64s (5,000: 200 MB)
TSNE_MIN_WORDS = 5
TSNE_EXACT_UP_TO = 100
TRUST_K = 5
PAGE_NEIGHBORS = 8
NEIGHBOR_BLOCK = 32  # points scored per pass over the matrix (32 x 400,000 floats: 51 MB)

Coordinates = npt.NDArray[np.float64]


@dataclass(frozen=True)
class AxisSpec:
    """A semantic axis ``low:high``: coordinates grow from the first word towards the second."""

    low: str
    high: str

    @classmethod
    def parse(cls, text: str, option: str) -> AxisSpec:
        from latentcli.core.expressions import parse_pair

        low, high = parse_pair(text, option, "LOW:HIGH (man:woman)")
        return cls(low.strip(), high.strip())

    @classmethod
    def given(cls, axis: str | Sequence[str], option: str) -> AxisSpec:
        """``low:high`` as typed, or the two words already apart, taken as they are: a word
        holding a ':' (GloVe has ``:-)`` and ``1:30``) cannot be typed as ``low:high``."""
        if isinstance(axis, str):
            return cls.parse(axis, option)
        if len(axis) != 2 or not all(axis):
            raise UsageError(f"{option} takes two words, not {list(axis)!r}")
        low, high = axis
        return cls(low, high)


def project_map(space: Space, selection: WordSelection, method: str = "pca",
                x: AxisSpec | None = None, y: AxisSpec | None = None, clusters: int | None = None,
                seed: int = 0, progress: Progress = no_progress) -> MapResult:
    """Project the selected words to 2-D, cluster them, and score each word's neighbourhood."""
    within(seed, 0, SEEDS - 1, "seed")
    check_size(len(selection))
    vectors = selection.units.astype(np.float64)
    if space.dims < 2:
        raise LatentError(f"{space.name} has one dimension: its words already lie on a line, "
                          "which a 2-D map cannot improve on (try 'latent axis')")
    if x or y:
        if method != "pca":
            raise UsageError("--x/--y place words on semantic axes; they cannot be combined with "
                             f"--method {method}")
        coordinates, x_axis, y_axis = _semantic(space, vectors, x, y)
        method = "axes"
    elif method == "pca":
        coordinates, x_axis, y_axis = _pca(vectors)
    elif method in ("tsne", "umap") and np.ptp(vectors, axis=0).max() == 0:
        raise LatentError(f"{method} needs words whose vectors differ, and these are all the "
                          "same vector; use --method pca")
    elif method == "tsne":
        coordinates, x_axis, y_axis = _tsne(vectors, seed)
    elif method == "umap":
        coordinates, x_axis, y_axis = _umap(vectors, seed)
    else:
        raise UsageError(f"unknown map method {method!r}: choose from {', '.join(METHODS)}")
    clustering = fit_clusters(space, selection, clusters, "kmeans", seed, progress, "--clusters")
    k = min(TRUST_K, len(vectors) - 1)
    trust = neighborhood_trust(vectors, coordinates, k)
    points = tuple(
        MapPoint(word=word, x=float(coordinates[i, 0]), y=float(coordinates[i, 1]),
                 cluster=clustering.assignment[i], trust=float(trust[i]), given=i < selection.given)
        for i, word in enumerate(selection.words))
    return MapResult(model=space.name, method=method, points=points, trust=float(trust.mean()),
                     trust_k=k, x_axis=x_axis, y_axis=y_axis, clustering=clustering.result,
                     notes=clustering.result.notes)


def with_neighbors(space: Space, result: MapResult, k: int = PAGE_NEIGHBORS) -> MapResult:
    """The map with each point's ``k`` nearest words in the full space, for a page to show on a
    click; only done when a page is written.

    The same answer as `latent neighbors WORD` (`Space.top` over cosine similarities, the word
    itself left out) but by row, so a vocabulary entry such as ``-`` is a word here, not an
    expression; and in blocks of rows, so the matrix is read once per block rather than once per
    point.
    """
    looked_up = [space.lookup(point.word) for point in result.points]
    found: list[tuple[Scored, ...]] = []
    for start in range(0, len(looked_up), NEIGHBOR_BLOCK):
        block = looked_up[start: start + NEIGHBOR_BLOCK]
        units = np.stack([word.unit for word in block])
        scores = np.asarray(units @ np.asarray(space.vectors).T)  # one row of scores per point
        found.extend(tuple(Scored(word=space.word(near), similarity=score)
                           for near, score in space.top(
                               scores[i], k, exclude=[] if word.row is None else [word.row]))
                     for i, word in enumerate(block))
    points = tuple(replace(point, neighbors=near)
                   for point, near in zip(result.points, found, strict=True))
    return replace(result, points=points)


def check_size(words: int) -> None:
    """Refuse a map whose pairwise work cannot fit, saying the way around."""
    if words > MAX_WORDS:
        raise UsageError(f"a map takes at most {MAX_WORDS:,} words, not {words:,}: pass fewer "
                         "words (or a smaller --top); 'latent cluster' takes more")


def neighborhood_trust(vectors: npt.NDArray[np.floating], coordinates: Coordinates,
                        k: int) -> npt.NDArray[np.float64]:
    """Per word: the share of its ``k`` nearest by cosine that are among its ``k`` nearest on the
    map.

    Both neighbour lists are taken among the mapped words only, the word itself left out.
    """
    unit = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    similarity = unit @ unit.T
    np.fill_diagonal(similarity, -np.inf)
    squares = np.sum(coordinates ** 2, axis=1)
    distance = squares[:, None] + squares[None, :] - 2 * coordinates @ coordinates.T
    np.fill_diagonal(distance, np.inf)
    full = np.argpartition(-similarity, k - 1, axis=1)[:, :k]  # sets: no need to sort them
    flat = np.argpartition(distance, k - 1, axis=1)[:, :k]
    shared = [len(set(a.tolist()) & set(b.tolist())) for a, b in zip(full, flat, strict=True)]
    return np.asarray(shared, dtype=np.float64) / k


def _principal(vectors: Coordinates, components: int) -> tuple[Coordinates, list[float]]:
    """PCA coordinates (scikit-learn's full-SVD PCA, computed by `numpy_fits`) and the share of
    variance of each component (0 when the words do not vary at all, as in a model whose vectors
    are all the same, instead of NaN)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        coordinates, shares = principal_components(vectors, components)
    return coordinates, [float(share) for share in np.nan_to_num(shares, nan=0.0)]


def _pca(vectors: Coordinates) -> tuple[Coordinates, Axis, Axis]:
    coordinates, (first, second) = _principal(vectors, 2)
    return (coordinates, Axis(name="PC1", explained_variance=first),
            Axis(name="PC2", explained_variance=second))


def _tsne(vectors: Coordinates, seed: int) -> tuple[Coordinates, Axis, Axis]:
    if len(vectors) < TSNE_MIN_WORDS:
        raise LatentError(f"t-SNE needs at least {TSNE_MIN_WORDS} words to have neighbourhoods to "
                          f"keep, got {len(vectors)}; use --method pca")
    from sklearn.manifold import TSNE

    perplexity = min(30.0, (len(vectors) - 1) / 3)  # sklearn requires perplexity < n
    exact = len(vectors) <= TSNE_EXACT_UP_TO  # Barnes-Hut only pays off on larger inputs
    tsne = TSNE(n_components=2, perplexity=perplexity, metric="cosine", init="pca",
                method="exact" if exact else "barnes_hut", random_state=seed)
    return np.asarray(tsne.fit_transform(vectors), dtype=np.float64), Axis(name="t-SNE 1"), Axis(
        name="t-SNE 2")


def _umap(vectors: Coordinates, seed: int) -> tuple[Coordinates, Axis, Axis]:
    try:
        import umap  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        raise MissingExtra("--method umap", "umap", "umap") from None
    reducer = umap.UMAP(n_components=2, n_neighbors=min(15, len(vectors) - 1), metric="cosine",
                        random_state=seed)
    return np.asarray(reducer.fit_transform(vectors), dtype=np.float64), Axis(name="UMAP 1"), Axis(
        name="UMAP 2")


def _semantic(space: Space, vectors: Coordinates, x: AxisSpec | None,
              y: AxisSpec | None) -> tuple[Coordinates, Axis, Axis]:
    """Coordinates on the given axes; a missing one is PC1 of what the given axis leaves over."""
    given = x or y
    assert given is not None
    direction = _direction(space, given)
    along = vectors @ direction
    if x and y:
        other = vectors @ _direction(space, y)
        other_axis = Axis(name=f"{y.low} → {y.high}", low=y.low, high=y.high)
    else:
        rest, (share,) = _principal(vectors - np.outer(along, direction), 1)
        other = rest[:, 0]
        other_axis = Axis(name="PC1 of the rest", explained_variance=share)
    given_axis = Axis(name=f"{given.low} → {given.high}", low=given.low, high=given.high)
    if x:
        return np.column_stack([along, other]), given_axis, other_axis
    return np.column_stack([other, along]), other_axis, given_axis


def _direction(space: Space, axis: AxisSpec) -> Coordinates:
    low, high = space.lookup(axis.low), space.lookup(axis.high)
    difference = high.unit.astype(np.float64) - low.unit
    length = float(np.linalg.norm(difference))
    if length == 0.0:
        raise UsageError(f"the axis {axis.low}:{axis.high} has no direction (the two words are "
                         "the same vector)")
    return np.asarray(difference / length)
