"""`latent probe` and `latent trace` (issue 26): their figures against transformers + torch on
the tiny fixtures (and on SmolLM2 with the network), the fixed split, the saved direction and
`generate --direction`, and every refusal in one line."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

import latentcli
from conftest import one_error_line
from decoder_files import TINY_GGUF, TINY_LLAMA3_GGUF
from latentcli.analysis.numpy_fits import principal_components
from latentcli.analysis.probes import best_layer, separation, split
from latentcli.analysis.probes import probe as probe_of
from latentcli.analysis.residuals import by_length, last_states
from latentcli.analysis.steering import SteeringVector
from latentcli.analysis.trace import parting, trace
from latentcli.cli.app import app
from latentcli.environment import Environment
from latentcli.errors import ArgumentError, ParameterError, UsageError
from latentcli.networks.decoder.convert import convert
from latentcli.networks.decoder.decoder import Decoder, Sampling
from latentcli.results.concepts import ProbeLayer
from latentcli.store.resolve import resolve

DATA = Path(__file__).resolve().parent / "data" / "concepts"
EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"
FAMILIES = Path(__file__).resolve().parent / "data" / "decoder" / "families"
# two sets a probe can split into its folds on every tiny model (matched lines)
TINY_SETS = (["I love dogs", "The cat sat on the mat", "I love the dog", "so good",
              "What a great day"],
             ["I hate dogs", "The cat sat on the log", "I hate the dog", "so bad",
              "What an awful day"])
TINY = str(TINY_GGUF)
STATES = 1e-5  # a state's values, relative to its length: float32 sums in another order
DISTANCE = 1e-5  # the trace's distances (ratios of lengths)


def reference(name: str) -> dict[str, Any]:
    return json.loads((DATA / f"{name}-concepts-reference.json").read_text("utf-8"))


def opened(path: str | Path) -> Decoder:
    return resolve(str(path)).open_decoder(Environment())


def run(*argv: str) -> Any:
    return CliRunner().invoke(app, list(argv))


def written(tmp_path: Path, name: str, texts: list[str]) -> str:
    path = tmp_path / name
    path.write_text("\n".join(texts) + "\n", "utf-8")
    return str(path)


@pytest.fixture
def sets(tmp_path: Path) -> tuple[str, str]:
    expected = reference("tiny-llama")["probes"][0]
    return (written(tmp_path, "a.txt", expected["texts_a"]),
            written(tmp_path, "b.txt", expected["texts_b"]))


# Equal to transformers + torch ----------------------------------------------------------------

@pytest.mark.parametrize("gguf", [TINY_GGUF, TINY_LLAMA3_GGUF], ids=lambda path: path.stem)
def test_the_states_and_the_probe_are_transformers_on_the_tiny_fixtures(gguf: Path) -> None:
    expected = reference(gguf.stem)
    model = opened(gguf)
    texts = [case["text"] for case in expected["states"]]
    theirs = np.array([case["states"] for case in expected["states"]])
    mine = last_states(model, [model.prompt(text, sink=True).ids for text in texts])
    assert mine.shape == theirs.shape == (len(texts), model.network.layers + 1,
                                          model.network.config.hidden)
    lengths = np.linalg.norm(theirs, axis=2, keepdims=True)
    assert np.max(np.abs(mine - theirs) / lengths) < STATES
    probe = expected["probes"][0]
    found = latentcli.open(str(gguf)).probe(probe["texts_a"], probe["texts_b"])
    assert [row.to_dict() for row in found.layers] == probe["layers"]  # every count identical


@pytest.mark.parametrize("gguf", [TINY_GGUF, TINY_LLAMA3_GGUF], ids=lambda path: path.stem)
def test_the_trace_is_transformers_on_the_tiny_fixtures(gguf: Path) -> None:
    expected = reference(gguf.stem)
    found = latentcli.open(str(gguf)).trace(*expected["trace"]["prompts"])
    np.testing.assert_allclose(found.partings[0].distances, expected["trace"]["distances"],
                               rtol=0, atol=DISTANCE)
    # the plane: PCA of transformers' states of the same prompts, drawn from the probe's texts
    texts = [case["text"] for case in expected["states"]][:3]
    theirs = np.array([case["states"] for case in expected["states"]][:3])
    plane, shares = principal_components(theirs.reshape(-1, theirs.shape[2]), 2)
    mine = latentcli.open(str(gguf)).trace(*texts)
    drawn = np.array([[point.x, point.y] for path in mine.prompts for point in path.points])
    scale = np.abs(plane).max()
    np.testing.assert_allclose(drawn / scale, plane / scale, rtol=0, atol=1e-4)
    assert mine.explained == pytest.approx(float(shares.sum()), abs=1e-6)


@pytest.mark.network
def test_the_probe_curves_and_the_trace_are_transformers_on_smollm2(
        smollm_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both example sets give transformers' held-out accuracies at every block on the stated
    split, as the command prints them; the Eiffel Tower and the Colosseum part where
    transformers' stream says."""
    monkeypatch.setenv("LATENT_CACHE_DIR", str(smollm_cache))
    expected = reference("SmolLM2-135M-Instruct.Q4_1")
    root = EXAMPLES.parent.parent
    for probe in expected["probes"]:
        result = run("probe", str(root / probe["a"]), str(root / probe["b"]), "--json")
        assert result.exit_code == 0, result.stderr
        answer = json.loads(result.stdout)
        assert answer["layers"] == probe["layers"]
        assert answer["best_layer"] == best_layer([ProbeLayer(**row) for row in probe["layers"]])
        assert answer["sizes"] == [24, 24]
    found = latentcli.open("smollm2-135m").trace(*expected["trace"]["prompts"])
    np.testing.assert_allclose(found.partings[0].distances, expected["trace"]["distances"],
                               rtol=0, atol=DISTANCE)
    assert found.partings[0].block == 23  # the step from 0.25 to 0.66: the fact has arrived


