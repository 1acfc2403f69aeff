"""Benchmark evaluation: analogy accuracy and word-pair correlation, with gensim's exact rules.

The answers equal gensim's ``evaluate_word_analogies`` and ``evaluate_word_pairs`` (defaults:
``restrict_vocab=300000``, ``case_insensitive=True``, ``dummy4unknown=False``): words are compared
in upper case, each upper-case form standing for its most frequent spelling among the first
``restrict`` words; a question or pair with any word outside them is skipped and counted; the
candidates are those first ``restrict`` words; an answer spelled like one of the three question
words (in any case) does not count, looking at most five candidates deep.

gensim solves one question at a time (a mat-vec and a partial sort each). Here the vocabulary
goes in small tiles, each scored against the block of questions it could still change (see
`_TileBounds`) with one matrix-matrix product and an ``argmax``; memory stays bounded
(`QUESTION_BLOCK` x `TILE_ROWS`) whatever the benchmark size. Unlike gensim's evaluator,
``method="mul"`` really scores by 3CosMul (without the bounds, which are for sums).
"""

from __future__ import annotations

import importlib.util
import math
import os
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from latentcli.core.progress import Progress
from latentcli.core.queries import COSMUL_EPSILON, METHODS
from latentcli.core.space import Matrix, Space
from latentcli.errors import BenchmarkFileError, UsageError
from latentcli.results.evaluation import (
    ANALOGY_FILE,
    DEFAULT_RESTRICT,
    PAIR_FILES,
    AnalogyEvaluation,
    PairEvaluation,
    SectionScore,
)

__all__ = ["ANALOGY_FILE", "DEFAULT_RESTRICT", "PAIR_FILES"]  # where callers look for them
TILE_ROWS = 256  # candidates scored together; small, so bounds can skip most tiles
QUESTION_BLOCK = 2048  # questions scored together: 2 MB of scores per tile, no page-fault churn
PRUNE_MARGIN = 1e-4  # slack for float32 rounding when a bound rules a tile out
PROGRESS_ROWS = 16_384
MAX_WORKERS = 8
MIN_SHARE = 1024  # questions worth a thread of their own
BOUND_ROWS = 64 * TILE_ROWS  # tiles whose bounds are computed together
GENSIM_DEPTH = 5  # gensim looks at this many candidates for one not spelled like an input

Rows = npt.NDArray[np.int64]


def default_benchmark(name: str) -> Path:
    """A benchmark file from gensim's installed test data, found without importing gensim."""
    spec = importlib.util.find_spec("gensim")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        path = Path(location) / "test" / "test_data" / name
        if path.is_file():
            return path
    raise UsageError(f"gensim's test data ({name}) is not installed; pass a benchmark FILE")


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    """(1-based line number, text) of a UTF-8 file; bytes that are not UTF-8 name their line."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise BenchmarkFileError(str(path), f"cannot read it ({error.strerror})") from None
    from latentcli.core.text_checks import decode

    return enumerate(decode(data, str(path)).split("\n"), 1)


@dataclass(frozen=True)
class Section:
    name: str
    questions: tuple[tuple[str, str, str, str], ...]


def read_analogies(path: Path) -> list[Section]:
    """Sections of upper-cased 4-word questions; ``: name`` lines open sections (gensim format)."""
    sections: list[tuple[str, list[tuple[str, str, str, str]]]] = []
    for number, line in _lines(path):
        if line.startswith(": "):
            sections.append((line.lstrip(": ").strip(), []))
            continue
        words = line.upper().split()
        if not words:
            continue
        if not sections:
            raise BenchmarkFileError(str(path), "a question before any ': section' line", number)
        if len(words) != 4:
            raise BenchmarkFileError(
                str(path), f"expected 4 words (a b c d), found {len(words)}", number)
        sections[-1][1].append((words[0], words[1], words[2], words[3]))
    if not any(questions for _, questions in sections):
        raise BenchmarkFileError(str(path), "no analogy questions in the file")
    return [Section(name, tuple(questions)) for name, questions in sections]


def read_pairs(path: Path) -> list[tuple[str, str, float]]:
    """Upper-cased (word, word, score) triples, tab-separated; ``#`` lines are comments."""
    pairs = []
    for number, line in _lines(path):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        try:
            first, second, score = fields
            value = float(score)
        except ValueError:
            raise BenchmarkFileError(
                str(path), "expected word<TAB>word<TAB>score", number) from None
        if not math.isfinite(value):
            raise BenchmarkFileError(str(path), f"the score {score.strip()!r} is not a finite "
                                     "number", number)
        pairs.append((first.strip().upper(), second.strip().upper(), value))
    if not pairs:
        raise BenchmarkFileError(str(path), "no word pairs in the file")
    return pairs


