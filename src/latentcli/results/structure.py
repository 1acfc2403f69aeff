"""Results of `latent cluster` and `latent map`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from latentcli.results import Scored
from latentcli.results.jsonform import Result, json_object


@dataclass(frozen=True, kw_only=True)
class Cluster(Result):
    """One group of words and its automatic name: ``label`` (cosine ``label_similarity`` to the
    group's centre), the runners-up ``label_candidates``, and ``label_method``, how they were
    chosen; ``two_topics``: for a group of texts that looks like two topics merged (a k too
    small), the keywords of each half, else empty."""

    json_derived = ("size",)

    label: str
    label_similarity: float
    members: tuple[str, ...]
    cohesion: float
    label_candidates: tuple[str, ...] = ()
    label_method: str = ""
    two_topics: tuple[tuple[str, ...], ...] = ()

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass(frozen=True, kw_only=True)
class KScore(Result):
    k: int
    silhouette: float


@dataclass(frozen=True, kw_only=True)
class ClusterResult(Result):
    """Words grouped by cosine geometry; ``silhouette`` is None where it is undefined (k=1 or n);
    ``suggested_k``, when groups look like two topics merged, is k plus one for each of them
    (else None)."""

    model: str
    method: str
    k: int
    auto: bool
    silhouette: float | None
    candidates: tuple[KScore, ...]
    clusters: tuple[Cluster, ...]
    suggested_k: int | None = None
    notes: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True, kw_only=True)
class MapPoint(Result):
    """A word on the map; ``given`` is False for words added by ``--neighbors``.

    ``neighbors`` (its nearest words in the full space) is filled only where a page shows them
    (``--html``, `latent explore`'s save): it costs a scan of the vocabulary per point.
    """

    word: str
    x: float
    y: float
    cluster: int
    trust: float
    given: bool
    neighbors: tuple[Scored, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Axis(Result):
    """What a map axis means: a name, and for a semantic axis the words at its two ends."""

    name: str
    low: str | None = None
    high: str | None = None
    explained_variance: float | None = None


@dataclass(frozen=True, kw_only=True)
class MapResult(Result):
    """Words projected to 2-D, clustered, with how far the picture keeps their neighbourhoods.

    ``points`` are in order of importance (given words first, then by frequency rank); ``trust``
    is the mean over points of the share of each word's ``trust_k`` nearest neighbours in the full
    space that are also among its nearest on the map.
    """

    model: str
    method: str
    points: tuple[MapPoint, ...]
    trust: float
    trust_k: int
    x_axis: Axis
    y_axis: Axis
    clustering: ClusterResult
    notes: tuple[str, ...] = field(default=(), compare=False)

    def to_dict(self) -> dict[str, Any]:
        """Written out: each point carries its cluster's label, and the clustering's ``k``,
        ``silhouette`` and ``clusters`` are top-level keys."""
        clusters = self.clustering.clusters
        return {
            "model": self.model, "method": self.method,
            "points": [{**json_object(point), "cluster_label": clusters[point.cluster].label}
                       for point in self.points],
            "trust": self.trust, "trust_k": self.trust_k,
            "x_axis": json_object(self.x_axis), "y_axis": json_object(self.y_axis),
            "k": self.clustering.k, "silhouette": self.clustering.silhouette,
            "clusters": [cluster.to_dict() for cluster in clusters], "notes": list(self.notes),
        }
