"""axis, steer, path, odd, similarity and compare through the command line: known answers on the
tiny model, gensim's answers on the built-in one, and every kind of bad input."""

import json

import numpy as np
import pytest

from conftest import TINY_VECTORS, TINY_WORDS
from latentcli.cli.app import app
from latentcli.store.entries import write_entry


def run(runner, *args):
    return runner.invoke(app, [str(arg) for arg in args])


def run_json(runner, *args):
    result = run(runner, *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def unit(word):
    vector = TINY_VECTORS[TINY_WORDS.index(word)]
    return vector / np.linalg.norm(vector)


# axis


def test_axis_ranks_given_words_by_projection(runner, tiny_model):
    doc = run_json(runner, "axis", "man", "woman", "king", "queen", "prince", "princess",
                   "-m", tiny_model)
    assert doc["start"] == "man" and doc["end"] == "woman" and doc["pairs"] == []
    assert [w["word"] for w in doc["words"]] == ["queen", "princess", "king", "prince"]
    direction = unit("woman") - unit("man")
    direction /= np.linalg.norm(direction)
    assert doc["words"][0]["projection"] == pytest.approx(float(unit("queen") @ direction))
    assert doc["omitted"] == 0 and doc["candidates"] == 4


def test_axis_top_shows_both_ends_without_its_own_words(runner, tiny_model):
    doc = run_json(runner, "axis", "man", "woman", "--top", "10", "--show", "2",
                   "-m", tiny_model)
    assert doc["candidates"] == 8  # man and woman left out
    assert [w["word"] for w in doc["words"]] == ["queen", "princess", "king", "prince"]
    assert doc["omitted"] == 4


def test_axis_table_marks_the_words_between_the_ends(runner, tiny_model):
    result = run(runner, "axis", "man", "woman", "--top", "10", "--show", "2", "-m", tiny_model)
    assert result.exit_code == 0, result.output
    rows = [line.split()[:2] for line in result.stdout.splitlines()[2:6]]
    assert rows == [["1", "queen"], ["2", "princess"], ["…", "4"], ["7", "king"]]


def test_axis_pairs_average_their_differences(runner, tiny_model):
    doc = run_json(runner, "axis", "man", "woman", "apple", "king", "--pair", "prince:princess",
                   "-m", tiny_model)
    assert doc["pairs"] == [["prince", "princess"]]
    direction = (unit("woman") - unit("man") + unit("princess") - unit("prince"))
    direction /= np.linalg.norm(direction)
    projections = {w["word"]: w["projection"] for w in doc["words"]}
    assert projections["king"] == pytest.approx(float(unit("king") @ direction), abs=1e-6)


def test_axis_table_has_a_one_line_plot(runner, tiny_model):
    result = run(runner, "axis", "man", "woman", "king", "queen", "-m", tiny_model)
    assert result.exit_code == 0, result.output
    assert "Along man → woman" in result.stdout
    plot = [line for line in result.stdout.splitlines() if line.startswith("man ")]
    assert len(plot) == 1 and plot[0].endswith(" woman") and plot[0].count("●") == 2


@pytest.mark.parametrize(("args", "code", "message"), [
    (["axis", "man", "man"], 2, "are the same word"),
    (["axis", "man", "woman", "--pair", "woman:man"], 1, "zero length"),
    (["axis", "man", "woman", "--pair", "woman"], 2, "FROM:TO"),
    (["axis", "man", "wooman"], 1, "did you mean: woman"),
    (["axis", "man", "woman", "kingg"], 1, "did you mean: king"),
    (["steer", "king", "--toward", "kingg"], 1, "did you mean: king"),
    (["steer", "king", "--toward", "king"], 2, "are the same word"),
    (["steer", "king", "--toward", "man", "--away", "man"], 2, "are the same word"),
    (["steer", "king", "--toward", "zero"], 1, "zero length"),
    (["steer", "zero", "--toward", "king"], 1, "passes through the origin"),
    (["steer", "king", "--toward", "man", "--steps", "0"], 2, "--steps"),
    (["path", "king", "queen", "--steps", "101"], 2, "between 1 and 100"),
    (["path", "man", "woman"], 1, "passes through the origin"),
    (["path", "king", "king"], 2, "are the same word"),
    (["path", "king", "quen"], 1, "did you mean: queen"),
    (["odd", "king", "queen"], 2, "at least three"),
    (["odd", "king", "queen", "applle"], 1, "did you mean: apple"),
    (["similarity", "king"], 2, "at least two"),
    (["similarity", "king", "qeen"], 1, "did you mean: queen"),
])
def test_bad_input_is_one_line_and_an_exit_code(runner, tiny_model, args, code, message):
    result = run(runner, *args, "-m", tiny_model)
    assert result.exit_code == code, result.output
    assert message in result.stderr
    assert result.stderr.startswith("Error: ") and len(result.stderr.splitlines()) == 1
    assert result.stdout == ""


# steer


def test_steer_moves_king_toward_queen(runner, tiny_model):
    doc = run_json(runner, "steer", "king", "--toward", "woman", "--away", "man",
                   "--strength", "2", "--steps", "2", "-n", "2", "-m", tiny_model)
    assert [step["strength"] for step in doc["steps"]] == [0.0, 1.0, 2.0]
    assert doc["steps"][0]["neighbors"][0]["word"] == "prince"
    assert doc["steps"][-1]["neighbors"][0]["word"] == "queen"
    assert doc["excluded"] == ["king", "woman", "man"]
    assert doc["away"] == "man" and doc["toward"] == "woman"


def test_steer_without_away_moves_toward_the_word(runner, tiny_model):
    doc = run_json(runner, "steer", "king", "--toward", "apple", "--steps", "1", "-n", "1",
                   "-m", tiny_model)
    assert doc["away"] is None
    assert doc["steps"][-1]["neighbors"][0]["word"] in {"banana", "cherry"}


def test_steer_at_strength_one_is_exactly_the_analogy(glove):
    """Strength 1 is the whole offset, so steering king along man → woman *is* king - man + woman
    (words and scores), and steering toward a word alone arrives at that word."""
    from latentcli.analysis.directions import steer
    from latentcli.core.queries import analogy, neighbors

    moved = steer(glove, "king", "woman", "man", strength=1.0, steps=2, top=10)
    assert moved.steps[-1].neighbors == analogy(glove, "king - man + woman", 10).results
    arrived = steer(glove, "king", "queen", strength=1.0, steps=1, top=5).steps[-1].neighbors
    assert [n.word for n in arrived] == [n.word for n in neighbors(glove, "queen", 6).neighbors
                                         if n.word != "king"][:5]


def test_steer_table(runner, tiny_model):
    result = run(runner, "steer", "king", "--toward", "woman", "--away", "man", "-m", tiny_model)
    assert result.exit_code == 0
    assert "Steering king man → woman" in result.stdout and "strength" in result.stdout


# path


def test_path_walks_from_start_to_end(runner, tiny_model):
    doc = run_json(runner, "path", "king", "apple", "--steps", "2", "-m", tiny_model)
    assert [step["t"] for step in doc["steps"]] == [0.0, 0.5, 1.0]
    assert [step["word"] for step in doc["steps"]] == ["king", "banana", "apple"]
    first, last = doc["steps"][0], doc["steps"][-1]
    assert first["similarity"] == pytest.approx(1.0) and first["to_start"] == pytest.approx(1.0)
    assert last["to_end"] == pytest.approx(1.0)
    assert first["to_end"] == pytest.approx(float(unit("king") @ unit("apple")), abs=1e-6)


def test_path_table(runner, tiny_model):
    result = run(runner, "path", "king", "apple", "-m", tiny_model)
    assert result.exit_code == 0 and "Path king → apple" in result.stdout


# odd


@pytest.mark.parametrize(("words", "odd"), [
    (["king", "prince", "man", "apple"], "apple"),
    (["king", "queen", "prince", "apple"], "queen"),  # the mean leans to king, prince and apple
])
def test_odd_one_out_as_gensim_doesnt_match(runner, tiny_model, words, odd):
    from gensim.models import KeyedVectors

    doc = run_json(runner, "odd", *words, "-m", tiny_model)
    assert doc["odd"] == odd and doc["ranked"][-1]["word"] == odd
    assert sorted(w["word"] for w in doc["ranked"]) == sorted(words)
    keyed = KeyedVectors(vector_size=TINY_VECTORS.shape[1])
    keyed.add_vectors(TINY_WORDS, TINY_VECTORS)
    assert keyed.doesnt_match(words) == odd


def test_odd_table_names_the_odd_word(runner, tiny_model):
    result = run(runner, "odd", "apple", "banana", "cherry", "king", "-m", tiny_model)
    assert result.exit_code == 0 and "Odd one out: king" in result.stdout


# similarity


def test_similarity_of_a_pair(runner, tiny_model):
    doc = run_json(runner, "similarity", "king", "queen", "-m", tiny_model)
    assert doc["similarity"] == pytest.approx(float(unit("king") @ unit("queen")), abs=1e-6)
    assert doc["words"] == ["king", "queen"]


def test_similarity_matrix(runner, tiny_model):
    doc = run_json(runner, "similarity", "king", "queen", "apple", "-m", tiny_model)
    matrix = np.array(doc["matrix"])
    assert doc["similarity"] is None
    assert matrix.shape == (3, 3)
    assert np.allclose(np.diag(matrix), 1.0) and np.allclose(matrix, matrix.T)
    assert matrix[0, 2] == pytest.approx(float(unit("king") @ unit("apple")), abs=1e-6)
    table = run(runner, "similarity", "king", "queen", "apple", "-m", tiny_model)
    assert table.exit_code == 0 and "apple" in table.stdout.splitlines()[1]


# compare


@pytest.fixture
def swapped_model(tmp_path):
    """The tiny model with king's and apple's vectors swapped, and without 'cherry'."""
    vectors = TINY_VECTORS.copy()
    king, apple = TINY_WORDS.index("king"), TINY_WORDS.index("apple")
    vectors[[king, apple]] = vectors[[apple, king]]
    keep = [i for i, word in enumerate(TINY_WORDS) if word != "cherry"]
    directory = tmp_path / "swapped"
    write_entry(directory, [TINY_WORDS[i] for i in keep], vectors[keep],
                {"name": "swapped", "source": {}})
    return directory


def brute_neighbors(words, vectors, word, k):
    unit_rows = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-30)
    scores = unit_rows @ unit_rows[words.index(word)]
    order = [i for i in np.argsort(-scores, kind="stable") if words[i] != word]
    return {words[i] for i in order[:k]}


