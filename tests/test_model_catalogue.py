"""Catalogue names: downloaded from a local HTTP server, verified, converted, cached."""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import json
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

import vectorfiles
from conftest import TINY_VECTORS, TINY_WORDS
from latentcli.cli.app import app
from latentcli.store.catalogue import CATALOGUE
from latentcli.store.paths import cache_root

NAME = "glove-wiki-gigaword-50"


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def served(tmp_path, monkeypatch):
    """A tiny model in gensim-data's layout, served from 127.0.0.1; yields its MD5."""
    root = tmp_path / "served"
    (root / NAME).mkdir(parents=True)
    payload = gzip.compress(
        f"{len(TINY_WORDS)} 4\n".encode()
        + vectorfiles.text_lines(TINY_WORDS, TINY_VECTORS).encode())
    (root / NAME / f"{NAME}.gz").write_bytes(payload)
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("LATENT_DOWNLOAD_URL", f"http://127.0.0.1:{server.server_address[1]}")
    yield hashlib.md5(payload).hexdigest()
    server.shutdown()
    server.server_close()


def _trust_served(monkeypatch, md5: str) -> None:
    monkeypatch.setitem(CATALOGUE, NAME, dataclasses.replace(CATALOGUE[NAME], md5=md5))


def _leftovers() -> list[str]:
    downloads = cache_root() / "downloads"
    return sorted(p.name for p in downloads.iterdir()) if downloads.exists() else []


def test_catalogue_name_downloads_converts_and_caches(runner, served, monkeypatch):
    _trust_served(monkeypatch, served)
    result = runner.invoke(app, ["neighbors", "king", "-n", "2", "--json", "-m", NAME])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["model"] == NAME
    assert [n["word"] for n in doc["neighbors"]] == ["prince", "man"]
    assert _leftovers() == []
    monkeypatch.setenv("LATENT_DOWNLOAD_URL", "http://127.0.0.1:9")  # offline now: cache only
    again = runner.invoke(app, ["neighbors", "king", "-n", "2", "--json", "-m", NAME])
    assert again.exit_code == 0, again.output
    assert again.stdout == result.stdout


def test_checksum_mismatch_keeps_nothing(runner, served):
    result = runner.invoke(app, ["neighbors", "king", "-m", NAME])
    assert result.exit_code == 1
    assert f"{NAME} needs a download (69 MB) that failed" in result.stderr
    assert "is corrupt: MD5" in result.stderr
    assert _leftovers() == []
    assert not (cache_root() / "models" / NAME).exists()


def test_offline_error_says_how_to_use_a_local_file(runner, monkeypatch):
    monkeypatch.setenv("LATENT_DOWNLOAD_URL", "http://127.0.0.1:9")
    result = runner.invoke(app, ["neighbors", "king", "-m", "word2vec-google-news-300"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: word2vec-google-news-300 needs a download "
                                    "(1,744 MB) that failed: cannot download "
                                    "http://127.0.0.1:9/word2vec-google-news-300/"
                                    "word2vec-google-news-300.gz")
    assert "pass its path instead: --model path/to/vectors" in result.stderr
    assert _leftovers() == []


def test_missing_on_server(runner, served, monkeypatch):
    result = runner.invoke(app, ["neighbors", "king", "-m", "glove-twitter-25"])
    assert result.exit_code == 1
    assert "glove-twitter-25.gz (HTTP 404 " in result.stderr
