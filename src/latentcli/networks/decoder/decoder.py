"""A language model ready to run: weights, tokenizer and forward pass, and its generation loop."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from latentcli.errors import UsageError
from latentcli.networks.arrays import Array
from latentcli.networks.decoder.hooks import Hooks
from latentcli.networks.decoder.network import KVCache, Llama
from latentcli.networks.decoder.sentencepiece import SentencePiece
from latentcli.networks.decoder.tokenizer import Stream, Tokenizer
from latentcli.networks.decoder.weights import InvalidModel, Weights, open_weights

Listener = Callable[[str], None]  # is given each piece of text as it is decoded


def tokenizer(data: dict[str, Any]) -> Tokenizer:
    """The tokenizer ``data`` describes (what `convert` or `hf_tokenizer` wrote)."""
    return SentencePiece(data) if data.get("model") == "llama" else Tokenizer(data)


@dataclass(frozen=True)
class Sampling:
    """How the next token is chosen: greedy at temperature 0, else sampled with nucleus top-p."""

    temperature: float = 0.0
    top_p: float = 1.0
    seed: int = 0

    def __post_init__(self) -> None:
        if not (self.temperature >= 0 and np.isfinite(self.temperature)):
            raise UsageError("--temperature must be 0 (greedy) or more")
        if not 0 < self.top_p <= 1:
            raise UsageError("--top-p must be above 0 and at most 1")

    def chooser(self) -> Callable[[Array], int]:
        if self.temperature == 0:
            return lambda logits: int(np.argmax(logits))  # ties: the lowest id
        rng = np.random.default_rng(self.seed)

        def choose(logits: Array) -> int:
            scaled = logits.astype(np.float64) / self.temperature
            order = np.argsort(-scaled, kind="stable")  # ties: the lower id first
            p = np.exp(scaled[order] - scaled[order[0]])
            p /= p.sum()
            # the smallest head of the ranking holding top_p (rounding may leave the sum short)
            keep = min(len(p), int(np.searchsorted(np.cumsum(p), self.top_p) + 1))
            p = p[:keep] / p[:keep].sum()
            return int(order[rng.choice(keep, p=p)])

        return choose


class Decoder:
    """One converted model: text in, token ids and activations out."""

    def __init__(self, name: str, weights: Weights) -> None:
        """The model in ``weights``; `InvalidModel` if its settings, tensors and tokenizer do
        not agree."""
        self.name = name
        self.weights = weights
        self.network = Llama(weights)
        self.tokenizer = tokenizer(weights.tokenizer)
        if len(self.tokenizer.tokens) > self.network.vocabulary_size:
            raise InvalidModel(f"its tokenizer has {len(self.tokenizer.tokens)} tokens but its "
                               f"embedding only {self.network.vocabulary_size} rows")

    @classmethod
    def open(cls, directory: Path, name: str) -> Decoder:
        """The model converted in ``directory`` (``weights.f32`` and ``model.json``; whoever
        calls this has checked ``meta.json``)."""
        return cls(name, open_weights(directory))

    @property
    def sink(self) -> int | None:
        """The token put first when steering (the attention sink takes position 0)."""
        return self.tokenizer.ids.get("<|endoftext|>", self.tokenizer.bos)

    def prompt_ids(self, prompt: str, chat: bool = False, sink: bool = False) -> list[int]:
        ids = self.tokenizer.encode(self.chat_prompt(prompt) if chat else prompt)
        if sink and self.sink is not None and ids[:1] != [self.sink]:
            ids = [self.sink, *ids]
        if not ids:
            raise UsageError("the prompt is empty: give the model some text to continue")
        return ids

    def chat_prompt(self, prompt: str) -> str:
        """``prompt`` as the user's turn in the model's chat template (ChatML or Llama 3's)."""
        template = str(self.weights.tokenizer.get("chat_template") or "")
        if "<|im_start|>" in template:
            system = re.search(r"<\|im_start\|>system\n(.*?)<\|im_end\|>", template, re.S)
            preamble = f"<|im_start|>system\n{system.group(1)}<|im_end|>\n" if system else ""
            return f"{preamble}<|im_start|>user\n{prompt}<|im_end|>\n<|im_start|>assistant\n"
        if "<|start_header_id|>" in template:  # the template trims the message
            return (f"<|start_header_id|>user<|end_header_id|>\n\n{prompt.strip()}<|eot_id|>"
                    "<|start_header_id|>assistant<|end_header_id|>\n\n")
        raise UsageError(f"{self.name} has no chat template latent knows (ChatML or Llama 3's); "
                         "leave out --chat")

    def generate(self, ids: Sequence[int], max_tokens: int, sampling: Sampling,
                 hooks: Hooks | None = None, listen: Listener | None = None) -> list[int]:
        """Up to ``max_tokens`` tokens after ``ids``, stopping at an end-of-turn token; ``hooks``
        are called at every step (the prompt's, then each new token's)."""
        context = self.network.config.context
        if len(ids) + max_tokens > context:
            raise UsageError(f"the prompt and --max-tokens exceed {self.name}'s context of "
                             f"{context} tokens")
        choose = sampling.chooser()
        cache = KVCache(self.network.config, 1, len(ids) + max_tokens)
        logits = self.network.forward([ids], cache, hooks)[0]
        written: list[int] = []
        stream = Stream(self.tokenizer)
        while len(written) < max_tokens:
            token = choose(logits)
            if token in self.tokenizer.ends:
                break
            written.append(token)
            if listen is not None:
                listen(stream.add(token))
            if len(written) < max_tokens:
                logits = self.network.forward([[token]], cache, hooks)[0]
        if listen is not None:
            listen(stream.finish())
        return written