def test_compare_a_model_with_itself_overlaps_fully(runner, tiny_model):
    doc = run_json(runner, "compare", tiny_model, tiny_model, "-k", "3")
    assert doc["mean_overlap"] == 1.0 and doc["shared"] == 10 and doc["compared"] == 10


def test_compare_finds_the_words_that_moved(runner, tiny_model, swapped_model):
    doc = run_json(runner, "compare", tiny_model, swapped_model, "king", "apple", "queen",
                   "-k", "2")
    assert doc["shared"] == 9 and doc["compared"] == 3
    shared = [w for w in TINY_WORDS if w != "cherry"]
    first = TINY_VECTORS[[TINY_WORDS.index(w) for w in shared]]
    second = first.copy()
    second[[0, 6]] = second[[6, 0]]
    expected = {w: len(brute_neighbors(shared, first, w, 2)
                       & brute_neighbors(shared, second, w, 2)) / 2
                for w in ["king", "apple", "queen"]}
    overlaps = {item["word"]: item["overlap"] for item in doc["words"]}
    assert overlaps == expected
    assert doc["mean_overlap"] == pytest.approx(sum(expected.values()) / 3)
    assert doc["words"][0]["overlap"] == min(expected.values())


def test_compare_errors(runner, tiny_model, swapped_model):
    missing = run(runner, "compare", tiny_model, swapped_model, "cherry", "-k", "2")
    assert missing.exit_code == 1 and "unknown word 'cherry' in swapped" in missing.stderr
    too_many = run(runner, "compare", tiny_model, swapped_model, "-k", "9")
    assert too_many.exit_code == 2 and "-k 9" in too_many.stderr


