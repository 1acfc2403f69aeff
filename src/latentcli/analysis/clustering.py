"""Grouping words by meaning: k-means or agglomerative clustering in cosine geometry.

Rows are unit vectors, so squared Euclidean distance is ``2 - 2·cos`` and k-means on them groups by
cosine; agglomerative clustering uses cosine distance with average linkage. ``k=None`` chooses k by
the (cosine) silhouette over 2..10. Texts (a space of your texts) are grouped by their vectors
less their mean, scaled back to length 1, with `TEXT_RESTARTS` starts (`grouped_by`). Each
cluster is named from the space itself by `labels.name_clusters` (a frequent word close to every
member). Deterministic for a seed.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from latentcli.analysis.numpy_fits import KMEANS_EXACT_UP_TO, cosine_silhouette, kmeans
from latentcli.analysis.topics import is_text_group
from latentcli.analysis.words import WordSelection
from latentcli.core.counts import SEEDS, within
from latentcli.core.progress import Progress, no_progress
from latentcli.core.ranking import ranked_rows
from latentcli.core.space import Matrix, Space, normalise_rows
from latentcli.errors import UsageError
from latentcli.results.structure import Cluster, ClusterResult, KScore

METHODS = ("kmeans", "agglomerative")
AUTO_K_RANGE = range(2, 11)
KMEANS_RESTARTS = 4
# A sentence encoder gives every short text one large shared direction, which k-means on a dozen
# notes spends its distances on, and its result varies much with its start: texts are grouped
# with the shared part removed and, up to `KMEANS_EXACT_UP_TO` of them (where starts are cheap),
# more starts (docs/structure.md, "How texts are grouped").
TEXT_RESTARTS = 20
ALIKE = 1e-4  # a text this near the mean has no direction of its own: only rounding is left
# Agglomerative clustering keeps every pairwise distance (n² / 2 float64s: 10,000 words ~400 MB);
# k-means is linear, but is still capped to keep a run to seconds. The silhouette, quadratic too,
# is estimated on a fixed sample beyond SILHOUETTE_SAMPLE words.
MAX_WORDS = {"kmeans": 20_000, "agglomerative": 10_000}
# Below 0.25 a silhouette shows no substantial structure (Kaufman & Rousseeuw, 1990): a dozen notes
# on three topics scored 0.152 at k=6 (three singletons) and 0.131 at k=3. Differences that small
# are noise, so k is then the fewest groups scoring within 15% of the best (docs/structure.md).
WEAK_STRUCTURE = 0.25
NEAR_BEST = 0.85
SILHOUETTE_SAMPLE = 3_000

Labels = npt.NDArray[np.intp]


@dataclass(frozen=True)
class Clustering:
    """A `ClusterResult` plus, for each selected word, the index of its cluster in the result."""

    result: ClusterResult
    assignment: tuple[int, ...]


def cluster(space: Space, selection: WordSelection, k: int | None = None,
            method: str = "kmeans", seed: int = 0,
            progress: Progress = no_progress) -> ClusterResult:
    """Group the selected words into ``k`` clusters (chosen by silhouette when None)."""
    return fit_clusters(space, selection, k, method, seed, progress).result


def check_size(words: int, method: str) -> None:
    """Refuse a clustering that cannot finish in memory and seconds, saying the way around."""
    most = MAX_WORDS.get(method, MAX_WORDS["kmeans"])
    if words > most:
        other = ("; --method kmeans takes up to " f"{MAX_WORDS['kmeans']:,}"
                 if method == "agglomerative" else "")
        raise UsageError(f"{method} clustering takes at most {most:,} words, not {words:,}"
                         f"{other}: pass fewer words (or a smaller --top)")


def fit_clusters(space: Space, selection: WordSelection, k: int | None, method: str,
                 seed: int, progress: Progress = no_progress, option: str = "--k") -> Clustering:
    """The clustering and its notes; ``option`` is how the caller's user sets k (for the note
    suggesting a larger k when a group of texts looks like two topics merged)."""
    if method not in METHODS:
        raise UsageError(f"unknown clustering method {method!r}: choose from {', '.join(METHODS)}")
    within(seed, 0, SEEDS - 1, "seed")
    check_size(len(selection), method)
    n = len(selection)
    if k is not None and not 1 <= k <= n:
        raise UsageError(f"k must be between 1 and the number of usable words ({n}), not {k}")
    vectors = selection.units
    grouped, restarts = grouped_by(vectors, is_text_group([selection.words]))
    candidates: tuple[KScore, ...] = ()
    notes = list(selection.notes)
    if k is None:
        labels, candidates, silhouette, why = choose_k(grouped, method, seed, progress, restarts)
        notes.extend(why)
    else:
        labels = _fit(grouped, k, method, seed, restarts)
        silhouette = _silhouette(grouped, labels)
    found = len(np.unique(labels))
    if k is not None and found < k:
        notes.append(f"only {found} distinct clusters exist among these words (asked for {k})")
    clusters, assignment = _describe(space, selection, vectors, labels)
    merged = [(rank, cluster) for rank, cluster in enumerate(clusters, 1) if cluster.two_topics]
    suggested = len(clusters) + len(merged) if merged else None
    notes.extend(f"group {rank} ({cluster.label}) looks like two topics merged ("
                 f"{' | '.join(', '.join(half) for half in cluster.two_topics)}): try "
                 f"{option} {suggested}" for rank, cluster in merged)
    result = ClusterResult(
        model=space.name, method=method, k=len(clusters), auto=k is None,
        silhouette=silhouette, candidates=candidates, clusters=clusters,
        suggested_k=suggested, notes=tuple(notes))
    return Clustering(result, assignment)


def grouped_by(vectors: Matrix, texts: bool) -> tuple[Matrix, int]:
    """What clustering groups and k-means's number of starts: unit vectors as they are, or for
    texts, less their mean and scaled back to length 1, with `TEXT_RESTARTS` starts up to
    `KMEANS_EXACT_UP_TO` texts (as they are when a text is the mean itself: alike texts have no
    direction of their own)."""
    if not texts:
        return vectors, KMEANS_RESTARTS
    units = np.asarray(vectors, dtype=np.float32)
    centred, lengths = normalise_rows(units - units.mean(axis=0))
    if not np.all(lengths > ALIKE):
        return vectors, KMEANS_RESTARTS
    return centred, TEXT_RESTARTS if len(units) <= KMEANS_EXACT_UP_TO else KMEANS_RESTARTS


def _fit(vectors: Matrix, k: int, method: str, seed: int,
         restarts: int = KMEANS_RESTARTS) -> Labels:
    """Labels from scikit-learn, or for k-means on up to `KMEANS_EXACT_UP_TO` words the same
    labels from numpy (`numpy_fits`: no import of scikit-learn, which takes over a second, for a
    few words)."""
    if k == 1:
        return np.zeros(len(vectors), dtype=np.intp)
    if method == "agglomerative":
        from sklearn.cluster import AgglomerativeClustering

        model = AgglomerativeClustering(n_clusters=k, metric="cosine", linkage="average")
        return np.asarray(model.fit_predict(vectors), dtype=np.intp)
    if len(vectors) <= KMEANS_EXACT_UP_TO:
        return kmeans(vectors, k, restarts, seed)
    from sklearn.cluster import KMeans
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():  # duplicate points: fewer clusters than asked, noted later
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = KMeans(n_clusters=k, n_init=restarts, random_state=seed)
        return np.asarray(model.fit_predict(vectors), dtype=np.intp)


def _silhouette(vectors: Matrix, labels: Labels) -> float | None:
    """Mean cosine silhouette (scikit-learn's, computed by `numpy_fits`); None where it is
    undefined (one cluster, or one word per cluster)."""
    if not 2 <= len(np.unique(labels)) <= len(vectors) - 1:
        return None
    sample = SILHOUETTE_SAMPLE if len(vectors) > SILHOUETTE_SAMPLE else None
    return cosine_silhouette(vectors, labels, sample)


def choose_k(vectors: Matrix, method: str, seed: int, progress: Progress,
             restarts: int = KMEANS_RESTARTS
             ) -> tuple[Labels, tuple[KScore, ...], float | None, tuple[str, ...]]:
    """The k in 2..10 (and below the word count) with the best silhouette, ties to fewer; when
    even the best is below `WEAK_STRUCTURE`, the fewest groups within `NEAR_BEST` of it, and a
    note saying so."""
    tried: list[tuple[Labels, KScore]] = []
    for done, k in enumerate(AUTO_K_RANGE):
        progress(done, len(AUTO_K_RANGE))
        if k >= len(vectors):
            break
        labels = _fit(vectors, k, method, seed, restarts)
        score = _silhouette(vectors, labels)
        if score is not None:
            tried.append((labels, KScore(k=k, silhouette=score)))
    if not tried:  # two words: each is its own cluster
        return np.arange(len(vectors), dtype=np.intp), (), None, ()
    scores = tuple(score for _, score in tried)
    labels, best = max(tried, key=lambda item: item[1].silhouette)
    if best.silhouette >= WEAK_STRUCTURE:
        return labels, scores, best.silhouette, ()
    labels, chosen = next(item for item in tried
                          if item[1].silhouette >= NEAR_BEST * best.silhouette)
    return labels, scores, chosen.silhouette, (
        f"no k separates these into clear groups (every silhouette is below {WEAK_STRUCTURE}), "
        f"so k={chosen.k} ({chosen.silhouette:.3f}) is the fewest groups within "
        f"{1 - NEAR_BEST:.0%} of the best (k={best.k}: {best.silhouette:.3f}); pass --k to set "
        "the number of groups you expect",)


def _describe(space: Space, selection: WordSelection, vectors: Matrix,
              labels: Labels) -> tuple[tuple[Cluster, ...], tuple[int, ...]]:
    """Clusters biggest first, members most central first, each named by `labels.name_clusters`.
    """
    from latentcli.analysis.labels import name_clusters

    ids = sorted(np.unique(labels).tolist(),
                 key=lambda label: (-int(np.sum(labels == label)), int(np.argmax(labels == label))))
    groups = [np.flatnonzero(labels == label) for label in ids]
    centres = [_unit(vectors[rows].mean(axis=0)) for rows in groups]
    orders = [rows[ranked_rows(vectors[rows] @ centre)]
              for rows, centre in zip(groups, centres, strict=True)]
    words = selection.words
    members = [[words[i] for i in order] for order in orders]
    names = name_clusters(space, members, [vectors[order] for order in orders])
    clusters = []
    for order, group, centre, name in zip(orders, members, centres, names, strict=True):
        named = space.lookup(name.name).unit
        clusters.append(Cluster(label=name.name, label_similarity=float(named @ centre),
                                members=tuple(group),
                                cohesion=float(np.mean(vectors[order] @ centre)),
                                label_candidates=name.candidates, label_method=name.method,
                                two_topics=name.halves or ()))
    position = {label: index for index, label in enumerate(ids)}
    return tuple(clusters), tuple(position[int(label)] for label in labels)


def _unit(vector: npt.NDArray[np.floating]) -> Matrix:
    length = float(np.linalg.norm(vector))
    return np.asarray(vector / length if length > 0 else vector, dtype=np.float32)
