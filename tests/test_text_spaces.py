"""Transformer spaces: candidates embedded once and cached, texts encoded on the fly, every
command unchanged, `latent context`, and bad model directories or texts as one error line."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from encoder_files import TINY_BERT, TINY_MPNET, choice_of, copy_model, fetched_builtin
from latentcli.cli.app import app
from latentcli.store.paths import cache_root

CANDIDATES = "60"  # --limit: the first 60 candidate words keep every test fast


@pytest.fixture(autouse=True)
def _glove_in_cache(default_cache: Path) -> None:
    """The candidates come from GloVe: link the session's converted copy into this test's cache."""
    models = cache_root() / "models"
    models.mkdir(parents=True, exist_ok=True)
    (models / "glove-6b-50d").symlink_to(default_cache / "models" / "glove-6b-50d")


def run(runner, *args: str, ok: bool = True):  # type: ignore[no-untyped-def]
    result = runner.invoke(app, list(args))
    assert (result.exit_code == 0) == ok, result.output
    return result


def as_json(runner, *args: str):  # type: ignore[no-untyped-def]
    return json.loads(run(runner, *args, "--json").stdout)


def problems(stderr: str) -> list[str]:
    """stderr without its notes (the first use says it embeds the candidates)."""
    return [line for line in stderr.splitlines() if not line.startswith("Note: ")]


def entries() -> list[str]:
    return sorted(path.name for path in (cache_root() / "models").iterdir())


def test_candidates_are_glove_words_with_a_letter_or_digit_embedded_once(runner):
    from latentcli.environment import Environment
    from latentcli.store.resolve import open_space

    space = open_space(str(TINY_BERT), Environment(), limit=60)
    words = [space.word(row) for row in range(len(space))]
    assert len(words) == 60 and words[:3] == ["the", "of", "to"]
    assert all(any(char.isalnum() for char in word) for word in words)
    assert "," not in words and "." not in words
    built = [name for name in entries() if name.startswith("tiny-bert-")]
    assert len(built) == 1
    vectors = cache_root() / "models" / built[0] / "vectors.npy"
    stamp = vectors.stat().st_mtime_ns
    open_space(str(TINY_BERT), Environment(), limit=60)
    assert vectors.stat().st_mtime_ns == stamp  # reused, not embedded again


def test_the_key_follows_the_word_list_and_the_weights(runner, tmp_path):
    model = copy_model(TINY_BERT, tmp_path / "m")
    run(runner, "neighbors", "the", "-m", str(model), "--limit", CANDIDATES)
    run(runner, "neighbors", "the", "-m", str(model), "--limit", "50")
    assert len([name for name in entries() if name.startswith("m-")]) == 2
    weights = model / "model.safetensors"
    weights.write_bytes(weights.read_bytes())  # same bytes, new modification time
    run(runner, "neighbors", "the", "-m", str(model), "--limit", "50")
    assert len([name for name in entries() if name.startswith("m-")]) == 3


def test_a_killed_embedding_leaves_no_entry(runner, monkeypatch):
    from latentcli.store import encoder_spaces

    def interrupted(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    monkeypatch.setattr(encoder_spaces, "embed", interrupted)
    with pytest.raises(KeyboardInterrupt):
        from latentcli.environment import Environment
        from latentcli.store.resolve import open_space

        open_space(str(TINY_BERT), Environment(), limit=60)
    assert entries() == ["glove-6b-50d"]


def test_phrases_and_sentences_are_encoded_and_answered_with_words(runner):
    doc = as_json(runner, "neighbors", "a small green amphibian", "-m", str(TINY_BERT),
                  "--limit", CANDIDATES, "-n", "3")
    assert doc["terms"] == [{"word": "a small green amphibian", "weight": 1.0}]
    assert len(doc["neighbors"]) == 3 and doc["subword_words"] == []
    assert "encoded it as text" in doc["notes"][0]
    matrix = as_json(runner, "similarity", "I love this film", "What a great movie",
                     "The invoice is overdue", "-m", str(TINY_MPNET), "--limit", CANDIDATES)
    assert len(matrix["matrix"]) == 3 and matrix["matrix"][0][0] == pytest.approx(1.0)


def test_an_expression_is_a_sum_of_candidates_and_encoded_terms(runner):
    doc = as_json(runner, "analogy", "the", "-", "of", "+", "zebra", "-m", str(TINY_BERT),
                  "--limit", CANDIDATES, "-n", "2")
    assert [term["word"] for term in doc["terms"]] == ["the", "of", "zebra"]
    assert doc["excluded"] == ["the", "of", "zebra"]
    assert all(result["word"] not in ("the", "of") for result in doc["results"])


def _answer(doc):  # type: ignore[no-untyped-def]
    """What a structure or direction command's JSON answers: its words in order, its numbers."""
    if "clusters" in doc:
        return sorted(sorted(c["members"]) for c in doc["clusters"]), [doc["silhouette"]]
    if "steps" in doc:
        return ([[n["word"] for n in step["neighbors"]] for step in doc["steps"]],
                [n["similarity"] for step in doc["steps"] for n in step["neighbors"]])
    listed = doc["ranked"] if "ranked" in doc else doc["words"]
    return ([doc.get("odd"), *(item["word"] for item in listed)],
            [item.get("similarity", item.get("projection")) for item in listed])


