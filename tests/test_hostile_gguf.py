"""Crafted GGUF files (issue 24): each is refused when it is converted — one ``Error:`` line naming
the file and what is wrong, in bounded time and memory — and leaves nothing in the cache.

Headers that claim more than the file holds are written byte by byte (`crafted_gguf`); files that
are well formed but hold settings, shapes, tables or values latent cannot run are written with
`decoder_files.write_gguf`.
"""

from __future__ import annotations

import math
import os
import resource
import struct
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from crafted_gguf import (
    ARRAY,
    I32,
    LLAMA,
    Q8_0_TENSOR,
    STRING,
    U32,
    array,
    header,
    pair,
    string,
    tensor,
    text_pair,
    u32_pair,
)
from decoder_files import TINY_GGUF, write_gguf
from latentcli.cli.app import app
from latentcli.store.paths import cache_root

GPT2 = text_pair("tokenizer.ggml.model", "gpt2")
HUGE = 2**40


def refused(runner, path: Path, *command: str) -> str:  # type: ignore[no-untyped-def]
    """The one error line that running ``command`` on ``path`` gives (``generate hi -m PATH``
    unless given), without ``Error:``; the cache is left as it was (no conversion, no scratch
    directory)."""
    result = runner.invoke(app, [*command, str(path)] if command
                           else ["generate", "hi", "-m", str(path)])
    assert result.exit_code == 1 and result.stdout == "", result.stderr
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result.stderr
    assert "unexpected" not in result.stderr
    language = cache_root() / "language"
    assert not (language.is_dir() and list(language.iterdir()))
    return str(result.stderr[len("Error: "):-1])


# --- headers that declare more than the file holds, or what GGUF does not define -------------

BOMBS: dict[str, tuple[bytes, str]] = {
    "a 2^40-element token type array": (
        header([LLAMA, GPT2, pair("tokenizer.ggml.token_type", ARRAY,
                                  array(I32, b"\1\0\0\0" * 8, HUGE))]),
        "tokenizer.ggml.token_type (1,099,511,627,776 elements of 4 bytes): "
        "4,398,046,511,104 bytes declared, only 62 left in the file (at byte 162)"),
    "a 2^40-string token array": (
        header([LLAMA, GPT2, pair("tokenizer.ggml.tokens", ARRAY,
                                  array(STRING, string("a") * 3, HUGE))]),
        "tokenizer.ggml.tokens (1,099,511,627,776 strings of 8 bytes or more): "
        "8,796,093,022,208 bytes declared"),
    "a string of 2^62 bytes": (
        header([LLAMA, pair("general.name", STRING, string("tiny", length=2**62))]),
        "general.name: 4,611,686,018,427,387,904 bytes declared"),
    "a key of 2^50 bytes": (
        header([LLAMA, string("general.name", length=2**50)]), "a key: 1,125,899,906,842,624 "
                                                                  "bytes declared"),
    "2^63 key/value pairs": (
        header([LLAMA], counts=(0, 2**63)),
        "9,223,372,036,854,775,808 key/value pairs and 0 tensors (at least): "),
    "2^60 tensors": (
        header([LLAMA], counts=(2**60, 1)), "key/value pairs and 1,152,921,504,606,846,976 "
                                            "tensors (at least): "),
    "2^31 dimensions": (
        header([LLAMA], [tensor("token_embd.weight", (4,), dimensions=2**31)]),
        "the tensor token_embd.weight has 2,147,483,648 dimensions (1 to 4)"),
    "a shape of 2^40 x 2^40": (
        header([LLAMA], [tensor("token_embd.weight", (HUGE, HUGE))], b"\0" * 64),
        "the tensor token_embd.weight's 4,835,703,278,458,516,698,824,704 bytes at offset 0 "
        "run past the end of the file (64 bytes of data)"),
    "an offset of 2^63": (
        header([LLAMA], [tensor("token_embd.weight", (4,), offset=2**63)], b"\0" * 16),
        "the tensor token_embd.weight's 16 bytes at offset 9,223,372,036,854,775,808 run past"),
    "a zero dimension": (
        header([LLAMA], [tensor("token_embd.weight", (4, 0))]),
        "the tensor token_embd.weight has a dimension of 0"),
    "an unknown tensor type": (
        header([LLAMA], [tensor("token_embd.weight", (4,), kind=200)], b"\0" * 16),
        "the tensor token_embd.weight is of type 200, which ggml does not know"),
    "a quantized row that is not whole blocks": (
        header([LLAMA], [tensor("token_embd.weight", (33, 2), kind=Q8_0_TENSOR)], b"\0" * 96),
        "the tensor token_embd.weight's rows of 33 values do not divide into blocks of 32"),
    "an unknown value type": (
        header([LLAMA, pair("general.name", 99, b"\0" * 8)]),
        "general.name has the value type 99, which GGUF does not define"),
    "an array of arrays": (
        header([LLAMA, pair("general.tags", ARRAY, array(ARRAY, array(U32, b"", 0), 1))]),
        "general.tags is an array of value type 9, which latent does not read"),
    "an alignment of 0": (
        header([LLAMA, u32_pair("general.alignment", 0)]),
        "general.alignment is 0, not a power of two"),
    "an alignment of 3": (
        header([LLAMA, u32_pair("general.alignment", 3)]),
        "general.alignment is 3, not a power of two"),
    "a key twice": (header([LLAMA, LLAMA]), "the key general.architecture appears twice"),
    "a tensor twice": (
        header([LLAMA], [tensor("output_norm.weight", (4,))] * 2, b"\0" * 16),
        "the tensor output_norm.weight appears twice"),
    "a key that is not UTF-8": (
        header([LLAMA, pair(b"general.\xff", U32, b"\0" * 4)]),
        "a key is not valid UTF-8 (at byte"),
    "a token that is not UTF-8": (
        header([LLAMA, GPT2, pair("tokenizer.ggml.tokens", ARRAY,
                                  array(STRING, string("a") + string(b"\xc3\x28"), 2))]),
        "tokenizer.ggml.tokens[1] is not valid UTF-8"),
    "a file cut inside a pair": (header([LLAMA, GPT2], alignment=1)[:-3],
                                 "tokenizer.ggml.model: 4 bytes declared, only 1 left"),
    "an empty file": (b"", "it is too short to be a GGUF file (0 bytes)"),
    "another format": (b"PK\x03\x04" + b"\0" * 60, "it is not a GGUF file (it does not begin "
                                                    "with 'GGUF')"),
    "version 1": (header([LLAMA], version=1), "it is GGUF version 1; latent reads versions 2 "
                                              "and 3"),
    "a big-endian file": (header([LLAMA], version=3 << 24),
                          "it is a big-endian GGUF file; latent reads little-endian ones"),
}


