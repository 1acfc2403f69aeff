"""`latent embed`: vectors exactly as the encoder gives them, cached per text so a rerun embeds only
new lines, named spaces every command opens, Parquet output, and one-line errors that leave
nothing behind."""

import json

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from encoder_files import TINY_BERT, TINY_MPNET, choice_of
from latentcli.cli.app import app
from latentcli.networks.encoder.encoder import Encoder
from latentcli.store.paths import cache_root

FAQ = ["how do I reset my password", "where is my invoice", "cancel my subscription",
       "change my email address"]


@pytest.fixture
def counted(monkeypatch):
    """How many texts the encoder was asked to embed, over all calls."""
    seen: list[str] = []
    original = Encoder.encode

    def encode(self, texts, batch_size=32):
        seen.extend(texts)
        return original(self, texts, batch_size)

    monkeypatch.setattr(Encoder, "encode", encode)
    return seen


def embed(runner, *args, model=TINY_BERT, stdin=None):
    return runner.invoke(app, ["embed", "-m", str(model), *args], input=stdin)


@pytest.mark.parametrize("model", [TINY_BERT, TINY_MPNET])
def test_json_vectors_are_exactly_what_encode_returns(runner, model):
    texts = ["hello", "a longer sentence, with punctuation!"]
    result = embed(runner, *texts, "--json", model=model)
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    expected = Encoder.open(model).encode(texts)
    assert [sorted(line) for line in lines] == [["model", "text", "vector"]] * 2
    assert [line["text"] for line in lines] == texts
    assert {line["model"] for line in lines} == {model.name}
    got = np.array([line["vector"] for line in lines], dtype=np.float32)
    assert got.tobytes() == expected.tobytes()  # float32 round trip, bit for bit


def test_the_table_shortens_long_texts(runner):
    long = "word " * 40
    result = embed(runner, "hi", long)
    assert result.exit_code == 0, result.output
    assert "2 text(s) embedded with tiny-bert" in result.stdout
    assert "…" in result.stdout and long.strip() not in result.stdout
    assert " 8 " in result.stdout and "1.0000" in result.stdout


def test_a_rerun_embeds_only_the_new_lines(runner, tmp_path, counted):
    lines = tmp_path / "faq.txt"
    lines.write_text("\n".join(FAQ[:2]) + "\n")
    assert embed(runner, "--from", str(lines)).exit_code == 0
    assert counted == FAQ[:2]
    lines.write_text("\n".join(FAQ) + "\n\n")
    result = embed(runner, "--from", str(lines), "--json")
    assert result.exit_code == 0, result.output
    assert counted == FAQ[:2] + FAQ[2:]  # only the two new lines went through the encoder
    assert "2 of 4 text(s) were in the cache; 2 embedded now" in result.stderr
    assert [json.loads(line)["text"] for line in result.stdout.splitlines()] == FAQ
    assert embed(runner, "--from", str(lines)).exit_code == 0
    assert len(counted) == 4  # all cached now
    first = np.array(json.loads(result.stdout.splitlines()[0])["vector"], np.float32)
    encoder = Encoder.open(TINY_BERT)
    # the cached vector is exactly what the encoder gave in the batch that embedded it; the same
    # text in another batch (padding, another BLAS shape) agrees within 1e-6, as design.md says
    assert first.tobytes() == encoder.encode(FAQ[:2])[0].tobytes()
    assert np.allclose(first, encoder.encode([FAQ[0]])[0], rtol=0, atol=1e-6)


def test_another_model_does_not_share_the_cache(runner, counted):
    embed(runner, "hello")
    embed(runner, "hello", model=TINY_MPNET)
    assert counted == ["hello", "hello"]


def test_a_damaged_chunk_is_dropped_and_embedded_again(runner, counted):
    embed(runner, "hello")
    for chunk in (cache_root() / "embeddings").rglob("*.npz"):
        chunk.write_bytes(b"not a zip")
    assert embed(runner, "hello").exit_code == 0
    assert counted == ["hello", "hello"]


