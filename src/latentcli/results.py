"""Frozen result dataclasses: the contract between the core and the renderers.

`to_dict()` is the JSON shape documented in docs/json.md; renderers read the attributes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Scored:
    word: str
    similarity: float


@dataclass(frozen=True)
class WeightedWord:
    word: str
    weight: float


@dataclass(frozen=True)
class NeighborsResult:
    """The nearest words to one query (a word or an expression)."""

    model: str
    query: str
    terms: tuple[WeightedWord, ...]
    neighbors: tuple[Scored, ...]
    excluded: tuple[str, ...]
    subword_words: tuple[str, ...] = ()  # query words built from fastText character n-grams
    notes: tuple[str, ...] = field(default=(), compare=False)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class AnalogyResult:
    """The answers to an analogy expression under 3CosAdd or 3CosMul."""

    model: str
    expression: str
    method: str
    terms: tuple[WeightedWord, ...]
    results: tuple[Scored, ...]
    excluded: tuple[str, ...]
    subword_words: tuple[str, ...] = ()  # query words built from fastText character n-grams
    notes: tuple[str, ...] = field(default=(), compare=False)

    @property
    def positive(self) -> list[str]:
        return [term.word for term in self.terms if term.weight > 0]

    @property
    def negative(self) -> list[str]:
        return [term.word for term in self.terms if term.weight < 0]

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "positive": self.positive, "negative": self.negative}


@dataclass(frozen=True)
class CachedModel:
    """A converted model in the cache: what it is called, where it came from, how big it is."""

    name: str
    key: str
    source: str
    words: int
    dims: int
    size: int  # bytes on disk


@dataclass(frozen=True)
class CatalogueListing:
    """A gensim-data model that can be named with --model, and whether it is converted already."""

    name: str
    download_size: int
    words: int
    dims: int
    cached: bool


@dataclass(frozen=True)
class ModelsListing:
    """Everything ``latent models`` shows: the default, the cache and the catalogue."""

    default: str
    builtin: tuple[str, ...]
    cached: tuple[CachedModel, ...]
    catalogue: tuple[CatalogueListing, ...]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class NormStats:
    minimum: float
    mean: float
    median: float
    maximum: float
    zero_vectors: int


@dataclass(frozen=True)
class ModelInfo:
    """One model in detail: size, norms, a few words, and how long opening it took."""

    model: str
    source: str
    words: int
    dims: int
    norms: NormStats
    sample: tuple[str, ...]
    subwords: bool
    open_seconds: float
    cache_path: str | None
    size: int | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class RemovedModels:
    """The cache entries ``latent models rm`` deleted."""

    name: str
    removed: tuple[str, ...]
    freed: int  # bytes

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Cluster:
    """One group of words: its label (the nearest outside word to its centre) and its members."""

    label: str
    label_similarity: float
    members: tuple[str, ...]
    cohesion: float

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "size": len(self.members)}


@dataclass(frozen=True)
class KScore:
    k: int
    silhouette: float


@dataclass(frozen=True)
class ClusterResult:
    """Words grouped by cosine geometry; ``silhouette`` is None where it is undefined (k=1 or n)."""

    model: str
    method: str
    k: int
    auto: bool
    silhouette: float | None
    candidates: tuple[KScore, ...]
    clusters: tuple[Cluster, ...]
    notes: tuple[str, ...] = field(default=(), compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "clusters": [cluster.to_dict() for cluster in self.clusters]}


@dataclass(frozen=True)
class MapPoint:
    """A word on the map; ``given`` is False for words added by ``--neighbors``."""

    word: str
    x: float
    y: float
    cluster: int
    trust: float
    given: bool


@dataclass(frozen=True)
class Axis:
    """What a map axis means: a name, and for a semantic axis the words at its two ends."""

    name: str
    low: str | None = None
    high: str | None = None
    explained_variance: float | None = None


@dataclass(frozen=True)
class MapResult:
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
        return {
            "model": self.model, "method": self.method,
            "points": [{**asdict(point), "cluster_label": self.clustering.clusters[point.cluster]
                        .label} for point in self.points],
            "trust": self.trust, "trust_k": self.trust_k,
            "x_axis": asdict(self.x_axis), "y_axis": asdict(self.y_axis),
            "k": self.clustering.k, "silhouette": self.clustering.silhouette,
            "clusters": [cluster.to_dict() for cluster in self.clustering.clusters],
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class Contribution:
    """One term's share of a 3CosAdd score: ``weight · cosine / |q|``."""

    word: str
    weight: float
    cosine: float  # cos(term, answer)
    contribution: float


@dataclass(frozen=True)
class Decomposition:
    """A 3CosAdd score split by term; the contributions add up to ``score``."""

    word: str
    score: float
    contributions: tuple[Contribution, ...]