# The split and the classifiers ----------------------------------------------------------------

@pytest.mark.parametrize(("size_a", "size_b"), [(24, 24), (7, 7), (2, 9), (13, 5), (3, 3)])
def test_the_split_deals_each_set_evenly_and_keeps_matched_lines_together(size_a: int,
                                                                           size_b: int) -> None:
    fold, folds = split(size_a, size_b)
    assert folds == min(5, size_a, size_b) and len(fold) == size_a + size_b
    for dealt in (fold[:size_a], fold[size_a:]):
        counts = np.bincount(dealt, minlength=folds)
        assert counts.max() - counts.min() <= 1 and counts.min() >= 1  # each fold tests both
    if size_a == size_b:
        assert np.array_equal(fold[:size_a], fold[size_a:])  # line i of both in one fold
    again, _ = split(size_a, size_b)
    assert np.array_equal(fold, again)  # fixed: the figures can be reproduced


def test_matched_pairs_are_judged_without_their_twin() -> None:
    """Each pair shares a large vector of its own, small along axis 0, and its two sides step
    apart along axis 0: the concept is readable there. A text held out while its twin (of the
    other set) trains drags the training means toward the twin, and the direction judges it as
    the twin: far below chance. The split keeps twins together, so both classifiers read it."""
    pairs = np.random.default_rng(3).normal(size=(20, 16)) * 10
    pairs[:, 0] *= 0.03
    step = np.zeros(16)
    step[0] = 1.0
    states = np.concatenate([pairs + step, pairs - step])
    is_a = np.arange(40) < 20
    fold, folds = split(20, 20)
    assert separation(states, is_a, fold, folds) == (1.0, 1.0, True)
    scattered = np.concatenate([fold[:20], np.roll(fold[20:], 1)])  # twins in other folds
    assert separation(states, is_a, scattered, folds)[1] < 0.5


