"""The language model at run time against hostile use (issue 24): a long word, a long prompt,
damaged weights, steering in a chat, the token space, many pairs, a tiny temperature.

Each test names the issue's problem it holds (A1, A5, A7, B10, B11, B12, F, zero layers).
"""

from __future__ import annotations

import itertools
import json
import random
import shutil
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from conftest import one_error_line
from decoder_files import TINY_GGUF, TINY_LLAMA3_GGUF, TOLERANCE, write_gguf
from latentcli.analysis import steering as steering_module
from latentcli.analysis.generation import generate
from latentcli.analysis.lens import lens
from latentcli.analysis.steering import SteeringChoice, SteeringVector, steer_vector
from latentcli.cli.app import app
from latentcli.environment import Environment
from latentcli.errors import UsageError
from latentcli.networks.arrays import Array
from latentcli.networks.decoder import tokenizer as tokenizer_module
from latentcli.networks.decoder.bpe import merge
from latentcli.networks.decoder.decoder import Decoder, Sampling
from latentcli.networks.decoder.hooks import HookPoint
from latentcli.networks.decoder.network import DamagedModel
from latentcli.networks.decoder.tokenizer import Tokenizer, TooManyTokens, byte_alphabet
from latentcli.networks.decoder.weights import MODEL_FILE, WEIGHTS_FILE
from latentcli.store.artifacts import DAMAGED_FILE, META_FILE
from latentcli.store.paths import cache_root
from latentcli.store.resolve import resolve

TINY = str(TINY_GGUF)
CONTEXT = "tiny-llama.gguf reads at most 256 (its context)"  # the one message's end
LONG = "The cat sat on the mat. " * 60  # several hundred tokens: past the tiny context of 256


def opened(path: str | Path) -> Decoder:
    return resolve(str(path)).open_decoder(Environment())


@pytest.fixture
def tiny() -> Decoder:
    return opened(TINY_GGUF)


def run(*argv: str) -> Any:
    return CliRunner().invoke(app, list(argv))


# B10: byte-pair merging in O(n log n), with the ids of the quadratic rescan it replaced


def rescanned(tokenizer: Tokenizer, parts: list[str]) -> list[str]:
    """Merging as it was done before (and as tokenizers defines it): the lowest-ranked pair,
    the leftmost of equal ones, found by rescanning after every merge."""
    parts = list(parts)
    while len(parts) > 1:
        ranked = [(tokenizer.ranks[f"{a} {b}"], i) for i, (a, b) in
                  enumerate(itertools.pairwise(parts))
                  if f"{a} {b}" in tokenizer.ranks]
        if not ranked:
            break
        _, i = min(ranked)
        parts[i : i + 2] = [parts[i] + parts[i + 1]]
    return parts


def runs_vocabulary() -> Tokenizer:
    """Bytes, and merges that make runs of a and b in several competing ways."""
    merges = ["a a", "aa a", "a b", "aa aa", "b a", "ab a", "aaaa aaaa", "b b", "aab b", "aa b",
              "aaa a", "bb bb", "ab ab"]
    made = [merge.replace(" ", "") for merge in merges]
    tokens = [*byte_alphabet().values(), *dict.fromkeys(made)]
    return Tokenizer({"tokens": tokens, "types": [1] * len(tokens), "merges": merges,
                      "pre": "gpt2"})


def test_merging_with_a_heap_gives_what_rescanning_gave() -> None:
    """B10: the same merges on random runs of competing pairs, short and long (the committed
    expectations of test_decoder_tokenizer.py hold the ids against tokenizers itself)."""
    tokenizer = runs_vocabulary()
    rng = random.Random(24)
    for _ in range(400):
        parts = [rng.choice("ab") * rng.choice((1, 1, 2, 5)) for _ in range(rng.randint(1, 40))]
        symbols = list("".join(parts))
        assert merged(tokenizer, symbols) == rescanned(tokenizer, symbols), "".join(parts)
    for count in (999, 1000, 1001):
        assert merged(tokenizer, list("a" * count)) == rescanned(tokenizer, list("a" * count))


def merged(tokenizer: Tokenizer, symbols: list[str]) -> list[str]:
    """``symbols`` merged by the tokenizers' one merge step with ``tokenizer``'s ranks."""
    return merge(symbols, lambda a, b: tokenizer.ranks.get(f"{a} {b}"))


