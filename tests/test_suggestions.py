"""'Did you mean': edit-distance suggestions over the whole vocabulary."""

import pytest

from latentcli.core.suggestions import edit_distance, suggest
from latentcli.errors import UnknownWordError


@pytest.mark.parametrize(("a", "b", "distance"), [
    ("king", "king", 0), ("kingg", "king", 1), ("qeen", "queen", 1), ("kign", "king", 1),
    ("", "abc", 3), ("kitten", "sitting", 3),
])
def test_edit_distance_counts_transpositions_as_one(a, b, distance):
    assert edit_distance(a, b) == distance


@pytest.mark.parametrize(("typo", "expected"), [
    ("kingg", "king"), ("queeen", "queen"), ("intelligense", "intelligence"), ("Pariis", "paris"),
    ("beautifull", "beautiful"), ("receivve", "receive"),
])
def test_real_typos_suggest_the_intended_word_first(glove, typo, expected):
    with pytest.raises(UnknownWordError) as caught:
        glove.lookup(typo)
    assert caught.value.suggestions[0] == expected
    assert len(caught.value.suggestions) <= 5


def test_ties_go_to_the_more_frequent_word(glove):
    suggestions = suggest(glove.vocabulary, "kingg")
    assert suggestions[:2] == ["king", "kings"]
    rows = [glove.vocabulary.row(word) for word in suggestions]
    assert rows == sorted(rows)


def test_nothing_close_suggests_nothing(glove):
    assert suggest(glove.vocabulary, "qqqqqqxzxzxzx") == []