def test_the_mean_difference_is_cut_half_way_and_identical_states_are_chance() -> None:
    states = np.zeros((8, 4))
    states[:4, 1] = 1.0  # set A one step along axis 1
    is_a = np.arange(8) < 4
    fold, folds = split(4, 4)
    assert separation(states, is_a, fold, folds)[:2] == (1.0, 1.0)
    same = separation(np.ones((8, 4)), is_a, fold, folds)
    assert same[1] == 0.5  # nothing along the direction: every text judged B


def test_the_best_block_is_the_most_accurate_then_by_direction_then_the_earliest() -> None:
    rows = [ProbeLayer(layer=i, accuracy=a, direction_accuracy=d)
            for i, (a, d) in enumerate([(0.5, 0.5), (0.9, 0.8), (0.9, 0.9), (0.9, 0.9)])]
    assert best_layer(rows) == 2


def test_texts_of_one_length_run_together_within_the_positions_allowed() -> None:
    assert by_length([3, 5, 3, 3, 5, 9], positions=6) == [[0, 2], [3], [1], [4], [5]]
    assert by_length([7], positions=4) == [[0]]  # a text longer than a pass runs alone


def test_batched_states_are_each_texts_own(monkeypatch: pytest.MonkeyPatch) -> None:
    model = opened(TINY)
    texts = ["I love dogs", "The cat sat", "so bad", "The dog sat", "I hate Mondays"]
    ids = [model.prompt(text, sink=True).ids for text in texts]
    alone = np.concatenate([last_states(model, [one]) for one in ids])
    passes: list[tuple[int, int]] = []
    forward = model.network.forward

    def counted(tokens: Any, **kwargs: Any) -> Any:
        passes.append(np.shape(tokens))
        return forward(tokens, **kwargs)

    monkeypatch.setattr(model.network, "forward", counted)
    reports: list[tuple[int, int | None]] = []
    together = last_states(model, ids, lambda done, total=None: reports.append((done, total)))
    np.testing.assert_allclose(together, alone, rtol=0, atol=1e-5)
    assert len(passes) == len({len(one) for one in ids})  # one pass per length
    assert reports[0] == (0, len(texts)) and reports[-1][0] == len(texts)
    passes.clear()
    bounded = last_states(model, ids, positions=8)
    np.testing.assert_allclose(bounded, alone, rtol=0, atol=1e-5)
    assert sum(rows for rows, _ in passes) == len(texts)
    assert all(rows * length <= 8 or rows == 1 for rows, length in passes)


@pytest.mark.parametrize("family", ["llama-bpe", "llama-sp", "qwen2", "qwen3", "gemma3"])
def test_every_family_gets_the_probe_and_the_trace(family: str, tmp_path: Path) -> None:
    """On issue 25's tiny model of each family, texts batched by length give each text's own
    residual entering every block and leaving the last (Gemma's embedding scale and window
    included), and the probe and the trace answer in the issue's shapes."""
    gguf = FAMILIES / family / f"{family}.gguf"
    convert(gguf, tmp_path)
    model = Decoder.open(tmp_path, gguf.name)
    texts_a, texts_b = TINY_SETS
    ids = [model.prompt(text, sink=True).ids for text in (*texts_a, *texts_b)]
    layers = model.network.layers
    states = last_states(model, ids)
    for text, found in zip(ids, states, strict=True):
        entering = [model.network.resid_pre([text], layer)[0, -1] for layer in range(layers)]
        _, kept = model.network.run_with_cache([text], [f"blocks.{layers - 1}.resid_post"])
        expected = np.array([*entering, kept[f"blocks.{layers - 1}.resid_post"][0, -1]])
        np.testing.assert_allclose(found, expected, rtol=0,
                                   atol=STATES * float(np.abs(expected).max()))
    answer = probe_of(model, texts_a, texts_b).to_dict()
    assert [row["layer"] for row in answer["layers"]] == list(range(layers))
    assert all(0 <= row["accuracy"] <= 1 for row in answer["layers"])
    paths = trace(model, [texts_a[0], texts_b[0]]).to_dict()
    assert [[point["layer"] for point in path["points"]] for path in paths["prompts"]] == [
        list(range(layers + 1))] * 2


