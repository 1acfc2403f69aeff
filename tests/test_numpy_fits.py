"""numpy_fits gives scikit-learn's answers without importing it: the same k-means labels and the
same k chosen by silhouette, the same silhouettes and PCA up to rounding; and small
`cluster`/`map` runs skip it.

numpy_fits repeats, step by step, what scikit-learn `MEASURED_AGAINST` does; the test extra
bounds scikit-learn to the releases checked to agree (pyproject.toml). The answers a reader sees
must be identical: cluster labels, the k chosen, the points a sampled silhouette draws. Floats
agree within `TOLERANCE`: another release (or BLAS) may add in another order, which moves the
last bits (~1e-15 of a silhouette or of a unit vector's PCA coordinate) and nothing printed, while
a different formula or a missed step is off by far more.
"""

import os
import subprocess
import sys
import warnings

import numpy as np
import pytest
import sklearn
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import silhouette_score

from latentcli.analysis import clustering, numpy_fits
from latentcli.analysis.numpy_fits import (
    KMEANS_EXACT_UP_TO,
    cosine_silhouette,
    kmeans,
    principal_components,
)

MEASURED_AGAINST = "1.9.1"  # the scikit-learn whose code numpy_fits was read from
TOLERANCE = 1e-9  # absolute, on silhouettes (in [-1, 1]) and PCA of unit rows (within [-2, 2])
RELEASE = f"numpy_fits repeats scikit-learn {MEASURED_AGAINST}; installed: {sklearn.__version__}"


def unit_rows(rng, n, dims, duplicates=False):
    """Random unit rows like a space's (float32); with ``duplicates``, a third as many distinct
    rows repeated (fewer distinct points than clusters, empty clusters to relocate)."""
    rows = rng.standard_normal((n, dims)).astype(np.float32)
    if duplicates:
        rows = rows[rng.integers(0, max(1, n // 3), n)]
    return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)


def sklearn_kmeans(rows, k, seed, restarts=4):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate points: ConvergenceWarning
        return KMeans(n_clusters=k, n_init=restarts, random_state=seed).fit_predict(rows)


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
            RELEASE, case, trial, n, dims, k, seed)


def test_kmeans_labels_equal_sklearns_on_word_vectors(glove):
    vectors = np.asarray(glove.vectors[:5000], dtype=np.float32)
    rng = np.random.default_rng(18)
    for trial in range(20):
        n = int(rng.integers(3, KMEANS_EXACT_UP_TO + 1))
        rows = vectors[rng.choice(len(vectors), n, replace=False) if trial % 2 else
                       np.arange(n)]  # the most frequent words: what --top picks
        k, seed = int(rng.integers(2, min(n - 1, 10) + 1)), int(rng.integers(0, 100))
        assert np.array_equal(kmeans(rows, k, 4, seed), sklearn_kmeans(rows, k, seed)), (
            RELEASE, trial, n, k, seed)


def sklearn_silhouette(rows, labels, sample_size=None):
    return float(silhouette_score(rows, labels, metric="cosine", sample_size=sample_size,
                                  random_state=0))


@pytest.mark.parametrize(("spread", "weak"), [(0.2, False), (0.6, None), (None, True)])
def test_the_k_chosen_by_silhouette_equals_sklearns(monkeypatch, spread, weak):
    """`cluster` without --k: the same k, labels and notes as with scikit-learn's own k-means and
    silhouette, on words in clear groups (spread 0.2), loose ones, and no groups at all (random
    directions in 50 or 300 dimensions: every silhouette is weak, so the fewest groups near the
    best are taken, with a note)."""
    rng = np.random.default_rng(40)
    for trial in range(2):
        n, dims = int(rng.integers(12, KMEANS_EXACT_UP_TO + 1)), int(rng.choice([50, 300]))
        if spread is None:
            rows = unit_rows(rng, n, dims)
        else:
            centres = unit_rows(rng, int(rng.integers(2, 9)), dims)
            noise = spread * rng.standard_normal((n, dims)) / np.sqrt(dims)
            rows = (centres[rng.integers(0, len(centres), n)] + noise).astype(np.float32)
            rows /= np.linalg.norm(rows, axis=1, keepdims=True)
        seed = int(rng.integers(0, 1000))
        ours = clustering.choose_k(rows, "kmeans", seed, lambda done, total: None)
        with monkeypatch.context() as patched:
            patched.setattr(clustering, "kmeans",
                            lambda rows, k, restarts, seed: sklearn_kmeans(rows, k, seed, restarts))
            patched.setattr(clustering, "cosine_silhouette", sklearn_silhouette)
            theirs = clustering.choose_k(rows, "kmeans", seed, lambda done, total: None)
        (labels, scores, chosen, notes), (their_labels, their_scores, their_chosen,
                                          their_notes) = ours, theirs
        where = (RELEASE, spread, trial, n, dims, seed)
        assert np.array_equal(labels, their_labels), where
        assert [score.k for score in scores] == [score.k for score in their_scores], where
        assert [score.silhouette for score in scores] == pytest.approx(
            [score.silhouette for score in their_scores], rel=0, abs=TOLERANCE), where
        assert chosen == pytest.approx(their_chosen, rel=0, abs=TOLERANCE), where
        assert notes == their_notes, where
        assert weak is None or (notes != ()) is weak, where  # each rule is exercised


def test_the_record_of_the_release_is_kept_in_step():
    """The module says which scikit-learn it was read from, and the test extra admits it."""
    import tomllib
    from pathlib import Path

    from packaging.requirements import Requirement

    assert f"(read from {MEASURED_AGAINST})" in (numpy_fits.__doc__ or "")
    project = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text("utf-8"))
    bound = next(Requirement(line) for line in project["project"]["optional-dependencies"]["test"]
                 if line.startswith("scikit-learn"))
    assert bound.specifier.contains(MEASURED_AGAINST)


