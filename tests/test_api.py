"""The Python API: docs/api.md's examples run as written, and ``import latentcli`` stays cheap."""

from __future__ import annotations

import doctest
import subprocess
import sys
from pathlib import Path

import pytest

import latentcli

API_PAGE = Path(__file__).resolve().parent.parent / "docs" / "api.md"


LANGUAGE_SECTION = "\n## A language model\n"


def run_examples(text: str, name: str) -> tuple[int, int]:
    """Failures and examples tried of the doctests in ``text`` (a part of docs/api.md)."""
    parser, runner = doctest.DocTestParser(), doctest.DocTestRunner(
        optionflags=doctest.ELLIPSIS)
    runner.run(parser.get_doctest(text, {"latentcli": latentcli}, name, str(API_PAGE), 0))
    return runner.failures, runner.tries


def test_the_api_page_examples_hold(default_cache, monkeypatch):
    monkeypatch.setenv("LATENT_CACHE_DIR", str(default_cache))
    words = API_PAGE.read_text("utf-8").split(LANGUAGE_SECTION)[0]
    failures, tried = run_examples(words, "api.md")
    assert tried > 20
    assert failures == 0


@pytest.mark.network
@pytest.mark.slow
def test_the_language_model_examples_hold(smollm_cache, monkeypatch):
    """The real SmolLM2-135M (fetched once, as users fetch it) answers as the page says."""
    monkeypatch.setenv("LATENT_CACHE_DIR", str(smollm_cache))
    section = API_PAGE.read_text("utf-8").split(LANGUAGE_SECTION)[1]
    failures, tried = run_examples(section, "api.md: a language model")
    assert tried >= 10
    assert failures == 0


def test_everything_in_all_is_there():
    for name in latentcli.__all__:
        assert getattr(latentcli, name) is not None


def test_importing_the_package_imports_no_library():
    code = "import sys, latentcli; print(sorted(m for m in ('numpy', 'latentcli.api') " \
           "if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"


def test_a_model_from_a_directory_answers_like_the_cli(tiny_model):
    model = latentcli.open(str(tiny_model))
    assert model.name == "tiny"
    assert model.neighbors("king", 2).to_dict()["neighbors"][0]["word"] == "prince"
