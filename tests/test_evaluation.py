"""evaluate analogies / similarity: equal to gensim's evaluators (computed here, on the same
vectors and settings), 3CosMul for real, and bad benchmark files reported with their line."""

import json

import numpy as np
import pytest

from conftest import TINY_VECTORS, TINY_WORDS
from latentcli.analysis.evaluation import (
    ANALOGY_FILE,
    default_benchmark,
    evaluate_analogies,
    evaluate_pairs,
)
from latentcli.cli.app import app
from latentcli.core.queries import analogy
from latentcli.core.space import Space

TINY_QUESTIONS = """\
: royalty
man king woman queen
woman queen man king
king prince queen princess
MAN KING WOMAN QUEEN
man king woman duchess
: fruit
apple banana cherry king
banana apple king queen
"""


def keyed_vectors(words, vectors):
    from gensim.models import KeyedVectors

    keyed = KeyedVectors(vector_size=vectors.shape[1])
    keyed.add_vectors(words, np.asarray(vectors, dtype=np.float32))
    return keyed


def gensim_counts(sections):
    """(section, correct, evaluated) from gensim's sections, its total last."""
    return [(s["section"], len(s["correct"]), len(s["correct"]) + len(s["incorrect"]))
            for s in sections]


def our_counts(result):
    return [(s.section, s.correct, s.total) for s in (*result.sections, result.total)]


def run(runner, *args):
    return runner.invoke(app, [str(arg) for arg in args])


@pytest.fixture
def questions(tmp_path):
    path = tmp_path / "questions.txt"
    path.write_text(TINY_QUESTIONS)
    return path


def test_tiny_analogies_equal_gensim(tiny_space, questions):
    # restrict 9 leaves out the all-zero row, which gensim cannot normalise
    keyed = keyed_vectors(TINY_WORDS, TINY_VECTORS)
    score, sections = keyed.evaluate_word_analogies(str(questions), restrict_vocab=9)
    ours = evaluate_analogies(tiny_space, questions, restrict=9)
    assert our_counts(ours) == gensim_counts(sections)
    assert ours.accuracy == score
    assert [s.skipped for s in ours.sections] == [1, 0]  # 'duchess' is not in the model
    assert ours.total.correct >= 3


@pytest.mark.parametrize("method", ["add", "mul"])
def test_each_answer_is_the_analogy_commands_answer(questions, method):
    """Question by question, the batched evaluation agrees with `latent analogy --method`."""
    space = Space.from_vectors("tiny9", TINY_WORDS[:9], TINY_VECTORS[:9])
    expected = 0
    for line in TINY_QUESTIONS.lower().splitlines():
        words = line.split()
        if line.startswith(":") or "duchess" in words:
            continue
        a, b, c, d = words
        expected += analogy(space, f"{a} : {b} :: {c} : ?", 1, method).results[0].word == d
    assert evaluate_analogies(space, questions, method=method).total.correct == expected


@pytest.mark.parametrize("method", ["add", "mul"])
def test_each_answer_on_the_built_in_model_is_the_analogy_commands(glove, tmp_path, method):
    """Over the whole vocabulary, every question is answered as `latent analogy` answers it."""
    questions = [("man", "king", "woman", "queen"), ("france", "paris", "germany", "berlin"),
                 ("big", "bigger", "small", "smaller"), ("good", "better", "bad", "worse"),
                 ("walking", "walked", "swimming", "swam"), ("japan", "yen", "russia", "ruble")]
    path = tmp_path / "subset.txt"
    path.write_text(": one\n" + "".join(" ".join(q) + "\n" for q in questions))
    result = evaluate_analogies(glove, path, len(glove), method)
    expected = sum(analogy(glove, f"{a} : {b} :: {c} : ?", 1, method).results[0].word == d
                   for a, b, c, d in questions)
    assert result.method == method and result.total.total == len(questions)
    assert result.total.correct == expected