def test_compare_table(runner, tiny_model, swapped_model):
    result = run(runner, "compare", tiny_model, swapped_model, "-k", "2")
    assert result.exit_code == 0 and "mean top-2 overlap" in result.stdout


# the built-in model


def test_odd_equals_gensim_doesnt_match(glove, gensim_glove):
    from latentcli.analysis.directions import odd_one_out

    for words in (["breakfast", "lunch", "dinner", "car"], ["paris", "berlin", "london", "cat"],
                  ["red", "green", "blue", "seven", "yellow"]):
        result = odd_one_out(glove, words)
        assert result.odd == gensim_glove.doesnt_match(words)
        theirs = gensim_glove.rank_by_centrality(words)
        assert [s.word for s in result.ranked] == [word for _, word in theirs]
        assert [s.similarity for s in result.ranked] == pytest.approx(
            [float(score) for score, _ in theirs], abs=1e-5)


def test_similarity_equals_gensim(glove, gensim_glove):
    from latentcli.analysis.directions import similarity

    words = ["cat", "dog", "car", "truck"]
    matrix = similarity(glove, words).matrix
    for i, first in enumerate(words):
        for j, second in enumerate(words):
            assert matrix[i][j] == pytest.approx(float(gensim_glove.similarity(first, second)),
                                                 abs=1e-6)