class CountingRanks(dict[str, int]):
    lookups = 0

    def get(self, key: str, default: Any = None) -> Any:
        CountingRanks.lookups += 1
        return super().get(key, default)


@pytest.mark.parametrize("letters", ["a", "ab"])
def test_a_long_word_costs_a_few_rank_lookups_per_symbol(letters: str) -> None:
    """B10: merging a word of n symbols looks up O(n) pairs (each merge makes two new ones)
    where rescanning after every merge looked up O(n²): 8,000 'a' cost 10.7 s."""
    tokenizer = runs_vocabulary()
    tokenizer.ranks = CountingRanks(tokenizer.ranks)
    for count in (2_000, 16_000):
        CountingRanks.lookups = 0
        word = (letters * count)[:count]
        tokenizer.encode(word)
        assert CountingRanks.lookups <= 3 * count, (count, CountingRanks.lookups)


def test_a_text_past_the_limit_is_refused_before_its_work_grows(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """B10: the work is bounded by the limit, not the text: a text longer than the longest
    tokens could cover in ``limit`` is refused before any merge; another is merged no further
    than a piece past the limit."""
    tokenizer = runs_vocabulary()
    merged: list[str] = []
    monkeypatch.setattr(tokenizer, "_piece", lambda piece: merged.append(piece) or [0])
    with pytest.raises(TooManyTokens, match="more than 100 tokens"):
        tokenizer.encode("a" * 1_000_000, limit=100)
    assert merged == []
    with pytest.raises(TooManyTokens):
        tokenizer.encode(" ab" * 200, limit=80)  # 200 pieces, within the first bound
    assert len(merged) == 81


def test_a_million_character_prompt_is_refused_by_every_surface(
        tiny: Decoder, monkeypatch: pytest.MonkeyPatch) -> None:
    """B10/B11: refused from its length alone, nothing merged."""
    monkeypatch.setattr(tokenizer_module, "merge", lambda parts, rank: pytest.fail("merged"))
    prompt = "a" * 1_000_000
    for call in (lambda: generate(tiny, prompt, 4, Sampling()),
                 lambda: lens(tiny, prompt)):
        with pytest.raises(UsageError) as refused:
            call()
        assert str(refused.value) == ("the prompt is more than 256 tokens and tiny-llama.gguf "
                                      "reads at most 256 (its context)")


# B11: every surface refuses past the context, with one message


@pytest.mark.parametrize("argv", [
    ["lens", LONG],
    ["generate", LONG],
    ["generate", "The cat", "--steer", f"{LONG}:{LONG}"],
    ["generate", "The cat", "--steer", "I love:I hate", "--chat", "--max-tokens", "250"],
])
def test_every_surface_refuses_past_the_context_with_one_message(argv: list[str]) -> None:
    error = one_error_line(run(*argv, "-m", TINY))
    assert CONTEXT in error


def test_a_pairs_file_with_a_line_past_the_context_is_refused(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.txt"
    pairs.write_text(f"I love:I hate\n{LONG}:I hate {LONG}\n", "utf-8")
    error = one_error_line(run("generate", "The cat", "--pairs", str(pairs), "-m", TINY))
    assert "the steering text 'The cat sat on the mat. The cat sat on the mat. The cat sat on " \
           "the mat. The cat…' is more than 256 tokens" in error and CONTEXT in error


def test_a_default_max_tokens_shrinks_to_the_room_the_prompt_leaves(tiny: Decoder) -> None:
    from latentcli.core.counts import Default

    prompt = "The cat sat on the mat. " * 30
    used = len(tiny.prompt_ids(prompt))
    assert 200 < used < 256
    written = generate(tiny, prompt, Default(256), Sampling())
    assert len(written.continuation.token_ids) <= 256 - used
    with pytest.raises(UsageError, match=f"max_tokens must be at most {256 - used} after this "
                                         f"prompt: it is {used} tokens"):
        generate(tiny, prompt, 256, Sampling())


# A1: damaged weights are found by the run-time check or the sample, and converted again


def damaged_copy(tiny: Decoder, tmp_path: Path, tensor: str) -> Path:
    """A copy of the tiny conversion with one value of ``tensor`` made NaN."""
    copy = Path(shutil.copytree(tiny.weights.directory, tmp_path / "copy"))
    entry = json.loads((copy / MODEL_FILE).read_text("utf-8"))["tensors"][tensor]
    weights = np.memmap(copy / WEIGHTS_FILE, dtype=np.float32, mode="r+")
    weights[entry["offset"] // 4 + 5] = np.nan
    weights.flush()
    return copy


def test_a_nan_in_the_weights_is_damage_reported_once(tiny: Decoder, tmp_path: Path) -> None:
    marked: list[str] = []
    model = Decoder.open(damaged_copy(tiny, tmp_path, "blk.1.attn_q.weight"), "copy",
                         on_damage=lambda: marked.append("marked"))
    with pytest.raises(DamagedModel) as found:
        model.network.forward([tiny.tokenizer.encode("The cat")])
    assert str(found.value) == ("the converted model copy is damaged: its residual stream "
                                "holds values that are not finite numbers; it will be converted "
                                "again on the next run")
    assert marked == ["marked"]
    with pytest.raises(DamagedModel, match="convert it again"):  # no store to tell
        Decoder.open(model.weights.directory, "copy").network.forward([[1, 2]])


def test_a_hook_is_blamed_for_what_it_writes_not_the_model(tiny: Decoder) -> None:
    ids = [tiny.tokenizer.encode("The cat")]
    blamed = []
    tiny.network.on_damage = lambda: blamed.append("model")

    def nan(x: Array, point: HookPoint) -> Array:
        return x * np.float32(np.nan)

    def huge(x: Array, point: HookPoint) -> Array:
        return np.full_like(x, np.finfo(np.float32).max)  # finite: twice, it is not

    with pytest.raises(UsageError, match=r"the hook on blocks\.0\.attn_out returned values "
                                         "that are not finite numbers"):
        tiny.network.forward(ids, hooks={"blocks.0.attn_out": nan})
    with pytest.raises(UsageError, match=r"the residual stream holds values that are not "
                                         r"finite numbers after the hook on blocks\.0\.attn_out "
                                         "replaced its activation"):
        tiny.network.forward(ids, hooks={"blocks.0.attn_out": huge, "blocks.0.mlp_out": huge})
    assert blamed == []


def test_damaged_weights_are_noticed_and_converted_again(tmp_path: Path) -> None:
    """A1 end to end: zeroed weights (finite garbage) differ in the sample meta.json holds, so
    the next open converts again; NaN in a conversion without a sample (one written before it
    was kept) is found by the forward pass, reported, marked, and converted on the next run."""
    gguf = Path(shutil.copy(TINY_GGUF, tmp_path / "mine.gguf"))
    first = run("generate", "The", "-m", str(gguf), "--json")
    [entry] = (cache_root() / "language").iterdir()
    weights = entry / WEIGHTS_FILE
    with weights.open("r+b") as data:
        data.write(bytes(weights.stat().st_size // 3))
    zeroed = run("generate", "The", "-m", str(gguf), "--json")
    assert zeroed.stdout == first.stdout
    assert "weights.f32 was changed since it was written (a sample of it differs)" in \
        zeroed.stderr
    meta = json.loads((entry / META_FILE).read_text("utf-8"))
    del meta["samples"]
    (entry / META_FILE).write_text(json.dumps(meta), "utf-8")
    with weights.open("r+b") as data:
        data.seek(weights.stat().st_size // 2)
        data.write(b"\xff" * 4096)
    error = one_error_line(run("generate", "The", "-m", str(gguf), "--json"))
    assert error == ("Error: the converted model mine.gguf is damaged: its residual stream holds "
                     "values that are not finite numbers; it will be converted again on the next "
                     "run\n")
    assert (entry / DAMAGED_FILE).exists()
    again = run("generate", "The", "-m", str(gguf), "--json")
    assert again.stdout == first.stdout and "it is marked as damaged" in again.stderr
    assert not (entry / DAMAGED_FILE).exists()


def test_steering_refuses_a_vector_that_is_not_finite_or_steers_nowhere(tiny: Decoder) -> None:
    with pytest.raises(UsageError, match="steering vector holds values that are not finite"):
        SteeringVector(0, np.array([np.nan, 1.0], dtype=np.float32))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for strength in (float("nan"), 1e39):
            with pytest.raises(UsageError, match="not finite"):
                steer_vector(tiny, [("I love", "I hate")], "actadd", 0, strength)
    for method in ("actadd", "mean"):
        with pytest.raises(UsageError, match="no direction to steer along"):
            steer_vector(tiny, [("I love", "I love")], method, 1, 4.0)


# A5: ActAdd in a chat steers the user's words, and says where


def user_start(model: Decoder, prompt: str, chat: bool) -> int:
    """Where the user's text starts in the steered prompt, found by searching for its ids."""
    ids = model.prompt_ids(prompt, chat, sink=True)
    own = model.tokenizer.encode(prompt)[int(model.tokenizer.add_bos):]
    return next(i for i in range(len(ids)) if ids[i : i + len(own)] == own)


@pytest.mark.parametrize("gguf", [TINY_GGUF, TINY_LLAMA3_GGUF])
def test_actadd_in_a_chat_is_added_to_the_users_words(gguf: Path) -> None:
    model = opened(gguf)
    prompt, pair = "The cat sat on the mat", ("I love", "I hate")
    for chat in (False, True):
        written = generate(model, prompt, 3, Sampling(), chat, SteeringChoice((pair,)))
        assert written.steering is not None
        start = written.steering.start
        assert start == user_start(model, prompt, chat)
        assert (start == 1) is (not chat)
        ids = list(written.prompt_token_ids)
        layer = written.steering.layer
        steer = steer_vector(model, [pair], "actadd", layer, 8.0, start)
        name = f"blocks.{layer}.resid_pre"
        _, plain = model.network.run_with_cache([ids], [name])
        _, steered = model.network.run_with_cache([ids], [name], steer.hooks())
        changed = np.flatnonzero(np.abs(steered[name][0] - plain[name][0]).max(axis=1) > 0)
        rows = np.flatnonzero(np.abs(steer.vector).max(axis=1) > 0)  # "I" - "I" is no change
        assert changed.tolist() == (start + rows).tolist() and len(rows) > 0


@pytest.mark.network
def test_a_chat_changes_what_actadd_writes(smollm_cache: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The issue's case on SmolLM2: with the rows on the template's first tokens, steering
    toward love and toward hate wrote the same text."""
    monkeypatch.setenv("LATENT_CACHE_DIR", str(smollm_cache))
    model = resolve("smollm2-135m").open_decoder(Environment())
    texts = {generate(model, "Tell me about dogs", 40, Sampling(), True,
                      SteeringChoice((pair,))).continuation.text
             for pair in (("I love", "I hate"), ("I hate", "I love"))}
    assert len(texts) == 2


# A7: the token space has no frequency order, and every token one distinct readable form


def test_every_token_reads_distinctly() -> None:
    """A byte of a character is written as its byte, not as the GPT-2 letter standing for it
    ('¢' was both byte 0xA2 and the character); a token after a space that starts with '#'
    keeps its Ġ, so that '##' (a piece) is '####' and ' ####' is 'Ġ####'."""
    alphabet = byte_alphabet()
    spell = lambda text: "".join(alphabet[b] for b in text.encode("utf-8"))  # noqa: E731
    extra = [spell(t) for t in ("¢", " ¢", "##", " ##", " ####", "####", " #", " king", "king",
                                "\n\n")]  # and the bytes, '#' among them
    tokens = [*alphabet.values(), *extra, "<|endoftext|>"]
    tokenizer = Tokenizer({"tokens": tokens, "types": [1] * (len(tokens) - 1) + [3],
                           "merges": [], "pre": "gpt2"})
    readable = [tokenizer.readable(i) for i in range(len(tokens))]
    words = tokenizer.words()
    assert len(set(readable)) == len(set(words)) == len(tokens)
    by_token = dict(zip(tokens, words, strict=True))
    assert readable[tokens.index(alphabet[0xA2])] == by_token[alphabet[0xA2]] == "<0xA2>"
    assert [by_token[spell(t)] for t in ("¢", " ¢", "##", " ##", " ####", "#", " king", "king",
                                         "\n\n")] == [
        "##¢", "¢", "####", "Ġ##", "Ġ####", "###", "king", "##king", "ĊĊ"]
    assert by_token["<|endoftext|>"] == "<|endoftext|>"
    assert not [w for i, w in enumerate(words) if w.endswith(f"#{i}")]  # no id was needed


def test_the_token_space_puts_lower_case_words_first_and_says_why() -> None:
    from latentcli.store.language_models import load_tokens

    model = opened(TINY_GGUF)
    loaded = load_tokens(model, "tiny")
    tokenizer = model.tokenizer
    ids = {word: i for i, word in enumerate(tokenizer.words())}
    order = [ids[word] for word in loaded.words]
    np.testing.assert_array_equal(loaded.matrix, model.network.embedding[order])
    lower = [i for i in range(len(tokenizer.tokens)) if (text := tokenizer.readable(i))[0] == " "
             and len(text) > 2 and text[1:].isalpha() and text[1:].islower()]
    assert order[: len(lower)] == lower  # " the", " cat", … in id order
    special = sorted(tokenizer.special.values())
    assert order[-len(special):] == special
    assert all(len(tokenizer.tokens[i]) == 1 for i in order[-len(special) - 256 : -len(special)])
    assert f"it means the first of tiny's {len(lower)} lower-case words" in loaded.notes[1]
    shown = run("axis", "man", "woman", "-m", TINY, "--json")
    assert "tokens have no frequency order" in shown.stderr


@pytest.mark.network
def test_smollm_tokens_all_read_distinctly(smollm_cache: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The issue's 48 pairs sharing a readable form, and '###712' for '##'."""
    monkeypatch.setenv("LATENT_CACHE_DIR", str(smollm_cache))
    tokenizer = resolve("smollm2-135m").open_decoder(Environment()).tokenizer
    readable = [tokenizer.readable(i) for i in range(len(tokenizer.tokens))]
    words = tokenizer.words()
    assert len(set(readable)) == len(set(words)) == len(tokenizer.tokens) == 49_152
    assert not [w for i, w in enumerate(words) if w.endswith(f"#{i}")]
    assert (words[112], words[26387], words[712]) == ("<0xA2>", "##¢", "####")


# B12: many pairs, batched by length, with progress


def test_pairs_run_in_batches_give_the_vector_of_pairs_run_alone(
        tiny: Decoder, monkeypatch: pytest.MonkeyPatch) -> None:
    pairs = [("I love dogs", "I hate dogs"), ("I love", "I hate"), ("The cat sat", "The dog"),
             ("I love", "I hate"), ("so good", "so bad, really")] * 3
    sides = {side for pair in pairs for side in pair}
    alone = {side: tiny.network.resid_pre([tiny.prompt_ids(side, sink=True)], 1)[0, -1]
             for side in sides}
    expected = np.mean([alone[a] - alone[b] for a, b in pairs], axis=0)
    passes: list[tuple[int, int]] = []
    resid_pre = tiny.network.resid_pre

    def counted(ids: Any, layer: int) -> Array:
        passes.append(np.shape(ids))
        return resid_pre(ids, layer)

    monkeypatch.setattr(tiny.network, "resid_pre", counted)
    monkeypatch.setattr(steering_module, "POSITIONS", 8)
    reports: list[tuple[int, int | None]] = []
    vector = steer_vector(tiny, pairs, "mean", 1, 2.0,
                          progress=lambda done, total=None: reports.append((done, total)))
    np.testing.assert_allclose(vector.vector, 2 * expected, rtol=0, atol=TOLERANCE)
    assert sum(rows for rows, _ in passes) == len(sides)  # each side once
    assert all(rows * length <= 8 or rows == 1 for rows, length in passes)
    assert reports[0] == (0, len(sides)) and reports[-1][0] == len(sides)
    assert [done for done, _ in reports] == sorted(done for done, _ in reports)


# Zero layers, and sampling at any finite temperature


def test_a_model_without_blocks_is_refused_in_one_sentence(tmp_path: Path) -> None:
    gguf = write_gguf(tmp_path / "none.gguf", counts={"block_count": 0})
    for argv in (["lens", "The cat"], ["generate", "The cat", "--steer", "a:b"]):
        assert "layers must be a whole number above 0, not 0" in one_error_line(
            run(*argv, "-m", str(gguf)))


def test_a_temperature_too_small_to_divide_by_is_greedy(tiny: Decoder) -> None:
    ids = tiny.tokenizer.encode("The cat")
    greedy = tiny.generate(ids, 8, Sampling())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert tiny.generate(ids, 8, Sampling(temperature=1e-320, seed=5)) == greedy
        hot = tiny.generate(ids, 8, Sampling(temperature=1e300, seed=5))
    assert tiny.generate(ids, 8, Sampling(temperature=1e300, seed=5)) == hot