@pytest.mark.parametrize("argv", [
    ["cluster", "the", "of", "and", "to", "in", "for"],
    ["axis", "the", "of"],
    ["steer", "the", "--toward", "of"],
    ["odd", "the", "of", "and", "a small frog"],
])
def test_structure_and_direction_commands_answer_as_on_the_same_vectors(runner, tmp_path, argv):
    """On a transformer space these commands print what they print on a plain word space
    holding the same vectors: its embedded candidates, and the text it encodes on the fly."""
    from latentcli.environment import Environment
    from latentcli.store.entries import write_entry
    from latentcli.store.resolve import open_space

    doc = as_json(runner, *argv, "-m", str(TINY_BERT), "--limit", CANDIDATES)
    space = open_space(str(TINY_BERT), Environment(), limit=int(CANDIDATES))
    texts = [space.encode_text(text) for text in argv if text == "a small frog"]
    plain = tmp_path / "plain"
    write_entry(plain, [*(space.word(row) for row in range(len(space))),
                        *(text.word for text in texts)],
                np.vstack([space.vectors * space.norms[:, np.newaxis],
                           *(text.unit * text.norm for text in texts)]),
                {"name": "plain", "source": {}})
    words, numbers = _answer(doc)
    same_words, same_numbers = _answer(as_json(runner, *argv, "-m", str(plain)))
    assert len(words) > 1 and numbers
    assert words == same_words
    assert numbers == pytest.approx(same_numbers, abs=1e-6)


def test_context_reports_each_use_the_cosines_and_the_static_view(runner):
    doc = as_json(runner, "context", "Bank", "We sat on the bank of the river",
                  "I opened an account at the BANK", "-m", str(TINY_BERT),
                  "--limit", CANDIDATES, "-n", "3")
    assert doc["word"] == "Bank" and doc["static_model"] == "glove-6b-50d"
    first, second = doc["contexts"]
    assert (first["start"], first["end"]) == (14, 18)
    assert (second["start"], second["end"]) == (27, 31)
    assert first["pieces"] and len(first["neighbors"]) == 3
    assert doc["similarity"][0][0] == pytest.approx(1.0)
    assert doc["similarity"][0][1] == pytest.approx(doc["similarity"][1][0])
    assert [n["word"] for n in doc["static_neighbors"]][:1] == ["banks"]


@pytest.mark.parametrize(("sentences", "message"), [
    (["the river bank", "a sentence without it"], "'bank' does not occur in the sentence "
                                                  "'a sentence without it'"),
    (["the river bank", "the bank\x00 of"], "contains a NUL byte"),
    (["the river bank", "the bank \udcff"], "is not valid UTF-8"),
    (["the river bank"], "at least two sentences"),
])
def test_context_refuses_bad_sentences_in_one_line(runner, sentences, message):
    result = run(runner, "context", "bank", *sentences, "-m", str(TINY_BERT), "--limit",
                 CANDIDATES, ok=False)
    assert len(problems(result.stderr)) == 1 and message in result.stderr, result.stderr


def test_encoded_texts_are_checked(runner):
    result = run(runner, "neighbors", "bad \x00 text", "-m", str(TINY_BERT), "--limit",
                 CANDIDATES, ok=False)
    assert "contains a NUL byte" in result.stderr and len(problems(result.stderr)) == 1


def test_context_needs_a_transformer(runner):
    result = run(runner, "context", "bank", "a bank", "the bank", "-m", "glove-6b-50d", ok=False)
    assert "word-vector model" in result.stderr


def _unsupported(model: Path) -> str:
    config = json.loads((model / "config.json").read_text())
    config["model_type"] = "xlm-roberta"
    (model / "config.json").write_text(json.dumps(config))
    return str(model / "config.json")


