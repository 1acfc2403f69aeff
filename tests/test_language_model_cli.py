"""`latent generate`, `latent lens` and the language models' cache entries, on the tiny GGUF."""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import one_error_line
from decoder_files import TINY_GGUF, write_gguf
from latentcli.cli.app import app
from latentcli.store.paths import cache_root

TINY = str(TINY_GGUF)


def run(runner, *argv: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(argv))


def test_generate_json_has_the_documented_keys(runner) -> None:
    result = run(runner, "generate", "The cat", "-m", TINY, "--max-tokens", "6", "--json")
    assert result.exit_code == 0, result.stderr
    answer = json.loads(result.stdout)
    assert list(answer) == ["model", "prompt", "prompt_token_ids", "max_tokens", "token_ids",
                            "tokens", "text", "steering"]
    assert answer["max_tokens"] == 6
    assert answer["model"] == "tiny-llama.gguf" and answer["steering"] is None
    assert len(answer["token_ids"]) == len(answer["tokens"]) <= 6
    plain = run(runner, "generate", "The cat", "-m", TINY, "--max-tokens", "6")
    assert plain.stdout == answer["text"] + "\n"


def test_steering_states_its_defaults_and_keeps_the_unsteered_text(runner) -> None:
    result = run(runner, "generate", "The cat sat", "-m", TINY, "--steer", "I love:I hate",
                 "--max-tokens", "5", "--json")
    assert result.exit_code == 0, result.stderr
    steering = json.loads(result.stdout)["steering"]
    assert steering["method"] == "actadd" and steering["layer"] == 0  # a fifth of 2 blocks
    assert steering["strength"] == 8 and steering["defaults"] == ["method", "layer", "strength"]
    assert steering["pairs"] == [["I love", "I hate"]] and steering["start"] == 1
    assert set(steering["unsteered"]) == {"token_ids", "tokens", "text"}
    shown = run(runner, "generate", "The cat sat", "-m", TINY, "--steer", "I love:I hate",
                "--max-tokens", "5")
    assert "actadd, added entering block 0, strength 8, from position 1 on" in shown.stdout
    assert "(the method, block and strength are the defaults)" in shown.stdout
    assert "unsteered" in shown.stdout and "layer" not in shown.stdout  # one word for a block


@pytest.mark.parametrize(("plain", "pushed"), [(3, 2), (2, 3)])
def test_the_side_by_side_marks_a_text_cut_by_the_token_limit(plain: int, pushed: int) -> None:
    """A text as long as --max-tokens was cut there and ends with …; one that stopped before
    (an end-of-turn token) does not; the caption says the limit."""
    from rich.console import Console

    from latentcli.render.language import generation
    from latentcli.results.language import Continuation, Generation, Steering

    def written(count: int) -> Continuation:
        return Continuation(token_ids=tuple(range(count)), tokens=(" w",) * count,
                            text=" w" * count)

    steering = Steering(method="actadd", layer=1, strength=8.0, pairs=(("a", "b"),), start=1,
                        defaults=(), unsteered=written(plain))
    out = io.StringIO()
    generation(Console(file=out, width=80), Generation(
        model="m", prompt="P", prompt_token_ids=(0, 1), max_tokens=3,
        continuation=written(pushed), steering=steering))
    row = next(line for line in out.getvalue().splitlines() if line.startswith("P"))
    left, right = row.split()[:plain + 1], row.split()[plain + 1:]
    assert left[-1].endswith("…") is (plain == 3) and right[-1].endswith("…") is (pushed == 3)
    assert "each text stops after 3 tokens (--max-tokens); … marks the cut" in out.getvalue()