class FoldedVocabulary:
    """The first ``restrict`` words, upper-cased; each form maps to its most frequent row.
    ``limit`` is how many words that is (the vocabulary's size if smaller): what results report,
    so a one-text space never claims "the first 300000"."""

    def __init__(self, space: Space, restrict: int) -> None:
        if restrict < 1:
            raise UsageError(f"--restrict must be at least 1, not {restrict}")
        vocabulary = space.vocabulary
        count = min(restrict, len(vocabulary))
        end = int(vocabulary.offsets[count])
        words = vocabulary.blob_bytes()[:end].tobytes().decode("utf-8").split("\n")[:count]
        self.rows: dict[str, int] = {}
        setdefault = self.rows.setdefault
        canonical = [setdefault(word.upper(), row) for row, word in enumerate(words)]
        self.limit = len(canonical)
        #: the row whose upper-case form each candidate row shares (itself, unless a variant)
        self.canonical = np.array(canonical, dtype=np.int64)
        self.varied = frozenset(int(row) for row in
                                self.canonical[self.canonical != np.arange(self.limit)])
        self.whole = self.limit == len(vocabulary)

    def scope(self, model: str) -> str:
        """The words that count, in words: ``the first N words of M`` or ``the N word(s) of M``."""
        return (f"the {self.limit} word(s) of {model}" if self.whole
                else f"the first {self.limit} words of {model}")


def evaluate_analogies(space: Space, path: Path, restrict: int = DEFAULT_RESTRICT,
                       method: str = "add", progress: Progress | None = None
                       ) -> AnalogyEvaluation:
    """Accuracy on an analogy file ``a b c d`` (is ``b - a + c`` nearest to ``d``?)."""
    return evaluate_sections(space, read_analogies(path), str(path), restrict, method, progress)


def evaluate_sections(space: Space, sections: list[Section], source: str,
                      restrict: int = DEFAULT_RESTRICT, method: str = "add",
                      progress: Progress | None = None) -> AnalogyEvaluation:
    """Accuracy on analogy questions already read (``source`` names where they came from)."""
    if method not in METHODS:
        raise UsageError(f"unknown method {method!r}: choose from {', '.join(METHODS)}")
    folded = FoldedVocabulary(space, restrict)
    get = folded.rows.get
    rows = np.array([get(word, -1) for section in sections for question in section.questions
                     for word in question], dtype=np.int64).reshape(-1, 4)
    known: npt.NDArray[np.bool_] = np.all(rows >= 0, axis=1)
    questions = rows[known]
    predicted = _predictions(space, folded, questions[:, :3], method, progress)
    right = np.zeros(len(rows), dtype=bool)
    right[known] = folded.canonical[predicted] == questions[:, 3]
    scores, start = [], 0
    for section in sections:
        end = start + len(section.questions)
        total = int(np.count_nonzero(known[start:end]))
        scores.append(SectionScore(section=section.name,
                                   correct=int(np.count_nonzero(right[start:end])), total=total,
                                   skipped=end - start - total))
        start = end
    overall = SectionScore(section="Total accuracy", correct=sum(s.correct for s in scores),
                           total=sum(s.total for s in scores),
                           skipped=sum(s.skipped for s in scores))
    return AnalogyEvaluation(model=space.name, file=source, method=method, restrict=folded.limit,
                             sections=tuple(scores), total=overall)