@dataclass(frozen=True)
class PairSimilarity:
    a: str
    b: str
    similarity: float


@dataclass(frozen=True)
class MapSection:
    """Tour: everyday word groups, clustered and drawn; how many groups came out whole."""

    name: str
    title: str
    map: MapResult
    groups: dict[str, tuple[str, ...]]
    groups_whole: int
    command: str

    def to_dict(self) -> dict[str, Any]:
        return {"section": self.name, "title": self.title, "groups": self.groups,
                "groups_whole": self.groups_whole, "map": self.map.to_dict(),
                "command": self.command}


@dataclass(frozen=True)
class VectorSection:
    """Tour: one word's raw vector, its length and frequency rank, and cosine for a few pairs."""

    name: str
    title: str
    word: str
    values: tuple[float, ...]
    norm: float
    rank: int
    vocabulary_size: int
    pairs: tuple[PairSimilarity, ...]
    command: str

    def to_dict(self) -> dict[str, Any]:
        return {"section": self.name, **{k: v for k, v in asdict(self).items() if k != "name"}}


@dataclass(frozen=True)
class MathSection:
    """Tour: an analogy's answers and the split of the top answer's score by term."""

    name: str
    title: str
    analogy: AnalogyResult
    decomposition: Decomposition
    command: str

    def to_dict(self) -> dict[str, Any]:
        return {"section": self.name, "title": self.title, "analogy": self.analogy.to_dict(),
                "decomposition": asdict(self.decomposition), "command": self.command}


@dataclass(frozen=True)
class SqueezeSection:
    """Tour: how much of each word's neighbourhood survives PCA and t-SNE maps."""

    name: str
    title: str
    words: int
    trust_k: int
    pca_trust: float
    tsne_trust: float
    explained: float  # share of variance the two PCA axes explain
    worst_word: str
    worst_trust: float
    command: str

    def to_dict(self) -> dict[str, Any]:
        return {"section": self.name, **{k: v for k, v in asdict(self).items() if k != "name"}}


@dataclass(frozen=True)
class SkippedSection:
    """Tour: a section this model cannot show, and why."""

    name: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"section": self.name, "skipped": self.reason}




@dataclass(frozen=True)
class AxisPosition:
    """Where a word falls on a named direction (``low`` → ``high``, from word pairs).

    ``position`` is the cosine with the direction; ``share`` the fraction of the most frequent
    words that fall below it (0.9: further towards ``high`` than 90% of common words).
    """

    axis: str
    low: str
    high: str
    position: float
    share: float


@dataclass(frozen=True)
class Neighbourhood:
    """The group a word lands in when it is clustered with its nearest words."""

    size: int
    k: int
    label: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class WordExplanation:
    model: str
    word: str
    typed: str
    values: tuple[float, ...]
    norm: float
    rank: int
    vocabulary_size: int
    neighbors: tuple[Scored, ...]
    axes: tuple[AxisPosition, ...]
    neighbourhood: Neighbourhood | None
    notes: tuple[str, ...] = field(default=(), compare=False)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class PairConsistency:
    """How closely one benchmark pair's offset ``b - a`` points along an expression's offset."""

    a: str
    b: str
    similarity: float


@dataclass(frozen=True)
class OffsetExplanation:
    """What an analogy adds to its first word (``end - start``) and how consistent it is."""

    start: str
    end: str
    length: float
    nearest: tuple[tuple[str, float], ...]
    relation: str | None  # the benchmark section holding the pair, if any
    consistency: tuple[PairConsistency, ...]

    @property
    def mean_consistency(self) -> float | None:
        if not self.consistency:
            return None
        return sum(pair.similarity for pair in self.consistency) / len(self.consistency)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "nearest": [{"word": w, "similarity": s} for w, s in self.nearest],
                "mean_consistency": self.mean_consistency}


@dataclass(frozen=True)
class ExpressionExplanation:
    model: str
    expression: str
    add: AnalogyResult
    mul: AnalogyResult | None
    with_inputs: Scored
    decompositions: tuple[Decomposition, ...]
    expect: str | None
    expect_rank: int | None
    expect_rank_mul: int | None
    offset: OffsetExplanation | None
    notes: tuple[str, ...] = field(default=(), compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.model, "expression": self.expression,
                "add": self.add.to_dict(), "mul": self.mul.to_dict() if self.mul else None,
                "with_inputs": asdict(self.with_inputs),
                "decompositions": [asdict(item) for item in self.decompositions],
                "expect": self.expect, "expect_rank": self.expect_rank,
                "expect_rank_mul": self.expect_rank_mul,
                "offset": self.offset.to_dict() if self.offset else None, "notes": self.notes}


@dataclass(frozen=True)
class SectionScore:
    """One section of an analogy benchmark: questions answered right out of those evaluated."""

    section: str
    correct: int
    total: int
    skipped: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "accuracy": self.accuracy}


