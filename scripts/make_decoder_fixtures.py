"""Write tests/data/decoder/tiny-llama.gguf (see tests/decoder_files.py); run it again only when
the fixture must change, then scripts/make_decoder_references.py for its references."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from decoder_files import TINY_GGUF, write_gguf

if __name__ == "__main__":
    TINY_GGUF.parent.mkdir(parents=True, exist_ok=True)
    print(write_gguf(TINY_GGUF), TINY_GGUF.stat().st_size, "bytes")
