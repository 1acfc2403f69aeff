"""Parquet, Arrow IPC and Feather tables as models: columns found or chosen, every bad table one
line naming the file (and the row), and no cache entry left behind."""

import json

import numpy as np
import pyarrow as pa
import pyarrow.feather as feather
import pyarrow.parquet as pq
import pytest

from conftest import TINY_VECTORS, TINY_WORDS
from encoder_files import TINY_BERT
from latentcli.cli.app import app
from latentcli.store.entries import write_entry
from latentcli.store.paths import cache_root

VECTORS = np.asarray(TINY_VECTORS, dtype=np.float32)


def fixed(rows):
    rows = np.asarray(rows, dtype=np.float32)
    return pa.FixedSizeListArray.from_arrays(pa.array(rows.reshape(-1)), rows.shape[1])


def write(path, columns, row_group_size=None):
    table = pa.table(columns)
    if path.suffix == ".parquet":
        pq.write_table(table, path, row_group_size=row_group_size)
    else:
        feather.write_feather(table, path)
    return path


def neighbors(runner, path, *extra):
    return runner.invoke(app, ["neighbors", "king", "-n", "2", "-m", str(path), "--json", *extra])


def no_entries():
    models = cache_root() / "models"
    return not models.exists() or not any(models.iterdir())


@pytest.mark.parametrize("name", ["tiny.parquet", "tiny.arrow", "tiny.feather"])
@pytest.mark.parametrize("kind", ["fixed", "list", "large_list"])
def test_a_table_opens_like_any_model(runner, tiny_model, tmp_path, name, kind):
    vectors = {"fixed": fixed(VECTORS), "list": pa.array(VECTORS.tolist()),
               "large_list": pa.array(VECTORS.tolist(), pa.large_list(pa.float64()))}[kind]
    path = write(tmp_path / name, {"id": list(range(len(TINY_WORDS))), "word": TINY_WORDS,
                                   "embedding": vectors}, row_group_size=3)
    result = neighbors(runner, path)
    assert result.exit_code == 0, result.output
    expected = runner.invoke(app, ["neighbors", "king", "-n", "2", "-m", str(tiny_model),
                                   "--json"])
    got, want = json.loads(result.stdout), json.loads(expected.stdout)
    assert [n["word"] for n in got["neighbors"]] == [n["word"] for n in want["neighbors"]]
    assert got["neighbors"][0]["similarity"] == pytest.approx(want["neighbors"][0]["similarity"])


@pytest.mark.parametrize(("limit", "rows"), [("2", 2), ("1000000000000", len(TINY_WORDS))])
def test_limit_reads_only_the_first_rows(runner, tmp_path, limit, rows):
    path = write(tmp_path / "t.parquet", {"word": TINY_WORDS, "v": fixed(VECTORS)}, 2)
    result = runner.invoke(app, ["similarity", "king", "queen", "-m", str(path), "--limit", limit,
                                 "--json"])
    assert result.exit_code == 0, result.output
    king, queen = VECTORS[0].astype(np.float64), VECTORS[1].astype(np.float64)
    cosine = king @ queen / np.linalg.norm(king) / np.linalg.norm(queen)
    assert json.loads(result.stdout)["similarity"] == pytest.approx(cosine, abs=1e-6)
    found = runner.invoke(app, ["neighbors", "king", "-n", str(rows - 1), "-m", str(path),
                                "--limit", limit, "--json"])
    assert sorted(n["word"] for n in json.loads(found.stdout)["neighbors"]) == sorted(
        TINY_WORDS[1:rows])  # every other word the first rows hold, and no more


def test_ambiguous_columns_are_a_usage_error_listing_the_candidates(runner, tmp_path):
    path = write(tmp_path / "two.parquet", {"word": TINY_WORDS, "other": TINY_WORDS,
                                            "a": fixed(VECTORS), "b": fixed(VECTORS)})
    result = neighbors(runner, path)
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: two.parquet has several list-of-float column(s) "
                                    "(candidates: a, b); choose one with --vectors-column")
    result = neighbors(runner, path, "--vectors-column", "a")
    assert "(candidates: word, other); choose one with --labels-column" in result.stderr
    result = neighbors(runner, path, "--vectors-column", "a", "--labels-column", "other")
    assert result.exit_code == 0, result.output
    assert no_entries() is False


