"""Results of `latent explain`: the tour's sections and the explanations."""

from __future__ import annotations

from dataclasses import dataclass, field

from latentcli.results import AnalogyResult, Scored
from latentcli.results.context import ContextResult
from latentcli.results.directions import AxisResult, Projection, SteerResult
from latentcli.results.inside import Attention, Patching
from latentcli.results.jsonform import HIDDEN, Result, renamed
from latentcli.results.language import Generation, Lens
from latentcli.results.structure import MapResult


@dataclass(frozen=True, kw_only=True)
class Contribution(Result):
    """One term's share of a 3CosAdd score: ``weight · cosine / |q|``."""

    word: str
    weight: float
    cosine: float  # cos(term, answer)
    contribution: float


@dataclass(frozen=True, kw_only=True)
class Decomposition(Result):
    """A 3CosAdd score split by term; the contributions add up to ``score``.

    ``length`` is ``|q|``, the length of the terms' weighted sum, which every share is divided by.
    """

    word: str
    score: float
    contributions: tuple[Contribution, ...]
    length: float
    # the terms' cosines with each other, pair by pair (1-2, 1-3, ..., 2-3, ...): with the
    # weights they give the length, |q|² = Σ wᵢ² + 2 Σ wᵢ·wⱼ·cos(uᵢ, uⱼ)
    between: tuple[float, ...] = field(default=(), metadata=HIDDEN)


@dataclass(frozen=True, kw_only=True)
class PairSimilarity(Result):
    """A cosine for two words: between their vectors (the tour), or between the offset ``b - a``
    of a benchmark pair and an expression's offset (how consistent the expression is)."""

    a: str
    b: str
    similarity: float


@dataclass(frozen=True, kw_only=True)
class Titled(Result):
    """What every section of the guided tour starts with: its name (written as the key
    ``section``) and title. Each kind declares ``command``, what to type to see more, last: the
    JSON ends with it."""

    name: str = field(metadata=renamed("section"))
    title: str


@dataclass(frozen=True, kw_only=True)
class ModelSection(Titled):
    """Tour: which model this is, its size, and how it was trained when that is known."""

    model: str
    words: int
    dims: int
    bytes: int  # what its vectors take, stored as they are loaded
    training: str | None
    published_dims: tuple[int, ...]  # the sizes its makers published it in, when known
    command: str


@dataclass(frozen=True, kw_only=True)
class MapSection(Titled):
    """Tour: everyday word groups, clustered and drawn; how many groups came out whole."""

    groups: dict[str, tuple[str, ...]]
    groups_whole: int
    map: MapResult
    fetch_encoder: str  # the command that downloads the encoder naming groups
    command: str


@dataclass(frozen=True, kw_only=True)
class VectorSection(Titled):
    """Tour: one word's raw vector, its length and frequency rank, and cosine for a few pairs."""

    word: str
    values: tuple[float, ...]
    norm: float
    rank: int
    vocabulary_size: int
    pairs: tuple[PairSimilarity, ...]
    command: str


@dataclass(frozen=True, kw_only=True)
class MathSection(Titled):
    """Tour: an analogy's answers and the split of the top answer's score by term."""

    analogy: AnalogyResult
    decomposition: Decomposition
    with_inputs: Scored  # the top answer if the typed words were allowed
    command: str


@dataclass(frozen=True, kw_only=True)
class SqueezeSection(Titled):
    """Tour: how much of each word's neighbourhood survives PCA and t-SNE maps."""

    words: int
    word_list: tuple[str, ...]
    seeds: int  # word_list starts with these many chosen words; their neighbours follow
    brought: tuple[tuple[str, ...], ...]  # each chosen word's nearest, in order (some shared)
    trust_k: int
    pca_trust: float
    tsne_trust: float
    explained: float  # share of variance the two PCA axes explain
    worst_word: str
    worst_trust: float
    command: str


@dataclass(frozen=True, kw_only=True)
class SkippedSection(Titled):
    """Tour: a section this model cannot show, why, and what it would have shown."""

    reason: str = field(metadata=renamed("skipped"))
    title: str = field(default="", metadata=HIDDEN)
    shows: str = field(default="", metadata=HIDDEN)


@dataclass(frozen=True, kw_only=True)
class AxisPosition(Result):
    """Where a word falls on a named direction (``low`` → ``high``, from word pairs).

    ``position`` is the cosine with the direction; ``share`` the fraction of the most frequent
    words that fall below it (0.9: further towards ``high`` than 90% of common words).
    """

    axis: str
    low: str
    high: str
    position: float
    share: float


@dataclass(frozen=True, kw_only=True)
class Neighborhood(Result):
    """The group a word lands in when it is clustered with its nearest words."""

    size: int
    k: int
    label: str
    members: tuple[str, ...]
    label_method: str = ""
    furthest: str = ""  # the member besides the word furthest from the group's middle


@dataclass(frozen=True, kw_only=True)
class WordExplanation(Result):
    model: str
    word: str
    typed: str
    values: tuple[float, ...]
    norm: float
    rank: int | None  # None: a word built from fastText subwords has no frequency rank
    vocabulary_size: int
    restrict: int  # neighbours, axis shares and the neighbourhood come from this many words
    neighbors: tuple[Scored, ...]
    axes: tuple[AxisPosition, ...]
    neighborhood: Neighborhood | None = field(metadata=renamed("neighbourhood"))
    encoded: bool = False  # a text a transformer space encoded (no rank either)
    notes: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True, kw_only=True)
