"""neighbors and analogy on a tiny space whose geometry is known by construction."""

import math

import numpy as np
import pytest

from latentcli.core.queries import analogy, neighbors, word_neighbors
from latentcli.core.space import Space
from latentcli.errors import LatentError, UnknownWordError, UsageError
from latentcli.results import WeightedWord


def words(scored):
    return [item.word for item in scored]


def test_neighbors_exclude_the_query_and_rank_by_cosine(tiny_space):
    result = neighbors(tiny_space, "king", 3)
    assert words(result.neighbors) == ["prince", "man", "banana"]
    expected = np.dot([1, 1, 0, 0.1], [0.9, 1, 0.1, 0]) / (math.sqrt(2.01) * math.sqrt(1.82))
    assert result.neighbors[0].similarity == pytest.approx(expected, abs=1e-6)
    assert result.excluded == ("king",)


def test_analogy_add_finds_queen_and_reports_exclusions(tiny_space):
    result = analogy(tiny_space, "king - man + woman", 2)
    assert words(result.results) == ["queen", "princess"]
    assert result.positive == ["king", "woman"] and result.negative == ["man"]
    assert result.excluded == ("king", "man", "woman")


def test_allow_inputs_keeps_input_words(tiny_space):
    result = analogy(tiny_space, "king - man + woman", 10, allow_inputs=True)
    assert "woman" in words(result.results) or "king" in words(result.results)
    assert result.excluded == ()


def test_cosmul_scores_follow_levy_and_goldberg(tiny_space):
    result = analogy(tiny_space, "king - man + woman", 1, method="mul")
    unit = tiny_space.vectors
    cos = lambda a, b: float(unit[a] @ unit[b])  # noqa: E731
    q, k, m, w = 1, 0, 2, 3
    expected = ((1 + cos(q, k)) / 2) * ((1 + cos(q, w)) / 2) / ((1 + cos(q, m)) / 2 + 1e-6)
    assert result.results[0].word == "queen"
    assert result.results[0].similarity == pytest.approx(expected, rel=1e-6)


def test_zero_vector_row_scores_zero_and_never_divides_by_zero(tiny_space):
    result = neighbors(tiny_space, "apple", 9)
    scores = {item.word: item.similarity for item in result.neighbors}
    assert scores["zero"] == 0.0
    assert all(math.isfinite(value) for value in scores.values())


def test_expression_adding_to_zero_is_an_error(tiny_space):
    with pytest.raises(LatentError, match="zero vector"):
        neighbors(tiny_space, "king - king", 3)


def test_only_negative_terms_under_cosmul_is_a_usage_error(tiny_space):
    with pytest.raises(UsageError, match="3CosMul"):
        analogy(tiny_space, "- man", 3, method="mul")


@pytest.mark.parametrize("top", [0, -1, 11, 10**12])
def test_top_out_of_range(tiny_space, top):
    with pytest.raises(UsageError, match=r"^top "):
        neighbors(tiny_space, "king", top)


def test_lowercase_fallback_is_noted(tiny_space):
    result = neighbors(tiny_space, "King", 1)
    assert result.terms[0].word == "king"
    assert result.notes == ("'King' is not in the vocabulary; using 'king'",)


def test_unknown_word_suggests_close_words(tiny_space):
    with pytest.raises(UnknownWordError) as caught:
        neighbors(tiny_space, "kingg", 1)
    assert caught.value.suggestions[0] == "king"
    assert str(caught.value).startswith("unknown word 'kingg' in tiny — did you mean: king")


def test_word_neighbors_is_neighbors_without_parsing(tiny_space):
    for word in ["king", "queen", "apple", "Woman"]:
        literal, parsed = word_neighbors(tiny_space, word, 4), neighbors(tiny_space, word, 4)
        assert [n.word for n in literal.neighbors] == [n.word for n in parsed.neighbors]
        assert [n.similarity for n in literal.neighbors] == pytest.approx(
            [n.similarity for n in parsed.neighbors], abs=1e-6)
        assert (literal.terms, literal.excluded, literal.notes) == (
            parsed.terms, parsed.excluded, parsed.notes)
    odd = Space.from_vectors("odd", ["-lrb-", "+", "king"], np.eye(3, dtype=np.float32) + 0.1)
    assert word_neighbors(odd, "-lrb-", 2).terms[0] == WeightedWord(word="-lrb-", weight=1.0)
    assert [n.word for n in word_neighbors(odd, "+", 2).neighbors] == ["-lrb-", "king"]