def test_case_variants_follow_gensim(tmp_path):
    """A spelling of an input word (KING for king) is passed over, as gensim does."""
    words = ["king", "queen", "man", "woman", "KING", "Queen", "apple"]
    vectors = np.array([
        [1.0, 1.0, 0.0], [1.0, -1.0, 0.05], [0.0, 1.0, 0.0], [0.0, -1.0, 0.0],
        [1.0, -0.9, 0.0],  # KING sits right where king - man + woman lands
        [0.9, -1.0, 0.3], [0.0, 0.0, 1.0]], dtype=np.float32)
    path = tmp_path / "q.txt"
    path.write_text(": x\nman king woman queen\nwoman queen man king\nman woman king queen\n")
    space = Space.from_vectors("cased", words, vectors)
    score, sections = keyed_vectors(words, vectors).evaluate_word_analogies(str(path))
    ours = evaluate_analogies(space, path)
    assert our_counts(ours) == gensim_counts(sections)
    assert ours.accuracy == score


def questions_subset(tmp_path, every):
    """Every ``every``-th question of gensim's questions-words.txt, with all section lines."""
    lines = default_benchmark(ANALOGY_FILE).read_text().splitlines()
    kept = [line for index, line in enumerate(lines) if line.startswith(":") or index % every == 0]
    path = tmp_path / "questions-subset.txt"
    path.write_text("\n".join(kept) + "\n")
    return path


@pytest.mark.slow
def test_analogies_equal_gensim_on_the_built_in_model(glove, gensim_glove, tmp_path):
    path = questions_subset(tmp_path, 25)  # gensim takes minutes over all of them
    score, sections = gensim_glove.evaluate_word_analogies(str(path), restrict_vocab=30_000)
    ours = evaluate_analogies(glove, path, restrict=30_000)
    assert our_counts(ours) == gensim_counts(sections)
    assert ours.accuracy == score


