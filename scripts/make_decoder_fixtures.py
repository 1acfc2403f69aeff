"""Write tests/data/decoder/tiny-llama.gguf and tiny-llama3.gguf (see tests/decoder_files.py); run
it again only when a fixture must change, then scripts/make_decoder_references.py for their
references."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from decoder_files import TINY_GGUF, TINY_LLAMA3_GGUF, write_gguf

if __name__ == "__main__":
    TINY_GGUF.parent.mkdir(parents=True, exist_ok=True)
    for path, llama3 in ((TINY_GGUF, False), (TINY_LLAMA3_GGUF, True)):
        print(write_gguf(path, llama3=llama3), path.stat().st_size, "bytes")