@pytest.mark.parametrize("case", BOMBS)
def test_a_header_that_declares_more_than_the_file_holds_is_one_line(
        runner, tmp_path: Path, case: str) -> None:
    content, fragment = BOMBS[case]
    path = tmp_path / "crafted.gguf"
    path.write_bytes(content)
    message = refused(runner, path)
    assert message.startswith("crafted.gguf: not a GGUF file latent can read: "), message
    assert fragment in message, message


def test_the_396_byte_bomb_stops_at_once_under_a_memory_limit(tmp_path: Path) -> None:
    """The issue's file: a 2^40-element token_type array whose 38 elements end the file exactly
    (so the gguf package's reader, reading on past the end, met no partial element and looped,
    growing until a 2 GB limit and then livelocking; it never ended in 120 s). The header check
    reads nothing of it."""
    bomb = header([LLAMA, text_pair("general.name", "a bomb"), GPT2,
                   text_pair("tokenizer.ggml.pre", "smollm"),
                   pair("tokenizer.ggml.token_type", ARRAY,
                        array(I32, struct.pack("<38i", *range(38)), HUGE))], alignment=1)
    path = tmp_path / "bomb.gguf"
    path.write_bytes(bomb)
    assert path.stat().st_size == 396

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    result = subprocess.run(
        [sys.executable, "-m", "latentcli", "generate", "hi", "-m", str(path)],
        env={**os.environ, "LATENT_CACHE_DIR": str(tmp_path / "cache"),
             "OPENBLAS_NUM_THREADS": "1"},
        preexec_fn=limit, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr == (
        "Error: bomb.gguf: not a GGUF file latent can read: tokenizer.ggml.token_type "
        "(1,099,511,627,776 elements of 4 bytes): 4,398,046,511,104 bytes declared, only 152 "
        "left in the file (at byte 244)\n")


def test_a_file_cut_short_in_its_data_is_refused(runner, tmp_path: Path) -> None:
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(TINY_GGUF.read_bytes()[: TINY_GGUF.stat().st_size // 2])
    message = refused(runner, cut)
    assert message.startswith("cut.gguf: not a GGUF file latent can read: the tensor ")
    assert "run past the end of the file" in message


# --- well-formed files holding what latent cannot run -----------------------------------------

def _nan_at(name: str, where: tuple[int, ...] = (0, 0), value: float = math.nan) -> Any:
    def edit(tensor_name: str, values: Any) -> Any:
        if tensor_name == name:
            values = values.copy()
            values[where[: values.ndim]] = value
        return values
    return edit


def _rows(name: str, rows: int) -> Any:
    """The tensor ``name`` with ``rows`` rows (more or fewer than its settings say)."""
    def edit(tensor_name: str, values: Any) -> Any:
        if tensor_name != name:
            return values
        grown = np.resize(values, (rows, *values.shape[1:]))
        return grown.astype(np.float32)
    return edit


def _without(name: str) -> Any:
    return lambda tensor_name, values: None if tensor_name == name else values


SETTINGS_CASES: dict[str, tuple[dict[str, Any], str]] = {
    "rope base 0": ({"llama.rope.freq_base": 0.0},
                    "its llama settings are out of range: rope_base must be a finite number "
                    "above 0, not 0.0"),
    "rope base NaN": ({"llama.rope.freq_base": math.nan}, "rope_base must be a finite number "
                                                          "above 0, not nan"),
    "eps -1": ({"llama.attention.layer_norm_rms_epsilon": -1.0},
               "eps must be a finite number above 0, not -1.0"),
    "eps NaN": ({"llama.attention.layer_norm_rms_epsilon": math.nan},
                "eps must be a finite number above 0, not nan"),
    "zero layers": ({"llama.block_count": 0}, "layers must be a whole number above 0, not 0"),
    "zero heads": ({"llama.attention.head_count": 0}, "heads must be a whole number above 0"),
    "zero key/value heads": ({"llama.attention.head_count_kv": 0},
                             "kv_heads must be a whole number above 0, not 0"),
    "heads that do not divide the width": ({"llama.attention.head_count": 5},
                                           "a width of 64 does not divide into 5 heads"),
    "RoPE wider than a head": ({"llama.rope.dimension_count": 32},
                               "rope_dims must be even and at most head_dim (16), not 32"),
    "a count written as text": ({"llama.block_count": "two"},
                                "its llama.block_count is 'two', not a number"),
    "a count written as a bool": ({"llama.feed_forward_length": True},
                                  "its llama.feed_forward_length is True, not a number"),
    "no width": ({"llama.embedding_length": None},
                 "its llama settings are incomplete: it has no llama.embedding_length"),
    "fewer token types than tokens": ({"tokenizer.ggml.token_type": [1, 1, 3]},
                                      "its tokenizer has 3 token types for 339 tokens"),
    "BOS out of range": ({"tokenizer.ggml.bos_token_id": 100_000},
                         "its bos token is id 100,000, but its tokenizer has 339 tokens"),
    "EOS out of range": ({"tokenizer.ggml.eos_token_id": -1},
                         "its eos token is id -1, but its tokenizer has 339 tokens"),
    "BOS as text": ({"tokenizer.ggml.bos_token_id": "0"},
                    "its tokenizer.ggml.bos_token_id is '0', not a whole number"),
    "tokens as numbers": ({"tokenizer.ggml.tokens": [1, 2, 3]},
                          "its tokenizer.ggml.tokens is an array of 3 numbers, not a list of "
                          "strings"),
    "a chat template that is not UTF-8": ({"tokenizer.chat_template": b"{{ \xff }}"},
                                          "tokenizer.chat_template is not valid UTF-8"),
    "an unknown pre-tokenizer": ({"tokenizer.ggml.pre": "deepseek-coder"},
                                 "the pre-tokenizer 'deepseek-coder' is not one latent knows"),
}


@pytest.mark.parametrize("case", SETTINGS_CASES)
def test_settings_and_tables_latent_cannot_run_are_refused_naming_the_file(
        runner, tmp_path: Path, case: str) -> None:
    fields, fragment = SETTINGS_CASES[case]
    path = write_gguf(tmp_path / "crafted.gguf", fields=fields)
    message = refused(runner, path)
    assert message.startswith("crafted.gguf: ") and fragment in message, message


TENSOR_CASES: dict[str, tuple[Any, str]] = {
    "one NaN in blk.1.attn_q": (_nan_at("blk.1.attn_q.weight"),
                                "values of its tensor 'blk.1.attn_q.weight' are not finite"),
    "one infinity in blk.0.attn_k": (_nan_at("blk.0.attn_k.weight", value=math.inf),
                                     "1 value of its tensor 'blk.0.attn_k.weight' is not finite"),
    "NaN embeddings": (_nan_at("token_embd.weight", (5,)),
                       "values of its tensor 'token_embd.weight' are not finite"),
    "a NaN norm": (_nan_at("output_norm.weight", (3,)),
                   "1 value of its tensor 'output_norm.weight' is not finite"),
    "a short query": (_rows("blk.0.attn_q.weight", 48),
                      "its tensor 'blk.0.attn_q.weight' is 48 x 64, not 64 x 64"),
    "a long key": (_rows("blk.1.attn_k.weight", 64),
                   "its tensor 'blk.1.attn_k.weight' is 64 x 64, not 32 x 64"),
    "a short value": (_rows("blk.0.attn_v.weight", 16),
                      "its tensor 'blk.0.attn_v.weight' is 16 x 64, not 32 x 64"),
    "a short gate": (_rows("blk.1.ffn_gate.weight", 96),
                     "its tensor 'blk.1.ffn_gate.weight' is 96 x 64, not 128 x 64"),
    "a long down projection": (_rows("blk.0.ffn_down.weight", 65),
                               "its tensor 'blk.0.ffn_down.weight' is 65 x 128, not 64 x 128"),
    "a short norm": (_rows("blk.0.ffn_norm.weight", 63),
                     "its tensor 'blk.0.ffn_norm.weight' is 63, not 64"),
    "a narrow embedding": (lambda name, values: values[:, :32] if name == "token_embd.weight"
                           else values,
                           "its tensor 'token_embd.weight' is 339 x 32, not 339 x 64"),
    "an embedding shorter than the vocabulary": (
        _rows("token_embd.weight", 300),
        "its tokenizer has 339 tokens but its embedding only 300 rows"),
    "a missing tensor": (_without("blk.1.ffn_down.weight"),
                         "it has no tensor 'blk.1.ffn_down.weight'"),
    "no embedding": (_without("token_embd.weight"),
                     "it has no token embedding (token_embd.weight)"),
}


@pytest.mark.filterwarnings("ignore:invalid value encountered in cast")  # quantizing a NaN
@pytest.mark.parametrize("case", TENSOR_CASES)
def test_tensors_latent_cannot_run_are_refused_naming_the_file_and_tensor(
        runner, tmp_path: Path, case: str) -> None:
    edit, fragment = TENSOR_CASES[case]
    path = write_gguf(tmp_path / "crafted.gguf", tensors=edit)
    message = refused(runner, path)
    assert message.startswith("crafted.gguf: ") and fragment in message, message


def test_a_zero_rope_factor_is_refused(runner, tmp_path: Path) -> None:
    """Llama 3.1's rope_freqs divide the frequencies: a 0 would make an infinity."""
    path = write_gguf(tmp_path / "crafted.gguf", llama3=True,
                      tensors=_nan_at("rope_freqs.weight", (2,), 0.0))
    assert ("1 value of its tensor 'rope_freqs.weight' is not finite or not above 0"
            in refused(runner, path))


def test_models_info_refuses_a_crafted_file_the_same_way(runner, tmp_path: Path) -> None:
    path = write_gguf(tmp_path / "crafted.gguf", fields={"llama.attention.head_count_kv": 0})
    for command in ("info", "get"):
        assert refused(runner, path, "models", command) == (
            "crafted.gguf: its llama settings are out of range: kv_heads must be a whole number "
            "above 0, not 0")


def test_the_api_refuses_a_crafted_file_with_a_model_error(tmp_path: Path) -> None:
    import latentcli
    from latentcli.errors import ModelError

    path = write_gguf(tmp_path / "crafted.gguf", fields={"llama.attention.head_count": 0})
    with pytest.raises(ModelError, match=r"crafted\.gguf: its llama settings are out of range"):
        latentcli.open(str(path))


def test_a_refused_file_is_refused_again_without_converting(runner, tmp_path: Path) -> None:
    """Nothing is installed for a refused file: the next run refuses it the same way (from the
    file, not from a conversion it would call unusable), with no note of a rebuild."""
    path = write_gguf(tmp_path / "crafted.gguf", tensors=_without("blk.1.ffn_down.weight"))
    first = refused(runner, path)
    assert refused(runner, path) == first
    assert "unusable" not in first and "rebuilding" not in first


def test_names_from_the_file_are_clipped_in_the_error(runner, tmp_path: Path) -> None:
    """A key or tensor name can be as long as the file: the error repeats its start only."""
    long_key = "general." + "x" * 10_000
    path = tmp_path / "crafted.gguf"
    path.write_bytes(header([LLAMA, pair(long_key, 99, b"")]))
    message = refused(runner, path)
    assert "general.xxx" in message and len(message) < 300, len(message)
