"""Two language models side by side (issue 25 §7): ``-m`` given more than once to ``lens`` and
``generate``, on the two tiny GGUFs."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from decoder_files import TINY_GGUF, TINY_LLAMA3_GGUF
from latentcli.cli.app import app

MODELS = ["-m", str(TINY_GGUF), "-m", str(TINY_LLAMA3_GGUF)]


@pytest.mark.parametrize("command", [["lens", "The cat sat"],
                                     ["generate", "The cat sat", "--max-tokens", "4"]])
def test_each_model_answers_as_it_would_alone(runner, command: list[str]) -> None:
    together = runner.invoke(app, [*command, *MODELS, "--json"])
    assert together.exit_code == 0, together.stderr
    alone = [json.loads(runner.invoke(app, [*command, "-m", str(gguf), "--json"]).stdout)
             for gguf in (TINY_GGUF, TINY_LLAMA3_GGUF)]
    assert json.loads(together.stdout) == {"models": alone}


def test_the_continuations_mark_a_text_cut_by_the_token_limit(runner) -> None:
    """Side by side, a text that wrote --max-tokens tokens was cut there: it ends with …, and
    the caption says the limit."""
    argv = ["generate", "The cat sat", *MODELS, "--max-tokens", "4"]
    written = json.loads(runner.invoke(app, [*argv, "--json"]).stdout)["models"]
    shown = runner.invoke(app, argv, env={"COLUMNS": "80"}).stdout
    assert "each text stops after 4 tokens (--max-tokens); … marks the cut" in shown
    row = next(line for line in shown.splitlines() if line.startswith("The cat sat"))
    for generation, cell in zip(written, row.split("The cat sat")[1:], strict=True):
        assert cell.rstrip().endswith("…") is (len(generation["tokens"]) == 4), cell


def test_the_lenses_are_drawn_by_depth_with_where_each_answer_forms(runner) -> None:
    shown = runner.invoke(app, ["lens", "The cat sat", *MODELS])
    assert shown.exit_code == 0, shown.stderr
    lines = shown.stdout.splitlines()
    # blocks numbered from 0, as the single lens numbers them (both tiny models have 2)
    assert "tiny-llama.gguf block (0-1)" in shown.stdout
    assert "tiny-llama3.gguf block (0-1)" in shown.stdout
    assert all(" of 0-1 on (" in line for line in lines if "is on top from block" in line)
    assert [line.split()[0] for line in lines if line.lstrip().startswith(("50%", "100%"))] == [
        "50%", "100%"]
    answers = json.loads(runner.invoke(app, ["lens", "The cat sat", *MODELS, "--json"]).stdout)
    for lens in answers["models"]:
        token = lens["final"]["token"]
        assert any(line.startswith(f"{lens['model']}: '{token}'") for line in lines), token


def test_a_model_named_by_latent_model_is_one_model_even_with_a_space(runner, monkeypatch,
                                                                     tmp_path: Path) -> None:
    spaced = tmp_path / "my models" / "tiny model.gguf"
    spaced.parent.mkdir()
    shutil.copy(TINY_GGUF, spaced)
    monkeypatch.setenv("LATENT_MODEL", str(spaced))
    result = runner.invoke(app, ["lens", "The cat", "--json"])  # Typer's door
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["model"] == "tiny model.gguf"
    fast = subprocess.run([sys.executable, "-m", "latentcli", "lens", "The cat", "--json"],
                          capture_output=True, text=True, check=True)  # the fast path's
    assert json.loads(fast.stdout) == json.loads(result.stdout)
