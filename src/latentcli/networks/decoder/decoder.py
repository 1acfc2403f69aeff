"""A language model ready to run: weights, tokenizer and forward pass, and its generation loop."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from latentcli.errors import ParameterError, UsageError
from latentcli.networks.arrays import Array
from latentcli.networks.decoder.hooks import Hooks
from latentcli.networks.decoder.network import KVCache, Llama
from latentcli.networks.decoder.sentencepiece import SentencePiece
from latentcli.networks.decoder.tokenizer import Stream, Tokenizer, TooManyTokens
from latentcli.networks.decoder.weights import InvalidModel, Weights, open_weights

Listener = Callable[[str], None]  # is given each piece of text as it is decoded


def tokenizer(data: dict[str, Any]) -> Tokenizer:
    """The tokenizer ``data`` describes (what `convert` or `hf_tokenizer` wrote)."""
    return SentencePiece(data) if data.get("model") == "llama" else Tokenizer(data)


class Prompt(NamedTuple):
    """A prompt's token ids, and the position of the first token of the user's own text (after
    the sink and, in a chat, the template's opening)."""

    ids: list[int]
    start: int


@dataclass(frozen=True)
class Sampling:
    """How the next token is chosen: greedy at temperature 0, else sampled with nucleus top-p."""

    temperature: float = 0.0
    top_p: float = 1.0
    seed: int = 0

    def __post_init__(self) -> None:
        if not (self.temperature >= 0 and np.isfinite(self.temperature)):
            raise ParameterError("temperature", "must be 0 (greedy) or a finite number above 0")
        if not 0 < self.top_p <= 1:
            raise ParameterError("top_p", "must be above 0 and at most 1")

    def chooser(self) -> Callable[[Array], int]:
        if self.temperature == 0:
            return lambda logits: int(np.argmax(logits))  # ties: the lowest id
        rng = np.random.default_rng(self.seed)

        def choose(logits: Array) -> int:
            order = np.argsort(-logits, kind="stable")  # ties: the lower id first
            # Each token's distance below the best, over the temperature, in float64: a
            # temperature so small that the quotient overflows gives the best tokens all of
            # the probability (greedy), never infinity minus infinity.
            gaps = logits[order[0]].astype(np.float64) - logits[order].astype(np.float64)
            with np.errstate(over="ignore"):
                p = np.exp(-(gaps / self.temperature))
            p /= p.sum()
            # the smallest head of the ranking holding top_p (rounding may leave the sum short)
            keep = min(len(p), int(np.searchsorted(np.cumsum(p), self.top_p) + 1))
            p = p[:keep] / p[:keep].sum()
            return int(order[rng.choice(keep, p=p)])

        return choose


class Decoder:
    """One converted model: text in, token ids and activations out."""

    def __init__(self, name: str, weights: Weights,
                 on_damage: Callable[[], None] | None = None) -> None:
        """The model in ``weights``; `InvalidModel` if its settings, tensors and tokenizer do
        not agree. ``on_damage`` is called when a forward pass finds the weights damaged
        (`network.DamagedModel`)."""
        self.name = name
        self.weights = weights
        self.network = Llama(weights, name, on_damage)
        self.tokenizer = tokenizer(weights.tokenizer)
        if len(self.tokenizer.tokens) > self.network.vocabulary_size:
            raise InvalidModel(f"its tokenizer has {len(self.tokenizer.tokens)} tokens but its "
                               f"embedding only {self.network.vocabulary_size} rows")

    @classmethod
    def open(cls, directory: Path, name: str,
             on_damage: Callable[[], None] | None = None) -> Decoder:
        """The model converted in ``directory`` (``weights.f32`` and ``model.json``; whoever
        calls this has checked ``meta.json``)."""
        return cls(name, open_weights(directory), on_damage)

    @property
    def context(self) -> int:
        """The most positions the model reads: prompt and written tokens together."""
        return self.network.config.context

    @property
    def sink(self) -> int | None:
        """The token put first when steering (the attention sink takes position 0)."""
        return self.tokenizer.ids.get("<|endoftext|>", self.tokenizer.bos)

    def prompt(self, text: str, chat: bool = False, sink: bool = False,
               noun: str = "the prompt") -> Prompt:
        """``text``'s token ids (as the user's turn of the chat template, with ``chat``; after
        the sink token, with ``sink``), refused if they do not fit in the context (``noun``
        names the text in the message)."""
        before, after = self._chat_parts() if chat else ("", "")
        if chat and "<|start_header_id|>" in before:  # Llama 3's template trims the message
            text = text.strip()
        try:
            ids = self.tokenizer.encode(before + text + after, self.context)
        except TooManyTokens:
            raise UsageError(self._too_long(noun, self.context, more=True)) from None
        # the user's text starts where its ids part from those of the template's opening
        start = _common_length(ids, self.tokenizer.encode(before))
        if sink and self.sink is not None and ids[:1] != [self.sink]:
            ids, start = [self.sink, *ids], start + 1
        if not ids:
            raise UsageError("the prompt is empty: give the model some text to continue")
        if len(ids) > self.context:
            raise UsageError(self._too_long(noun, len(ids)))
        return Prompt(ids, min(start, len(ids) - 1))

    def prompt_ids(self, prompt: str, chat: bool = False, sink: bool = False) -> list[int]:
        return self.prompt(prompt, chat, sink).ids

    def check_room(self, prompt: int, max_tokens: int) -> None:
        """Refuse ``max_tokens`` more positions after a prompt of ``prompt`` tokens when they
        would not fit in the context."""
        if prompt + max_tokens <= self.context:
            return
        if prompt >= self.context:
            raise UsageError(self._too_long("the prompt", prompt) + ", so none are left "
                             "to write")
        raise ParameterError("max_tokens", f"must be at most {self.context - prompt} after "
                                           f"this prompt: {self._too_long('it', prompt)}")

    def _too_long(self, noun: str, count: int, more: bool = False) -> str:
        """The one message for a text longer than the context (``more``: than ``count``)."""
        return (f"{noun} is {'more than ' if more else ''}{count:,} tokens and {self.name} reads "
                f"at most {self.context:,} (its context)")

    def _chat_parts(self) -> tuple[str, str]:
        """What the model's chat template (ChatML or Llama 3's) puts before and after the
        user's message."""
        template = str(self.weights.tokenizer.get("chat_template") or "")
        if "<|im_start|>" in template:
            system = re.search(r"<\|im_start\|>system\n(.*?)<\|im_end\|>", template, re.S)
            preamble = f"<|im_start|>system\n{system.group(1)}<|im_end|>\n" if system else ""
            return (f"{preamble}<|im_start|>user\n",
                    "<|im_end|>\n<|im_start|>assistant\n")
        if "<|start_header_id|>" in template:
            return ("<|start_header_id|>user<|end_header_id|>\n\n",
                    "<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n")
        raise UsageError(f"{self.name} has no chat template latent knows (ChatML or Llama 3's); "
                         "leave out --chat")

    def generate(self, ids: Sequence[int], max_tokens: int, sampling: Sampling,
                 hooks: Hooks | None = None, listen: Listener | None = None) -> list[int]:
        """Up to ``max_tokens`` tokens after ``ids``, stopping at an end-of-turn token; ``hooks``
        are called at every step (the prompt's, then each new token's)."""
        self.check_room(len(ids), max_tokens)
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


def _common_length(a: Sequence[int], b: Sequence[int]) -> int:
    """How many leading items ``a`` and ``b`` share."""
    return next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y),
                min(len(a), len(b)))