@pytest.mark.parametrize(("args", "message"), [
    (["--vectors-column", "nope"], "has no column 'nope' (columns: word, v)"),
    (["--vectors-column", "word"], "column 'word' is string, not list-of-float"),
    (["--labels-column", "v"], "column 'v' is fixed_size_list"),
])
def test_named_columns_must_exist_and_fit(runner, tmp_path, args, message):
    path = write(tmp_path / "t.parquet", {"word": TINY_WORDS, "v": fixed(VECTORS)})
    result = neighbors(runner, path, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_no_usable_column(runner, tmp_path):
    path = write(tmp_path / "t.parquet", {"word": TINY_WORDS, "n": list(range(len(TINY_WORDS)))})
    result = neighbors(runner, path)
    assert "has no list-of-float column(s) (candidates: none)" in result.stderr


@pytest.mark.parametrize(("vectors", "labels", "message"), [
    (pa.array([[1.0, 2.0], [3.0]]), ["a", "b"],
     "row 2: the vector has 1 values, the first had 2 (mixed vector lengths)"),
    (pa.array([[1.0, float("nan")], [3.0, 4.0]]), ["a", "b"], "row 1: NaN or infinite value"),
    (pa.array([[1.0, 2.0], [float("inf"), 4.0]]), ["a", "b"], "row 2: NaN or infinite value"),
    (pa.array([[1.0, 2.0], None]), ["a", "b"], "row 2: the vector is null"),
    (pa.array([[1.0, None], [1.0, 2.0]]), ["a", "b"], "row 1: the vector holds a null value"),
    (pa.array([[1.0, 2.0], [3.0, 4.0]]), ["a", None], "row 2: the label is null"),
    (pa.array([[], []], pa.list_(pa.float32())), ["a", "b"], "row 1: the vector is empty"),
])
def test_bad_tables_are_one_line_naming_file_and_row(runner, tmp_path, vectors, labels, message):
    path = write(tmp_path / "bad.parquet", {"word": labels, "v": vectors})
    result = runner.invoke(app, ["neighbors", "a", "-m", str(path)])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {path}, {message}\n"
    assert no_entries()


def test_mixed_lengths_across_batches_name_the_row(runner, tmp_path):
    rows = [[1.0, 2.0]] * 5 + [[1.0, 2.0, 3.0]]
    path = write(tmp_path / "bad.parquet", {"word": list("abcdef"), "v": pa.array(rows)}, 2)
    result = runner.invoke(app, ["neighbors", "a", "-m", str(path)])
    assert "row 6: the vector has 3 values, the first had 2" in result.stderr


def test_a_damaged_table_is_one_line(runner, tmp_path):
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"PAR1" + b"\0" * 100)
    result = runner.invoke(app, ["neighbors", "a", "-m", str(path)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {path}: not a readable parquet table")
    assert no_entries()


def test_column_options_refuse_other_formats(runner, tmp_path):
    path = tmp_path / "v.txt"
    path.write_text("king 1 0\nqueen 0 1\n")
    result = runner.invoke(app, ["neighbors", "king", "-m", str(path), "--vectors-column", "v"])
    assert result.exit_code == 2
    assert "apply to Parquet and Arrow tables; v.txt is a text file" in result.stderr


@pytest.mark.parametrize(("model", "kind"), [
    ("glove-6b-50d", "word model"), ("word2vec-google-news-300", "word model"),
    ("TINY", "directory"), ("ENCODER", "encoder"), ("minilm", "encoder"),
    ("GGUF", "language model"), ("smollm", "language model"), ("SPACE", "named space")])
@pytest.mark.parametrize("option", ["--vectors-column", "--labels-column"])
def test_column_options_refuse_models_that_are_not_files(runner, tiny_model, model, kind,
                                                         option):
    """The built-in models, a catalogue name, a model directory, an encoder, a language model
    or a named space has no columns: the option is refused, not ignored (issue 16, problem 13),
    before anything is read."""
    from decoder_files import TINY_GGUF

    if model == "SPACE":
        write_entry(cache_root() / "spaces" / "faq", ["hi"], np.ones((1, 2), np.float32),
                    {"name": "faq", "source": {"kind": "texts"}})
    spec = {"TINY": str(tiny_model), "ENCODER": str(TINY_BERT), "GGUF": str(TINY_GGUF),
            "SPACE": "faq"}.get(model, model)
    result = runner.invoke(app, ["neighbors", "king", "-m", spec, option, "v"])
    assert result.exit_code == 2, result.output
    assert result.stderr == (f"Error: --vectors-column and --labels-column apply to Parquet and "
                             f"Arrow tables; {spec!r} is a {kind} with no columns to choose\n")
    assert no_entries()


def test_the_fast_path_reads_the_column_options(tmp_path, monkeypatch):
    from latentcli.cli.fastpath import parse

    parsed = parse(["neighbors", "king", "--vectors-column", "v", "--labels-column=w"])
    assert parsed is not None
    command, values = parsed
    assert (command.name, values["words"], values["vectors_column"], values["labels_column"]) == (
        "neighbors", ["king"], "v", "w")


def same_answer(result, expected):
    got, want = json.loads(result.stdout), json.loads(expected.stdout)
    assert [n["word"] for n in got["neighbors"]] == [n["word"] for n in want["neighbors"]]
    assert [n["similarity"] for n in got["neighbors"]] == pytest.approx(
        [n["similarity"] for n in want["neighbors"]], abs=1e-6)


def write_stream(path, columns):
    """An Arrow IPC *stream* (``pa.ipc.new_stream``: no ARROW1 magic, no footer)."""
    table = pa.table(columns)
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_stream(sink, table.schema) as out:
        for batch in table.to_batches(max_chunksize=3):
            out.write_batch(batch)
    return path


@pytest.mark.parametrize("name", ["tiny.parquet", "tiny.arrow", "tiny.arrows"])
@pytest.mark.parametrize("options", [[], ["--labels-column", "word"]])
def test_dictionary_encoded_labels_are_read_as_strings(runner, tiny_model, tmp_path, name,
                                                       options):
    """A pandas ``category`` / Polars ``Categorical`` label column: accepted like strings, with or
    without --labels-column."""
    columns = {"word": pa.array(TINY_WORDS).dictionary_encode(), "embedding": fixed(VECTORS)}
    path = (write_stream if name.endswith(".arrows") else write)(tmp_path / name, columns)
    result = neighbors(runner, path, *options)
    assert result.exit_code == 0, result.output
    same_answer(result, neighbors(runner, tiny_model))


def test_an_arrow_stream_is_a_table_not_text(runner, tiny_model, tmp_path):
    path = write_stream(tmp_path / "tiny.arrows", {"word": TINY_WORDS,
                                                   "embedding": fixed(VECTORS)})
    result = neighbors(runner, path)
    assert result.exit_code == 0, result.output
    same_answer(result, neighbors(runner, tiny_model))
    limited = runner.invoke(app, ["neighbors", "king", "-n", "3", "-m", str(path), "--limit", "4",
                                  "--json"])
    assert sorted(n["word"] for n in json.loads(limited.stdout)["neighbors"]) == sorted(
        TINY_WORDS[1:4])  # the first four rows: king and three others
    cut = tmp_path / "cut.arrows"
    cut.write_bytes(path.read_bytes()[:300])
    result = neighbors(runner, cut)
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert "cut.arrows" in result.stderr and "line 1" not in result.stderr
    assert no_entries() or not [p for p in (cache_root() / "models").iterdir()
                                if p.name.startswith("cut")]
