"""The exact search behind `latent evaluate analogies`: each question's best candidate row,
found without scoring most of the vocabulary.

Candidates go in chunks of `CHUNK_ROWS`, most frequent first. Within a chunk, rows are grouped
by direction (a few rounds of spherical k-means) and cut into tiles of `TILE_ROWS`. A question's
3CosAdd score is ``v·(b - a) + v·c`` over its query's length, so no row of a tile beats the
tile's best ``v·(b - a)`` plus its best ``v·c`` (`_Bounds`); rows of like direction make that
bound tight. Each question first scores its most promising tile of the chunk, then only the
tiles whose bound still beats its best (about a tenth of them on the Google benchmark). Ties go
to the lowest row, as a scan in row order gives them: the grouping changes how much is scored,
never the answer. 3CosMul (and a benchmark whose questions share few words) is scored in full.

The products are small, where BLAS's own threads cost more than they give (docs/benchmarks.md);
instead each core takes a share of the questions with single-threaded BLAS (numpy releases the
GIL in the heavy steps).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import numpy.typing as npt

from latentcli.core.progress import Progress
from latentcli.core.queries import COSMUL_EPSILON
from latentcli.core.space import Matrix
from latentcli.networks.threads import limited

TILE_ROWS = 128  # candidates scored together: small, so a bound rules most tiles out
SCAN_ROWS = 256  # candidates scored together where there are no bounds
CHUNK_ROWS = 32_768  # candidates grouped and bounded together (tiles x questions of bounds)
GROUPS = 64  # directions a chunk's rows are grouped by
GROUP_ROUNDS = 3  # k-means rounds: enough for tight tiles (more round out nothing measurable)
BOUND_BLOCK = 4_096  # rows whose products with the question words are held at once
QUESTION_BLOCK = 2_048  # questions scored together in a full scan: bounded memory
PROGRESS_ROWS = 16_384
PRUNE_MARGIN = 1e-4  # slack for float32 rounding when a bound rules a tile out
MAX_WORKERS = 8
MIN_SHARE = 1024  # questions worth a thread of their own

Rows = npt.NDArray[np.int64]


def best_rows(vectors: Matrix, limit: int, inputs: Rows, method: str,
              progress: Progress | None = None) -> Rows:
    """Per question ``(a, b, c)``, the best of the first ``limit`` rows other than its own
    three, by 3CosAdd (``add``) or 3CosMul (``mul``); ties to the lowest row."""
    workers = max(1, min(os.cpu_count() or 1, MAX_WORKERS, len(inputs) // MIN_SHARE))
    bounded = method == "add" and _Bounds.worth_it(inputs)
    # consecutive questions share words, so a share's bounds cost about its share of the work
    shares = np.array_split(inputs, workers)
    searches = [_Search(vectors, share, method, bounded) for share in shares]
    with limited(1), ThreadPoolExecutor(workers) as pool:
        for chunk in _chunks(vectors, limit, bounded):

            def search(worker: int, chunk: _Chunk = chunk) -> None:
                searches[worker].run(chunk, progress if worker == 0 else None, limit)

            list(pool.map(search, range(workers)))
    return np.concatenate([found.row for found in searches])


def scores_of(vectors: Matrix, candidates: Matrix, question: Rows, method: str
              ) -> npt.NDArray[np.float32]:
    """One question's scores against every candidate row (none left out)."""
    return _Search(vectors, question[np.newaxis], method).scores(candidates, np.zeros(1, np.int64)
                                                                 )[:, 0]