def test_evaluate_analogies_cli_on_the_built_in_model(runner, glove):
    result = run(runner, "evaluate", "analogies", "--restrict", "30000", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["accuracy"] == pytest.approx(0.4969, abs=5e-5)  # gensim 4.4's figure
    assert doc["restrict"] == 30_000 and doc["method"] == "add"
    assert len(doc["sections"]) == 14
    assert doc["correct"] == sum(s["correct"] for s in doc["sections"])
    assert doc["skipped"] + doc["total"] == 19_544
    assert doc["oov_percent"] == pytest.approx(100 * doc["skipped"] / 19_544)


def test_word_pairs_equal_gensim(glove, gensim_glove):
    for name in ("wordsim353.tsv", "simlex999.txt"):
        path = default_benchmark(name)
        pearson, spearman, oov = gensim_glove.evaluate_word_pairs(str(path))
        ours = evaluate_pairs(glove, path)
        assert ours.pearson == pytest.approx(pearson[0], abs=1e-6)
        assert ours.spearman == pytest.approx(spearman[0], abs=1e-6)
        assert ours.pearson_p == pytest.approx(pearson[1], rel=1e-4)
        assert ours.oov_percent == pytest.approx(oov)


def test_evaluate_similarity_cli_defaults(runner, glove):
    result = run(runner, "evaluate", "similarity", "--json")
    assert result.exit_code == 0, result.output
    wordsim, simlex = map(json.loads, result.stdout.splitlines())
    assert wordsim["spearman"] == pytest.approx(0.5033, abs=5e-5)
    assert simlex["spearman"] == pytest.approx(0.2631, abs=5e-5)
    assert simlex["pairs"] + simlex["skipped"] == 999
    table = run(runner, "evaluate", "similarity")
    assert "wordsim353.tsv" in table.stdout and "0.5033" in table.stdout


def test_evaluate_tables_on_the_tiny_model(runner, tiny_model, questions, tmp_path):
    result = run(runner, "evaluate", "analogies", questions, "-m", tiny_model)
    assert result.exit_code == 0, result.output
    assert "royalty" in result.stdout and "Total accuracy" in result.stdout
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("# comment\nking\tprince\t9\nking\tqueen\t1\napple\tbanana\t8\n")
    doc = json.loads(run(runner, "evaluate", "similarity", pairs, "--json", "-m",
                         tiny_model).stdout)
    assert doc["pairs"] == 3 and doc["skipped"] == 0 and doc["spearman"] == pytest.approx(1.0)


@pytest.mark.parametrize(("command", "content", "message"), [
    ("analogies", "", "no analogy questions"),
    ("analogies", ": only a header\n", "no analogy questions"),
    ("analogies", "man king woman queen\n", "line 1: a question before any ': section' line"),
    ("analogies", ": s\nman king woman queen\nman king woman\n", "line 3: expected 4 words"),
    ("similarity", "", "no word pairs"),
    ("similarity", "# only a comment\n", "no word pairs"),
    ("similarity", "king\tqueen\t8\nking queen 8\n", "line 2: expected word<TAB>word<TAB>score"),
    ("similarity", "king\tqueen\thigh\n", "line 1: expected"),
    ("similarity", "duke\tduchess\t8\n", "none of its pairs"),
])
def test_bad_benchmark_files(runner, tiny_model, tmp_path, command, content, message):
    path = tmp_path / "bench.txt"
    path.write_text(content)
    result = run(runner, "evaluate", command, path, "-m", tiny_model)
    assert result.exit_code == 1, result.output
    assert message in result.stderr and str(path) in result.stderr
    assert len(result.stderr.splitlines()) == 1 and result.stdout == ""


def test_bad_bytes_and_bad_options(runner, tiny_model, tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes(b": s\nman king woman queen\ncaf\xe9 king woman queen\n")
    result = run(runner, "evaluate", "analogies", path, "-m", tiny_model)
    assert result.exit_code == 1 and "line 3: not valid UTF-8" in result.stderr
    missing = run(runner, "evaluate", "analogies", tmp_path / "nope.txt", "-m", tiny_model)
    assert missing.exit_code == 2 and missing.stdout == ""
    assert missing.stderr.startswith("Error: ") and f"'{tmp_path / 'nope.txt'}' does not exist" in (
        missing.stderr)
    questions = tmp_path / "q.txt"
    questions.write_text(TINY_QUESTIONS)
    for option in (["--method", "cos"], ["--restrict", "0"]):
        bad = run(runner, "evaluate", "analogies", questions, *option, "-m", tiny_model)
        assert bad.exit_code == 2, bad.output
        assert bad.stderr.startswith("Error: ")


def test_progress_is_reported_up_to_the_last_row(tiny_space, questions):
    seen = []
    evaluate_analogies(tiny_space, questions, progress=lambda done, total: seen.append(
        (done, total)))
    assert seen[-1] == (10, 10)


def test_a_small_model_reports_the_words_actually_used(runner, tmp_path):
    """A one-word model (a one-text space, say) never claims "the first 300000 words"."""
    from latentcli.store.entries import write_entry

    model = tmp_path / "one"
    write_entry(model, ["hello there"], np.ones((1, 3), np.float32), {"name": "one",
                                                                       "source": {}})
    pairs = tmp_path / "pairs.txt"
    pairs.write_text("hello\tthere\t5.0\n")
    result = run(runner, "evaluate", "similarity", pairs, "-m", model)
    assert result.exit_code == 1
    assert "among the 1 word(s) of one" in result.stderr and "300000" not in result.stderr



def test_restrict_reports_the_vocabulary_when_it_is_smaller(runner, tiny_model, tmp_path):
    questions = tmp_path / "q.txt"
    questions.write_text(TINY_QUESTIONS)
    result = run(runner, "evaluate", "analogies", questions, "-m", tiny_model, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["restrict"] == len(TINY_WORDS)
    shown = run(runner, "evaluate", "analogies", questions, "-m", tiny_model).stdout
    assert f"first {len(TINY_WORDS)} words" in shown and "300000" not in shown