def test_mean_difference_from_a_pairs_file(runner, tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.txt"
    pairs.write_text("I love:I hate\n\nThe cat:The dog sat\n", "utf-8")
    result = run(runner, "generate", "The", "-m", TINY, "--pairs", str(pairs), "--layer", "1",
                 "--max-tokens", "3", "--json")
    assert result.exit_code == 0, result.stderr
    steering = json.loads(result.stdout)["steering"]
    assert steering["method"] == "mean" and steering["layer"] == 1
    assert steering["defaults"] == ["method", "strength"] and len(steering["pairs"]) == 2


@pytest.mark.parametrize(("argv", "fragment"), [
    (["--steer", "The cat:The dog sat"], "reword them to the same length"),
    (["--steer", "no colon"], "is written TOWARD:AWAY"),
    (["--steer", "a:b", "--layer", "2"], "--layer must be from 0 to 1"),
    (["--steer", "a:b", "--steer", "c:d", "--method", "actadd"], "ActAdd takes one pair"),
    (["--steer", "a:b", "--method", "sum"], "--method must be one of actadd, mean"),
    (["--pairs", "/no/such/file"], "cannot read pairs from /no/such/file"),
    (["--top-p", "0"], "--top-p must be above 0"),
    (["--temperature", "-1"], "--temperature must be a finite number at least 0"),
    (["--max-tokens", "0"], "--max-tokens must be at least 1"),
    (["--chat", "--max-tokens", "300"], "--max-tokens must be at most 236 after this prompt: it is "
         "20 tokens and tiny-llama.gguf reads at most 256 (its context)"),
])
def test_bad_generate_options_are_one_line(runner, argv: list[str], fragment: str) -> None:
    assert fragment in one_error_line(run(runner, "generate", "The cat", "-m", TINY, *argv))


def test_the_prompt_and_the_pairs_cannot_both_be_stdin(runner) -> None:
    result = runner.invoke(app, ["generate", "-", "--pairs", "-", "-m", TINY],
                           input="The cat\nI love:I hate\n")
    assert "only one of the prompt and --pairs can be read from stdin ('-')" in one_error_line(
        result)


def test_lens_json_follows_the_answer_down_the_layers(runner) -> None:
    result = run(runner, "lens", "The cat", "-m", TINY, "-n", "3", "--json")
    assert result.exit_code == 0, result.stderr
    lens = json.loads(result.stdout)
    assert list(lens) == ["model", "prompt", "layers", "final"]
    assert [layer["layer"] for layer in lens["layers"]] == [0, 1]
    last = lens["layers"][-1]
    assert len(last["top"]) == 3 and last["top"][0]["token"] == lens["final"]["token"]
    assert last["tracked"] == [{"token": lens["final"]["token"], "id": lens["final"]["id"],
                                "rank": 1,
                                "probability": pytest.approx(lens["final"]["probability"],
                                                             abs=1e-6)}]
    assert last["top"][0]["id"] == lens["final"]["id"]
    probabilities = [t["probability"] for t in last["top"]]
    assert probabilities == sorted(probabilities, reverse=True)


def test_lens_tracks_given_tokens_and_says_when_a_word_is_several(runner) -> None:
    result = run(runner, "lens", "The cat", "-m", TINY, "--track", " sat", "--track", "zebra",
                 "--json")
    assert result.exit_code == 0, result.stderr
    tracked = json.loads(result.stdout)["layers"][0]["tracked"]
    assert [t["token"] for t in tracked] == [" sat", "z"]
    assert "'zebra' is 5 tokens ('z' + 'e' + 'b' + 'r' + 'a')" in result.stderr
    shown = run(runner, "lens", "The cat", "-m", TINY, "--track", " sat")
    assert "rank of ' sat', block 0 → 1" in shown.stdout


@pytest.mark.parametrize("columns", ["100", "60"])
def test_lens_table_keeps_every_layer_on_one_line(runner, columns: str) -> None:
    """Runners-up that do not fit give way whole, with …: a token is never split across lines,
    and tokens are quoted, not repr'd again (a newline shows as \\n, not \\\\n)."""
    result = runner.invoke(app, ["lens", "The cat", "-m", TINY, "-n", "8"],
                           env={"COLUMNS": columns})
    assert result.exit_code == 0, result.stderr
    rows = result.stdout.splitlines()[2:4]  # the title, the header, then one row per layer
    assert [row.split()[0] for row in rows] == ["0", "1"]
    assert all(len(row) <= int(columns) for row in result.stdout.splitlines()[1:4])
    assert "\\\\" not in result.stdout
    if columns == "60":
        assert "…" in rows[0]


def test_other_architectures_and_tokenizers_are_refused_by_name(runner, tmp_path: Path) -> None:
    phi = write_gguf(tmp_path / "phi.gguf", architecture="phi3")
    assert ("a 'phi3' model; latent runs the GGUF architectures llama, qwen2, qwen3, gemma3 "
            "(the Llama, Qwen 2/3 and Gemma 3 families) only") in one_error_line(
        run(runner, "generate", "hi", "-m", str(phi)))
    qwen = write_gguf(tmp_path / "qwen.gguf", architecture="qwen2")  # a Qwen 2 lacking its biases
    assert "qwen.gguf: it has no tensor 'blk.0.attn_q.bias'" in one_error_line(
        run(runner, "generate", "hi", "-m", str(qwen)))
    unigram = write_gguf(tmp_path / "t5.gguf", tokenizer="t5")
    assert "its tokenizer is 't5'" in one_error_line(run(runner, "lens", "hi", "-m", str(unigram)))
    unknown = write_gguf(tmp_path / "pre.gguf", pre="deepseek-coder")
    assert "pre-tokenizer 'deepseek-coder'" in one_error_line(
        run(runner, "lens", "hi", "-m", str(unknown)))
    assert not [p for p in (cache_root() / "language").iterdir() if p.name.startswith(".")]


def test_not_a_language_model(runner, tmp_path: Path) -> None:
    assert "no such GGUF file" in one_error_line(
        run(runner, "generate", "hi", "-m", str(tmp_path / "missing.gguf")))
    assert "is not a language model" in one_error_line(
        run(runner, "generate", "hi", "-m", "glove-6b-50d"))


def test_a_damaged_or_outdated_conversion_is_rebuilt(runner, tmp_path: Path) -> None:
    gguf = Path(shutil.copy(TINY_GGUF, tmp_path / "mine.gguf"))
    first = run(runner, "generate", "The", "-m", str(gguf), "--json")
    entries = list((cache_root() / "language").iterdir())
    assert len(entries) == 1
    weights = entries[0] / "weights.f32"
    with weights.open("r+b") as handle:
        handle.truncate(weights.stat().st_size - 4)
    again = run(runner, "generate", "The", "-m", str(gguf), "--json")
    assert again.stdout == first.stdout and "weights.f32 has" in again.stderr
    os.utime(gguf, ns=(1, 1))  # touched, not changed: known by its content, not converted
    third = run(runner, "generate", "The", "-m", str(gguf), "--json")
    assert third.stdout == first.stdout and third.stderr == ""
    assert [p.name for p in (cache_root() / "language").iterdir()] == [entries[0].name]
    assert gguf.read_bytes() == TINY_GGUF.read_bytes()  # the user's file is untouched


def test_models_get_and_info_on_a_gguf(runner) -> None:
    got = run(runner, "models", "get", TINY, "--json")
    assert got.exit_code == 0, got.stderr
    info = json.loads(run(runner, "models", "info", TINY, "--json").stdout)
    assert info["architecture"] == "llama" and info["layers"] == 2 and info["kv_heads"] == 2
    assert info["tokenizer"] == "smollm" and info["path"] == json.loads(got.stdout)["path"]


def test_models_lists_the_language_model_with_its_license(runner) -> None:
    listing = json.loads(run(runner, "models", "--json").stdout)
    smollm, _ = listing["language_models"]  # gemma3-270m: tests/test_gemma_builtin.py
    assert smollm["name"] == "smollm2-135m" and "smollm" in smollm["aliases"]
    assert smollm["fetched"] is False and smollm["license"].startswith("Apache-2.0")
    shown = run(runner, "models").stdout
    row = next(line for line in shown.splitlines() if line.startswith("smollm2-135m"))
    assert row.split()[-2:] == ["fetched", "Apache-2.0"] and "not fetched" in row
    assert "latent models get NAME fetches one ahead of time" in shown


def test_the_token_embeddings_are_a_word_space(runner) -> None:
    result = run(runner, "neighbors", "cat", "-m", TINY, "-n", "3", "--json")
    assert result.exit_code == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["model"] == "tiny-llama.gguf-tokens" and len(answer["neighbors"]) == 3
    assert "'##king' the same letters inside a word" in result.stderr


def test_token_words_are_distinct_and_readable() -> None:
    from latentcli.environment import Environment
    from latentcli.store.resolve import resolve

    model = resolve(TINY).open_decoder(Environment())
    words = model.tokenizer.words()
    assert len(set(words)) == len(words) == model.network.vocabulary_size
    assert all(word.strip() and "\n" not in word for word in words)
    ids = model.tokenizer.ids
    assert words[ids["Ġcat"]] == "cat" and words[ids["<|im_end|>"]] == "<|im_end|>"
    assert words[ids["c"]] == "##c" and words[ids["Ċ"]] == "Ċ"  # a line break: GPT-2's spelling


def test_models_rm_removes_the_conversion_not_the_file(runner, tmp_path: Path) -> None:
    gguf = Path(shutil.copy(TINY_GGUF, tmp_path / "mine.gguf"))
    assert run(runner, "models", "get", str(gguf)).exit_code == 0
    removed = json.loads(run(runner, "models", "rm", str(gguf), "--json").stdout)
    assert removed["name"] == "mine.gguf" and removed["freed"] > 0
    assert not any((cache_root() / "language").iterdir()) and gguf.is_file()
    assert "no cached model" in one_error_line(run(runner, "models", "rm", str(gguf)))


class FakeTerminal(io.StringIO):
    """A stdout that is a terminal and records each write, to see tokens arrive one by one."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[str] = []

    def isatty(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.writes.append(text)
        return super().write(text)


def test_on_a_terminal_tokens_are_written_as_they_come(monkeypatch) -> None:
    from latentcli.entry import main

    stdout = FakeTerminal()
    monkeypatch.setattr("sys.stdout", stdout)
    with pytest.raises(SystemExit) as exited:
        main(["generate", "The cat", "-m", TINY, "--max-tokens", "4"])
    assert exited.value.code == 0
    piped = json.loads(CliRunner().invoke(app, ["generate", "The cat", "-m", TINY,
                                                "--max-tokens", "4", "--json"]).stdout)
    assert stdout.getvalue() == piped["text"] + "\n"
    assert len([w for w in stdout.writes if w]) >= 4  # one write per token, then the newline


@pytest.mark.parametrize(("char", "name"), [
    ("\xa0", "a no-break space"), ("\n", "a line break"), ("\t", "a tab"),
    ("\u200b", "a zero width space"), ("\u2028", "a line separator"),
    ("\x1b", "a control character"),
])
def test_an_escaped_character_is_named_for_a_reader(char: str, name: str) -> None:
    from latentcli.render.escape import escape
    from latentcli.render.language import escape_note
    from latentcli.render.wrap import KEEP, whole

    written = escape(f" a{char}")
    note = escape_note(["plain", written])
    assert note is not None and note.endswith(whole(name))  # never split across two lines
    assert note.replace(KEEP, " ") == (
        f"'{escape(char)}', a character written by its code, is {name}")
    assert escape_note(["plain", "a back\\slash"]) is None


def _lens_with(*runners_up: str, last: str = "\t"):  # type: ignore[no-untyped-def]
    """A lens with a block per token of ``runners_up``, each the block's first runner-up before
    ``last``, which an 80-column table has no room for; escaped as every command's result is."""
    from latentcli.render.escape import printable
    from latentcli.results.language import Lens, LensLayer, TokenProbability, TrackedToken

    answer = TokenProbability(token=" Paris", id=7, probability=0.5)
    blocks = len(runners_up)
    return printable(Lens(model="m", prompt="The capital of France is", vocabulary=100,
                          final=answer, layers=tuple(LensLayer(
                              layer=layer, top=(answer, *(
                                  TokenProbability(token=token, id=8 + i, probability=0.1)
                                  for i, token in enumerate((runner, " capital", last)))),
                              tracked=(TrackedToken(token=" Paris", id=7, rank=blocks - layer,
                                                    probability=0.5),))
                              for layer, runner in enumerate(runners_up))))


def test_the_lens_legend_names_an_escaped_character_only_when_its_table_shows_one() -> None:
    """`latent lens` and the tour's lens section say what '\\xa0' is in the same words (one
    function writes them), and the lens says it only of a character its table shows."""
    from rich.console import Console

    from latentcli.render.language import lens_view
    from latentcli.render.tour import tour_section
    from latentcli.results.explain import LensSection

    def shown(draw, result) -> str:  # type: ignore[no-untyped-def]
        out = io.StringIO()
        draw(Console(file=out, width=80), result)
        assert max(len(line) for line in out.getvalue().splitlines()) <= 80
        return " ".join(out.getvalue().split())

    def tour(console, lens) -> None:  # type: ignore[no-untyped-def]
        section = LensSection(name="lens", title="Inside a language model", lens=lens,
                              parameters=1000, training=None, command="latent lens")
        tour_section(console, 9, section, colour=False)

    two = shown(lens_view, _lens_with("\xa0", "\n"))
    assert ("'\\xa0' and '\\n', characters written by their code, are a no-break space and "
            "a line break") in two
    assert "tab" not in two  # in every block's list, never in the table
    one = "'\\xa0', a character written by its code, is a no-break space"
    assert one in shown(lens_view, _lens_with("\xa0", ",")) and "tab" not in one
    assert one in shown(tour, _lens_with("\xa0", ",", last=","))  # the tour reads every token
    assert "written by" not in shown(lens_view, _lens_with(",", ","))
    assert "written by" not in shown(tour, _lens_with(",", ",", last=","))


def test_the_lens_legend_says_what_a_word_of_the_prompt_and_a_letter_piece_are() -> None:
    """' capital' on top before the answer is a word of the prompt read back; ' D' is a space
    and a letter, a word's first piece: said only when the table shows them."""
    from dataclasses import replace

    from rich.console import Console

    from latentcli.render.language import lens_view

    def legend(lens) -> str:  # type: ignore[no-untyped-def]
        out = io.StringIO()
        lens_view(Console(file=out, width=80), lens)
        return " ".join(out.getvalue().split("next: the runners-up")[1].split())

    plain = _lens_with(",", ",", ",")
    assert "read back" not in legend(plain) and "first piece" not in legend(plain)
    layers = list(plain.layers)
    top = layers[1].top
    layers[1] = replace(layers[1], top=(replace(top[1], token=" capital"), top[0], *top[2:]))
    layers[2] = replace(layers[2], top=(top[0], replace(top[1], token=" D"), *top[2:]))
    said = legend(replace(plain, layers=tuple(layers)))
    assert "' capital', on top after block 1, is a word of the prompt read back" in said
    assert "' D' is a space and D, the first piece of a longer word" in said
