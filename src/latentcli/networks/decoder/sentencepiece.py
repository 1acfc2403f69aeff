"""SentencePiece-style BPE (Llama 2, TinyLlama, Mistral, Gemma), as transformers and
``tokenizers`` compute it, from a GGUF (``tokenizer.ggml.model = "llama"``) or a tokenizer.json.

- Control, unknown and user-defined tokens are cut out of the text whole first (the longest at a
  place first), as for byte-level BPE.
- Each stretch of text between them is one word, not split further: a space is the symbol ``▁``,
  and with ``add_space_prefix`` the stretch starts with one more ``▁`` (so again after every
  special token, as llama.cpp and the legacy Llama tokenizer.json do).
- A character is a symbol if it is a token, else its UTF-8 bytes are, as the byte tokens
  ``<0xNN>`` (byte fallback). Symbols are merged pairwise by `bpe.merge`.
- Which pair merges first: the tokenizer.json's merge list where one is given (``merges``); else
  the merges transformers rebuilds from the vocabulary (every cut of a token into two tokens),
  ranked by the merged token's ``scores`` (highest first) or, where there are none, its id
  (lowest first; Gemma, whose scores do not follow its merges), then the longer left piece, then
  the longer right one.
- Decoding writes ``▁`` as a space and fuses byte tokens into UTF-8; the space a prefix added
  after a special token (the BOS, say) is left out, so a text's ids decode to the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from latentcli.errors import ModelError
from latentcli.networks.decoder.bpe import merge
from latentcli.networks.decoder.tokenizer import CONTROL, USER_DEFINED, Tokenizer

UNKNOWN, BYTE = 2, 6  # llama.cpp's token types (NORMAL is 1)
SPACE = "\u2581"  # ▁, how SentencePiece spells a space
Rank = tuple[float, int, int]


class SentencePiece(Tokenizer):
    """Text to token ids and back for a SentencePiece-style BPE vocabulary."""

    special_types = (UNKNOWN, CONTROL, USER_DEFINED)

    def _read_kind(self, data: dict[str, Any]) -> None:
        self.add_space_prefix = bool(data.get("add_space_prefix", True))
        self.special_ids = frozenset(self.special.values())
        self.byte_tokens: dict[int, int] = {}  # byte token id → its byte
        for i, (token, kind) in enumerate(zip(self.tokens, data["types"], strict=True)):
            if kind == BYTE:
                spelled = re.fullmatch("<0x([0-9A-F]{2})>", token)
                if spelled is None:
                    raise ModelError(f"its byte token {i} is {token!r}, not <0xNN>")
                self.byte_tokens[i] = int(spelled.group(1), 16)
        self.byte_spelling = {byte: self.tokens[i] for i, byte in self.byte_tokens.items()}
        self.pair_ranks: dict[tuple[str, str], Rank] | None = None
        if data.get("merges") is not None:
            self.pair_ranks = {(a, b): (rank, 0, 0) for rank, (a, b) in enumerate(data["merges"])}
            unmade = next(((a, b) for a, b in self.pair_ranks if a + b not in self.ids), None)
            if unmade is not None:
                raise ModelError(f"its merge of {unmade[0]!r} and {unmade[1]!r} makes no token")
        elif data.get("scores") is not None:
            if len(data["scores"]) != len(self.tokens):
                raise ModelError(f"it has {len(data['scores'])} token scores for "
                                 f"{len(self.tokens)} tokens")
            self.priority = [-float(score) for score in data["scores"]]
        else:
            self.priority = [float(i) for i in range(len(self.tokens))]

    def _rank(self, left: str, right: str) -> Rank | None:
        if self.pair_ranks is not None:
            return self.pair_ranks.get((left, right))
        merged = self.ids.get(left + right)
        return None if merged is None else (self.priority[merged], -len(left), -len(right))

    def _plain(self, text: str) -> Iterator[list[int]]:
        if not text:
            return
        text = (SPACE if self.add_space_prefix else "") + text.replace(" ", SPACE)
        parts: list[str] = []
        for char in text:
            if char in self.ids:
                parts.append(char)
            else:
                parts += [self._byte(b) for b in char.encode("utf-8")]
        yield [self.ids[part] for part in merge(parts, self._rank)]

    def _byte(self, byte: int) -> str:
        spelling = self.byte_spelling.get(byte)
        if spelling is None:
            raise ModelError(f"the tokenizer has no byte token <0x{byte:02X}>; its vocabulary "
                             "is incomplete")
        return spelling

    def word_form(self, token: int) -> str:
        """As `Tokenizer.word_form` (``▁king`` is ``king``), but a byte token is its spelling
        (``<0x41>``: a byte, not the letter ``A``, which is a token of its own)."""
        return self.tokens[token] if token in self.byte_tokens else super().word_form(token)

    def _unprintable(self, token: int, text: str) -> str:
        """Spaces as ``▁``, characters that do not print escaped as Python writes them
        (``\\n``: the byte token ``<0x0A>`` is another token)."""
        return "".join(SPACE if char == " " else char if char.isprintable()
                       else repr(char)[1:-1] for char in text)

    def single(self, token: int) -> bool:
        """Whether the token is one byte or one character."""
        return token in self.byte_tokens or len(self.tokens[token]) == 1

    def token_bytes(self, token: int) -> bytes:
        """What token ``token`` writes: its byte, or its text with ``▁`` a space."""
        byte = self.byte_tokens.get(token)
        if byte is not None:
            return bytes([byte])
        return self.tokens[token].replace(SPACE, " ").encode("utf-8")

    def text_bytes(self, ids: Sequence[int], previous: int | None = None) -> bytes:
        written = []
        for token in ids:
            data = self.token_bytes(token)
            if (self.add_space_prefix and previous is not None and data.startswith(b" ")
                    and previous in self.special_ids):
                data = data[1:]
            written.append(data)
            previous = token
        return b"".join(written)