def _predictions(space: Space, folded: FoldedVocabulary, inputs: Rows, method: str,
                 progress: Progress | None) -> Rows:
    """The row gensim would answer for each question ``(a, b, c)``.

    The products are small (tiles of `TILE_ROWS`), where BLAS's own threads cost more than they
    give (three times slower on two cores); instead each core takes an interleaved share of the
    questions with single-threaded BLAS (numpy releases the GIL in the heavy steps).
    """
    from concurrent.futures import ThreadPoolExecutor

    from threadpoolctl import threadpool_limits

    workers = max(1, min(os.cpu_count() or 1, MAX_WORKERS, len(inputs) // MIN_SHARE))
    shares = [np.arange(worker, len(inputs), workers) for worker in range(workers)]

    def solve(worker: int) -> Rows:
        return _best_rows(space, folded.limit, inputs[shares[worker]], method,
                          progress if worker == 0 else None)

    best = np.zeros(len(inputs), dtype=np.int64)
    with threadpool_limits(limits=1, user_api="blas"), ThreadPoolExecutor(workers) as pool:
        for share, rows in zip(shares, pool.map(solve, range(workers)), strict=True):
            best[share] = rows
    for index in np.flatnonzero(np.isin(inputs, list(folded.varied)).any(axis=1)):
        best[index] = _answer_beside_variants(space, folded, inputs[index], method)
    return best


class _Scorer:
    """Scores of questions against a tile of candidates: the cosine with the question's unit
    query (add), or 3CosMul (mul) from the tile's cosines with the questions' distinct words,
    which benchmarks repeat, so one small product serves every question."""

    def __init__(self, space: Space, inputs: Rows, method: str) -> None:
        vectors = np.asarray(space.vectors)
        self.mul = method == "mul"
        if self.mul:
            words, index = np.unique(inputs, return_inverse=True)
            self.words, self.index = vectors[words], index.reshape(inputs.shape)
            return
        query = vectors[inputs[:, 1]] + vectors[inputs[:, 2]] - vectors[inputs[:, 0]]
        lengths = np.linalg.norm(query, axis=1, keepdims=True)
        self.query = (query / np.where(lengths > 0, lengths, 1)).astype(np.float32)

    def __call__(self, chosen: slice | Rows, tile: Matrix) -> npt.NDArray[np.float32]:
        if not self.mul:
            return np.asarray(self.query[chosen] @ tile.T)
        shifted = (1 + self.words @ tile.T) / 2
        a, b, c = (shifted[self.index[chosen, column]] for column in range(3))
        return np.asarray(b * c / (a + np.float32(COSMUL_EPSILON)))


class _TileBounds:
    """Which questions a tile of candidates could still improve, for 3CosAdd.

    A question's score is ``v·(b - a) + v·c`` over its length, so the tile's best for it is at
    most the tile's best ``v·(b - a)`` plus its best ``v·c``. Benchmarks reuse few ``(a, b)``
    pairs and ``c`` words, so these maxima cost little, and most tiles cannot beat the answer
    found in the frequent words that come first: only they are scored in full.
    """

    def __init__(self, space: Space, inputs: Rows) -> None:
        vectors = np.asarray(space.vectors)
        pairs, pair_of = np.unique(inputs[:, :2], axis=0, return_inverse=True)
        words, word_of = np.unique(inputs[:, 2], return_inverse=True)
        self.pair_of, self.word_of = pair_of.reshape(-1), word_of.reshape(-1)
        self.directions = vectors[pairs[:, 1]] - vectors[pairs[:, 0]]
        self.words = vectors[words]
        lengths = np.linalg.norm(vectors[inputs[:, 1]] + vectors[inputs[:, 2]]
                                 - vectors[inputs[:, 0]], axis=1)
        self.scale = np.where(lengths > 0, 1 / np.where(lengths > 0, lengths, 1), 0)
        self.useful = len(pairs) + len(words) < len(inputs) / 2

    def reach(self, chunk: Matrix) -> npt.NDArray[np.float64]:
        """Questions x tiles of ``chunk`` (whole tiles): the best score each tile could give."""
        tiles = -(-len(chunk) // TILE_ROWS)
        padded = np.zeros((tiles * TILE_ROWS, chunk.shape[1]), dtype=np.float32)
        padded[:len(chunk)] = chunk
        padded[len(chunk):] = chunk[-1]

        def tile_max(vectors: Matrix) -> npt.NDArray[np.float32]:
            return np.asarray((vectors @ padded.T).reshape(len(vectors), tiles, TILE_ROWS)
                              .max(axis=2))

        reach = tile_max(self.directions)[self.pair_of] + tile_max(self.words)[self.word_of]
        return np.asarray(reach * self.scale[:, np.newaxis])


def _best_rows(space: Space, limit: int, inputs: Rows, method: str,
               progress: Progress | None) -> Rows:
    """Per question, the best of the first ``limit`` rows other than its own three."""
    count = len(inputs)
    everyone = np.arange(count)
    best_score = np.full(count, -np.inf, dtype=np.float32)
    best_row = np.zeros(count, dtype=np.int64)
    scorer = _Scorer(space, inputs, method)
    bounds = _TileBounds(space, inputs) if method == "add" and count else None
    if bounds is not None and not bounds.useful:
        bounds = None
    for start in range(0, limit, TILE_ROWS):
        tile = np.asarray(space.vectors[start:min(start + TILE_ROWS, limit)])
        alive = None
        if bounds is not None:
            if start % BOUND_ROWS == 0:
                chunk = space.vectors[start:min(start + BOUND_ROWS, limit)]
                reach = bounds.reach(np.asarray(chunk))
            alive = np.flatnonzero(reach[:, start % BOUND_ROWS // TILE_ROWS] + PRUNE_MARGIN
                                   >= best_score)
        for first in range(0, count if alive is None else len(alive), QUESTION_BLOCK):
            chosen = (slice(first, first + QUESTION_BLOCK) if alive is None
                      else alive[first:first + QUESTION_BLOCK])
            ids = everyone[chosen]
            scores = scorer(chosen, tile)
            own = inputs[chosen] - start
            hit, column = np.nonzero((own >= 0) & (own < len(tile)))
            scores[hit, own[hit, column]] = -np.inf
            top = scores.argmax(axis=1)
            value = scores[np.arange(len(top)), top]
            better = value > best_score[ids]
            best_score[ids[better]] = value[better]
            best_row[ids[better]] = top[better] + start
        done = min(start + TILE_ROWS, limit)
        if progress and (done % PROGRESS_ROWS < TILE_ROWS or done == limit):
            progress(done, limit)
    return best_row


def _answer_beside_variants(space: Space, folded: FoldedVocabulary, inputs: Rows,
                            method: str) -> int:
    """gensim's rule where other spellings of an input word compete: the first of the five best
    candidates (inputs' own rows left out) not spelled like an input, else the fifth."""
    tile = np.asarray(space.vectors[:folded.limit])
    scores = _Scorer(space, inputs[np.newaxis], method)(slice(0, 1), tile)[0]
    ignore = {int(row) for row in inputs}
    answer = -1
    for row, _ in space.top(scores, GENSIM_DEPTH, exclude=ignore):
        answer = row
        if int(folded.canonical[row]) not in ignore:
            break
    return answer


def evaluate_pairs(space: Space, path: Path, restrict: int = DEFAULT_RESTRICT) -> PairEvaluation:
    """Pearson and Spearman correlation of cosine similarity with a file's human scores."""
    from scipy import stats

    pairs = read_pairs(path)
    folded = FoldedVocabulary(space, restrict)
    rows = [(folded.rows.get(a), folded.rows.get(b), score) for a, b, score in pairs]
    known = [(a, b, score) for a, b, score in rows if a is not None and b is not None]
    if not known:
        raise BenchmarkFileError(
            str(path), f"none of its pairs has both words among {folded.scope(space.name)}")
    first, second, gold = (np.array(column) for column in zip(*known, strict=True))
    vectors = np.asarray(space.vectors)
    model = np.einsum("ij,ij->i", vectors[first], vectors[second])
    why = ("fewer than two pairs" if len(known) < 2 else "the file's scores are all equal"
           if np.ptp(gold) == 0 else "the model scores every pair the same"
           if np.ptp(model) == 0 else None)
    found = [math.nan] * 4
    if why is None:
        with warnings.catch_warnings():  # near-constant input: scipy warns, yet it is defined
            warnings.simplefilter("ignore")
            found = [*stats.pearsonr(gold, model), *stats.spearmanr(gold, model)]
    pearson, pearson_p, spearman, spearman_p = (float(v) if math.isfinite(v) else None
                                                for v in found)
    return PairEvaluation(model=space.name, file=str(path), restrict=folded.limit,
                          pairs=len(known), skipped=len(pairs) - len(known),
                          pearson=pearson, pearson_p=pearson_p, spearman=spearman,
                          spearman_p=spearman_p,
                          notes=(f"{path.name}: correlation is undefined ({why})",) if why else ())
