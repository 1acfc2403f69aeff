"""The guided tour of `latent explain`: each section computed live from the loaded model.

The tour only picks words; every number, group, answer and direction shown comes out of the model
at the moment the tour runs. Words a model lacks are dropped; a section that is left without
enough words is skipped with a note, so the tour works on any model.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from latentcli.analysis.contributions import decompose
from latentcli.analysis.evaluation import Section
from latentcli.core.space import Space, normalise_rows
from latentcli.core.vocabulary import vocabulary_from_words
from latentcli.errors import LatentError, UsageError
from latentcli.results import Scored
from latentcli.results.explain import (
    ContextSection,
    DimensionPoint,
    DimensionsSection,
    DirectionsSection,
    MapSection,
    MathSection,
    ModelSection,
    PairSimilarity,
    SkippedSection,
    SqueezeSection,
    TourSection,
    VectorSection,
)

GROUPS: dict[str, tuple[str, ...]] = {
    "animals": ("dog", "cat", "horse", "cow", "lion", "rabbit"),
    "colours": ("red", "blue", "green", "yellow", "purple", "orange"),
    "countries": ("france", "germany", "japan", "brazil", "egypt", "canada"),
    "feelings": ("happy", "sad", "angry", "afraid", "proud", "lonely"),
}
VECTOR_WORD = ("king", "cat", "house")
PAIRS = (("cat", "dog"), ("cat", "car"), ("cat", "democracy"))
ANALOGY = ("king", "man", "woman")
SENTIMENT = ("bad", "good", ("sad:happy", "terrible:wonderful"))
RANKED = ("awful", "poor", "boring", "okay", "decent", "nice", "great", "excellent")
STEERED = ("king", "man", "woman")
STEER_STRENGTH, STEER_STEPS = 1.5, 3  # 0, 0.5, 1 (the whole offset: the analogy itself), 1.5
DIMENSIONS = (2, 5, 10, 25)
SQUEEZE_NEIGHBORS = 7  # each of the squeeze section's words brings its nearest
SAMPLE_QUESTIONS = 400
SAMPLE_VOCABULARY = 30_000
CONTEXT_WORD = "bank"
CONTEXTS = ("the river bank", "a loan from the bank")
# The scale for the two uses' cosine: the first use's sense in another sentence, another word.
SAME_SENSE = "we walked along the bank of the stream"
UNRELATED = ("table", "she set the table for dinner")
FETCH_ENCODER = "latent models get all-minilm-l6-v2"
# Each section's title and, for a reader whose model cannot show it, what it would have shown.
TITLES: dict[str, tuple[str, str]] = {
    "model": ("What a model is", "what the model is and how it was made"),
    "vector": ("A word is a list of numbers", "one word's numbers and cosines between words"),
    "map": ("A map of meaning", "everyday words grouped and drawn on a 2-D map"),
    "math": ("Math with meaning", "king - man + woman worked out line by line"),
    "squeeze": ("Squeezing to 2-D", "how much of the neighbourhoods a flat map keeps"),
    "directions": ("Directions", "words ranked from bad to good, and king steered toward woman"),
    "dimensions": ("Why so many dimensions?", "analogy accuracy with fewer and more dimensions"),
    "context": ("Words in context", "'bank' in two sentences, one vector each"),
}


class SectionSkipped(LatentError):
    """A section cannot run on this model (its words are missing); the tour notes it and goes on."""


def _cosine(space: Space, a: str, b: str) -> float:
    return float(space.lookup(a).unit @ space.lookup(b).unit)


def model_section(space: Space) -> ModelSection:
    """What the model is: its size, and for the built-in model how it was trained."""
    from latentcli import BUILT_IN_SIZES, BUILT_IN_TRAINING, DEFAULT_MODEL

    built_in = space.name == DEFAULT_MODEL and space.dims == 50
    return ModelSection(name="model", title=TITLES["model"][0], model=space.name,
                        words=len(space), dims=space.dims, bytes=int(space.vectors.nbytes),
                        training=BUILT_IN_TRAINING if built_in else None,
                        published_dims=BUILT_IN_SIZES if built_in else (),
                        command="latent models")


def map_section(space: Space) -> MapSection:
    """A few everyday groups of words, clustered and projected: the groups come out of the model."""
    from latentcli.analysis.projection import project_map
    from latentcli.analysis.words import select_words

    groups = {name: space.known(words) for name, words in GROUPS.items()}
    groups = {name: words for name, words in groups.items() if len(words) >= 2}
    if len(groups) < 2:
        raise SectionSkipped("fewer than two of the tour's word groups are in this model")
    words = [word for group in groups.values() for word in group]
    result = project_map(space, select_words(space, words), "pca", clusters=len(groups))
    cluster_of = {point.word: point.cluster for point in result.points}
    whole = sum(len({cluster_of[word] for word in group}) == 1 for group in groups.values())
    return MapSection(name="map", title=TITLES["map"][0], map=result,
                      groups={name: tuple(group) for name, group in groups.items()},
                      groups_whole=whole, fetch_encoder=FETCH_ENCODER,
                      command=f"latent map {' '.join(g[0] for g in groups.values())} "
                              "--neighbors 5")


def vector_section(space: Space) -> VectorSection:
    """One word as the list of numbers it really is, and what cosine similarity says of pairs."""
    present = space.known(VECTOR_WORD)
    if not present:
        raise SectionSkipped("none of the tour's example words are in this model")
    word = present[0]
    row = space.vocabulary.row(word)
    assert row is not None
    values = np.asarray(space.unit(row), dtype=np.float64) * float(space.norms[row])
    pairs = tuple(PairSimilarity(a=a, b=b, similarity=_cosine(space, a, b)) for a, b in PAIRS
                  if len(space.known((a, b))) == 2)
    return VectorSection(name="vector", title=TITLES["vector"][0], word=word,
                         values=tuple(float(v) for v in values), norm=float(space.norms[row]),
                         rank=row + 1, vocabulary_size=len(space), pairs=pairs,
                         command=f"latent explain {word}")


def math_section(space: Space) -> MathSection:
    """king - man + woman: the answers, and how much each term gave the top one."""
    from latentcli.core.queries import analogy

    if len(space.known(ANALOGY)) < len(ANALOGY):
        raise SectionSkipped("the words king, man and woman are not all in this model")
    text = f"{ANALOGY[0]} - {ANALOGY[1]} + {ANALOGY[2]}"
    result = analogy(space, text, 5)
    terms = [space.lookup(word) for word in ANALOGY]
    top = space.lookup(result.results[0].word)
    return MathSection(name="math", title=TITLES["math"][0], analogy=result,
                       decomposition=decompose(terms, [1.0, -1.0, 1.0], top),
                       with_inputs=analogy(space, text, 1, allow_inputs=True).results[0],
                       command=f"latent explain {text}")


def squeeze_section(space: Space) -> SqueezeSection:
    """How much neighbourhood structure survives the squeeze to 2-D, by method."""
    from latentcli.analysis.projection import project_map
    from latentcli.analysis.words import add_neighbors, select_words
    from latentcli.core.queries import word_neighbors

    seeds = space.known([group[0] for group in GROUPS.values()])
    if len(seeds) < 2:
        raise SectionSkipped("too few of the tour's words are in this model")
    selection = add_neighbors(space, select_words(space, seeds), SQUEEZE_NEIGHBORS)
    pca = project_map(space, selection, "pca", clusters=1)  # one cluster: no search for k,
    tsne = project_map(space, selection, "tsne", clusters=1)  # as only the trust is shown
    worst = min(pca.points, key=lambda point: point.trust)
    kept = set(selection.words)
    brought = tuple(tuple(near.word for near in word_neighbors(space, seed, SQUEEZE_NEIGHBORS)
                          .neighbors if near.word in kept) for seed in seeds)
    return SqueezeSection(name="squeeze", title=TITLES["squeeze"][0], words=len(selection),
                          word_list=selection.words, seeds=len(seeds), brought=brought,
                          trust_k=pca.trust_k, pca_trust=pca.trust, tsne_trust=tsne.trust,
                          explained=(pca.x_axis.explained_variance or 0.0)
                          + (pca.y_axis.explained_variance or 0.0),
                          worst_word=worst.word, worst_trust=worst.trust,
                          command=f"latent map {' '.join(seeds)} --neighbors 7 --method tsne")


def directions_section(space: Space) -> DirectionsSection:
    """A direction (bad → good) ranks words; moving king along man → woman changes its company."""
    from latentcli.analysis.directions import axis, steer
    from latentcli.core.queries import analogy

    low, high, pairs = SENTIMENT
    ranked = space.known(RANKED)
    needed = (low, high, *STEERED)
    missing = [word for word in needed if word not in space.known(needed)]
    if missing or len(ranked) < 3:
        lacking = ", ".join(missing) or f"{len(RANKED) - len(ranked)} of the words to rank"
        raise SectionSkipped(f"this model lacks {lacking}")
    usable = [pair for pair in pairs if len(space.known(tuple(pair.split(":")))) == 2]
    word, away, toward = STEERED
    moved = steer(space, word, toward, away, strength=STEER_STRENGTH, steps=STEER_STEPS, top=3)
    whole = next(step for step in moved.steps if step.strength == 1.0)
    return DirectionsSection(
        name="directions", title=TITLES["directions"][0],
        axis=axis(space, low, high, usable, ranked),
        ends=axis(space, low, high, usable, (low, high)).words,
        alone=axis(space, low, high, (), (low, high)).words if usable else (),
        steer=moved, is_analogy=whole.neighbors == analogy(
            space, f"{word} - {away} + {toward}", 3).results,
        command=f"latent steer {word} --toward {toward} --away {away} --steps 8")


def question_sample(sections: list[Section]) -> list[Section]:
    """A fixed pseudo-random sample of the benchmark's questions, kept in their sections."""
    everything = [(section.name, q) for section in sections for q in section.questions]
    size = min(SAMPLE_QUESTIONS, len(everything))
    chosen = sorted(np.random.default_rng(0).choice(len(everything), size, replace=False))
    picked = [everything[i] for i in chosen]
    return [Section(name, tuple(q for n, q in picked if n == name))
            for name in dict.fromkeys(name for name, _ in everything)]


