"""The on-disk vocabulary finds every word's row and every row's word, for any Unicode words."""

from hypothesis import given, settings
from hypothesis import strategies as st

from latentcli.core.vocabulary import Vocabulary, vocabulary_from_words, write_vocabulary

words_strategy = st.lists(
    st.text(st.characters(blacklist_characters="\n", blacklist_categories=("Cs",)), min_size=1,
            max_size=12),
    unique=True, max_size=60)


@given(words_strategy)
def test_in_memory_round_trip(words):
    vocabulary = vocabulary_from_words(words)
    assert len(vocabulary) == len(words)
    assert list(vocabulary) == words
    for row, word in enumerate(words):
        assert vocabulary.word(row) == word
        assert vocabulary.row(word) == row
    assert vocabulary.row("\n") is None


@settings(max_examples=25)
@given(words_strategy)
def test_files_round_trip(tmp_path_factory, words):
    directory = tmp_path_factory.mktemp("vocab")
    assert write_vocabulary(directory, words) == len(words)
    vocabulary = Vocabulary.open(directory)
    assert [vocabulary.row(word) for word in words] == list(range(len(words)))
    assert list(vocabulary) == words


def test_missing_words_and_prefixes_are_not_found():
    vocabulary = vocabulary_from_words(["king", "kings", "queen", "é", "日本"])
    assert vocabulary.row("kin") is None
    assert vocabulary.row("kingss") is None
    assert vocabulary.row("日本") == 4
    assert "é" in vocabulary and "e" not in vocabulary
