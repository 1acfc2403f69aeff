"""What checking a GGUF file costs: at conversion, at every open, and knowing the file by content.

    python benchmarks/bench_gguf_checks.py --gguf SmolLM2-135M-Instruct.Q4_1.gguf [--repeat 3]
    python benchmarks/bench_gguf_checks.py --shape 1b [--repeat 3]   # a 1B-shaped Q8_0 model
    python benchmarks/bench_gguf_checks.py --smoke                    # the tiny test GGUF

``--shape 1b`` writes a synthetic GGUF of Llama 3.2 1B's shape (16 blocks of width 2048, 32
query and 8 key/value heads, a feed-forward width of 8192, 128,256 tokens, tied embeddings;
Q8_0 blocks of random quants, ~1.3 GB) into a temporary directory. For each file it prints the
median of ``--repeat`` runs of:

- the whole conversion (`networks.decoder.convert.convert`), and inside it the header read
  (`gguf_file.read_gguf`), the fit check (the `Decoder` built over stand-in tensors) and the value
  check of every tensor (its least and greatest value), each timed where convert calls it;
- the SHA-256 of the file (what knowing a GGUF by its content costs, once per path and state);
- a warm open's part: the file's `stat_record` and the scan of the conversions' meta.json for it
  (one conversion in the cache), and `Weights`' check of the tokenizer tables.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from latentcli.networks.decoder import convert as converter
from latentcli.networks.decoder.weights import Weights, open_weights
from latentcli.store import language_models
from latentcli.store.artifacts import file_digest

ROOT = Path(__file__).resolve().parent.parent
TINY_GGUF = ROOT / "tests" / "data" / "decoder" / "tiny-llama.gguf"
ONE_B = {"layers": 16, "hidden": 2048, "heads": 32, "kv_heads": 8, "ffn": 8192,
         "vocabulary": 128_256}


def write_1b(path: Path) -> Path:
    """A GGUF of Llama 3.2 1B's shape: Q8_0 blocks (a float16 scale, 32 int8 quants) of random
    quants and small scales, norms of ones, a byte-level vocabulary padded with plain tokens."""
    import gguf

    rng = np.random.default_rng(0)
    s = ONE_B
    head_dim = s["hidden"] // s["heads"]
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_name("one-b-shaped")
    for key, value in {"block_count": s["layers"], "context_length": 131_072,
                       "embedding_length": s["hidden"], "feed_forward_length": s["ffn"],
                       "attention.head_count": s["heads"],
                       "attention.head_count_kv": s["kv_heads"],
                       "rope.dimension_count": head_dim}.items():
        writer.add_uint32(f"llama.{key}", value)
    writer.add_rope_freq_base(500_000.0)
    writer.add_layer_norm_rms_eps(1e-5)
    alphabet = [chr(b) for b in range(ord("!"), ord("~") + 1)]
    tokens = [*alphabet, *(f"t{i}" for i in range(s["vocabulary"] - len(alphabet)))]
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("llama-bpe")
    writer.add_token_list(tokens)
    writer.add_token_types([1] * len(tokens))
    writer.add_token_merges(["t 0"])
    writer.add_bos_token_id(0)
    writer.add_eos_token_id(1)

    def q8(rows: int, columns: int) -> Any:
        blocks = np.empty((rows * columns // 32, 34), dtype=np.uint8)
        blocks[:, :2] = np.frombuffer(np.float16(0.002).tobytes(), np.uint8)
        blocks[:, 2:] = rng.integers(-127, 128, (len(blocks), 32), dtype=np.int8).view(np.uint8)
        return blocks.reshape(rows, columns // 32 * 34)

    def add(name: str, rows: int, columns: int) -> None:
        writer.add_tensor(name, q8(rows, columns), raw_dtype=gguf.GGMLQuantizationType.Q8_0)

    hidden, kv = s["hidden"], s["kv_heads"] * head_dim
    add("token_embd.weight", s["vocabulary"], hidden)
    for i in range(s["layers"]):
        writer.add_tensor(f"blk.{i}.attn_norm.weight", np.ones(hidden, np.float32))
        add(f"blk.{i}.attn_q.weight", hidden, hidden)
        add(f"blk.{i}.attn_k.weight", kv, hidden)
        add(f"blk.{i}.attn_v.weight", kv, hidden)
        add(f"blk.{i}.attn_output.weight", hidden, hidden)
        writer.add_tensor(f"blk.{i}.ffn_norm.weight", np.ones(hidden, np.float32))
        add(f"blk.{i}.ffn_gate.weight", s["ffn"], hidden)
        add(f"blk.{i}.ffn_up.weight", s["ffn"], hidden)
        add(f"blk.{i}.ffn_down.weight", hidden, s["ffn"])
    writer.add_tensor("output_norm.weight", np.ones(hidden, np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


@contextmanager
def timing(module: Any, name: str, spent: dict[str, float]) -> Iterator[None]:
    """``module.name`` wrapped so that the seconds spent in it add up in ``spent[name]``."""
    original = getattr(module, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent[name] = spent.get(name, 0.0) + time.perf_counter() - start

    setattr(module, name, timed)
    try:
        yield
    finally:
        setattr(module, name, original)


def one_conversion(gguf: Path, scratch: Path) -> dict[str, float]:
    target = scratch / "converted"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir()
    spent: dict[str, float] = {}
    with (timing(converter, "_read", spent), timing(converter, "_check_fit", spent),
          timing(converter, "_check_values", spent)):
        start = time.perf_counter()
        converter.convert(gguf, target)
        spent["convert"] = time.perf_counter() - start
    return spent


def median_of(repeat: int, measure: Callable[[], float]) -> float:
    return statistics.median(measure() for _ in range(repeat))


def seconds(function: Callable[[], object]) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def report(gguf: Path, scratch: Path, repeat: int) -> None:
    size = gguf.stat().st_size
    runs = [one_conversion(gguf, scratch) for _ in range(repeat)]
    parts = {name: statistics.median(run.get(name, 0.0) for run in runs)
             for name in ("convert", "_read", "_check_fit", "_check_values")}
    weights = (scratch / "converted" / "weights.f32").stat().st_size
    print(f"{gguf.name}: {size / 1e6:,.0f} MB GGUF, {weights / 1e9:.2f} GB float32; median of "
          f"{repeat}")
    print(f"  conversion            {parts['convert']:8.3f} s")
    for name, label in (("_read", "header read"), ("_check_fit", "fit check (stand-ins)"),
                        ("_check_values", "value check (all tensors)")):
        share = parts[name] / parts["convert"] * 100
        print(f"    {label:26} {parts[name]:8.3f} s  ({share:.1f} %)")
    hashing = median_of(repeat, lambda: seconds(lambda: file_digest(gguf)))
    print(f"  SHA-256 of the GGUF   {hashing:8.3f} s  ({size / hashing / 1e9:.2f} GB/s; once "
          "per path and file state)")
    cache = scratch / "cache" / "language"
    entry = cache / "gguf-0"
    entry.mkdir(parents=True, exist_ok=True)
    seen = language_models.stat_record(gguf)
    (entry / "meta.json").write_text(json.dumps(
        {"source": {"kind": "gguf"}, "paths": {str(gguf): seen}}), "utf-8")
    warm = median_of(max(repeat, 21), lambda: seconds(
        lambda: language_models.identify(cache, gguf)))
    print(f"  warm identify         {warm * 1e3:8.3f} ms (stat + one meta.json read)")
    opened = open_weights(scratch / "converted")
    tables = median_of(max(repeat, 21), lambda: seconds(lambda: Weights(
        opened.directory, opened.settings, opened.tokenizer, opened.tensors)))
    print(f"  Weights' table check  {tables * 1e3:8.3f} ms (every open)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gguf", type=Path, help="a GGUF file to convert")
    parser.add_argument("--shape", choices=["1b"], help="write a synthetic GGUF of this shape")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--smoke", action="store_true",
                        help="a tiny run that only checks the script still works (the tests)")
    options = parser.parse_args()
    if options.smoke:
        options.gguf, options.shape, options.repeat = TINY_GGUF, None, 1
    with tempfile.TemporaryDirectory() as directory:
        scratch = Path(directory)
        gguf = write_1b(scratch / "one-b.gguf") if options.shape else options.gguf
        if gguf is None:
            parser.error("give --gguf FILE, --shape 1b or --smoke")
        report(gguf, scratch, options.repeat)


if __name__ == "__main__":
    main()