def test_kmeans_refuses_what_it_cannot_reproduce():
    rows = unit_rows(np.random.default_rng(0), KMEANS_EXACT_UP_TO + 1, 5)
    with pytest.raises(ValueError):
        kmeans(rows, 3, 4, 0)


@pytest.mark.parametrize("case", range(2))
def test_cosine_silhouette_equals_sklearns(case):
    rng = np.random.default_rng(100 + case)
    tried = 0
    for trial in range(15):
        n = int(rng.integers(3, 600))
        rows = unit_rows(rng, n, int(rng.choice([2, 50, 300])), duplicates=trial % 4 == 0)
        labels = rng.integers(0, int(rng.integers(2, min(n - 1, 10) + 1)), n)
        if not 2 <= len(np.unique(labels)) <= n - 1:
            continue
        ours = cosine_silhouette(rows, labels)
        expected = float(silhouette_score(rows, labels, metric="cosine"))
        assert ours == pytest.approx(expected, rel=0, abs=TOLERANCE), (RELEASE, case, trial)
        tried += 1
    assert tried >= 10


def test_sampled_silhouette_draws_the_same_sample():
    """The sample is sklearn's: those 3,000 points scored alone give sklearn's sampled score,
    which another sample (the first 3,000 points) would miss by far more than `TOLERANCE`."""
    rng = np.random.default_rng(7)
    rows = unit_rows(rng, 3500, 20)
    labels = rng.integers(0, 6, len(rows))
    expected = float(silhouette_score(rows, labels, metric="cosine", sample_size=3000,
                                      random_state=0))
    chosen = np.random.RandomState(0).permutation(len(rows))[:3000]
    assert cosine_silhouette(rows, labels, 3000) == pytest.approx(expected, rel=0,
                                                                  abs=TOLERANCE), RELEASE
    assert cosine_silhouette(rows[chosen], labels[chosen]) == pytest.approx(expected, rel=0,
                                                                             abs=TOLERANCE)
    assert abs(cosine_silhouette(rows[:3000], labels[:3000]) - expected) > 1000 * TOLERANCE


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
        np.testing.assert_allclose(coordinates, expected, rtol=0, atol=TOLERANCE, err_msg=RELEASE)
        np.testing.assert_allclose(shares, pca.explained_variance_ratio_, rtol=0,
                                   atol=TOLERANCE, err_msg=RELEASE)


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
