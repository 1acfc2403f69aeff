"""Every number read from a model directory's JSON files, checked in one place.

A config is data from wherever the model came from: a zero, negative, fractional, boolean, NaN
or absurdly large value would otherwise reach the forward pass or the tokenizer and give wrong
vectors without a word (``max_seq_length: 0`` kept only the special tokens). Each number a
reader uses is declared here with its range, and `checked` refuses anything else with one line
naming the file, the key and what is allowed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from latentcli.errors import ModelError


@dataclass(frozen=True)
class Rule:
    """A whole number (``whole``) or a finite real number in [low, high] (``low`` excluded when
    ``above``); ``high`` None: no upper bound."""

    whole: bool
    low: float
    high: float | None = None
    above: bool = False

    def allows(self, value: Any) -> bool:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        if self.whole and not isinstance(value, int):
            return False
        if not math.isfinite(value) or value < self.low or (self.above and value == self.low):
            return False
        return self.high is None or value <= self.high

    def describe(self) -> str:
        kind = "a whole number" if self.whole else "a number"
        low = f"above {self.low:g}" if self.above else f"at least {self.low:g}"
        return f"{kind} {low}" + (f" and at most {self.high:g}" if self.high is not None else "")


# config.json (Hugging Face BertConfig / MPNetConfig): what the forward pass reads.
CONFIG = {
    "num_hidden_layers": Rule(True, 1, 1024),
    "num_attention_heads": Rule(True, 1, 1024),
    "hidden_size": Rule(True, 1, 1 << 16),
    "intermediate_size": Rule(True, 1, 1 << 20),
    "vocab_size": Rule(True, 1, 1 << 24),
    "max_position_embeddings": Rule(True, 1, 1 << 20),
    "type_vocab_size": Rule(True, 1, 1 << 16),
    "relative_attention_num_buckets": Rule(True, 1, 1 << 16),
    "layer_norm_eps": Rule(False, 0.0, 1.0, above=True),
}
CONFIG_REQUIRED = ("num_hidden_layers", "num_attention_heads")
# sentence_bert_config.json and tokenizer_config.json: how many tokens a text may have
# (Hugging Face writes a huge model_max_length for "no limit": no upper bound there).
SENTENCE_CONFIG = {"max_seq_length": Rule(True, 1, 1 << 20)}
TOKENIZER_CONFIG = {"model_max_length": Rule(True, 1)}
# tokenizer.json's WordPiece model (its token ids: `token_ids`)
TOKENIZER = {"max_input_chars_per_word": Rule(True, 1, 1 << 20)}


def checked(settings: Mapping[str, Any], rules: Mapping[str, Rule], source: str,
            required: tuple[str, ...] = ()) -> None:
    """Refuse ``settings`` if a number ``rules`` names is present (and not null) but outside its
    rule, or a ``required`` one is missing; one `ModelError` line naming ``source``."""
    for key, rule in rules.items():
        value = settings.get(key)
        if value is None:
            if key in required:
                raise ModelError(f"{source}: {key} is missing; it must be {rule.describe()}")
            continue
        if not rule.allows(value):
            raise ModelError(f"{source}: {key} is {value!r}; it must be {rule.describe()}")


def token_ids(ids: Iterable[Any], source: str) -> None:
    """Token ids index the embedding table: whole numbers from 0 (a negative one would silently
    take a row from the table's end, a fraction would be cut)."""
    for value in ids:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ModelError(f"{source}: token id {value!r} is not a whole number of at least 0")
