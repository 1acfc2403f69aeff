"""scikit-learn's PCA, k-means and cosine silhouette, redone in numpy with the same arithmetic.

Importing scikit-learn (scipy.stats above all) takes longer than clustering or mapping a handful
of words (docs/benchmarks.md has the figures). These functions repeat, step by step and dtype by
dtype, what scikit-learn (read from 1.9.1) does for the calls latent makes
(`PCA(svd_solver="full")`, `KMeans(n_init=…, random_state=…)` with k-means++ and Lloyd,
`silhouette_score(metric="cosine")`), so answers do not change; tests/test_numpy_fits.py compares
them with scikit-learn on many random inputs.

- PCA: sklearn's full solver is one LAPACK SVD of the centred matrix plus `svd_flip`; numpy's SVD
  calls the same LAPACK routine (gesdd), so coordinates agree to rounding at any size.
- Silhouette: sklearn computes it with numpy alone (one chunk below 11,585 points, and latent
  samples 3,000 beyond that), so the same numpy calls give the same bits.
- k-means: sklearn's Lloyd step is Cython over chunks of `KMEANS_EXACT_UP_TO` points; up to one
  chunk it runs on one thread and sums each centre in point order, which is reproduced here
  (float32 throughout). Past one chunk, sklearn spreads chunks over threads and adds their sums in
  whatever order the threads finish, so there is no single answer to reproduce: callers keep
  scikit-learn there. One difference remains by construction: the inertia that picks the best
  of the restarts is summed in point order, as sklearn does on one thread; with more threads
  sklearn sums halves, so two *different* clusterings whose inertias agree to float32 rounding
  could be ranked apart (sklearn's own answer then depends on the thread count).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import numpy.typing as npt

    Floats = npt.NDArray[np.floating]
    Labels = npt.NDArray[np.intp]

KMEANS_EXACT_UP_TO = 256  # sklearn.cluster._k_means_common.CHUNK_SIZE: one chunk, one thread
KMEANS_MAX_ITER = 300  # KMeans defaults
KMEANS_TOL = 1e-4
_UPCAST_MIN_MEMORY = 10 * 2**17  # _euclidean_distances_upcast: 8-byte blocks (10 MiB) at least
_WORKING_MEMORY = 1024 * 2**20  # sklearn's working_memory default (1,024 MiB), in bytes


def principal_components(vectors: Floats, components: int
                         ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """``PCA(n_components, svd_solver="full").fit_transform`` and its
    ``explained_variance_ratio_`` (NaN where nothing varies, as sklearn)."""
    data = np.array(vectors, dtype=np.float64)  # a copy: centred in place below
    n = len(data)
    data -= np.mean(data, axis=0)
    u, s, vt = np.linalg.svd(data, full_matrices=False)
    signs = np.sign(vt[np.arange(len(vt)), np.argmax(np.abs(vt), axis=1)])  # svd_flip on Vt
    u *= signs[np.newaxis, :]
    variance = s ** 2 / (n - 1)
    shares = variance / np.sum(variance)
    return u[:, :components] * s[:components], shares[:components]


def kmeans(vectors: Floats, k: int, restarts: int, seed: int) -> Labels:
    """``KMeans(n_clusters=k, n_init=restarts, random_state=seed).fit_predict(vectors)`` on at
    most `KMEANS_EXACT_UP_TO` float32 points (k >= 2)."""
    x = np.array(vectors, dtype=np.float32, order="C")  # a copy: centred in place below
    if not 2 <= k <= len(x) <= KMEANS_EXACT_UP_TO:
        raise ValueError(f"{len(x)} points, k={k}: outside what this k-means reproduces")
    tol = np.mean(np.var(x, axis=0)) * KMEANS_TOL
    random = np.random.RandomState(seed)
    weights = np.ones(len(x), dtype=x.dtype)
    x -= x.mean(axis=0)
    squared_norms = np.einsum("ij,ij->i", x, x)
    best: tuple[npt.NDArray[np.int32], np.floating] | None = None
    for _ in range(restarts):
        centres = _kmeans_plusplus(x, k, squared_norms, weights, random)
        labels, inertia = _lloyd(x, weights, centres, tol)
        if best is None or (inertia < best[1] and not _same_clustering(labels, best[0], k)):
            best = labels, inertia
    assert best is not None
    return best[0].astype(np.intp)


def cosine_silhouette(vectors: Floats, labels: Labels, sample_size: int | None = None) -> float:
    """``silhouette_score(vectors, labels, metric="cosine", sample_size=…, random_state=0)``;
    needs 2 <= distinct labels <= points - 1, as sklearn."""
    x = np.asarray(vectors)
    if sample_size is not None:
        chosen = np.random.RandomState(0).permutation(len(x))[:sample_size]
        x, labels = x[chosen], labels[chosen]
    codes = np.unique(labels, return_inverse=True)[1].reshape(-1)
    sizes = np.bincount(codes)
    rows_per_chunk = min(_WORKING_MEMORY // (8 * len(x)), len(x))
    if rows_per_chunk < len(x):
        raise ValueError(f"{len(x)} points: sklearn would chunk these distances; sample them")
    distances = _cosine_distances(x)
    totals = np.zeros((len(x), len(sizes)), dtype=distances.dtype)
    for i in range(len(x)):
        totals[i] += np.bincount(codes, weights=distances[i], minlength=len(sizes))
    own = (np.arange(len(x)), codes)
    within = totals[own]
    totals[own] = np.inf
    totals /= sizes
    nearest = totals.min(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        within /= (sizes - 1).take(codes, mode="clip")
        scores = nearest - within
        scores /= np.maximum(within, nearest)
    return float(np.mean(np.nan_to_num(scores)))


def _cosine_distances(x: Floats) -> Floats:
    """sklearn's ``cosine_distances(X, X)``: rows scaled to unit length (near-zero norms left
    as they are), ``1 - X·Xᵀ`` clipped to [0, 2], a zero diagonal."""
    norms = np.sqrt(np.einsum("ij,ij->i", x, x))
    norms[norms < 10 * np.finfo(norms.dtype).eps] = 1.0
    unit = x / norms[:, np.newaxis]
    distances = unit @ unit.T
    distances *= -1
    distances += 1
    distances = np.asarray(np.clip(distances, 0.0, 2.0))
    np.fill_diagonal(distances, 0.0)
    return distances


def _kmeans_plusplus(x: Floats, k: int, squared_norms: Floats, weights: Floats,
                     random: np.random.RandomState) -> Floats:
    """sklearn's greedy k-means++ (2 + ln k trials per centre), drawing from ``random`` in the
    same order."""
    trials = 2 + int(np.log(k))
    centres = np.empty((k, x.shape[1]), dtype=x.dtype)
    centres[0] = x[random.choice(len(x), p=weights / weights.sum())]
    closest = _upcast_sq_distances(centres[0, np.newaxis], x)
    potential = closest @ weights
    for c in range(1, k):
        draws = random.uniform(size=trials) * potential
        candidates = np.searchsorted(np.cumsum(weights * closest), draws)
        np.clip(candidates, None, closest.size - 1, out=candidates)
        distances = _upcast_sq_distances(x[candidates], x)
        np.minimum(closest, distances, out=distances)
        potentials = distances @ weights.reshape(-1, 1)
        best = np.argmin(potentials)
        potential, closest = potentials[best], distances[best]
        centres[c] = x[candidates[best]]
    return centres


def _upcast_sq_distances(a: Floats, b: Floats) -> Floats:
    """Squared distances of float32 rows computed in float64 batches, as sklearn's
    ``_euclidean_distances_upcast`` (batch size and all) followed by clipping at 0."""
    features = a.shape[1]
    memory = max(((len(a) + len(b)) * features + len(a) * len(b)) / 10, _UPCAST_MIN_MEMORY)
    both = 2 * features
    batch = max(int((-both + math.sqrt(both ** 2 + 4 * memory)) / 2), 1)
    distances = np.empty((len(a), len(b)), dtype=np.float32)
    for i in range(0, len(a), batch):
        left = a[i:i + batch].astype(np.float64)
        left_norms = np.einsum("ij,ij->i", left, left)[:, np.newaxis]
        for j in range(0, len(b), batch):
            right = b[j:j + batch].astype(np.float64)
            block = -2 * (left @ right.T)
            block += left_norms
            block += np.einsum("ij,ij->i", right, right)[np.newaxis, :]
            distances[i:i + batch, j:j + batch] = block.astype(np.float32)
    np.maximum(distances, 0, out=distances)
    return distances


def _lloyd(x: Floats, weights: Floats, centres: Floats, tol: np.floating
           ) -> tuple[npt.NDArray[np.int32], np.floating]:
    """sklearn's ``_kmeans_single_lloyd``: labels and inertia of one run from ``centres``."""
    labels_old = np.full(len(x), -1, dtype=np.int32)
    converged = False
    for _ in range(KMEANS_MAX_ITER):
        labels = _nearest(x, centres)
        moved = _updated_centres(x, weights, centres, labels)
        shift = _row_distances(moved, centres)
        centres = moved
        if np.array_equal(labels, labels_old):
            converged = True
            break
        if (shift ** 2).sum() <= tol:
            break
        labels_old = labels
    if not converged:
        labels = _nearest(x, centres)
    inertia = np.float32(0)
    for distance, weight in zip(_row_distances(x, centres[labels], squared=True), weights,
                                strict=True):
        inertia += distance * weight
    return labels, inertia