# The command and the API ----------------------------------------------------------------------

def test_probe_json_is_the_issues_shape_and_both_doors_agree(sets: tuple[str, str]) -> None:
    result = run("probe", *sets, "-m", TINY, "--json")
    assert result.exit_code == 0, result.stderr
    answer = json.loads(result.stdout)
    assert list(answer) == ["model", "layers", "best_layer", "sizes"]
    assert [list(row) for row in answer["layers"]] == [
        ["layer", "accuracy", "direction_accuracy"]] * 2
    assert answer["sizes"] == [8, 8] and answer["model"] == "tiny-llama.gguf"
    texts = [Path(name).read_text("utf-8").splitlines() for name in sets]
    api = latentcli.open(TINY).probe(*texts)
    assert answer == json.loads(json.dumps(api.to_dict()))


def test_probe_prints_the_curve_and_reads_out_the_best_block(sets: tuple[str, str]) -> None:
    result = run("probe", *sets, "-m", TINY)
    assert result.exit_code == 0, result.stderr
    best = json.loads(run("probe", *sets, "-m", TINY, "--json").stdout)["best_layer"]
    rows = [line for line in result.stdout.splitlines() if re.match(r"\s+\d+\s+\d\.\d\d", line)]
    assert len(rows) == 2 and "◀ best" in rows[best]
    assert f"Best block {best}:" in result.stdout and "(chance 0.50)" in result.stdout


def test_a_saved_direction_steers_generate_as_the_mean_difference(sets: tuple[str, str],
                                                                  tmp_path: Path) -> None:
    saved = tmp_path / "mood.json"
    result = run("probe", *sets, "-m", TINY, "--save", str(saved), "--layer", "1", "--json")
    assert result.exit_code == 0, result.stderr
    assert f"wrote every block's direction to {saved}" in result.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a.txt", "b.txt", "mood.json"]
    content = json.loads(saved.read_text("utf-8"))
    assert content["layer"] == 1 and (content["toward"], content["away"]) == sets
    model = opened(TINY)
    texts = [Path(name).read_text("utf-8").splitlines() for name in sets]
    states = last_states(model, [model.prompt(text, sink=True).ids
                                 for text in (*texts[0], *texts[1])]).astype(np.float64)
    mean = states[:8].mean(axis=0) - states[8:].mean(axis=0)
    np.testing.assert_allclose(content["directions"], mean[:2], rtol=0, atol=1e-6)

    steered = run("generate", "The cat", "-m", TINY, "--direction", str(saved), "--max-tokens",
                  "5", "--strength", "3", "--json")
    assert steered.exit_code == 0, steered.stderr
    steering = json.loads(steered.stdout)["steering"]
    assert (steering["method"], steering["layer"], steering["strength"]) == ("direction", 1, 3)
    assert steering["defaults"] == ["layer"] and steering["pairs"] == []
    assert steering["direction"] == str(saved)
    ids = model.prompt("The cat", sink=True).ids
    vector = SteeringVector(1, (3 * np.array(content["directions"][1])).astype(np.float32))
    expected = model.generate(ids, 5, Sampling(), vector.hooks())
    assert json.loads(steered.stdout)["token_ids"] == expected
    other = run("generate", "The cat", "-m", TINY, "--direction", str(saved), "--layer", "0",
                "--max-tokens", "5", "--json")
    assert json.loads(other.stdout)["steering"]["layer"] == 0
    shown = run("generate", "The cat", "-m", TINY, "--direction", str(saved), "--max-tokens", "3")
    assert re.search(r"along the direction in .*mood\.json "
                     r"added entering block 1, strength 1, from position 1",
                     " ".join(shown.stdout.split()))