def _no_weights(model: Path) -> str:
    (model / "model.safetensors").unlink()
    return "no model.safetensors"


def _garbled(model: Path) -> str:
    weights = model / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:-100])
    return str(weights)


def _other_tokenizer(model: Path) -> str:
    (model / "tokenizer.json").write_bytes((TINY_MPNET / "tokenizer.json").read_bytes())
    spec = json.loads((model / "tokenizer.json").read_text())
    spec["model"]["vocab"]["extra"] = len(spec["model"]["vocab"]) + 10
    (model / "tokenizer.json").write_text(json.dumps(spec))
    return str(model / "tokenizer.json")


@pytest.mark.parametrize("breaks", [_unsupported, _no_weights, _garbled, _other_tokenizer])
def test_a_broken_model_directory_is_one_error_line_and_no_entry(runner, tmp_path, breaks):
    model = copy_model(TINY_BERT, tmp_path / "m")
    named = breaks(model)
    result = run(runner, "neighbors", "the", "-m", str(model), "--limit", CANDIDATES, ok=False)
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert named in result.stderr, result.stderr
    assert entries() == ["glove-6b-50d"]
    assert not list((cache_root() / "models").glob(".*"))


def test_a_hugging_face_cache_snapshot_is_named_after_its_repository(runner, tmp_path):
    repository = tmp_path / "models--someone--tiny-encoder"
    copy_model(TINY_BERT, repository / "snapshots" / "0123abcd")
    (repository / "refs").mkdir()
    (repository / "refs" / "main").write_text("0123abcd")
    for model in (repository, repository / "snapshots" / "0123abcd"):
        doc = as_json(runner, "neighbors", "the", "-m", str(model), "--limit", CANDIDATES)
        assert doc["model"] == "tiny-encoder"


def test_explaining_a_phrase_says_it_was_encoded(runner):
    doc = as_json(runner, "explain", "a small frog", "-m", str(TINY_BERT), "--limit", CANDIDATES)
    assert doc["encoded"] is True and doc["rank"] is None
    text = run(runner, "explain", "a small frog", "-m", str(TINY_BERT), "--limit",
               CANDIDATES).stdout
    assert "encoded it as text" in text and "n-grams" not in text


def test_the_api_opens_a_transformer_and_compares_contexts():
    import latentcli

    model = latentcli.open(str(TINY_BERT), limit=60)
    result = model.context("bank", "the river bank", "a loan from the bank", top=2)
    assert result.to_dict() == model.context("bank", "the river bank", "a loan from the bank",
                                             top=2).to_dict()
    assert len(result.contexts) == 2 and result.model == "tiny-bert"
    assert model.neighbors("a small green amphibian", 2).neighbors


@pytest.mark.parametrize("name", ["minilm", "MiniLM", "all-minilm-l6-v2", "all-MiniLM-L6-v2",
                                  "glove-6b-50d", "GloVe-6B-50d", "glove-wiki-gigaword-100"])
def test_a_space_cannot_take_a_model_or_encoder_name(runner, name):
    result = run(runner, "embed", "hello there", "-m", str(TINY_BERT), "--name", name, ok=False)
    assert result.exit_code == 2 and "is reserved: it names" in result.stderr
    assert not (cache_root() / "spaces").exists()


def test_encoder_names_come_before_spaces_and_rm_removes_what_it_says(runner, tmp_path):
    """A space saved under an encoder alias by an earlier version: ``-m minilm`` still means the
    encoder, ``models rm minilm`` removes the encoder and its candidates (not the space), and
    the space stays reachable by its key."""

    from latentcli.store.named_spaces import save_space, space_state

    save_space("minilm", ["hello there"], np.ones((1, 8), np.float32), choice_of(TINY_BERT),
               space_state("minilm"))
    builtin = fetched_builtin()
    doc = as_json(runner, "neighbors", "the", "-m", "minilm", "--limit", CANDIDATES)
    assert doc["model"] == "all-minilm-l6-v2" and len(doc["neighbors"]) == 10
    candidates = [name for name in entries() if name.startswith("all-minilm-l6-v2-")]
    assert len(candidates) == 1
    removed = as_json(runner, "models", "rm", "minilm")["removed"]
    assert removed == ["encoders/all-minilm-l6-v2", *candidates]
    assert entries() == ["glove-6b-50d"] and not builtin.exists()
    assert (cache_root() / "spaces" / "minilm" / "meta.json").is_file()
    assert as_json(runner, "models", "rm", "spaces/minilm")["removed"] == ["spaces/minilm"]
    assert not (cache_root() / "spaces" / "minilm").exists()


