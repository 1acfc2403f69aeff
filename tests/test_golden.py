"""Every case of tests/golden_cases.py prints exactly what tests/golden/ holds.

After a deliberate change of output, run ``python scripts/golden.py`` and review the diff.
"""

from __future__ import annotations

import pytest

from golden_cases import CASES, GOLDEN, render, slug, typer_invoke


@pytest.mark.parametrize("argv", CASES, ids=slug)
def test_output_is_unchanged(default_cache, monkeypatch, argv):
    monkeypatch.setenv("LATENT_CACHE_DIR", str(default_cache))
    expected = (GOLDEN / f"{slug(argv)}.txt").read_text("utf-8")
    assert render(*typer_invoke()(argv)) == expected
