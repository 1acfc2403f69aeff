"""The stored tour: the same results as computing, written atomically, damage detected."""

import json

import pytest

from latentcli.analysis.tour import SECTIONS, run_section
from latentcli.cli.app import app
from latentcli.results.codec import decode, encode
from latentcli.store.tourcache import load_tour, save_tour, tour_file


@pytest.fixture
def sections(glove):
    return [run_section(glove, name) for name in SECTIONS]


def test_every_section_survives_the_round_trip_exactly(sections):
    for section in sections:
        again = decode(type(section), json.loads(json.dumps(encode(section))))
        assert again == section and again.to_dict() == section.to_dict()


def test_a_stored_tour_is_loaded_back_for_the_same_model_only(glove, tiny_space, sections):
    save_tour(glove, sections)
    stored, problem = load_tour(glove)
    assert problem is None and list(stored.values()) == sections
    assert load_tour(tiny_space) == (None, None)
    assert [p.name for p in tour_file(glove).parent.iterdir()] == [tour_file(glove).name]


@pytest.mark.parametrize("damage", [
    lambda raw: raw[: len(raw) // 2],                      # cut short
    lambda raw: raw.replace(b'"queen"', b'"quern"', 1),     # a changed byte
    lambda raw: raw.split(b"\n")[0] + b"\n[{}]",            # garbage body
])
def test_a_damaged_file_is_reported_and_computed_again(runner, tiny_model, damage):
    first = runner.invoke(app, ["explain", "--all", "-m", str(tiny_model)])
    assert first.exit_code == 0, first.output
    path = _tour_path()
    path.write_bytes(damage(path.read_bytes()))
    again = runner.invoke(app, ["explain", "--all", "-m", str(tiny_model)])
    assert again.exit_code == 0, again.output
    assert again.stdout == first.stdout
    assert "is damaged" in again.stderr and "computing it again" in again.stderr
    healed = runner.invoke(app, ["explain", "--all", "-m", str(tiny_model)])
    assert healed.stdout == first.stdout and healed.stderr == ""


def _tour_path():
    import os
    from pathlib import Path

    return next((Path(os.environ["LATENT_CACHE_DIR"]) / "tours").glob("*.json"))


def test_a_tour_stored_by_other_code_is_computed_again(tiny_space, monkeypatch):
    from latentcli.store import tourcache

    sections = [run_section(tiny_space, name) for name in SECTIONS]
    save_tour(tiny_space, sections)
    assert load_tour(tiny_space)[0] is not None
    monkeypatch.setattr(tourcache, "_code_digest", lambda: "other code")
    assert load_tour(tiny_space) == (None, None)  # stale, not damaged: nothing to report
