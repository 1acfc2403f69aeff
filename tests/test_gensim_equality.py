"""On the real built-in model, neighbors and analogies equal gensim's to the digit and in order."""

import pytest

from latentcli.core.queries import analogy, neighbors

SAMPLE = ["king", "paris", "computer", "happy", "run", "the", "1990", "beautiful", "dna", "oil",
          "frog", "democracy", "blue", "quickly", "guitar"]
ANALOGIES = [(["king", "woman"], ["man"]), (["paris", "germany"], ["france"]),
             (["walking", "swam"], ["swimming"]), (["bigger", "cold"], ["big"]),
             (["japan", "rome"], ["tokyo"])]


def assert_same(ours, theirs):
    assert [item.word for item in ours] == [word for word, _ in theirs]
    for item, (_, similarity) in zip(ours, theirs, strict=True):
        assert item.similarity == pytest.approx(similarity, abs=1e-5)


@pytest.mark.parametrize("word", SAMPLE)
def test_neighbors_equal_gensim_most_similar(glove, gensim_glove, word):
    ours = neighbors(glove, word, 10).neighbors
    assert_same(ours, gensim_glove.most_similar(word, topn=10))


def test_expression_neighbors_equal_gensim(glove, gensim_glove):
    ours = neighbors(glove, "king - man", 15).neighbors
    assert_same(ours, gensim_glove.most_similar(positive=["king"], negative=["man"], topn=15))


@pytest.mark.parametrize(("positive", "negative"), ANALOGIES)
def test_3cosadd_equals_gensim_most_similar(glove, gensim_glove, positive, negative):
    text = f"{positive[0]} - {negative[0]} + {positive[1]}"
    ours = analogy(glove, text, 10, "add").results
    assert_same(ours, gensim_glove.most_similar(positive=positive, negative=negative, topn=10))


@pytest.mark.parametrize(("positive", "negative"), ANALOGIES)
def test_3cosmul_equals_gensim_most_similar_cosmul(glove, gensim_glove, positive, negative):
    text = f"{negative[0]} : {positive[0]} :: {positive[1]} : ?"
    ours = analogy(glove, text, 10, "mul").results
    assert_same(ours, gensim_glove.most_similar_cosmul(positive=positive, negative=negative,
                                                       topn=10))


def test_weighted_terms_equal_gensim_weighted_keys(glove, gensim_glove):
    ours = analogy(glove, "2*king - man + 0.5*woman", 10).results
    theirs = gensim_glove.most_similar(positive=[("king", 2.0), ("woman", 0.5)],
                                       negative=[("man", -1.0)], topn=10)
    assert_same(ours, theirs)


def test_the_classic_analogy_answers_queen(glove):
    assert analogy(glove, "king - man + woman", 1).results[0].word == "queen"
