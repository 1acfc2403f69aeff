"""latent's tokenizer of the real Gemma 3 270M GGUF against transformers' ids on the 2,000 strings
of tests/data/decoder/families/tokenizer-cases.json.xz, until latent fetches that model itself
(then tests/test_decoder_family_tokenizers.py's network test does this):

    .venv/bin/python scripts/check_gemma3_tokenizer.py gemma-3-270m-q4_k_m.gguf

Also shows why Gemma's merges are rebuilt in token order: ranked by the GGUF's scores instead
(as for a Llama), some strings tokenize otherwise.
"""

from __future__ import annotations

import json
import lzma
import sys
import time
from pathlib import Path

from gguf import GGUFReader

from latentcli.networks.decoder.convert import tokenizer_data
from latentcli.networks.decoder.decoder import tokenizer

CASES = (Path(__file__).resolve().parent.parent / "tests" / "data" / "decoder" / "families"
         / "tokenizer-cases.json.xz")


def differing(data: dict[str, object], strings: list[str], ids: list[list[int]]) -> list[str]:
    built = tokenizer(data)
    return [text for text, want in zip(strings, ids, strict=True) if built.encode(text) != want]


def main(gguf: Path) -> None:
    cases = json.loads(lzma.decompress(CASES.read_bytes()))
    strings, ids = cases["strings"], cases["ids"]["gemma3-270m"]
    start = time.perf_counter()
    data = tokenizer_data(gguf)
    print(f"read the GGUF's tokenizer in {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    wrong = differing(data, strings, ids)
    print(f"token order (latent's rule): {len(strings) - len(wrong)} of {len(strings)} equal "
          f"({time.perf_counter() - start:.1f} s with building the tokenizer)", wrong[:5])
    field = GGUFReader(gguf).get_field("tokenizer.ggml.scores")
    scores = [float(score) for score in field.contents()] if field is not None else []
    by_score = differing({**data, "scores": scores}, strings, ids)
    print(f"by the scores instead: {len(strings) - len(by_score)} of {len(strings)} equal",
          [text[:30] for text in by_score[:5]])
    sys.exit(1 if wrong else 0)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