@dataclass(frozen=True)
class AnalogyEvaluation:
    """Analogy accuracy per section and overall (gensim ``evaluate_word_analogies``)."""

    model: str
    file: str
    method: str
    restrict: int
    sections: tuple[SectionScore, ...]
    total: SectionScore

    @property
    def accuracy(self) -> float:
        return self.total.accuracy

    @property
    def oov_percent(self) -> float:
        questions = self.total.total + self.total.skipped
        return 100.0 * self.total.skipped / questions if questions else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.model, "file": self.file, "method": self.method,
                "restrict": self.restrict, "accuracy": self.accuracy,
                "correct": self.total.correct, "total": self.total.total,
                "skipped": self.total.skipped, "oov_percent": self.oov_percent,
                "sections": [section.to_dict() for section in self.sections]}


@dataclass(frozen=True)
class PairEvaluation:
    """Correlation of model similarities with human judgements (gensim ``evaluate_word_pairs``)."""

    model: str
    file: str
    restrict: int
    pairs: int
    skipped: int
    pearson: float
    pearson_p: float
    spearman: float
    spearman_p: float

    @property
    def oov_percent(self) -> float:
        return 100.0 * self.skipped / (self.pairs + self.skipped)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "oov_percent": self.oov_percent}


@dataclass(frozen=True)
class Projection:
    word: str
    projection: float


@dataclass(frozen=True)
class AxisResult:
    """Words ranked by their projection on a direction (from ``start`` to ``end``, or pairs)."""

    model: str
    start: str
    end: str
    pairs: tuple[tuple[str, str], ...]
    candidates: int
    words: tuple[Projection, ...]
    omitted: int
    notes: tuple[str, ...] = field(default=(), compare=False)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SteerStep:
    strength: float
    neighbors: tuple[Scored, ...]


@dataclass(frozen=True)
class SteerResult:
    """A word's nearest neighbours as its vector moves along a direction."""

    model: str
    word: str
    toward: str
    away: str | None
    steps: tuple[SteerStep, ...]
    excluded: tuple[str, ...]
    notes: tuple[str, ...] = field(default=(), compare=False)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class PathStep:
    t: float
    word: str
    similarity: float
    to_start: float
    to_end: float


@dataclass(frozen=True)
class PathResult:
    """The nearest word at each point of the straight walk between two words."""

    model: str
    start: str
    end: str
    steps: tuple[PathStep, ...]
    notes: tuple[str, ...] = field(default=(), compare=False)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class OddResult:
    """The word that does not belong (gensim ``doesnt_match``), and everyone's centrality."""

    model: str
    words: tuple[str, ...]
    odd: str
    ranked: tuple[Scored, ...]
    notes: tuple[str, ...] = field(default=(), compare=False)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SimilarityResult:
    """Cosine similarity of every pair of the given words."""

    model: str
    words: tuple[str, ...]
    matrix: tuple[tuple[float, ...], ...]
    notes: tuple[str, ...] = field(default=(), compare=False)

    @property
    def similarity(self) -> float | None:
        """The one similarity, when exactly two words were given."""
        return self.matrix[0][1] if len(self.words) == 2 else None

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "similarity": self.similarity}


@dataclass(frozen=True)
class WordOverlap:
    word: str
    overlap: float
    only_a: tuple[str, ...]
    only_b: tuple[str, ...]


@dataclass(frozen=True)
class CompareResult:
    """How alike two models' neighbourhoods are over words both know."""

    model_a: str
    model_b: str
    k: int
    shared: int
    compared: int
    mean_overlap: float
    words: tuple[WordOverlap, ...]
    notes: tuple[str, ...] = field(default=(), compare=False)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class DirectionsSection:
    """Tour: words ranked along a direction, and a word steered along another."""

    name: str
    title: str
    axis: AxisResult
    steer: SteerResult
    command: str

    def to_dict(self) -> dict[str, Any]:
        return {"section": self.name, "title": self.title, "axis": self.axis.to_dict(),
                "steer": self.steer.to_dict(), "command": self.command}


@dataclass(frozen=True)
class DimensionPoint:
    dims: int
    correct: int
    total: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0


@dataclass(frozen=True)
class DimensionsSection:
    """Tour: analogy accuracy on a fixed question sample as the vectors keep fewer dimensions."""

    name: str
    title: str
    vocabulary: int
    questions: int
    points: tuple[DimensionPoint, ...]
    command: str

    def to_dict(self) -> dict[str, Any]:
        return {"section": self.name, "title": self.title, "vocabulary": self.vocabulary,
                "questions": self.questions,
                "points": [{**asdict(p), "accuracy": p.accuracy} for p in self.points],
                "command": self.command}


TourSection = (MapSection | VectorSection | MathSection | SqueezeSection | DirectionsSection
               | DimensionsSection)
