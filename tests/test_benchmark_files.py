"""Benchmark files with too little, constant or non-finite data (issue 10)."""

import json

import pytest

from latentcli.cli.app import app


def evaluate(runner, tiny_model, tmp_path, text):
    path = tmp_path / "pairs.tsv"
    path.write_text(text, "utf-8")
    return runner.invoke(app, ["evaluate", "similarity", str(path), "--json",
                               "-m", str(tiny_model)])


@pytest.mark.parametrize("score", ["nan", "inf", "-inf", "NaN"])
def test_a_non_finite_score_is_an_error_with_its_line(runner, tiny_model, tmp_path, score):
    result = evaluate(runner, tiny_model, tmp_path, f"king\tqueen\t5\nman\twoman\t{score}\n")
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {tmp_path / 'pairs.tsv'}, line 2: the score {score!r} "
                             "is not a finite number\n")
    assert result.stdout == ""


@pytest.mark.parametrize(("text", "why"), [
    ("king\tqueen\t5\n", "fewer than two pairs"),
    ("king\tqueen\t5\nman\twoman\t5\napple\tbanana\t5\n", "scores are all equal"),
])
def test_an_undefined_correlation_is_null_with_a_note(runner, tiny_model, tmp_path, text, why):
    result = evaluate(runner, tiny_model, tmp_path, text)
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["pearson"] is None and doc["spearman"] is None and doc["spearman_p"] is None
    assert why in result.stderr
    table = runner.invoke(app, ["evaluate", "similarity", str(tmp_path / "pairs.tsv"),
                                "-m", str(tiny_model)])
    assert table.exit_code == 0 and "undefined" in table.stdout
