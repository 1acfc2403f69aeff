"""Benchmark evaluation: analogy accuracy and word-pair correlation, with gensim's exact rules.

The answers equal gensim's ``evaluate_word_analogies`` and ``evaluate_word_pairs`` (defaults:
``restrict_vocab=300000``, ``case_insensitive=True``, ``dummy4unknown=False``): words are compared
in upper case, each upper-case form standing for its most frequent spelling among the first
``restrict`` words; a question or pair with any word outside them is skipped and counted; the
candidates are those first ``restrict`` words; an answer spelled like one of the three question
words (in any case) does not count, looking at most five candidates deep.

gensim solves one question at a time (a mat-vec and a partial sort each). Here all questions are
searched together over tiles of the vocabulary, most of which bounds rule out unscored (see
`analogy_search`). Unlike gensim's evaluator, ``method="mul"`` really scores by 3CosMul.
"""

from __future__ import annotations

import importlib.util
import math
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from latentcli.core.progress import Progress
from latentcli.core.queries import METHODS
from latentcli.core.space import Space
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
    """The row gensim would answer for each question ``(a, b, c)``."""
    from latentcli.analysis.analogy_search import best_rows

    vectors = np.asarray(space.vectors)
    best = best_rows(vectors, folded.limit, inputs, method, progress)
    for index in np.flatnonzero(np.isin(inputs, list(folded.varied)).any(axis=1)):
        best[index] = _answer_beside_variants(space, folded, inputs[index], method)
    return best


def _answer_beside_variants(space: Space, folded: FoldedVocabulary, inputs: Rows,
                            method: str) -> int:
    """gensim's rule where other spellings of an input word compete: the first of the five best
    candidates (inputs' own rows left out) not spelled like an input, else the fifth."""
    from latentcli.analysis.analogy_search import scores_of

    vectors = np.asarray(space.vectors)
    scores = scores_of(vectors, vectors[:folded.limit], inputs, method)
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