def test_texts_from_stdin(runner):
    result = embed(runner, "--from", "-", "--json", stdin="one\n\ntwo\n")
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["text"] for line in result.stdout.splitlines()] == ["one", "two"]


@pytest.mark.parametrize(("args", "content", "message"), [
    ([], None, "give texts to embed: TEXT arguments or --from FILE"),
    (["--from", "FILE"], b"", "holds no texts (it is empty or blank)"),
    (["--from", "FILE"], b"\n  \n", "holds no texts (it is empty or blank)"),
    (["--from", "FILE"], b"fine\nbad \xff byte\n", "line 2: not valid UTF-8"),
    (["--from", "FILE"], b"fine\nnul\x00here\n", "text 2 contains a NUL byte"),
    (["nul\x00here"], None, "the texts: text 1 contains a NUL byte"),
    (["bad \udcff"], None, "the texts: text 1 is not valid UTF-8"),
    (["  "], None, "the texts: text 1 is empty"),
    (["hi", "-o", "out.csv"], None, "must end in .parquet, .arrow or .feather"),
    (["hi", "--name", "../up"], None, "--name '../up' is not a safe name"),
    (["hi", "--name", "a/b"], None, "is not a safe name"),
    (["hi", "--name", ".hidden"], None, "is not a safe name"),
    (["hi", "--name", "glove-6b-50d"], None,
     "is reserved: it names the built-in word model (glove-6b-50d)"),
    (["hi", "--name", "SmolLM"], None,
     "is reserved: it names the built-in language model (smollm2-135m)"),
    (["hi", "--name", "glove-twitter-25"], None,
     "is reserved: it names a gensim-data catalogue model"),
    (["two\nlines", "--name", "x"], None, "text 1 spans several lines"),
])
def test_bad_input_is_one_line_and_leaves_nothing(runner, tmp_path, counted, args, content,
                                                  message):
    path = tmp_path / "texts.txt"
    if content is not None:
        path.write_bytes(content)
    result = embed(runner, *[str(path) if arg == "FILE" else arg for arg in args])
    assert result.exit_code in (1, 2)
    assert result.stderr.startswith("Error: ") and len(result.stderr.splitlines()) == 1
    assert message in result.stderr
    assert counted == []
    assert not (cache_root() / "spaces").exists()


def test_a_missing_file_is_one_line(runner, tmp_path):
    result = embed(runner, "--from", str(tmp_path / "nope.txt"))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: cannot read texts from {tmp_path / 'nope.txt'}")


@pytest.mark.parametrize(("model", "kind"), [("glove-6b-50d", "word model"),
                                           ("smollm", "language model")])
def test_a_model_that_is_not_an_encoder_is_a_usage_error(runner, model, kind):
    result = runner.invoke(app, ["embed", "hello", "-m", model])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert f"{model!r} is a {kind}, not a sentence encoder" in result.stderr


def test_ctrl_c_while_embedding_leaves_no_space_and_no_chunk(runner, monkeypatch):
    def interrupted(self, texts, batch_size=32):
        raise KeyboardInterrupt

    monkeypatch.setattr(Encoder, "encode", interrupted)
    result = embed(runner, *FAQ, "--name", "faq")
    assert result.exit_code == 130
    assert not (cache_root() / "spaces").exists()
    assert not list((cache_root() / "embeddings").rglob("*.npz"))


@pytest.fixture
def faq(runner, tmp_path):
    lines = tmp_path / "faq.txt"
    lines.write_text("\n".join([*FAQ, FAQ[0]]) + "\n")
    result = embed(runner, "--from", str(lines), "--name", "faq")
    assert result.exit_code == 0, result.output
    assert "1 duplicate text(s) left out of faq" in result.stderr
    assert "saved 4 text(s) as the space 'faq': use -m faq" in result.stderr
    return cache_root() / "spaces" / "faq"


