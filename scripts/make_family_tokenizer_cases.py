"""Write tests/data/decoder/families/tokenizer-cases.json.xz: what transformers makes of 2,000
strings with each tiny family's tokenizer and with the real Gemma 3 270M's.

Runs ONLY in the scratch venv with transformers installed (never a latent dependency):

    /work/scratch/refvenv/bin/python scripts/make_family_tokenizer_cases.py \\
        STRINGS.json gemma-3-270m-q4_k_m.gguf

STRINGS.json is issue 25's reference file of the 2,000 strings (its "cases" keys: hand-written
hard cases, locale day and month names, CPython docstrings and code, seeded mixes of numbers,
whitespace, emoji and special-token text; made once from this machine's locales, so read, not
made again here). The ids are transformers' on each family's HF folder (tokenizer.json: the
reference for both forms), and on the real Gemma's GGUF (the tokenizer transformers builds from
it). Where transformers' tokenizer built from a tiny GGUF differs from the folder's for a reason
of the format, the GGUF's own ids are kept beside: Qwen's NFC normalizer is in tokenizer.json
only (a GGUF cannot state it; llama.cpp skips it too). transformers' other GGUF differences are
its own (a rebuilt Llama tokenizer, a default <|endoftext|>) and are not references.
"""

from __future__ import annotations

import json
import lzma
import sys
import unicodedata
from pathlib import Path

from transformers import AutoTokenizer

ROOT = Path(__file__).resolve().parent.parent
FAMILIES = ROOT / "tests" / "data" / "decoder" / "families"
NAMES = ("llama-bpe", "llama-sp", "qwen2", "qwen3", "gemma3")
NFC_IN_TOKENIZER_JSON = ("qwen2", "qwen3")


def ids_of(tokenizer, strings: list[str]) -> list[list[int]]:  # type: ignore[no-untyped-def]
    return [list(tokenizer(text)["input_ids"]) for text in strings]


def main(strings_file: Path, gemma: Path) -> None:
    strings = list(json.loads(strings_file.read_text("utf-8"))["cases"])
    ids: dict[str, list[list[int]]] = {}
    gguf_ids: dict[str, dict[str, list[int]]] = {}
    for name in NAMES:
        ids[name] = ids_of(AutoTokenizer.from_pretrained(str(FAMILIES / name / "hf")), strings)
        if name in NFC_IN_TOKENIZER_JSON:
            from_gguf = ids_of(AutoTokenizer.from_pretrained(
                str(FAMILIES / name), gguf_file=f"{name}.gguf"), strings)
            differing = {text: got for text, got, want in zip(strings, from_gguf, ids[name],
                                                              strict=True) if got != want}
            assert all(unicodedata.normalize("NFC", text) != text for text in differing)
            gguf_ids[name] = differing
        print(name, sum(map(len, ids[name])), "ids;", len(gguf_ids.get(name, {})),
              "differ from the GGUF")
    tokenizer = AutoTokenizer.from_pretrained(str(gemma.parent), gguf_file=gemma.name)
    ids["gemma3-270m"] = ids_of(tokenizer, strings)
    document = {
        "about": "transformers' ids (BOS included) of each string: the tiny families' from "
                 "their HF folder, gemma3-270m's from its GGUF; gguf_ids: where the tiny "
                 "GGUF's own tokenizer differs (Qwen's NFC, which only tokenizer.json states)",
        "strings": strings, "ids": ids, "gguf_ids": gguf_ids}
    data = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    (FAMILIES / "tokenizer-cases.json.xz").write_bytes(
        lzma.compress(data, preset=9 | lzma.PRESET_EXTREME))
    print(len(strings), "strings written")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
