"""Rewrite tests/golden/ from the current code (after a deliberate change of output).

Usage: LATENT_CACHE_DIR=DIR python scripts/golden.py   (DIR: any cache; the built-in model is
converted into it on first use). Review ``git diff tests/golden`` before committing.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from golden_cases import CASES, GOLDEN, render, slug, typer_invoke


def main() -> None:
    os.environ.setdefault("NO_COLOR", "1")
    GOLDEN.mkdir(exist_ok=True)
    invoke = typer_invoke()
    for argv in CASES:
        (GOLDEN / f"{slug(argv)}.txt").write_text(render(*invoke(argv)), "utf-8")
    print(f"wrote {len(CASES)} files in {GOLDEN}")


if __name__ == "__main__":
    main()