def test_a_named_space_keeps_its_texts_stripped(runner):
    assert embed(runner, "  padded text  ", "--name", "pad").exit_code == 0
    assert (cache_root() / "spaces" / "pad" / "words.txt").read_text() == "padded text\n"


def test_a_named_space_records_its_encoder_and_texts(faq):
    meta = json.loads((faq / "meta.json").read_text())
    assert meta["name"] == "faq" and meta["count"] == 4
    assert meta["encoder"] == {"name": "tiny-bert", "builtin": False,
                               "directory": str(TINY_BERT.resolve())}
    assert (faq / "words.txt").read_text().splitlines() == FAQ


def test_every_command_opens_a_named_space(runner, faq, tmp_path):
    result = runner.invoke(app, ["neighbors", FAQ[0], "-m", "faq", "-n", "2", "--json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["model"] == "faq" and answer["terms"] == [{"word": FAQ[0], "weight": 1.0}]
    assert {n["word"] for n in answer["neighbors"]} <= set(FAQ[1:])
    result = runner.invoke(app, ["cluster", "-m", "faq", "--top", "4", "--json"])
    assert result.exit_code == 0, result.output
    page = tmp_path / "faq.html"
    result = runner.invoke(app, ["map", "-m", "faq", "--top", "4", "--html", str(page)])
    assert result.exit_code == 0, result.output
    assert all(text in page.read_text() for text in FAQ)  # hover shows the whole text
    # nothing chosen: a space of texts clusters and maps all of them (a word model asks)
    whole = json.loads(runner.invoke(app, ["cluster", "-m", "faq", "--k", "2", "--json"]).stdout)
    assert sorted(text for group in whole["clusters"] for text in group["members"]) == sorted(FAQ)
    assert runner.invoke(app, ["map", "-m", "faq", "--html", str(page)]).exit_code == 0
    asked = runner.invoke(app, ["cluster", "--k", "2"])
    assert asked.exit_code != 0 and "take the most frequent with --top N" in asked.stderr


def test_tables_shorten_long_texts_of_a_space(runner, tmp_path):
    long = [f"text number {i} " + "that keeps going and going " * 4 + "." for i in range(4)]
    assert embed(runner, *long, "--name", "long").exit_code == 0
    for args in (["neighbors", long[0], "-n", "2"], ["cluster", "--top", "4", "--k", "2"]):
        result = runner.invoke(app, [*args, "-m", "long"])
        assert result.exit_code == 0, result.output
        body = result.stdout.split("\n", 1)[1]  # the title repeats the query whole
        assert "…" in body and not any(text in body for text in long)


def test_the_models_listing_shows_named_spaces(runner, faq):
    result = runner.invoke(app, ["models", "--json"])
    cached = json.loads(result.stdout)["cached"]
    assert [(m["name"], m["words"], m["dims"]) for m in cached] == [("faq", 4, 8)]
    assert "embedded with tiny-bert" in cached[0]["source"]


def test_models_rm_removes_a_named_space(runner, faq):
    result = runner.invoke(app, ["models", "rm", "faq", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["removed"] == ["spaces/faq"]
    assert not faq.exists()
    assert runner.invoke(app, ["neighbors", FAQ[0], "-m", "faq"]).exit_code == 1


def test_a_named_space_is_rebuilt_with_new_texts(runner, faq):
    result = embed(runner, "just one", "--name", "faq")
    assert result.exit_code == 0, result.output
    assert (faq / "words.txt").read_text() == "just one\n"


def test_output_table_reads_back_and_opens_as_a_model(runner, tmp_path):
    lines = tmp_path / "faq.txt"
    lines.write_text("\n".join(FAQ) + "\n")
    for name in ("out.parquet", "out.arrow", "out.feather"):
        out = tmp_path / name
        result = embed(runner, "--from", str(lines), "-o", str(out))
        assert result.exit_code == 0, result.output
        assert not [path for path in tmp_path.iterdir() if path.name.startswith(".")]
        if name == "out.parquet":
            table = pq.read_table(out)
            assert str(table.schema.field("text").type) == "string"
            vector = table.schema.field("vector").type
            assert pa.types.is_fixed_size_list(vector) and vector.list_size == 8
            assert vector.value_type == pa.float32()
            assert table.column("text").to_pylist() == FAQ
            rows = np.array(table.column("vector").to_pylist(), dtype=np.float32)
            assert rows.tobytes() == Encoder.open(TINY_BERT).encode(FAQ).tobytes()
        result = runner.invoke(app, ["neighbors", FAQ[1], "-m", str(out), "-n", "1", "--json"])
        assert result.exit_code == 0, result.output
        vectors = Encoder.open(TINY_BERT).encode(FAQ).astype(np.float64)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        cosines = vectors @ vectors[1]
        cosines[1] = -np.inf
        nearest = json.loads(result.stdout)["neighbors"]
        assert [n["word"] for n in nearest] == [FAQ[int(np.argmax(cosines))]]
        assert nearest[0]["similarity"] == pytest.approx(np.max(cosines), abs=1e-6)


@pytest.mark.parametrize("argv", [
    ["hello", "a second text", "--json"], ["hello", "word " * 30], ["hi", "--from", "-"],
    ["hi", "--name", "bad/name"], ["nul\x00"],
])
def test_fast_path_and_typer_give_identical_output(runner, argv):
    import io
    import shutil

    from latentcli.cli.fastpath import fast_path
    from latentcli.environment import Environment

    stdin = "one\ntwo\n"
    stdout, stderr = io.StringIO(), io.StringIO()
    environment = Environment(stdout, stderr, stdin=io.StringIO(stdin))
    action = fast_path(["embed", *argv, "-m", str(TINY_BERT)], environment)
    assert action is not None
    code = environment.run(action)
    shutil.rmtree(cache_root() / "embeddings", ignore_errors=True)  # both doors embed afresh
    typer_result = embed(runner, *argv, stdin=stdin)
    assert (code, stdout.getvalue(), stderr.getvalue()) == (
        typer_result.exit_code, typer_result.stdout, typer_result.stderr)


def test_a_plain_embed_imports_neither_typer_nor_pyarrow(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "LATENT_CACHE_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "latentcli", "embed", "hello",
                           "-m", str(TINY_BERT), "--json"], env=env, capture_output=True,
                          text=True, check=True)
    imported = {line.rsplit("|", 1)[1].strip().split(".")[0]
                for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert not imported & {"typer", "pydantic", "pyarrow", "rich", "torch"}
    assert json.loads(done.stdout)["text"] == "hello"


def _text_whose_key_ends(in_byte: int, count: int = 2) -> list[str]:
    """Texts whose store key (for TINY_BERT) ends in ``in_byte``, found by trying lines."""
    from latentcli.store.vector_cache import _store, text_key

    _, identity = _store(choice_of(TINY_BERT))
    found = [f"line {i}" for i in range(20_000) if text_key(identity, f"line {i}")[-1] == in_byte]
    assert len(found) >= count
    return found[:count]


def test_keys_ending_in_nul_bytes_are_found_again(runner, counted):
    texts = [*_text_whose_key_ends(0), "hello"]
    assert embed(runner, *texts).exit_code == 0
    result = embed(runner, *texts)
    assert result.exit_code == 0, result.output
    count = len(texts)
    assert f"{count} of {count} text(s) were in the cache; 0 embedded now" in result.stderr
    assert counted == texts  # encoded once, never again


def test_chunks_written_with_string_keys_still_read_back(runner, counted):
    """Chunks of earlier versions stored keys as numpy S32 (trailing NULs dropped): they are
    read back whole, the NUL-ended keys included."""
    from latentcli.store.vector_cache import _store, text_key

    texts = [*_text_whose_key_ends(0, 1), "hello"]
    store, identity = _store(choice_of(TINY_BERT))
    store.mkdir(parents=True)
    rows = Encoder.open(TINY_BERT).encode(texts)
    counted.clear()
    keys = [text_key(identity, text) for text in texts]
    np.savez(store / "old.npz", keys=np.array(keys, dtype="S32"), vectors=rows)
    result = embed(runner, *texts, "--json")
    assert result.exit_code == 0, result.output
    assert counted == []
    got = np.array([json.loads(line)["vector"] for line in result.stdout.splitlines()], np.float32)
    assert got.tobytes() == rows.tobytes()


def test_a_space_whose_encoder_was_deleted_names_the_space(runner, tmp_path):
    import shutil

    model = tmp_path / "my-encoder"
    shutil.copytree(TINY_BERT, model)
    assert embed(runner, *FAQ, "--name", "faq", model=model).exit_code == 0
    shutil.rmtree(model)
    known = runner.invoke(app, ["neighbors", FAQ[0], "-m", "faq", "-n", "2", "--json"])
    assert known.exit_code == 0, known.output  # a text of the space needs no encoder
    assert {n["word"] for n in json.loads(known.stdout)["neighbors"]} < set(FAQ[1:])
    result = runner.invoke(app, ["neighbors", "a new question", "-m", "faq"])
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert "the space 'faq' encodes new text with my-encoder" in result.stderr
    assert str(model) in result.stderr


@pytest.mark.parametrize("rival_texts", [["the other run's text"], FAQ])
def test_two_runs_saving_one_space_do_not_both_report_success(runner, monkeypatch, rival_texts):
    """Another ``embed --name race`` saves the space while this one embeds: this run fails
    (the space keeps the other's texts) unless the other saved the very same texts."""
    from latentcli.store.named_spaces import save_space, space_state

    original = Encoder.encode

    def rival_finishes_first(self, texts, batch_size=32):
        save_space("race", rival_texts, original(self, rival_texts), choice_of(TINY_BERT),
                   space_state("race"))
        return original(self, texts, batch_size)

    monkeypatch.setattr(Encoder, "encode", rival_finishes_first)
    result = embed(runner, *FAQ, "--name", "race")
    words = (cache_root() / "spaces" / "race" / "words.txt").read_text().splitlines()
    assert words == rival_texts
    if rival_texts == FAQ:
        assert result.exit_code == 0, result.output
    else:
        assert result.exit_code == 1 and result.stderr.count("\n") == 1
        assert "another run saved the space 'race' while this one was embedding" in result.stderr
        assert "saved" not in result.stdout
    assert not [path for path in (cache_root() / "spaces").iterdir()
                if path.name.startswith(".")]


@pytest.mark.parametrize(("where", "reason"), [
    ("a-folder.parquet", "it is a directory"),
    ("missing/out.parquet", "the folder {tmp}/missing does not exist"),
    ("a-file.txt/out.arrow", "Not a directory"),
])
def test_an_unwritable_output_names_the_users_path(runner, tmp_path, where, reason):
    (tmp_path / "a-folder.parquet").mkdir()
    (tmp_path / "a-file.txt").write_text("a file, not a folder")
    result = embed(runner, "hello", "-o", str(tmp_path / where))
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"Error: cannot write {tmp_path / where}: "
                                    f"{reason.format(tmp=tmp_path)}"), result.stderr
    assert ".partial" not in result.stderr
    assert not [path for path in tmp_path.rglob(".*")]


@pytest.mark.parametrize("dangling", [False, True])
def test_output_through_a_symlink_writes_the_file_it_points_to(runner, tmp_path, dangling):
    target = tmp_path / "real" / "out.parquet"
    target.parent.mkdir()
    if not dangling:
        target.write_bytes(b"an older table")
    link = tmp_path / "link.parquet"
    link.symlink_to(target)
    result = embed(runner, "hello", "-o", str(link))
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and link.resolve() == target
    assert pq.read_table(target).column("text").to_pylist() == ["hello"]