class _Chunk:
    """Consecutive candidate rows, grouped by direction and cut into tiles."""

    def __init__(self, vectors: Matrix, start: int, end: int, bounded: bool) -> None:
        rows = np.asarray(vectors[start:end])
        self.start, self.end = start, end
        self.size = TILE_ROWS if bounded else SCAN_ROWS
        self.order = np.arange(len(rows))
        if bounded:  # rows grouped by direction; within a tile, in row order
            self.order = np.lexsort((self.order, _by_direction(rows) // self.size))
        self.rows = rows[self.order]
        self.tiles = -(-len(rows) // self.size)
        self.place = np.empty(len(rows), dtype=np.int64)  # where each row went, by row
        self.place[self.order] = np.arange(len(rows))

    def tile(self, index: int) -> tuple[Rows, Matrix]:
        """A tile's rows (numbers in the space) and their vectors."""
        at = slice(index * self.size, (index + 1) * self.size)
        return self.order[at] + self.start, self.rows[at]

    def owned(self, inputs: Rows) -> tuple[Rows, Rows]:
        """For each question word: the tile holding it (-1 outside the chunk), and where in it."""
        local = inputs - self.start
        inside = (local >= 0) & (local < len(self.place))
        place = np.where(inside, self.place[np.where(inside, local, 0)], -1)
        return np.where(inside, place // self.size, -1), place % self.size


def _chunks(vectors: Matrix, limit: int, bounded: bool) -> Iterator[_Chunk]:
    for start in range(0, limit, CHUNK_ROWS):
        yield _Chunk(vectors, start, min(start + CHUNK_ROWS, limit), bounded)


def _by_direction(rows: Matrix) -> Rows:
    """For each row, a place in an order that groups the rows by direction: spherical k-means
    from rows spread through them, each group in row order. Only how tight the bounds are
    depends on it."""
    count = min(GROUPS, len(rows))
    centres = rows[np.linspace(0, len(rows) - 1, count).astype(np.int64)]
    for _ in range(GROUP_ROUNDS):
        nearness = centres @ rows.T
        members = nearness == nearness.max(axis=0)  # quicker than argmax; a tie counts twice
        centres = members.astype(np.float32) @ rows
        centres /= np.maximum(np.linalg.norm(centres, axis=1, keepdims=True), np.float32(1e-12))
    return np.argsort(np.argsort((centres @ rows.T).argmax(axis=0), kind="stable"))


class _Bounds:
    """The most a tile's rows can score for each question, for 3CosAdd: the tile's best
    ``v·(b - a)`` plus its best ``v·c``. Benchmarks reuse few ``(a, b)`` pairs and ``c`` words,
    so these maxima cost little."""

    def __init__(self, vectors: Matrix, inputs: Rows) -> None:
        pairs, pair_of = np.unique(inputs[:, :2], axis=0, return_inverse=True)
        words, word_of = np.unique(inputs[:, 2], return_inverse=True)
        self.pair_of, self.word_of = pair_of.reshape(-1), word_of.reshape(-1)
        self.directions = vectors[pairs[:, 1]] - vectors[pairs[:, 0]]
        self.words = vectors[words]

    @staticmethod
    def worth_it(inputs: Rows) -> bool:
        """Whether the questions share enough words for bounds to cost less than they save."""
        pairs = np.unique(inputs[:, :2], axis=0)
        return len(pairs) + len(np.unique(inputs[:, 2])) < len(inputs) / 2

    def reach(self, chunk: _Chunk) -> Matrix:
        """Tiles x questions: the bound, times each question's length."""
        reach = _tile_maxima(chunk.rows, self.directions)[:, self.pair_of]
        reach += _tile_maxima(chunk.rows, self.words)[:, self.word_of]
        return reach


def _tile_maxima(rows: Matrix, vectors: Matrix) -> Matrix:
    """Tiles of ``rows`` x ``vectors``: each tile's largest product with each vector."""
    tiles = -(-len(rows) // TILE_ROWS)
    padded = np.empty((tiles * TILE_ROWS, rows.shape[1]), dtype=np.float32)
    padded[:len(rows)] = rows
    padded[len(rows):] = rows[-1]  # a copy of a row changes no maximum
    maxima = np.empty((tiles, len(vectors)), dtype=np.float32)
    step = BOUND_BLOCK // TILE_ROWS
    for first in range(0, tiles, step):
        block = padded[first * TILE_ROWS:(first + step) * TILE_ROWS]
        maxima[first:first + step] = (block @ vectors.T).reshape(-1, TILE_ROWS,
                                                                 len(vectors)).max(axis=1)
    return maxima


class _Search:
    """Some questions' best rows so far, and their scores against a tile of candidates: the
    cosine with the question's unit query (add), or 3CosMul (mul) from the tile's cosines with
    the questions' distinct words, which benchmarks repeat, so one small product serves all."""

    def __init__(self, vectors: Matrix, inputs: Rows, method: str, bounded: bool = False
                 ) -> None:
        self.inputs = inputs
        self.bounds = _Bounds(vectors, inputs) if bounded and len(inputs) else None
        self.best = np.full(len(inputs), -np.inf, dtype=np.float32)
        self.row = np.zeros(len(inputs), dtype=np.int64)
        self.mul = method == "mul"
        if self.mul:
            words, index = np.unique(inputs, return_inverse=True)
            self.words, self.index = vectors[words], index.reshape(inputs.shape)
            return
        query = vectors[inputs[:, 1]] + vectors[inputs[:, 2]] - vectors[inputs[:, 0]]
        lengths = np.linalg.norm(query, axis=1)
        self.query = (query / np.where(lengths > 0, lengths, 1)[:, np.newaxis]).astype(np.float32)
        #: what a tile's reach must come to to beat the best (an empty query's ties: anything)
        self.scale = np.where(lengths > 0, lengths, np.nan)
        self.need = np.full(len(inputs), -np.inf, dtype=np.float32)

    def scores(self, tile: Matrix, ids: Rows) -> npt.NDArray[np.float32]:
        """Tile rows x the questions ``ids``."""
        if not self.mul:
            return np.asarray(tile @ self.query[ids].T)
        shifted = (1 + self.words @ tile.T) / 2  # gathered by rows, which is quicker
        a, b, c = (shifted[self.index[ids, column]] for column in range(3))
        return np.asarray(b * c / (a + np.float32(COSMUL_EPSILON))).T  # a view: no copy

    def run(self, chunk: _Chunk, progress: Progress | None, limit: int) -> None:
        """Search one chunk: with bounds, each question's most promising tile first, then the
        tiles that could still beat its best; without, every tile for every question."""
        tile_of, at = chunk.owned(self.inputs)
        everyone = np.arange(len(self.inputs))
        reach = None
        if self.bounds is not None:
            reach = self.bounds.reach(chunk)
            first = reach.argmax(axis=0)
            by_first = np.argsort(first, kind="stable")
            ends = np.searchsorted(first[by_first], np.arange(chunk.tiles + 1))
            for index in range(chunk.tiles):
                self._take(chunk, index, by_first[ends[index]:ends[index + 1]], tile_of, at)
        for index in range(chunk.tiles):
            ids = everyone if reach is None else np.flatnonzero(reach[index] >= self.need)
            for block in range(0, len(ids), QUESTION_BLOCK):
                self._take(chunk, index, ids[block:block + QUESTION_BLOCK], tile_of, at)
            done = min(chunk.start + (index + 1) * chunk.size, chunk.end)
            if progress and (done % PROGRESS_ROWS < chunk.size or done == limit):
                progress(done, limit)

    def _take(self, chunk: _Chunk, index: int, ids: Rows, tile_of: Rows, at: Rows) -> None:
        """Score the questions ``ids`` against tile ``index``; keep each better answer."""
        if not len(ids):
            return
        rows, tile = chunk.tile(index)
        scores = self.scores(tile, ids)
        hit, column = np.nonzero(tile_of[ids] == index)
        scores[at[ids[hit], column], hit] = -np.inf  # a question's own words never answer it
        value = scores.max(axis=0)
        maybe = np.flatnonzero(value >= self.best[ids])
        if not len(maybe):
            return
        value, who = value[maybe], ids[maybe]
        row = rows[scores[:, maybe].argmax(axis=0)]  # the first best: the lowest row
        better = (value > self.best[who]) | (row < self.row[who])
        who, value = who[better], value[better]
        self.best[who], self.row[who] = value, row[better]
        if not self.mul:
            self.need[who] = np.nan_to_num((value - PRUNE_MARGIN) * self.scale[who], nan=-np.inf)
