"""`latent attention` and `latent patch` (issue 26 §1, §2, §5): equal to transformers + torch
(the references of scripts/make_inside_references.py), the patched runs equal to one run per
cell, the JSON as the issue gives it, every bad argument one line, and the sentence that reads a
grid, on the tiny models (and SmolLM2, ``network``-marked)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import latentcli
from decoder_files import DATA, TINY_GGUF, TINY_LLAMA3_GGUF, TOLERANCE
from latentcli.analysis.attention import attention
from latentcli.analysis.patching import SITES, patch, reading
from latentcli.cli.app import app
from latentcli.environment import Environment
from latentcli.errors import ArgumentError, ParameterError, RangeError, UsageError
from latentcli.networks.arrays import Array
from latentcli.networks.decoder.convert import convert
from latentcli.networks.decoder.decoder import Decoder
from latentcli.store.paths import cache_root
from latentcli.store.resolve import resolve

TINY = str(TINY_GGUF)
CLEAN, CORRUPT = "The cat sat on the mat", "The dog sat on the log"  # 7 tokens each
WEIGHTS = 1e-4  # attention weights against torch (issue 26 §5)
SHARES = 0.01  # recovered shares and probabilities against torch (issue 26 §5)
SUMS = 1e-6  # each row of attention weights sums to 1 within this


def inside_reference(gguf: Path | str) -> dict[str, Any]:
    return json.loads((DATA / f"{Path(gguf).stem}-inside-reference.json").read_text("utf-8"))


def opened(gguf: Path | str) -> Decoder:
    return resolve(str(gguf)).open_decoder(Environment())


def check_attention(model: Decoder, expected: dict[str, Any]) -> None:
    """Every reference prompt's ids, and every block's and head's weights from each reference
    position, within `WEIGHTS`."""
    for case in expected["attention"]:
        assert model.prompt_ids(case["prompt"]) == case["ids"], case["prompt"]
        for position, weights in case["weights"].items():
            found = attention(model, case["prompt"], position=int(position))
            mine = np.array([[head.weights for head in layer.heads] for layer in found.layers])
            np.testing.assert_allclose(mine, weights, rtol=0, atol=WEIGHTS)


def check_patching(model: Decoder, expected: dict[str, Any]) -> None:
    """The answers and, at every site, the recovered shares and probabilities within
    `SHARES`; the sentence read from latent's grid is the one read from torch's."""
    pair = expected["patching"]
    for site in SITES:
        found = patch(model, pair["clean"], pair["corrupt"], site=site)
        assert (found.clean_answer.id, found.corrupt_answer.id) == (pair["clean_answer"],
                                                                    pair["corrupt_answer"])
        np.testing.assert_allclose(found.recovered, pair[site]["recovered"], rtol=0, atol=SHARES)
        np.testing.assert_allclose(found.probability, pair[site]["probability"], rtol=0,
                                   atol=SHARES)
        assert found.reading == reading(pair[site]["recovered"], found.tokens_clean, site)


@pytest.mark.parametrize("gguf", [TINY_GGUF, TINY_LLAMA3_GGUF], ids=lambda path: path.stem)
def test_attention_and_patching_equal_transformers_on_the_tiny_models(gguf: Path) -> None:
    model = opened(gguf)
    expected = inside_reference(gguf)
    check_attention(model, expected)
    check_patching(model, expected)


@pytest.mark.network
def test_attention_and_patching_equal_transformers_on_smollm(smollm_cache: Path,
                                                             monkeypatch) -> None:
    """The Eiffel Tower's attention and its patching grid, the issue's table among them."""
    monkeypatch.setenv("LATENT_CACHE_DIR", str(smollm_cache))
    expected = inside_reference("SmolLM2-135M-Instruct.Q4_1.gguf")
    model = opened("smollm2-135m")
    check_attention(model, expected)
    check_patching(model, expected)


def one_run_per_cell(model: Decoder, clean: str, corrupt: str, site: str) -> Array:
    """The recovered shares the slow way, every (block, position) its own run through every
    block: benchmarks/bench_inside.py's naive loop, the one it times the batched grid against."""
    import importlib.util
    import sys

    path = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_inside.py"
    spec = importlib.util.spec_from_file_location("bench_inside", path)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(path.parent))  # as a script sees its sibling `timing`
    try:
        spec.loader.exec_module(bench)
    finally:
        sys.path.remove(str(path.parent))
    grid: Array = bench.naive_grid(model, clean, corrupt, site)
    return grid