def test_the_api_saves_and_steers_with_a_direction(tmp_path: Path) -> None:
    lm = latentcli.open(TINY)
    expected = reference("tiny-llama")["probes"][0]
    result = lm.probe(expected["texts_a"], expected["texts_b"], save=tmp_path / "d.json",
                      names=["love", "hate"])
    assert result.saved == str(tmp_path / "d.json") and result.saved_layer == result.best_layer
    generated = lm.generate("The cat", max_tokens=3, direction=tmp_path / "d.json", layer=1)
    assert generated.steering is not None and generated.steering.direction == str(
        tmp_path / "d.json")


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda m: m.probe("I love", ["a", "b"]), ArgumentError, "texts_a must be a list or tuple"),
    (lambda m: m.probe(["a", "b"], ["c", "d"], names=["x"]), ArgumentError,
     "names must name the two sets"),
    (lambda m: m.probe(["a", "b"], ["c", "d"], layer=-1), ParameterError, "layer must be"),
    (lambda m: m.probe(["a", "b"], ["c", "d"], layer=2, save="d.json"), ParameterError,
     "layer must be from 0 to 1 (tiny-llama.gguf has 2 blocks)"),
    (lambda m: m.probe(["a", "b"], ["c", "d"], layer=1), ParameterError,
     "layer chooses the block a saved direction is steered at"),
    (lambda m: m.probe(["a"], ["c", "d"]), UsageError, "A holds one text"),
    (lambda m: m.probe(["a", " "], ["c", "d"]), UsageError, "text 2 of A is blank"),
    (lambda m: m.probe(["a\x00", "b"], ["c", "d"]), latentcli.LatentError, "NUL"),
    (lambda m: m.trace(), UsageError, "trace needs a prompt"),
    (lambda m: m.trace(""), UsageError, "the prompt is empty"),
    (lambda m: m.trace(["a", "b"]), ArgumentError, "each of prompts must be a str"),
    (lambda m: m.generate("hi", direction="d.json", steer=["a:b"]), UsageError,
     "a direction is steered along as it was saved"),
    (lambda m: m.generate("hi", direction=3), ArgumentError, "direction must be"),
])
def test_the_api_checks_probe_and_trace_at_the_door(call: Any, error: type, message: str) -> None:
    with pytest.raises(error) as raised:
        call(latentcli.open(TINY))
    assert message in str(raised.value)


# Refusals, each in one line -------------------------------------------------------------------

def test_sets_a_probe_cannot_test_are_refused(tmp_path: Path) -> None:
    one = written(tmp_path, "one.txt", ["The cat sat"])
    two = written(tmp_path, "two.txt", ["The cat sat", "The dog sat"])
    same = written(tmp_path, "same.txt", ["The dog sat", "The cat sat"])
    long = written(tmp_path, "long.txt", ["The cat sat", "The cat sat on the mat. " * 60])
    for argv, message in (
            ([one, two], f"Error: {one} holds one text: a probe holds texts out to test on, "
                         "so each set needs at least 2"),
            ([two, same], f"Error: {two} and {same} hold the same texts: there is nothing to "
                          "tell apart"),
            ([two, long], f"Error: text 2 of {long} is more than 256 tokens and "
                          "tiny-llama.gguf reads at most 256 (its context)"),
            (["-", "-"], "Error: only one of the two sets can be read from stdin ('-')"),
            ([two, str(tmp_path / "missing.txt")], "Error: cannot read texts from"),
            ([two, one + "x", "--layer", "5"], "Error: cannot read texts from"),
            ([two, long, "--layer", "1"], "Error: --layer chooses the block a saved direction "
                                          "is steered at: it needs a file to save to (--save)"),
            ([two, long, "--layer", "5", "--save", str(tmp_path / "d.json")],
             "Error: --layer must be from 0 to 1")):
        assert one_error_line(run("probe", *argv, "-m", TINY)).startswith(message), argv


