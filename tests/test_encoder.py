"""The numpy encoder against sentence-transformers' own outputs on the tiny fixture models.

reference.npy and tokens.npy were made once with sentence-transformers 6.2 / torch 2.13
(scripts/make_encoder_fixtures.py): BERT pools mean + Normalize, MPNet CLS + max, no Normalize.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from encoder_files import TEXTS, TINY_BERT, TINY_MPNET
from latentcli.networks.encoder.encoder import Encoder

MODELS = pytest.mark.parametrize("model", [TINY_BERT, TINY_MPNET], ids=["bert", "mpnet"])


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(axis=1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)


@MODELS
def test_matches_sentence_transformers(model: Path) -> None:
    reference = np.load(model / "reference.npy")
    vectors = Encoder.open(model).encode(TEXTS, batch_size=5)
    assert vectors.dtype == np.float32 and vectors.shape == reference.shape
    assert _cosines(vectors, reference).min() >= 0.99999
    assert np.abs(vectors - reference).max() < 1e-5


@MODELS
def test_batch_of_one_equals_batch_of_many(model: Path) -> None:
    encoder = Encoder.open(model)
    together = encoder.encode(TEXTS, batch_size=len(TEXTS))
    alone = np.vstack([encoder.encode([text], batch_size=1) for text in TEXTS])
    np.testing.assert_allclose(together, alone, atol=1e-6, rtol=0)


@MODELS
def test_truncates_at_max_seq_length(model: Path) -> None:
    encoder = Encoder.open(model)
    assert encoder.directory.max_length == 24
    words = "one two three four five six seven eight nine ten " * 3
    # 22 word pieces + 2 specials fill the 24 positions: whatever follows is cut off
    assert len(encoder.tokenize(words).ids) == 24
    first, second = encoder.encode([words, words + " cat mat sat " * 50])
    np.testing.assert_allclose(first, second, atol=1e-6, rtol=0)


@MODELS
def test_token_vectors_are_the_last_layer(model: Path) -> None:
    encoder = Encoder.open(model)
    found = encoder.token_vectors(TEXTS[0])
    np.testing.assert_allclose(found.vectors, np.load(model / "tokens.npy"), atol=1e-5, rtol=0)
    assert len(found.tokens) == len(found.offsets) == len(found.word_ids) == len(found.vectors)
    cat = found.word_ids[found.tokens.index("cat")]
    assert cat is not None
    assert TEXTS[0][slice(*found.offsets[found.tokens.index("cat")])] == "cat"
    np.testing.assert_allclose(found.word_vector(cat), found.vectors[found.tokens.index("cat")])


def test_empty_input_and_dims() -> None:
    bert, mpnet = Encoder.open(TINY_BERT), Encoder.open(TINY_MPNET)
    assert bert.encode([]).shape == (0, 8)
    assert mpnet.dims == 16  # CLS and max pooling concatenated
    assert np.allclose(np.linalg.norm(bert.encode(TEXTS), axis=1), 1.0, atol=1e-6)


def test_opens_hugging_face_cache_layouts(tmp_path: Path) -> None:
    repo = tmp_path / "models--org--tiny"
    snapshot = repo / "snapshots" / "0123abcd"
    shutil.copytree(TINY_BERT, snapshot)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text("0123abcd")
    expected = np.load(TINY_BERT / "reference.npy")
    for path in (snapshot, repo):
        vectors = Encoder.open(path).encode(TEXTS)
        np.testing.assert_allclose(vectors, expected, atol=1e-5, rtol=0)
    (repo / "refs" / "main").unlink()  # no ref: the (only) snapshot is taken
    assert Encoder.open(repo).directory.path == snapshot


def test_batches_group_by_length_and_bound_padding() -> None:
    from latentcli.networks.encoder.encoder import _batches
    assert _batches([5, 40, 10, 39, 3], 2) == [[1, 3], [2, 0], [4]]
    assert _batches([300, 10, 10, 10], 32) == [[0], [1, 2, 3]]  # one long text travels alone
    assert _batches([], 32) == []


def test_gelu_is_the_erf_form_to_float32_precision() -> None:
    from scipy.special import erf

    from latentcli.networks.encoder.network import gelu
    x = np.linspace(-12, 12, 200_001, dtype=np.float32)
    exact = x.astype(np.float64) * 0.5 * (1 + erf(x.astype(np.float64) / np.sqrt(2)))
    found = x.copy()
    gelu(found)
    assert np.abs(found - exact).max() < 5e-7
    central = np.abs(x) > 1e-3
    central &= x > -1  # beyond, x * Phi(x) is tiny and only absolute error means anything
    assert np.abs((found[central] - exact[central]) / exact[central]).max() < 1e-6


def test_pooling_modes_by_hand() -> None:
    from latentcli.networks.encoder.pooling import pool, pooling_modes
    tokens = np.array([[[1.0, 0.0], [3.0, -2.0], [9.0, 9.0]]], dtype=np.float32)
    mask = np.array([[1.0, 1.0, 0.0]], dtype=np.float32)  # the third token is padding
    expected = {"cls": [1, 0], "max": [3, 0], "mean": [2, -1],
                "mean_sqrt_len_tokens": [4 / np.sqrt(2), -2 / np.sqrt(2)],
                "weightedmean": [7 / 3, -4 / 3], "lasttoken": [3, -2]}
    for mode, vector in expected.items():
        np.testing.assert_allclose(pool(tokens, mask, (mode,))[0], vector, rtol=1e-6)
    assert pooling_modes({"pooling_mode_cls_token": True, "pooling_mode_mean_tokens": True},
                         "x") == ("cls", "mean")
    assert pooling_modes({}, "x") == ("mean",)
    assert pooling_modes({"pooling_mode": ["max", "cls"]}, "x") == ("max", "cls")