@pytest.mark.parametrize("site", list(SITES))
def test_the_batched_patched_runs_equal_one_run_per_cell(site: str) -> None:
    """Started at their block from the corrupt residual, rows of one batch, positions whose
    activations agree skipped: the same shares as a whole run for every cell."""
    model = opened(TINY_GGUF)
    found = patch(model, CLEAN, CORRUPT, site=site)
    np.testing.assert_allclose(found.recovered, one_run_per_cell(model, CLEAN, CORRUPT, site),
                               rtol=0, atol=1e-4)


FAMILIES = DATA / "families"


SWAPPED = ("The cat sat on the mat", "The mat sat on the cat")  # the same tokens, other order


@pytest.mark.parametrize(("family", "pair"), [
    ("llama-bpe", ("I love dogs", "I hate dogs")),  # its tiny model answers both swaps alike
    ("llama-sp", SWAPPED), ("qwen2", SWAPPED), ("qwen3", SWAPPED), ("gemma3", SWAPPED)])
def test_every_family_gets_attention_and_patching(family: str, pair: tuple[str, str],
                                                  tmp_path: Path) -> None:
    """On issue 25's tiny model of each family: the attention read one query row at a time
    through the KV cache is the whole pass's pattern (Gemma's sliding window included), and the
    batched patched runs, started at their block by `run_blocks`, equal one whole run per cell,
    at every site."""
    gguf = FAMILIES / family / f"{family}.gguf"
    convert(gguf, tmp_path)
    model = Decoder.open(tmp_path, gguf.name)
    prompt = "The cat sat on the mat and looked at the dog"
    ids = model.prompt_ids(prompt)
    whole: dict[int, Array] = {}

    def keep(pattern: Array, point: Any) -> None:
        whole[point.layer] = pattern[0]

    model.network.forward([ids], hooks={f"blocks.{layer}.attn.pattern": keep
                                        for layer in range(model.network.layers)})
    for position in (len(ids) - 1, len(ids) // 2):
        found = attention(model, prompt, position=position)
        mine = np.array([[head.weights for head in layer.heads] for layer in found.layers])
        theirs = np.array([whole[layer][:, position] for layer in range(model.network.layers)])
        np.testing.assert_allclose(mine, theirs, rtol=0, atol=1e-5)
        np.testing.assert_allclose(mine.sum(axis=2), 1, rtol=0, atol=SUMS)
    for site in SITES:
        grid = patch(model, *pair, site=site)
        assert np.array(grid.recovered).shape == (model.network.layers,
                                                  len(model.prompt_ids(pair[0])))
        np.testing.assert_allclose(grid.recovered, one_run_per_cell(model, *pair, site),
                                   rtol=0, atol=1e-4)


def test_batches_of_any_size_give_the_same_grid(monkeypatch) -> None:
    """A prompt too long for one batch runs its columns in several: the grid is the same."""
    from latentcli.analysis import patching

    model = opened(TINY_GGUF)
    whole = patch(model, CLEAN, CORRUPT)
    monkeypatch.setattr(patching, "POSITIONS", 2 * 7)  # two blocks x one column of 7 positions
    monkeypatch.setattr(patching, "LOGITS", 3)
    counted: list[tuple[int, int | None]] = []
    split = patch(model, CLEAN, CORRUPT, progress=lambda done, total=None: counted.append(
        (done, total)))
    # a batch of up to 4 rows of logits goes through einsum, a bigger one through sgemm
    # (networks.products): float32 sums in another order, ~1e-6 apart
    np.testing.assert_allclose(split.recovered, whole.recovered, rtol=0, atol=1e-5)
    np.testing.assert_allclose(split.probability, whole.probability, rtol=0, atol=1e-5)
    assert counted[0] == (0, 2 * 7) and counted[-1][0] == 2 * 7  # blocks run, column by column


def test_patching_chosen_positions_gives_their_columns_of_the_whole_grid() -> None:
    """Patched at the last position only (what the tour's attention section asks): that column
    is the whole grid's, the others are left 0; a position outside the prompt is refused."""
    model = opened(TINY_GGUF)
    whole = np.array(patch(model, CLEAN, CORRUPT).recovered)
    last = whole.shape[1] - 1
    column = np.array(patch(model, CLEAN, CORRUPT, positions=[last]).recovered)
    np.testing.assert_allclose(column[:, last], whole[:, last], rtol=0, atol=1e-5)
    assert not column[:, :last].any() and whole[:, last].any()
    with pytest.raises(ParameterError, match="positions must be from 0 to 6"):
        patch(model, CLEAN, CORRUPT, positions=[7])


def test_the_shared_first_tokens_recover_nothing_and_the_clean_run_everything() -> None:
    """'The' ('T', 'he') begins both prompts: restoring it changes nothing, at every block. And
    by definition the clean and corrupt runs' own differences give 1 and 0."""
    model = opened(TINY_GGUF)
    found = patch(model, CLEAN, CORRUPT)
    assert found.tokens_clean[:2] == found.tokens_corrupt[:2] and found.tokens_clean[2] != (
        found.tokens_corrupt[2])
    assert np.all(np.array(found.recovered)[:, :2] == 0)
    corrupt_p = found.corrupt_answer  # the corrupt answer's probability in its own run
    assert 0 < corrupt_p.probability <= 1 and 0 < found.clean_answer.probability <= 1
    assert np.all((np.array(found.probability) >= 0) & (np.array(found.probability) <= 1))


def test_attention_json_is_the_issues_shape(runner) -> None:
    tiny = latentcli.open(TINY)
    prompt = "The capital of France is"
    result = runner.invoke(app, ["attention", prompt, "-m", TINY, "--json"])
    assert result.exit_code == 0, result.stderr
    answer = json.loads(result.stdout)
    assert list(answer) == ["model", "prompt", "tokens", "position", "layers"]
    generated = tiny.generate(prompt, max_tokens=1).prompt_token_ids  # as generate reads it
    assert answer["tokens"] == [tiny.decoder.tokenizer.readable(i) for i in generated]
    assert answer["position"] == len(answer["tokens"]) - 1
    assert [layer["layer"] for layer in answer["layers"]] == [0, 1]
    for layer in answer["layers"]:
        assert list(layer) == ["layer", "heads"] and [h["head"] for h in layer["heads"]] == [
            0, 1, 2, 3]
        for head in layer["heads"]:
            assert list(head) == ["head", "weights"]
            assert len(head["weights"]) == len(answer["tokens"])
            assert abs(sum(head["weights"]) - 1) <= SUMS
    assert answer == json.loads(json.dumps(tiny.attention(prompt).to_dict()))


def test_attention_keeps_the_block_head_and_position_asked_for(runner) -> None:
    result = runner.invoke(app, ["attention", "The capital of France is", "-m", TINY, "--layer",
                                 "1", "--head", "2", "--position", "3", "--json"])
    assert result.exit_code == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["position"] == 3 and [layer["layer"] for layer in answer["layers"]] == [1]
    (head,) = answer["layers"][0]["heads"]
    assert head["head"] == 2 and head["weights"][4:] == [0, 0]  # it cannot read later ones
    assert abs(sum(head["weights"]) - 1) <= SUMS
    everything = latentcli.open(TINY).attention("The capital of France is", position=3)
    assert head["weights"] == list(everything.layers[1].heads[2].weights)


def test_patch_json_is_the_issues_shape(runner) -> None:
    result = runner.invoke(app, ["patch", CLEAN, CORRUPT, "-m", TINY, "--json"])
    assert result.exit_code == 0, result.stderr
    answer = json.loads(result.stdout)
    assert list(answer) == ["model", "clean", "corrupt", "tokens_clean", "tokens_corrupt",
                            "clean_answer", "corrupt_answer", "recovered", "probability"]
    assert (answer["clean"], answer["corrupt"]) == (CLEAN, CORRUPT)
    assert len(answer["tokens_clean"]) == len(answer["tokens_corrupt"]) == 7
    assert list(answer["clean_answer"]) == ["token", "id", "probability"]
    for grid in (answer["recovered"], answer["probability"]):
        assert len(grid) == 2 and all(len(row) == 7 for row in grid)
    tiny = latentcli.open(TINY)
    assert answer == json.loads(json.dumps(tiny.patch(CLEAN, CORRUPT).to_dict()))


def test_answers_named_by_track_and_against(runner) -> None:
    model = opened(TINY_GGUF)
    chosen = patch(model, CLEAN, CORRUPT, track=" mat", against=" log")
    assert (chosen.clean_answer.token, chosen.corrupt_answer.token) == (" mat", " log")
    high, low = chosen.difference_clean, chosen.difference_corrupt
    logits = model.network.forward([model.prompt_ids(CLEAN), model.prompt_ids(CORRUPT)])
    mat, log = (model.tokenizer.encode(text)[0] for text in (" mat", " log"))
    assert high == pytest.approx(logits[0, mat] - logits[0, log], abs=TOLERANCE)
    assert low == pytest.approx(logits[1, mat] - logits[1, log], abs=TOLERANCE)
    several = runner.invoke(app, ["patch", CLEAN, CORRUPT, "-m", TINY, "--track", " mat sat",
                                  "--json"])
    assert several.exit_code == 0 and "' mat sat' is 2 tokens (' mat' + ' sat'); tracking " \
        "the first" in several.stderr
    assert json.loads(several.stdout)["clean_answer"]["token"] == " mat"


@pytest.mark.parametrize(("argv", "message"), [
    (["attention", "The cat", "--layer", "2"],
     "Error: --layer must be from 0 to 1 (tiny-llama.gguf has 2 blocks), not 2"),
    (["attention", "The cat", "--head", "4"],
     "Error: --head must be from 0 to 3 (tiny-llama.gguf has 4 heads a block), not 4"),
    (["attention", "The cat", "--position", "3"],
     "Error: --position must be from 0 to 2 (the prompt is 3 tokens), not 3"),
    (["attention", "The cat sat on the mat. " * 60],
     "Error: the prompt is more than 256 tokens and tiny-llama.gguf reads at most 256"),
    (["attention", ""], "Error: the prompt is empty"),
    (["patch", CLEAN, "The dog sat"],
     "Error: the clean prompt is 7 tokens ('T', 'he', ' cat', ' sat', ' on', ' the', ' mat') "
     "and the corrupt prompt 4 tokens ('T', 'he', ' dog', ' sat'): patching needs prompts of "
     "the same number of tokens"),
    (["patch", CLEAN, "The cat sat on the mat. " * 60],
     "Error: the corrupt prompt is more than 256 tokens and tiny-llama.gguf reads at most 256"),
    (["patch", CLEAN, CLEAN], "Error: both answers are"),
    (["patch", CLEAN, CORRUPT, "--track", ""], "Error: --track needs a token"),
    (["patch", CLEAN, CORRUPT, "--against", ""], "Error: --against needs a token"),
    (["patch", CLEAN, CORRUPT, "--track", " mat", "--against", " mat"],
     "Error: both answers are ' mat'"),
    (["patch", "-", "-"], "Error: only one of CLEAN and CORRUPT can be read from stdin"),
])
def test_every_bad_argument_is_one_line(runner, argv: list[str], message: str) -> None:
    result = runner.invoke(app, [*argv, "-m", TINY])
    assert result.exit_code != 0 and result.stdout == ""
    assert result.stderr.startswith(message) and result.stderr.count("\n") == 1, result.stderr


@pytest.mark.parametrize(("argv", "message"), [
    (["attention", "hi", "--layer", "-1"], "Error: --layer must be at least 0, not -1"),
    (["attention", "hi", "--head", "-2"], "Error: --head must be at least 0, not -2"),
    (["attention", "hi", "--position", "-1"], "Error: --position must be at least 0, not -1"),
    (["patch", "a", "b", "--site", "mlp_out"],
     "Error: --site must be one of resid, attn, mlp, not 'mlp_out'"),
    (["patch", "", "b"], "Error: the clean prompt is empty"),
])
def test_a_bad_argument_is_refused_before_the_built_in_model_is_fetched(
        runner, monkeypatch, argv: list[str], message: str) -> None:
    import latentcli.store.wheels

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the wheel was fetched")

    monkeypatch.setattr(latentcli.store.wheels, "_download", no_network)
    result = runner.invoke(app, argv)
    assert result.exit_code == 2 and result.stderr.startswith(message), result.stderr
    assert not (cache_root() / "language").exists()


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda m: m.attention("hi", layer="1"), ArgumentError, "layer must be a whole number"),
    (lambda m: m.attention("hi", layer=5), ParameterError, "layer must be from 0 to 1"),
    (lambda m: m.attention("hi", head=-1), RangeError, "head must be at least 0, not -1"),
    (lambda m: m.attention("hi", position=True), ArgumentError, "position must be"),
    (lambda m: m.patch("a", None), ArgumentError, "corrupt must be a str, not NoneType"),
    (lambda m: m.patch("a", "b", site="all"), ParameterError, "site must be one of resid"),
    (lambda m: m.patch("a", "b", track=[" x"]), ArgumentError, "track must be"),
    (lambda m: m.patch("a", "b\x00"), latentcli.LatentError, "contains a NUL byte"),
])
def test_the_api_checks_its_arguments(call: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error) as raised:
        call(latentcli.open(TINY))
    assert message in str(raised.value)