def test_a_text_in_both_sets_is_noted(tmp_path: Path) -> None:
    a = written(tmp_path, "a.txt", ["The cat sat", "I love dogs", "so good"])
    b = written(tmp_path, "b.txt", ["The cat sat", "I hate dogs", "so bad"])
    result = run("probe", a, b, "-m", TINY, "--json")
    assert result.exit_code == 0
    assert "1 text is in both sets (such as 'The cat sat')" in result.stderr


def test_a_direction_from_another_model_or_damaged_is_refused(sets: tuple[str, str],
                                                              tmp_path: Path) -> None:
    saved = tmp_path / "d.json"
    assert run("probe", *sets, "-m", TINY, "--save", str(saved)).exit_code == 0
    content = json.loads(saved.read_text("utf-8"))
    twin = tmp_path / "twin" / "tiny-llama.gguf"  # another model under the same name
    twin.parent.mkdir()
    shutil.copy(TINY_LLAMA3_GGUF, twin)

    def edited(name: str, change: Any) -> str:
        path = tmp_path / name
        copy = json.loads(json.dumps(content))
        change(copy)
        path.write_text(json.dumps(copy), "utf-8")
        return str(path)

    def nudge(copy: dict[str, Any]) -> None:
        copy["directions"][1][5] += 0.25

    truncated = tmp_path / "cut.json"
    truncated.write_bytes(saved.read_bytes()[:500])
    cases = [
        (str(saved), str(TINY_LLAMA3_GGUF),
         f"Error: {saved} holds a direction found on tiny-llama.gguf (2 blocks of 64), not on "
         "tiny-llama3.gguf: a direction means something only in the model it was found in"),
        (str(saved), str(twin), f"Error: {saved} holds a direction found on another model "
                                "called tiny-llama.gguf (its weights differ)"),
        (str(truncated), TINY, f"Error: the direction {truncated} is damaged: it is not JSON"),
        (edited("nudged.json", nudge), TINY, "Error: the direction "),
        (edited("rows.json", lambda c: c["directions"].pop()), TINY,
         "its directions are not 2 x 64 finite numbers"),
        (edited("layer.json", lambda c: c.update(layer=7)), TINY, "its block 7 is not one of"),
        (edited("other.json", lambda c: c.update(format="something")), TINY,
         "is not a direction `latent probe --save` wrote"),
        (edited("newer.json", lambda c: c.update(version=2)), TINY,
         "is a direction of format 2; this latent reads format 1"),
        (str(tmp_path / "missing.json"), TINY, "Error: cannot read the direction"),
    ]
    for path, model, message in cases:
        line = one_error_line(run("generate", "The cat", "-m", model, "--direction", path,
                                  "--max-tokens", "2"))
        assert message in line, (path, line)
    nudged = one_error_line(run("generate", "The cat", "-m", TINY, "--direction",
                                str(tmp_path / "nudged.json")))
    assert "do not match the digest saved with them" in nudged


def test_a_direction_file_too_large_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    large = tmp_path / "large.json"
    large.write_bytes(b" " * (40 * 2 * 64 + (1 << 16)))
    assert "is larger than a direction for tiny-llama.gguf can be" in one_error_line(
        run("generate", "The cat", "-m", TINY, "--direction", str(large)))


def test_a_direction_that_cannot_be_written_leaves_nothing(sets: tuple[str, str],
                                                           tmp_path: Path) -> None:
    target = tmp_path / "no such folder" / "d.json"
    line = one_error_line(run("probe", *sets, "-m", TINY, "--save", str(target)))
    assert line.startswith(f"Error: cannot write the direction to {target}")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a.txt", "b.txt"]


def test_a_zero_direction_at_a_block_is_refused_by_name(tmp_path: Path) -> None:
    """Texts that all end in the same token read alike at block 0 (its embedding alone)."""
    a = written(tmp_path, "a.txt", ["I love the dog", "so good dog"])
    b = written(tmp_path, "b.txt", ["I hate the dog", "so bad dog"])
    saved = tmp_path / "d.json"
    assert run("probe", a, b, "-m", TINY, "--save", str(saved)).exit_code == 0
    assert (f"the direction in {saved} is zero at block 0 (the two sets read alike there): "
            "choose another layer") in one_error_line(
        run("generate", "The cat", "-m", TINY, "--direction", str(saved), "--layer", "0"))


