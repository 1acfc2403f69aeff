"""The Python API: docs/api.md's examples run as written, and ``import latentcli`` stays cheap."""

from __future__ import annotations

import doctest
import subprocess
import sys
from pathlib import Path

import latentcli

API_PAGE = Path(__file__).resolve().parent.parent / "docs" / "api.md"


def test_the_api_page_examples_hold(default_cache, monkeypatch):
    monkeypatch.setenv("LATENT_CACHE_DIR", str(default_cache))
    failures, tried = doctest.testfile(str(API_PAGE), module_relative=False,
                                       optionflags=doctest.ELLIPSIS)
    assert tried > 20
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