def dimensions_section(space: Space) -> DimensionsSection:
    """What more dimensions buy: analogy accuracy of the same vectors cut down by PCA.

    The projection is PCA without centring (a truncated SVD), so keeping every dimension is a
    rotation that gives back the original space's answers; accuracy is measured on a fixed sample
    of gensim's analogy questions, among the most frequent words.
    """
    from latentcli.analysis.evaluation import (
        ANALOGY_FILE,
        default_benchmark,
        evaluate_sections,
        read_analogies,
    )

    try:
        sections = read_analogies(default_benchmark(ANALOGY_FILE))
    except LatentError as why:
        raise SectionSkipped(str(why)) from None
    sample = question_sample(sections)
    count = min(SAMPLE_VOCABULARY, len(space))
    raw = np.asarray(space.vectors[:count], dtype=np.float64) * \
        np.asarray(space.norms[:count], dtype=np.float64)[:, np.newaxis]
    # The right singular vectors of ``raw``, from the 50x50 eigenproblem of rawᵀraw: an SVD of the
    # whole 30,000-row matrix would also build its left vectors, time spent on nothing shown.
    strengths, vectors = np.linalg.eigh(raw.T @ raw)
    components = vectors[:, np.argsort(-strengths)].T
    vocabulary = vocabulary_from_words(space.word(row) for row in range(count))
    points = []
    for dims in (*(d for d in DIMENSIONS if d < space.dims), space.dims):
        unit, norms = normalise_rows((raw @ components[:dims].T).astype(np.float32))
        reduced = Space(f"{space.name} in {dims} dimensions", vocabulary, unit, norms)
        overall = evaluate_sections(reduced, sample, "sample", count).total
        points.append(DimensionPoint(dims=dims, correct=overall.correct, total=overall.total))
    if not points[-1].total:
        raise SectionSkipped("none of the sampled benchmark questions are in this model")
    return DimensionsSection(name="dimensions", title=TITLES["dimensions"][0],
                             vocabulary=count, questions=points[-1].total,
                             benchmark=sum(len(section.questions) for section in sections),
                             sampled=sum(len(section.questions) for section in sample),
                             example=_example(space, sample),
                             points=tuple(points),
                             command=f"latent evaluate analogies --restrict {count}")


