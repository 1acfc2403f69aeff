"""Cluster names from the built-in sentence encoder when it is fetched (the phrase method), the
in-space method otherwise, and the phrase method's hit rate with latent's own encoder."""

from __future__ import annotations

import json
from pathlib import Path

from encoder_files import TINY_BERT
from latentcli.analysis.clustering import cluster
from latentcli.analysis.labels import PHRASE_CANDIDATES, name_clusters
from latentcli.analysis.words import select_words
from latentcli.core.space import normalise_rows
from latentcli.environment import Environment
from latentcli.store.resolve import open_space, with_namer
from shared_models import cache_at

CATEGORIES = Path(__file__).resolve().parent / "data" / "categories.json"
WORDS = ["dog", "cat", "horse", "red", "blue", "green"]


def test_groups_are_named_in_space_until_the_encoder_is_fetched(glove):
    assert with_namer(glove, Environment()).namer is None
    result = cluster(glove, select_words(glove, WORDS), k=2)
    assert all(c.label_method.startswith("the frequent word closest") for c in result.clusters)


def test_a_namer_names_groups_with_the_phrase_method(glove):
    named = glove.with_namer(open_space(str(TINY_BERT), Environment(), limit=200))
    result = cluster(named, select_words(named, WORDS), k=2)
    for group in result.clusters:
        assert group.label_method.startswith(
            "the word nearest to the members read together as one phrase")
        assert "tiny-bert" in group.label_method
        assert group.label not in WORDS and glove.vocabulary.row(group.label) is not None
    assert glove.namer is None  # a namer makes a new space over the same arrays
    assert named.vectors is glove.vectors and named.vocabulary is glove.vocabulary


def test_a_transformer_space_names_its_own_groups():
    space = open_space(str(TINY_BERT), Environment(), limit=200)
    assert with_namer(space, Environment()).namer is space


def test_latent_encoder_names_categories_as_sentence_transformers_did(minilm_cache):
    """23/26 first names and 24/26 in the top 3 with sentence-transformers (20,000 GloVe
    candidates); latent's encoder must do as well within one category."""
    categories = json.loads(CATEGORIES.read_text(encoding="utf-8"))["categories"]
    members = [item["members"] for item in categories]
    with cache_at(minilm_cache):
        glove = open_space("glove-6b-50d", Environment(), names=True)
        assert glove.namer is not None
        vectors = [normalise_rows(glove.vectors[[glove.lookup(w).row for w in group]])[0]
                   for group in members]
        names = name_clusters(glove, members, vectors)
    assert PHRASE_CANDIDATES == 20_000
    first = sum(name.name in item["accept"] for name, item in zip(names, categories, strict=True))
    top3 = sum(any(word in item["accept"] for word in (name.name, *name.candidates))
               for name, item in zip(names, categories, strict=True))
    assert first >= 22 and top3 >= 23, (first, top3)