def _nearest(x: Floats, centres: Floats) -> npt.NDArray[np.int32]:
    """The first nearest centre of each point by ``|c|² - 2 x·c``, in float32 (the Cython step:
    one GEMM with alpha -2 onto the centres' squared norms)."""
    scores = np.asarray(np.einsum("ij,ij->i", centres, centres)[np.newaxis, :]
                        + -2 * (x @ centres.T))
    return np.asarray(np.argmin(scores, axis=1), dtype=np.int32)


def _updated_centres(x: Floats, weights: Floats, old: Floats,
                     labels: npt.NDArray[np.int32]) -> Floats:
    """The M-step: sums in point order, empty clusters given the farthest points, averages."""
    k = len(old)
    sums = np.zeros_like(old)
    np.add.at(sums, labels, x * weights[:, np.newaxis])
    mass = np.zeros(k, dtype=x.dtype)
    np.add.at(mass, labels, weights)
    empty = np.flatnonzero(mass == 0)
    if len(empty):
        far = ((x - old[labels]) ** 2).sum(axis=1)
        farthest = np.argpartition(far, -len(empty))[:-len(empty) - 1:-1]
        if np.max(far) != 0:
            for cluster, point in zip(empty, farthest, strict=True):
                source = labels[point]
                sums[source] -= x[point] * weights[point]
                sums[cluster] = x[point] * weights[point]
                mass[cluster] = weights[point]
                mass[source] -= weights[point]
    heaviest = np.argmax(mass)
    for j in range(k):  # in order: an empty cluster copies the heaviest as it stands then
        if mass[j] > 0:
            sums[j] *= np.float32(1.0 / float(mass[j]))  # C: 1.0 / weight in double, to float
        else:
            sums[j] = sums[heaviest]
    return sums


def _row_distances(a: Floats, b: Floats, squared: bool = False) -> Floats:
    """Euclidean distance of each row pair in float32, summed as sklearn's Cython does: four
    squares at a time ``((s0 + s1) + s2) + s3`` onto the running sum, then the rest one by one.
    """
    squares = (a - b) ** 2
    quads = squares.shape[1] // 4
    grouped = squares[:, :quads * 4].reshape(len(squares), quads, 4)
    fours = ((grouped[:, :, 0] + grouped[:, :, 1]) + grouped[:, :, 2]) + grouped[:, :, 3]
    total = np.zeros(len(squares), dtype=squares.dtype)
    for column in range(quads):
        total += fours[:, column]
    for column in range(quads * 4, squares.shape[1]):
        total += squares[:, column]
    return total if squared else np.sqrt(total)


def _same_clustering(first: npt.NDArray[np.int32], second: npt.NDArray[np.int32],
                     k: int) -> bool:
    """Whether two labellings are one partition with the labels renamed (sklearn's test)."""
    mapping = np.full(k, -1, dtype=np.int32)
    for a, b in zip(first.tolist(), second.tolist(), strict=True):
        if mapping[a] == -1:
            mapping[a] = b
        elif mapping[a] != b:
            return False
    return True