# The trace ------------------------------------------------------------------------------------

def test_trace_json_is_the_issues_shape() -> None:
    result = run("trace", "The cat sat on the", "The dog sat on the", "-m", TINY, "--json")
    assert result.exit_code == 0, result.stderr
    answer = json.loads(result.stdout)
    assert list(answer) == ["model", "prompts", "explained"]
    assert [path["prompt"] for path in answer["prompts"]] == ["The cat sat on the",
                                                              "The dog sat on the"]
    for path in answer["prompts"]:
        assert list(path) == ["prompt", "points"]
        assert [point["layer"] for point in path["points"]] == [0, 1, 2]  # 2 blocks: 3 states
        assert all(list(point) == ["layer", "x", "y"] for point in path["points"])
    assert 0 < answer["explained"] <= 1
    api = latentcli.open(TINY).trace("The cat sat on the", "The dog sat on the")
    assert answer == json.loads(json.dumps(api.to_dict()))


def test_where_paths_part_is_the_block_that_adds_most_to_their_distance() -> None:
    first = np.array([[1.0, 0.0], [1.0, 0.0], [2.0, 0.0], [3.0, 0.0]])
    other = np.array([[1.0, 0.0], [1.0, 0.1], [2.0, 1.0], [3.0, 1.6]])
    found = parting(first, other, 1)
    lengths = (np.linalg.norm(first, axis=1) + np.linalg.norm(other, axis=1)) / 2
    np.testing.assert_allclose(found.distances,
                               np.linalg.norm(first - other, axis=1) / lengths)
    assert found.block == 1  # from 0.1 to about 0.49: block 1's step is the largest
    assert parting(first, first, 1).block is None
    assert parting(first, first, 1).distances == (0.0, 0.0, 0.0, 0.0)


def test_trace_draws_every_block_and_says_where_the_paths_part() -> None:
    result = run("trace", "The cat sat on the", "I love dogs", "-m", TINY, "--width", "70",
                 "--height", "30")
    assert result.exit_code == 0, result.stderr
    found = latentcli.open(TINY).trace("The cat sat on the", "I love dogs")
    block = found.partings[0].block
    text = " ".join(result.stdout.split())
    assert f"part most in block {block}:" in text or "no block moves them further" in text
    assert "• The cat sat on the" in result.stdout and "▲ I love dogs" in result.stdout
    for glyph in "•▲":  # each path's ends carry their block numbers
        assert re.search(f"{glyph}0", result.stdout) and re.search(f"{glyph}2", result.stdout)
    assert f"The plane keeps {found.explained:.0%} of the variance of these 6 states" in text
    narrow = one_error_line(run("trace", "a", "-m", TINY, "--width", "30"))
    assert "the map needs at least 40 columns" in narrow