@pytest.fixture
def read_only_cache(monkeypatch):  # type: ignore[no-untyped-def]
    """The cache made read-only once the built-in encoder is fetched (a shared or mounted cache).
    Root writes anywhere, so for root creating directories in it fails as it would for a user."""
    import errno
    import os
    import stat

    fetched_builtin()
    root = cache_root()
    for folder in (root, root / "models", root / "encoders"):
        folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    if os.geteuid() == 0:
        real = Path.mkdir

        def refuse(path, *args, **kwargs):  # type: ignore[no-untyped-def]
            if root in path.parents and not path.exists():
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
            return real(path, *args, **kwargs)

        monkeypatch.setattr(Path, "mkdir", refuse)
    yield root
    for folder in (root, root / "models", root / "encoders"):
        folder.chmod(stat.S_IRWXU)


@pytest.mark.parametrize("args", [
    ["cluster", "king", "queen", "man", "woman", "apple", "banana", "cherry", "--k", "2"],
    ["explain", "--section", "math"],
    ["map", "king", "queen", "man", "woman", "apple", "banana", "cherry"],
])
def test_a_read_only_cache_names_groups_in_space(runner, read_only_cache, args):
    result = run(runner, *args)
    assert "groups are named from glove-6b-50d's own words" in result.stderr
    assert "cannot write the model cache" in result.stderr
    assert not [path for path in read_only_cache.rglob(".*")]  # nothing half-written


def test_a_read_only_cache_is_reported_before_any_embedding(runner, read_only_cache,
                                                            monkeypatch):
    from latentcli.store import encoder_spaces

    def never(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("embedded candidates it could not store")

    monkeypatch.setattr(encoder_spaces, "embed", never)
    result = run(runner, "neighbors", "the", "-m", "minilm", ok=False)
    assert result.stderr.startswith("Error: cannot write the model cache in")
    assert result.stderr.count("\n") == 1


def test_candidates_embedded_on_several_processes_equal_one_process(monkeypatch):
    """Chunks spread over forked workers come back in order, as one process computes them."""
    import numpy as np

    from latentcli.networks.encoder import parallel
    from latentcli.networks.encoder.encoder import Encoder

    monkeypatch.setattr(parallel, "CHUNK", 40)  # several chunks from a few words
    encoder = Encoder.open(TINY_BERT)
    texts = [f"word{number} and more" if number % 7 else f"w{number}" for number in range(170)]
    seen: list[int] = []
    together = parallel.encode_many(encoder, texts, workers=2, done=seen.append)
    np.testing.assert_allclose(together, encoder.encode(texts), atol=1e-6)
    assert sorted(seen) == seen and seen[-1] == len(texts) and len(seen) == 5


def test_the_first_embedding_is_said_on_stderr_when_piped(runner):
    result = run(runner, "neighbors", "the", "-m", str(TINY_BERT), "--limit", CANDIDATES)
    assert f"Note: embedding {CANDIDATES} candidate words once with tiny-bert (" in result.stderr
    again = run(runner, "neighbors", "the", "-m", str(TINY_BERT), "--limit", CANDIDATES)
    assert "embedding" not in again.stderr  # read from the cache


KILLED_PARENT = """
import os, sys, time
from latentcli.networks.encoder import parallel
from latentcli.networks.encoder.encoder import Encoder

class Stuck(Encoder):
    def encode(self, texts, batch_size=32):
        os.write(1, f"{os.getpid()}\\n".encode())  # one write: two workers never interleave
        time.sleep(120)

encoder = Encoder.open(sys.argv[1])
encoder.__class__ = Stuck
parallel.CHUNK = 1
parallel.encode_many(encoder, ["a", "b"], workers=2)
"""


def test_workers_end_when_their_parent_is_killed_outright():
    """SIGKILL leaves no parent to shut the pool down: each worker notices and ends."""
    import os
    import signal
    import subprocess
    import sys
    import time

    parent = subprocess.Popen([sys.executable, "-c", KILLED_PARENT, str(TINY_BERT)],
                              stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    workers = [int(parent.stdout.readline()) for _ in range(2)]
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 30

    def alive(pid: int) -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii") as stat:  # a zombie, not reaped yet?
                return stat.read().split(") ")[1][0] != "Z"
        except FileNotFoundError:  # gone since
            return False

    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(alive(pid) for pid in workers)