def test_the_grids_as_printed(runner) -> None:
    shown = runner.invoke(app, ["attention", "The capital of France is", "-m", TINY])
    assert shown.exit_code == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0].startswith("Attention from ' is' (position 5)")
    header = next(line for line in lines if line.lstrip().startswith("block"))
    assert header.split()[:4] == ["block", "T", "he", "␣capital"]
    assert "attention sink" in shown.stdout and "hardest" in header
    per_head = runner.invoke(app, ["attention", "The capital of France is", "-m", TINY,
                                   "--layer", "1"])
    assert [line.split()[0] for line in per_head.stdout.splitlines()
            if line.split() and line.split()[0].isdigit()] == ["0", "1", "2", "3"]
    patched = runner.invoke(app, ["patch", CLEAN, CORRUPT, "-m", TINY])
    assert patched.exit_code == 0, patched.stderr
    found = patch(opened(TINY_GGUF), CLEAN, CORRUPT)
    assert found.reading in " ".join(patched.stdout.split())
    corrupt_row = next(line for line in patched.stdout.splitlines()
                       if line.lstrip().startswith("corrupt"))
    assert corrupt_row.split() == ["corrupt", "␣dog", "␣log"]  # where the prompts differ


def test_a_grid_too_wide_for_the_terminal_is_drawn_turned(runner, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    shown = runner.invoke(app, ["attention", "The capital of France is", "-m", TINY])
    assert shown.exit_code == 0, shown.stderr
    rows = [line.split() for line in shown.stdout.splitlines()]
    turned = [row for row in rows if row and row[0].isdigit()]
    assert [row[1] for row in turned] == ["T", "he", "␣capital", "␣of", "␣France", "␣is"]
    assert all(len(row[2]) == 2 for row in turned)  # a shade per block


# the sentence that reads a grid, on grids made up for it (tokens of the issue's pair)
TOKENS = ("The", " E", "iffel", " Tower", " is", " in", " the", " city", " of")


def grid(rows: dict[range, dict[int, float]], layers: int = 30) -> list[list[float]]:
    """A grid of small shares with the given cells set, block ranges at a time."""
    made = np.full((layers, len(TOKENS)), 0.01)
    for blocks, cells in rows.items():
        for position, share in cells.items():
            made[list(blocks), position] = share
    return made.tolist()


@pytest.mark.parametrize(("rows", "layers", "site", "sentence"), [
    ({range(0, 21): {2: 0.8, 3: 0.4}, range(21, 25): {2: 0.3, 8: 0.4},
      range(25, 30): {8: 0.75}}, 30, "resid",
     "The fact sits on 'iffel' through block 20 (' Tower' holds 40% too), then on the last "
     "position (' of') from block 25."),
    ({range(0, 30): {8: 0.6}}, 30, "resid", "The fact sits on the last position (' of') at "
                                            "every block."),
    ({range(3, 6): {3: 0.9}, range(19, 20): {8: 0.7}}, 30, "attn",
     "The attention output carries the fact on ' Tower' in blocks 3 to 5, then on the last "
     "position (' of') at block 19."),
    ({range(0, 1): {2: 0.8}}, 30, "mlp", "The MLP output carries the fact on 'iffel' at "
                                         "block 0."),
    ({range(0, 1): {4: 0.5}}, 1, "resid", "The fact sits on ' is' at its one block."),
    ({range(12, 13): {3: 0.31}}, 30, "resid",
     "The fact sits on no single position: no patch restores half of the difference (the "
     "most, 0.31, at ' Tower' in block 12)."),
    ({range(0, 30): {2: 0.6, 3: 0.6}}, 30, "resid", "The fact sits on 'iffel' at every "
                                                    "block (' Tower' holds 60% too)."),  # a tie:
    # the first position holds it, the other a part
    # a part is named only where it holds at least PART at every block of the stretch, with
    # the range it restores; two parts, the first saying "holds"
    ({range(0, 10): {2: 0.9, 3: 0.3, 4: 0.12}, range(10, 30): {2: 0.9, 3: 0.5, 4: 0.15}},
     30, "resid",
     "The fact sits on 'iffel' at every block (' Tower' holds 30% to 50% too, ' is' 12% to "
     "15%)."),
    ({range(0, 10): {2: 0.9, 3: 0.3, 4: 0.12}, range(10, 30): {2: 0.9, 3: 0.5, 4: 0.15},
      range(5, 6): {4: 0.08}}, 30, "resid",
     "The fact sits on 'iffel' at every block (' Tower' holds 30% to 50% too)."),
])
def test_the_reading_of_a_grid(rows: dict[range, dict[int, float]], layers: int, site: str,
                               sentence: str) -> None:
    assert reading(grid(rows, layers), TOKENS, site) == sentence


def test_a_repeated_token_is_named_by_its_position() -> None:
    tokens = ("The", " cat", " saw", " the", " cat", " again")
    made = np.zeros((4, 6))
    made[:, 4] = 0.9
    assert reading(made.tolist(), tokens) == "The fact sits on ' cat' (position 4) at every block."


def test_run_blocks_continues_a_pass_from_the_residual_it_is_given() -> None:
    model = opened(TINY_GGUF)
    network, ids = model.network, model.prompt_ids(CLEAN)
    for layer in range(network.layers):
        leaving = network.run_blocks(network.resid_pre([ids], layer), layer)
        np.testing.assert_allclose(network.logits(leaving[:, -1]), network.forward([ids]),
                                   rtol=0, atol=TOLERANCE)
    _, kept = network.run_with_cache([ids], ["blocks.0.resid_post"])
    np.testing.assert_allclose(network.run_blocks(network.resid_pre([ids], 0), 0, 1),
                               kept["blocks.0.resid_post"], rtol=0, atol=1e-6)
    residual = network.resid_pre([ids], 0)
    for call, message in (
            (lambda: network.run_blocks(residual[0], 0), "a residual must be batch x"),
            (lambda: network.run_blocks(residual * np.nan, 0), "finite numbers only"),
            (lambda: network.run_blocks(residual, 2), "there is no block 2"),
            (lambda: network.run_blocks(residual, 1, 1), "must end after block 1")):
        with pytest.raises(UsageError, match=message):
            call()