class OffsetExplanation(Result):
    """What an analogy adds to its first word (``end - start``) and how consistent it is."""

    start: str
    end: str
    length: float
    nearest: tuple[Scored, ...]
    relation: str | None  # the benchmark section holding the pair, if any
    consistency: tuple[PairSimilarity, ...]

    json_derived = ("mean_consistency",)

    @property
    def mean_consistency(self) -> float | None:
        if not self.consistency:
            return None
        return sum(pair.similarity for pair in self.consistency) / len(self.consistency)


@dataclass(frozen=True, kw_only=True)
class ExpressionExplanation(Result):
    model: str
    expression: str
    add: AnalogyResult
    mul: AnalogyResult | None
    with_inputs: Scored
    decompositions: tuple[Decomposition, ...]
    expect: str | None
    expect_rank: int | None
    expect_rank_mul: int | None
    restrict: int  # the offset's nearest words come from this many of the most frequent
    offset: OffsetExplanation | None
    notes: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True, kw_only=True)
class DirectionsSection(Titled):
    """Tour: words ranked along a direction, and a word steered along another."""

    axis: AxisResult
    ends: tuple[Projection, ...]  # for scale: the direction's own end words, ranked along it
    alone: tuple[Projection, ...]  # the end words on their own pair's direction (which puts
    # them evenly about 0), beside ``ends`` on the average; empty when there is no other pair
    steer: SteerResult
    is_analogy: bool  # the step at strength 1 has exactly the analogy's answers (words, scores)
    command: str


@dataclass(frozen=True, kw_only=True)
class DimensionPoint(Result):
    json_derived = ("accuracy",)

    dims: int
    correct: int
    total: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0


@dataclass(frozen=True, kw_only=True)
class DimensionsSection(Titled):
    """Tour: analogy accuracy on a fixed question sample as the vectors keep fewer dimensions."""

    vocabulary: int
    questions: int
    benchmark: int  # questions in the whole benchmark file
    sampled: int  # questions in the fixed sample (``questions`` of them are answerable)
    example: tuple[str, ...]  # one sampled question: a : b :: c : d
    points: tuple[DimensionPoint, ...]
    command: str


@dataclass(frozen=True, kw_only=True)
class ContextSection(Titled):
    """Tour: one word in two sentences, read by a sentence encoder, against its static vector;
    and, for scale, the cosine of its first use with a use of the same sense in another sentence
    and with another word in an unrelated sentence."""

    context: ContextResult
    candidates: int  # how many words the encoder's nearest words are drawn from
    layers: int  # the encoder's layers (the "l6" of all-minilm-l6-v2)
    same_sentence: str
    same: float
    unrelated_word: str
    unrelated_sentence: str
    unrelated: float
    static_nearest: tuple[Scored, ...]  # the static model's cosine of the word with each use's
    # nearest word: which sense its one vector sits with
    command: str


@dataclass(frozen=True, kw_only=True)
class LensSection(Titled):
    """Tour: the logit lens on a fact, computed live on the built-in language model."""

    lens: Lens
    parameters: int  # the numbers the model's weights hold (its "135m")
    training: str | None  # how the built-in language model was made; None for another
    command: str


@dataclass(frozen=True, kw_only=True)
class AttentionSection(Titled):
    """Tour: where each block's attention heads look from a prompt's last token."""

    attention: Attention
    subject: tuple[int, ...]  # the positions where the patching section's two prompts differ
    looks: tuple[int, ...]  # the blocks where the last token weighs the subject most
    moved: int | None  # the first block from which patching the last position alone restores
    # the fact (at least half of it) to the end; None if it never does
    last: tuple[float, ...]  # the share of the fact patching the last position alone restores,
    # entering each block (empty without a subject)
    command: str


@dataclass(frozen=True, kw_only=True)
class PatchSection(Titled):
    """Tour: activation patching on two prompts that differ in their subject, computed live."""

    patching: Patching
    shared: tuple[int, ...]  # positions where the reading finds the fact, or part of it, on a
    # token the two prompts share
    command: str


@dataclass(frozen=True, kw_only=True)
class Push(Result):
    """What steering adds at one position entering its block, beside the stream already there:
    the two phrases' tokens at that position, the prompt's token (empty past the prompt's end),
    and the lengths of the added vector (strength x difference) and of the prompt's stream."""

    position: int
    toward: str
    away: str
    token: str
    push: float
    stream: float


@dataclass(frozen=True, kw_only=True)
class SteeringSection(Titled):
    """Tour: one steered generation beside the unsteered one."""

    generation: Generation
    pushes: tuple[Push, ...]  # what ActAdd adds at each position it steers
    command: str
    start: str = ""  # the start token put at position 0 when steering, as the tokenizer reads it


TourSection = (ModelSection | MapSection | VectorSection | MathSection | SqueezeSection
               | DirectionsSection | DimensionsSection | ContextSection | LensSection
               | AttentionSection | PatchSection | SteeringSection)
