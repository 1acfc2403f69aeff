"""``tokenizers`` tokenizers equivalent to latent's byte-level BPE on a GGUF's vocabulary.

The reference the BPE scripts (make_unicode_tables, make_bpe_expectations,
make_decoder_references) compare latent with; it runs ONLY in the scratch venv with
``tokenizers`` installed (never a latent dependency). Each GGUF pre-tokenizer name latent knows is
built as the model's own tokenizer.json builds it: GPT-2's ByteLevel regex; SmolLM's Digits
(each digit alone) before it; Llama 3's Split on its own regex, then ByteLevel without a regex,
and ``ignore_merges`` (a piece that is a whole token is taken as it is, as llama.cpp does for
``llama-bpe``).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, pre_tokenizers

LLAMA3 = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}"
          r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")
KINDS = ("gpt2", "smollm", "llama-bpe")  # one of each pattern; "default", "llama3" are aliases
CONTROL, USER_DEFINED = 3, 4


@cache
def pre_tokenizer(pre: str) -> Any:
    """The pre-tokenizer of the tokenizer.json a GGUF with this ``tokenizer.ggml.pre`` came from.
    """
    if pre in ("gpt2", "default"):
        return pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    if pre == "smollm":
        return pre_tokenizers.Sequence([
            pre_tokenizers.Digits(individual_digits=True),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)])
    if pre in ("llama-bpe", "llama3"):
        return pre_tokenizers.Sequence([
            pre_tokenizers.Split(Regex(LLAMA3), behavior="isolated", invert=False),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
    raise ValueError(f"no reference for the pre-tokenizer {pre!r}")


def ignores_merges(pre: str) -> bool:
    return pre in ("llama-bpe", "llama3")


def tokenizer(data: dict[str, Any], ignore_merges: bool | None = None) -> Tokenizer:
    """A GGUF's tokenizer (latent's ``model.json`` "tokenizer": tokens, types, merges, pre) as
    ``tokenizers`` runs it; control and user-defined tokens are matched in the text first.
    ``ignore_merges`` overrides the pre-tokenizer's own (to see what it changes)."""
    vocab = {token: i for i, token in enumerate(data["tokens"])}
    merges = [tuple(merge.split(" ", 1)) for merge in data["merges"]]
    pre = str(data.get("pre", "default"))
    if ignore_merges is None:
        ignore_merges = ignores_merges(pre)
    built = Tokenizer(models.BPE(vocab, merges, ignore_merges=ignore_merges))
    built.pre_tokenizer = pre_tokenizer(pre)
    built.decoder = decoders.ByteLevel()
    built.add_special_tokens([
        AddedToken(token, special=kind == CONTROL, normalized=False)
        for token, kind in zip(data["tokens"], data["types"], strict=True)
        if kind in (CONTROL, USER_DEFINED)])
    return built


def pieces(pre: str, text: str) -> list[str]:
    """``text`` split as the pre-tokenizer splits it, each piece as the text it covers."""
    return [text[start:end] for _, (start, end) in pre_tokenizer(pre).pre_tokenize_str(text)]
