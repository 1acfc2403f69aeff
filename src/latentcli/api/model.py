"""`Model`: one opened embedding space with a method per question latent answers.

Each method is a thin call into the core or the analysis layer, returning the same frozen result
dataclass the CLI prints (``result.to_dict()`` is the command's ``--json``). Notes the CLI would
print on stderr are on each result's ``notes``; those raised while opening are on `Model.notes`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from latentcli import DEFAULT_MODEL
from latentcli.api.arguments import checked
from latentcli.results.evaluation import DEFAULT_RESTRICT

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from latentcli.core.progress import Progress, Reporter
    from latentcli.core.space import Space
    from latentcli.networks.decoder.decoder import Decoder
    from latentcli.results import AnalogyResult, NeighborsResult
    from latentcli.results.comparison import CompareResult
    from latentcli.results.context import ContextResult
    from latentcli.results.directions import (
        AxisResult,
        OddResult,
        PathResult,
        SimilarityResult,
        SteerResult,
    )
    from latentcli.results.evaluation import AnalogyEvaluation, PairEvaluation
    from latentcli.results.explain import (
        ExpressionExplanation,
        SkippedSection,
        TourSection,
        WordExplanation,
    )
    from latentcli.results.structure import ClusterResult, MapResult
    from latentcli.store.tourcache import TourSections


@dataclass
class _Quiet:
    """The reporter a notebook gets: no spinners or bars; notes kept for `Model.notes`."""

    notes: list[str] = field(default_factory=list)

    def note(self, message: str) -> None:
        self.notes.append(message)

    def working(self, message: str) -> AbstractContextManager[None]:
        return nullcontext()

    @contextmanager
    def progress(self, message: str, total: int | None,
                 in_bytes: bool = True) -> Iterator[Progress]:
        from latentcli.core.progress import no_progress

        yield no_progress


class Model:
    """An opened embedding space. ``len(model)`` words of ``model.dims`` dimensions."""

    def __init__(self, space: Space | Callable[[], Space], notes: tuple[str, ...] = (),
                 reporter: Reporter | None = None) -> None:
        """``space``, or how to open it when first asked (a language model's token
        embeddings); ``reporter`` shows progress and notes (the command line's terminal); a
        notebook's is quiet and keeps its notes in ``notes``."""
        self._space: Space | None = None if callable(space) else space
        self._open_space = space if callable(space) else None
        self.notes = notes
        self._reporter: Reporter = reporter or _Quiet()
        self._named: Space | None = None  # the space with its namer, once a method names groups

    @property
    def space(self) -> Space:
        """The `Space` every word method asks: unit vectors ``space.vectors``, original lengths
        ``space.norms``, for your own numpy."""
        if self._space is None:
            assert self._open_space is not None
            self._space = self._open_space()
        return self._space

    def _naming(self) -> Space:
        """The space, with the built-in sentence encoder to name groups when it is fetched (as
        the commands that name groups do), found once."""
        if self._named is None and self.space.namer is not None:
            self._named = self.space  # opened with its namer
        if self._named is None:
            from latentcli.store.resolve import with_namer

            self._named = with_namer(self.space, self._reporter)
        return self._named

    def __repr__(self) -> str:
        return f"<latentcli.Model {self.name!r}: {len(self):,} words x {self.dims} dims>"

    def __len__(self) -> int:
        return len(self.space)

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and bool(self.space.known([word]))

    @property
    def name(self) -> str:
        return self.space.name

    @property
    def dims(self) -> int:
        return self.space.dims

    @checked
    def vector(self, word: str) -> npt.NDArray[np.float32]:
        """The word's unit vector: what every similarity is computed from."""
        return self.space.lookup(word).unit

    @checked
    def neighbors(self, query: str, top: int = 10, literal: bool = False) -> NeighborsResult:
        """Nearest words to a word or an expression (``"king - man"``), inputs left out;
        ``literal``: ``query`` is one vocabulary entry taken as it is, never parsed (GloVe's
        words ``-`` and ``+`` would be a lone sign as an expression)."""
        from latentcli.core.queries import neighbors, word_neighbors

        return (word_neighbors if literal else neighbors)(self.space, query, top)

    @checked
    def analogy(self, expression: str, top: int = 10, method: str = "add",
                allow_inputs: bool = False) -> AnalogyResult:
        """``"king - man + woman"`` or ``"man : king :: woman : ?"``; method add or mul."""
        from latentcli.core.queries import analogy

        return analogy(self.space, expression, top, method, allow_inputs)

    @checked
    def similarity(self, *words: str) -> SimilarityResult:
        """Cosine similarity of two words, or the matrix of more."""
        from latentcli.analysis.directions import similarity

        return similarity(self.space, words)

    @checked
    def odd(self, *words: str) -> OddResult:
        """The word that does not belong (gensim ``doesnt_match``)."""
        from latentcli.analysis.directions import odd_one_out

        return odd_one_out(self.space, words)

    @checked
    def cluster(self, words: Sequence[str] = (), k: int | None = None, method: str = "kmeans",
                seed: int = 0, top: int | None = None, strict: bool = False) -> ClusterResult:
        """Group words (and the ``top`` most frequent) by meaning; ``k=None`` picks k;
        ``strict`` refuses a word the model lacks instead of leaving it out with a note."""
        from latentcli.analysis.clustering import check_size, cluster
        from latentcli.analysis.words import select_words

        check_size(len(words) + (top or 0), method)  # before 100,000 lookups, not after
        space = self._naming()
        selection = select_words(space, words, top, strict)
        with self._reporter.progress("Clustering", None, in_bytes=False) as report:
            return cluster(space, selection, k, method, seed, report)

    @checked
    def map(self, words: Sequence[str] = (), method: str = "pca", neighbors: int = 0,
            x: str | Sequence[str] | None = None, y: str | Sequence[str] | None = None,
            clusters: int | None = None, seed: int = 0, top: int | None = None,
            strict: bool = False, listed: bool = False) -> MapResult:
        """The words in 2-D (pca, tsne, umap, or semantic axes: ``x="man:woman"``, or the two
        words apart, ``x=("man", "woman")``, which may hold a ':'); ``listed`` adds each word's
        nearest neighbours to the result (the HTML map lists them)."""
        from latentcli.analysis.projection import AxisSpec, check_size, project_map, with_neighbors
        from latentcli.analysis.words import add_neighbors, select_words

        check_size(len(words) + (top or 0))  # before 100,000 lookups, not after
        x_axis = AxisSpec.given(x, "x") if x else None
        y_axis = AxisSpec.given(y, "y") if y else None
        space = self._naming()
        selection = add_neighbors(space, select_words(space, words, top, strict), neighbors)
        with self._reporter.progress("Mapping", None, in_bytes=False) as report:
            result = project_map(space, selection, method, x_axis, y_axis, clusters, seed, report)
        return with_neighbors(space, result) if listed else result

    @checked
    def axis(self, start: str, end: str, words: Sequence[str] = (), pairs: Sequence[str] = (),
             top: int = 1000, show: int = 10) -> AxisResult:
        """Words ranked along the direction start→end (averaged with ``pairs`` "x:y")."""
        from latentcli.analysis.directions import axis

        return axis(self.space, start, end, pairs, words, top, show)

    @checked
    def steer(self, word: str, toward: str, away: str | None = None, strength: float = 1.0,
              steps: int = 4, top: int = 5) -> SteerResult:
        """Move a word along a direction and list its neighbours at each step."""
        from latentcli.analysis.directions import steer

        return steer(self.space, word, toward, away, strength, steps, top)

    @checked
    def path(self, start: str, end: str, steps: int = 8) -> PathResult:
        """The nearest word at each step of a straight walk from start to end."""
        from latentcli.analysis.directions import path

        return path(self.space, start, end, steps)

    @checked
    def compare(self, other: Model, words: Sequence[str] = (), top: int = 1000, k: int = 10,
                show: int = 10) -> CompareResult:
        """How alike this model's neighbourhoods are to ``other``'s (mean top-k overlap)."""
        from latentcli.analysis.comparison import compare

        return compare(self.space, other.space, words, top, k, show)

    @checked
    def evaluate_analogies(self, file: str | os.PathLike[str] | None = None,
                           restrict: int = DEFAULT_RESTRICT, method: str = "add"
                           ) -> AnalogyEvaluation:
        """Analogy accuracy, as gensim's ``evaluate_word_analogies`` (questions-words.txt)."""
        from latentcli.analysis.evaluation import (
            ANALOGY_FILE,
            default_benchmark,
            evaluate_analogies,
        )

        path = Path(file) if file else default_benchmark(ANALOGY_FILE)
        with self._reporter.progress("Answering analogies", None, in_bytes=False) as report:
            return evaluate_analogies(self.space, path, restrict, method, report)

    @checked
    def evaluate_similarity(self, file: str | os.PathLike[str] | None = None,
                            restrict: int = DEFAULT_RESTRICT) -> list[PairEvaluation]:
        """Correlation with human similarity scores (WordSim353 and SimLex-999 by default)."""
        from latentcli.analysis.evaluation import (
            PAIR_FILES,
            default_benchmark,
            evaluate_pairs,
        )

        paths = [Path(file)] if file else [default_benchmark(name) for name in PAIR_FILES]
        return [evaluate_pairs(self.space, path, restrict) for path in paths]

    @checked
    def explain(self, text: str, expect: str | None = None, top: int = 5,
                restrict: int | None = None,
                literal: bool = False) -> WordExplanation | ExpressionExplanation:
        """Why a word sits where it does, or why an analogy comes out as it does; candidate
        words come from the ``restrict`` most frequent (default 10,000); ``literal``: ``text``
        is one vocabulary entry taken as it is, never parsed (as in `neighbors`)."""
        from latentcli.analysis.explain import explain

        return explain(self._naming(), text, expect, top, restrict, literal)

    @checked
    def context(self, word: str, *sentences: str, top: int = 5) -> ContextResult:
        """``word``'s contextual vector in each sentence, compared, beside GloVe's one vector
        (a transformer model only: ``latentcli.open("all-minilm-l6-v2")``)."""
        from latentcli.analysis.context import in_context
        from latentcli.store.resolve import open_space

        return in_context(self.space, open_space(DEFAULT_MODEL, self._reporter), word, sentences,
                          top)

    @checked
    def tour(self, section: str | None = None) -> list[TourSection | SkippedSection]:
        """The sections of ``latent explain``'s tour (or one of them), computed on this model
        (or read from the tour stored for it)."""
        with self.tour_sections(section) as sections:
            return [sections.result(name) for name in sections.names]

    @checked
    def tour_sections(self, section: str | None = None) -> TourSections:
        """The tour's sections as they become ready, for a reader who reads one while the next is
        computed (``latent explain``): a context manager whose ``result(name)`` waits for one;
        `tour` waits for them all. Groups are named as the commands name them, and the
        language-model sections run on `_tour_language`'s model."""
        from latentcli.analysis.language_tour import LANGUAGE_SECTIONS, skipped
        from latentcli.analysis.tour import SECTIONS, chosen_sections, run_section
        from latentcli.store.tourcache import TourSections

        every = [*SECTIONS, *LANGUAGE_SECTIONS]

        def compute(space: Space, name: str) -> TourSection | SkippedSection:
            if name not in LANGUAGE_SECTIONS:
                return run_section(space, name)
            language = self._tour_language()
            if isinstance(language, str):
                return skipped(name, language)
            return LANGUAGE_SECTIONS[name](language)

        return TourSections(self._naming(), chosen_sections(section, every), every, compute)

    def _tour_language(self) -> Decoder | str:
        """The language model the tour's last sections run on: the built-in one once it is
        fetched (the tour never downloads); else why they are skipped."""
        from latentcli.store.builtins import SMOLLM2
        from latentcli.store.resolve import builtin_reference

        reference = builtin_reference(SMOLLM2)
        if not reference.cached():
            return f"to see it, fetch the language model: {SMOLLM2.fix_command}"
        return reference.open_decoder(self._reporter)
