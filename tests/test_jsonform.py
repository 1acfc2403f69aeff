"""The JSON form of results is declared on their fields (`results.jsonform`), and stays that way:
hand-written ``to_dict`` methods may not creep back, every result class is a kw_only `Result`, and
each declaration (renamed, hidden, inlined, derived keys) does what docs/json.md relies on."""

from __future__ import annotations

import ast
import dataclasses
import importlib
import json
import pkgutil
from pathlib import Path

import pytest

import latentcli.results as results
from latentcli.results import AnalogyResult, Scored, WeightedWord
from latentcli.results.evaluation import PairEvaluation
from latentcli.results.explain import SkippedSection
from latentcli.results.jsonform import Result, json_object
from latentcli.results.language import Continuation, Generation
from latentcli.results.structure import Cluster

SOURCE = Path(results.__file__).resolve().parent.parent
WRITTEN_OUT = {"AnalogyEvaluation", "MapResult"}  # their docstrings say why


def result_classes() -> list[type]:
    modules = [results] + [importlib.import_module(info.name) for info in
                           pkgutil.iter_modules(results.__path__, "latentcli.results.")]
    return [value for module in modules for value in vars(module).values()
            if isinstance(value, type) and dataclasses.is_dataclass(value)
            and value.__module__ == module.__name__]


def test_hand_written_to_dict_stay_few():
    defined = [(path.relative_to(SOURCE), node.lineno) for path in sorted(SOURCE.rglob("*.py"))
               for node in ast.walk(ast.parse(path.read_text("utf-8")))
               if isinstance(node, ast.FunctionDef) and node.name == "to_dict"]
    assert len(defined) <= 5, defined


@pytest.mark.parametrize("cls", result_classes(), ids=lambda cls: cls.__name__)
def test_every_result_is_a_kw_only_result_whose_json_is_declared(cls):
    assert issubclass(cls, Result)
    assert all(item.kw_only for item in dataclasses.fields(cls))
    assert all(isinstance(getattr(cls, name, None), property) for name in cls.json_derived)
    if cls.__name__ in WRITTEN_OUT:
        assert cls.to_dict.__doc__, "a hand-written to_dict says why it is not declared"
    else:
        assert cls.to_dict is Result.to_dict


def test_derived_keys_follow_the_fields_and_nested_results_use_their_own_form():
    analogy = AnalogyResult(
        model="m", expression="b - a + c", method="add",
        terms=(WeightedWord(word="b", weight=1.0), WeightedWord(word="a", weight=-1.0)),
        results=(Scored(word="d", similarity=0.5),), excluded=("a", "b"))
    assert list(analogy.to_dict()) == [
        "model", "expression", "method", "terms", "results", "excluded", "subword_words",
        "notes", "positive", "negative"]
    assert analogy.to_dict()["positive"] == ["b"] and analogy.to_dict()["negative"] == ["a"]
    cluster = Cluster(label="x", label_similarity=0.5, members=("x", "y"), cohesion=0.1)
    assert cluster.to_dict()["size"] == 2 and json_object(cluster) == cluster.to_dict()


def test_renamed_hidden_and_inlined_fields():
    skipped = SkippedSection(name="lens", reason="fetch it", title="T", shows="S")
    assert skipped.to_dict() == {"section": "lens", "skipped": "fetch it"}
    pairs = PairEvaluation(model="m", file="f", restrict=3, pairs=1, skipped=1, pearson=None,
                           pearson_p=None, spearman=None, spearman_p=None, notes=("n",))
    assert "notes" not in pairs.to_dict() and pairs.to_dict()["oov_percent"] == 50.0
    generation = Generation(model="m", prompt="p", prompt_token_ids=(1,), notes=("n",),
                            max_tokens=1,
                            continuation=Continuation(token_ids=(2,), tokens=("t",), text="t"))
    assert json.dumps(generation.to_dict()) == (
        '{"model": "m", "prompt": "p", "prompt_token_ids": [1], "max_tokens": 1, '
        '"token_ids": [2], "tokens": ["t"], "text": "t", "steering": null}')