def test_built_in_model_through_the_cli(runner, glove):
    axis = run_json(runner, "axis", "man", "woman", "king", "queen", "he", "she")
    assert [w["word"] for w in axis["words"]][:2] == ["queen", "she"]
    steer = run_json(runner, "steer", "king", "--toward", "woman", "--away", "man")
    assert steer["steps"][0]["neighbors"][0]["word"] == "prince"
    assert steer["steps"][-1]["neighbors"][0]["word"] == "queen"
    path = run_json(runner, "path", "cat", "car", "--steps", "4")
    assert path["steps"][0]["word"] == "cat" and path["steps"][-1]["word"] == "car"
    compare = run_json(runner, "compare", "glove-6b-50d", "glove-6b-50d", "--top", "50")
    assert compare["mean_overlap"] == 1.0 and compare["shared"] == 400_000


def test_lower_case_fallback_is_noted_on_stderr(runner, tiny_model):
    result = run(runner, "similarity", "King", "queen", "--json", "-m", tiny_model)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["words"] == ["king", "queen"]
    assert doc["notes"] == ["'King' is not in the vocabulary; using 'king'"]
    assert "Note: 'King' is not in the vocabulary; using 'king'" in result.stderr


def documented_keys(command):
    """The keys docs/json.md lists for ``latent <command>``."""
    import re
    from pathlib import Path

    text = (Path(__file__).parent.parent / "docs" / "json.md").read_text()
    section = text.split(f"## `latent {command}")[1].split("\n## ")[0]
    rows = [line.split("|")[1] for line in section.splitlines() if line.startswith("| `")]
    return {key for row in rows for key in re.findall(r"`(\w+)`", row)}


@pytest.mark.parametrize("args", [
    ["axis", "man", "woman", "king"], ["steer", "king", "--toward", "woman"],
    ["path", "king", "apple"], ["odd", "king", "queen", "apple"],
    ["similarity", "king", "queen"], ["evaluate similarity", "PAIRS"],
    ["evaluate analogies", "QUESTIONS"],
])
def test_json_keys_are_documented(runner, tiny_model, tmp_path, args):
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("king\tprince\t9\nking\tqueen\t1\napple\tbanana\t8\n")
    questions = tmp_path / "questions.txt"
    questions.write_text(": s\nman king woman queen\n")
    files = {"PAIRS": pairs, "QUESTIONS": questions}
    argv = [*args[0].split(), *(files.get(arg, arg) for arg in args[1:])]
    doc = run_json(runner, *argv, "-m", tiny_model)
    assert set(doc) == documented_keys(args[0])


def test_compare_json_keys_are_documented(runner, tiny_model):
    doc = run_json(runner, "compare", tiny_model, tiny_model, "-k", "2")
    assert set(doc) == documented_keys("compare")


def test_words_built_from_subwords_work_everywhere(runner, fasttext_bin):
    """A fastText model gives unknown words a vector from their n-grams; directions use it."""
    from gensim.models.fasttext import load_facebook_vectors

    keyed = load_facebook_vectors(str(fasttext_bin))
    doc = run_json(runner, "similarity", "kingdoms", "king", "-m", fasttext_bin)
    assert doc["similarity"] == pytest.approx(float(keyed.similarity("kingdoms", "king")),
                                              abs=1e-5)
    axis = run_json(runner, "axis", "man", "woman", "kingdoms", "queen", "-m", fasttext_bin)
    assert {w["word"] for w in axis["words"]} == {"kingdoms", "queen"}
    steer = run_json(runner, "steer", "kingdoms", "--toward", "queen", "-m", fasttext_bin)
    assert steer["excluded"] == ["kingdoms", "queen"]
    assert run_json(runner, "odd", "kingdoms", "king", "apples", "-m", fasttext_bin)["odd"]