def _example(space: Space, sample: list[Section]) -> tuple[str, ...]:
    """The first sampled question whose four words the model has, to show what one looks like."""
    questions = [tuple(word.lower() for word in q) for section in sample for q in section.questions]
    return next((q for q in questions if len(space.known(q)) == 4), questions[0])


def context_section(space: Space) -> ContextSection:
    """One word in two sentences: a transformer's two vectors against the model's one. Needs the
    sentence encoder the space was opened with as its namer, if it was already fetched
    (``space.namer``): never fetched here."""
    reader = space.namer
    if space.encoder is not None:
        raise SectionSkipped("this model is a transformer: each of its vectors already depends "
                             "on the sentence ('latent context' shows it)")
    if reader is None or reader.encoder is None:
        raise SectionSkipped(f"to see it, fetch the sentence encoder: {FETCH_ENCODER}")
    if not space.known((CONTEXT_WORD,)):
        raise SectionSkipped(f"the word {CONTEXT_WORD!r} is not in this model")
    from latentcli.analysis.context import in_context, word_use

    quoted = " ".join(f'"{sentence}"' for sentence in CONTEXTS)
    word, sentence = UNRELATED
    units, _ = normalise_rows(np.stack([word_use(*use, reader.encoder)[2] for use in (
        (CONTEXT_WORD, CONTEXTS[0]), (CONTEXT_WORD, SAME_SENSE), UNRELATED)]))
    same, unrelated = np.clip(units[1:].astype(np.float64) @ units[0].astype(np.float64), -1, 1)
    context = in_context(reader, space, CONTEXT_WORD, CONTEXTS, top=3)
    nearest = [use.neighbors[0].word for use in context.contexts if use.neighbors]
    return ContextSection(name="context", title=TITLES["context"][0], context=context,
                          candidates=len(reader), layers=reader.encoder.layers,
                          same_sentence=SAME_SENSE, same=float(same),
                          unrelated_word=word, unrelated_sentence=sentence,
                          unrelated=float(unrelated),
                          static_nearest=tuple(Scored(word=near, similarity=_cosine(
                              space, CONTEXT_WORD, near)) for near in nearest
                              if space.known((near,))),
                          command=f"latent context {CONTEXT_WORD} {quoted}")


SECTIONS: dict[str, Callable[[Space], TourSection]] = {
    "model": model_section,
    "vector": vector_section,
    "map": map_section,
    "math": math_section,
    "squeeze": squeeze_section,
    "directions": directions_section,
    "dimensions": dimensions_section,
    "context": context_section,
}


def run_section(space: Space, name: str) -> TourSection | SkippedSection:
    try:
        return SECTIONS[name](space)
    except SectionSkipped as why:
        title, shows = TITLES[name]
        return SkippedSection(name=name, reason=str(why), title=title, shows=shows)


def chosen_sections(section: str | None, every: Sequence[str] = tuple(SECTIONS)) -> list[str]:
    """The names of the sections to show: all of ``every`` in order, or the one asked for."""
    if section is None:
        return list(every)
    if section not in every:
        raise UsageError(f"no tour section {section!r}: choose from {', '.join(every)}")
    return [section]
