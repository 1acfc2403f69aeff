"""numpy_fits gives scikit-learn's answers without importing it: the same k-means labels, the same
silhouettes bit for bit, the same PCA up to rounding; and small `cluster`/`map` runs skip it."""

import os
import subprocess
import sys
import warnings

import numpy as np
import pytest
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import silhouette_score

from latentcli.analysis.numpy_fits import (
    KMEANS_EXACT_UP_TO,
    cosine_silhouette,
    kmeans,
    principal_components,
)


def unit_rows(rng, n, dims, duplicates=False):
    """Random unit rows like a space's (float32); with ``duplicates``, a third as many distinct
    rows repeated (fewer distinct points than clusters, empty clusters to relocate)."""
    rows = rng.standard_normal((n, dims)).astype(np.float32)
    if duplicates:
        rows = rows[rng.integers(0, max(1, n // 3), n)]
    return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)


def sklearn_kmeans(rows, k, seed):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate points: ConvergenceWarning
        return KMeans(n_clusters=k, n_init=4, random_state=seed).fit_predict(rows)


@pytest.mark.parametrize("case", range(4))
def test_kmeans_labels_equal_sklearns_on_random_inputs(case):
    rng = np.random.default_rng(case)
    for trial in range(15):
        n = int(rng.integers(2, KMEANS_EXACT_UP_TO + 1))
        dims = int(rng.choice([2, 3, 5, 50, 51, 300]))
        rows = unit_rows(rng, n, dims, duplicates=trial % 3 == 0)
        k = int(rng.integers(2, min(n, 10) + 1))
        seed = int(rng.integers(0, 1000))
        assert np.array_equal(kmeans(rows, k, 4, seed), sklearn_kmeans(rows, k, seed)), (
            case, trial, n, dims, k, seed)


def test_kmeans_labels_equal_sklearns_on_word_vectors(glove):
    vectors = np.asarray(glove.vectors[:5000], dtype=np.float32)
    rng = np.random.default_rng(18)
    for trial in range(20):
        n = int(rng.integers(3, KMEANS_EXACT_UP_TO + 1))
        rows = vectors[rng.choice(len(vectors), n, replace=False) if trial % 2 else
                       np.arange(n)]  # the most frequent words: what --top picks
        k, seed = int(rng.integers(2, min(n - 1, 10) + 1)), int(rng.integers(0, 100))
        assert np.array_equal(kmeans(rows, k, 4, seed), sklearn_kmeans(rows, k, seed))


def test_kmeans_refuses_what_it_cannot_reproduce():
    rows = unit_rows(np.random.default_rng(0), KMEANS_EXACT_UP_TO + 1, 5)
    with pytest.raises(ValueError):
        kmeans(rows, 3, 4, 0)


@pytest.mark.parametrize("case", range(2))
def test_cosine_silhouette_equals_sklearns_bit_for_bit(case):
    rng = np.random.default_rng(100 + case)
    for trial in range(15):
        n = int(rng.integers(3, 600))
        rows = unit_rows(rng, n, int(rng.choice([2, 50, 300])), duplicates=trial % 4 == 0)
        labels = rng.integers(0, int(rng.integers(2, min(n - 1, 10) + 1)), n)
        if not 2 <= len(np.unique(labels)) <= n - 1:
            continue
        ours = cosine_silhouette(rows, labels)
        assert ours == float(silhouette_score(rows, labels, metric="cosine"))


def test_sampled_silhouette_draws_the_same_sample():
    rng = np.random.default_rng(7)
    rows = unit_rows(rng, 3500, 20)
    labels = rng.integers(0, 6, len(rows))
    assert cosine_silhouette(rows, labels, 3000) == float(silhouette_score(
        rows, labels, metric="cosine", sample_size=3000, random_state=0))


@pytest.mark.parametrize("case", range(2))
def test_pca_matches_sklearns_coordinates_signs_and_shares(case):
    rng = np.random.default_rng(200 + case)
    for _ in range(10):
        n, dims = int(rng.integers(2, 400)), int(rng.choice([2, 3, 50, 300]))
        data = unit_rows(rng, n, dims).astype(np.float64)
        components = min(2, n, dims)
        coordinates, shares = principal_components(data, components)
        pca = PCA(n_components=components, svd_solver="full")
        expected = pca.fit_transform(data)
        np.testing.assert_allclose(coordinates, expected, rtol=0, atol=1e-9)
        np.testing.assert_allclose(shares, pca.explained_variance_ratio_, rtol=0, atol=1e-12)


def test_pca_of_identical_points_is_zero_with_undefined_shares():
    with np.errstate(invalid="ignore"):
        coordinates, shares = principal_components(np.ones((4, 3)), 2)
    assert not coordinates.any()
    assert np.isnan(shares).all()


@pytest.mark.parametrize("args", [
    ["cluster", "dog", "cat", "red", "blue", "--json"],
    ["map", "dog", "cat", "horse", "red", "blue", "green", "--json"],
])
def test_small_cluster_and_map_do_not_import_scikit_learn(default_cache, args):
    env = {**os.environ, "LATENT_CACHE_DIR": str(default_cache)}
    script = ("import sys\nfrom latentcli.entry import main\ntry:\n    main(sys.argv[1:])\n"
              "except SystemExit:\n    print(' '.join(sys.modules), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", script, *args], env=env, capture_output=True,
                          text=True, check=True)
    assert not {"sklearn", "scipy"} & set(done.stderr.split())
