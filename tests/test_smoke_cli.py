import json

from latentcli.cli import app


def test_neighbors_json_on_tiny_model(runner, tiny_model):
    result = runner.invoke(app, ["neighbors", "king", "-n", "2", "--json", "-m", str(tiny_model)])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["query"] == "king"
    assert [n["word"] for n in doc["neighbors"]] == ["prince", "man"]