def test_a_trace_in_a_24_line_terminal_grows_to_fit_its_captions(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Without --height, captions that leave the plot under its least height make the page
    taller (two prompts' legend and parting fill a 24-line terminal's default); a --height
    asked for is kept, and refused when too small."""
    from latentcli.render.concepts import MIN_FRAME

    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("LINES", "24")
    prompts = ("The cat sat on the", "I love dogs")
    result = run("trace", *prompts, "-m", TINY)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    plot = [line for line in lines[1:] if line.startswith(("│", "┌", "└"))]
    assert len(plot) == MIN_FRAME
    assert len(lines) > 24 - 8  # taller than the default height it started from
    asked = one_error_line(run("trace", *prompts, "-m", TINY, "--height", "16"))
    assert re.fullmatch(r"Error: the trace needs at least \d+ rows, not 16\n", asked)


def test_trace_reads_prompts_from_stdin_and_refuses_what_it_cannot_draw() -> None:
    result = CliRunner().invoke(app, ["trace", "-", "The cat", "-m", TINY, "--json"],
                                input="I love dogs\nI hate dogs\n")
    assert result.exit_code == 0, result.stderr
    assert [path["prompt"] for path in json.loads(result.stdout)["prompts"]] == [
        "I love dogs", "I hate dogs", "The cat"]
    long = "The cat sat on the mat. " * 60
    assert one_error_line(run("trace", "a", long, "-m", TINY)) == (
        "Error: prompt 2 ('The cat sat on the mat. The cat sat on …') is more than 256 tokens "
        "and tiny-llama.gguf reads at most 256 (its context)\n")
    many = ["x"] * 101
    assert "trace draws at most 100 prompts, not 101" in one_error_line(
        run("trace", *many, "-m", TINY))


def test_the_trace_page_is_the_maps_with_paths(tmp_path: Path) -> None:
    page = tmp_path / "trace.html"
    result = run("trace", "The cat sat", "The dog <b>sat</b>", "-m", TINY, "--html", str(page),
                 "--json")
    assert result.exit_code == 0, result.stderr
    assert f"wrote the interactive trace to {page}" in result.stderr
    text = page.read_text("utf-8")
    assert not re.search(r"""(src|href)\s*=|@import|url\(""", text)  # nothing to fetch
    assert "<b>" not in text and "__HINT__" not in text
    data = json.loads(re.search(r'<script id="data" type="application/json">(.*?)</script>',
                                text, re.S).group(1))
    assert data["paths"] == [[0, 1, 2], [3, 4, 5]]
    assert [point["label"] for point in data["points"]] == ["0", "1", "2"] * 2
    assert [cluster["label"] for cluster in data["clusters"]] == ["The cat sat",
                                                                  "The dog <b>sat</b>"]


@pytest.mark.slow
def test_the_trace_page_in_headless_chromium(tmp_path: Path) -> None:
    from test_structure import classes, dump_dom, elements

    page = tmp_path / "trace.html"
    assert run("trace", "The cat sat", "The dog sat", "-m", TINY, "--html",
               str(page)).exit_code == 0
    dom = dump_dom(page.as_uri(), tmp_path / "profile")
    lines = elements(dom, "polyline")
    assert [line["data-cluster"] for line in lines] == ["The cat sat", "The dog sat"]
    assert all(len(line["points"].split()) == 3 for line in lines)
    assert len(elements(dom, "circle")) == 6
    dom = dump_dom(page.as_uri() + "#test=legend:The dog sat", tmp_path / "profile")
    shown = [line["data-cluster"] for line in elements(dom, "polyline")
             if "out" not in classes(line)]
    assert shown == ["The dog sat"]


def test_a_page_is_written_whole_or_not_at_all(tmp_path: Path, monkeypatch) -> None:
    """`--html` into a missing folder is one line naming the file; a page interrupted while
    written leaves the old page as it was and no stray file (trace and map share the writer)."""
    missing = tmp_path / "nowhere" / "trace.html"
    result = run("trace", "The cat sat", "The dog sat", "-m", TINY, "--html", str(missing))
    assert result.exit_code == 1
    assert result.stderr == (f"Error: cannot write {missing}: No such file or directory: "
                             f"{missing}\n")
    page = tmp_path / "trace.html"
    page.write_text("the old page")

    def half_then_interrupted(self: Path, text: str, *args: Any) -> int:
        with self.open("w") as out:
            out.write(text[: len(text) // 2])
        raise KeyboardInterrupt

    monkeypatch.setattr(Path, "write_text", half_then_interrupted)
    result = run("trace", "The cat sat", "The dog sat", "-m", TINY, "--html", str(page))
    assert result.exit_code == 130
    assert page.read_text() == "the old page" and sorted(tmp_path.iterdir()) == [page]
