"""Byte-level BPE (GPT-2's scheme, as Llama 3 and SmolLM use it) from a GGUF's tokens and merges.

Text is split at the control tokens (``<|im_start|>``…), then into pieces by the model's
pre-tokenizer pattern; each piece's UTF-8 bytes are spelled with GPT-2's printable byte alphabet
(a space is ``Ġ``) and merged pairwise in the order of the merge list. Python's ``re`` has no
``\\p{L}``/``\\p{N}``, so the patterns spell those classes out from `unicode_tables`, as
``tokenizers``' regex engine sees them (not as this Python's ``unicodedata`` does); ``\\s`` is
spelled out too, as its White_Space (Python's own ``\\s`` also takes U+001C to U+001F).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator, Sequence
from functools import cached_property, lru_cache
from typing import Any, NamedTuple

from latentcli.errors import ModelError
from latentcli.networks import unicode_tables
from latentcli.networks.decoder.bpe import merge
from latentcli.networks.decoder.normalizer import normalizer

CONTROL, USER_DEFINED = 3, 4  # llama.cpp's token types that are matched in text as they are
CACHED = 256  # characters of the longest piece whose ids are kept for the next time
END_TOKENS = ("<|im_end|>", "<|eot_id|>", "<|end_of_text|>", "<|endoftext|>")


def _body(table: str) -> str:
    """A `unicode_tables` class as the body of a regex character class: the characters
    themselves (``re`` parses them several times faster than ``\\U`` escapes), the few that mean
    something in a class escaped."""
    def one(point: int) -> str:
        return "\\" + chr(point) if chr(point) in "\\]^-[" else chr(point)

    return "".join(one(a) if a == b else f"{one(a)}-{one(b)}"
                   for a, b in unicode_tables.ranges(table))


L, N, S = (_body(table) for table in (unicode_tables.LETTERS, unicode_tables.NUMBERS,
                                      unicode_tables.WHITE_SPACE))
GPT2 = (f"'s|'t|'re|'ve|'m|'ll|'d| ?[{L}]+| ?[{N}]+| ?[^{S}{L}{N}]+|[{S}]+(?![^{S}])|[{S}]+")
LLAMA3 = (f"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n{L}{N}]?[{L}]+|[{N}]{{1,3}}"
          f"| ?[^{S}{L}{N}]+[\\r\\n]*|[{S}]*[\\r\\n]+|[{S}]+(?![^{S}])|[{S}]+")
QWEN2 = (f"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n{L}{N}]?[{L}]+|[{N}]"  # Llama 3's, digits alone
         f"| ?[^{S}{L}{N}]+[\\r\\n]*|[{S}]*[\\r\\n]+|[{S}]+(?![^{S}])|[{S}]+")
DIGIT = f"[{_body(unicode_tables.NUMERIC)}]"


class PreTokenizer(NamedTuple):
    """How text is cut into pieces and a piece merged, for one GGUF pre-tokenizer name (as the
    model's own tokenizer.json and llama.cpp do it)."""

    pattern: str
    split_digits: bool  # every NUMERIC character first split off alone (SmolLM's Digits)
    ignore_merges: bool  # a piece that is a whole token is that token, unmerged (Llama 3)


PRE_TOKENIZERS = {
    "gpt2": PreTokenizer(GPT2, False, False), "default": PreTokenizer(GPT2, False, False),
    "smollm": PreTokenizer(GPT2, True, False),
    "llama-bpe": PreTokenizer(LLAMA3, False, True), "llama3": PreTokenizer(LLAMA3, False, True),
    "qwen2": PreTokenizer(QWEN2, False, False),
}


@lru_cache(maxsize=1)
def byte_alphabet() -> dict[int, str]:
    """GPT-2's map of each byte to a printable character (bytes that print stand for
    themselves; the rest, such as the space, are shifted past U+0100)."""
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1),
                 *range(ord("®"), ord("ÿ") + 1)]
    shifted = [b for b in range(256) if b not in printable]
    return {**{b: chr(b) for b in printable},
            **{b: chr(256 + i) for i, b in enumerate(shifted)}}


class TooManyTokens(Exception):
    """A text that is more than ``limit`` tokens (`Tokenizer.encode` stopped counting there)."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"more than {limit} tokens")
        self.limit = limit


class Tokenizer:
    """Text to token ids and back, for one model's vocabulary: byte-level BPE. Another kind of
    tokenizer (`sentencepiece.SentencePiece`) subclasses it for how plain text is encoded and a
    token written, and keeps the rest (special tokens, BOS, end tokens, decoding)."""

    special_types: tuple[int, ...] = (CONTROL, USER_DEFINED)  # cut out of the text whole

    def __init__(self, data: dict[str, Any]) -> None:
        self.tokens: list[str] = data["tokens"]
        self.ids = {token: i for i, token in enumerate(self.tokens)}
        self.special = {token: i for i, (token, kind) in enumerate(
            zip(self.tokens, data["types"], strict=True)) if kind in self.special_types}
        longest_first = sorted(self.special, key=lambda token: (-len(token), token))
        self.special_pattern = (re.compile("|".join(map(re.escape, longest_first)))
                                if longest_first else None)
        self.bos: int | None = data.get("bos")
        self.add_bos = bool(data.get("add_bos")) and self.bos is not None
        self.ends = frozenset(i for token in END_TOKENS if (i := self.ids.get(token)) is not None)
        if (eos := data.get("eos")) is not None:
            self.ends |= {int(eos)}
        self._cache: dict[str, list[int]] = {}
        self._read_kind(data)

    def _read_kind(self, data: dict[str, Any]) -> None:
        """Byte-level BPE's own settings: merges, pre-tokenizer, byte alphabet, normalizer."""
        # "a b" → rank: byte-level tokens hold no spaces (a space is Ġ), so the pair is the key
        self.ranks: dict[str, int] = dict(zip(data["merges"], range(len(data["merges"])),
                                              strict=True))
        pre = str(data.get("pre", "default"))
        if pre not in PRE_TOKENIZERS:
            raise ModelError(f"the pre-tokenizer {pre!r} is not one latent knows "
                             f"({', '.join(PRE_TOKENIZERS)})")
        self.pre = PRE_TOKENIZERS[pre]
        self.pattern = re.compile(self.pre.pattern)
        self.digit = re.compile(DIGIT)
        self.normalize = normalizer(data.get("normalizer"))
        self.alphabet = byte_alphabet()
        self.unbytes = {char: byte for byte, char in self.alphabet.items()}
        # bytes with no token of their own: dropped before merging, so they cover no token
        self.dropped = tuple(bytes([byte]) for byte, char in self.alphabet.items()
                             if char not in self.ids)

    dropped: tuple[bytes, ...] = ()  # a kind with byte fallback drops no byte

    @cached_property
    def longest(self) -> int:
        """The most bytes of text one token covers: a text's token count is at least its
        bytes over this (the bytes `dropped` not counted)."""
        return max([1, *(len(self.token_bytes(token)) for token in range(len(self.tokens)))])

    def encode(self, text: str, limit: int | None = None) -> list[int]:
        """The token ids of ``text`` (control tokens written in it are taken as such).

        With ``limit``, `TooManyTokens` as soon as they are known to be more: before any work
        when even the longest tokens could not cover ``text`` in ``limit``, else once the count
        passes it, so the work is bounded by the limit, not by the text."""
        ids = [self.bos] if self.add_bos and self.bos is not None else []
        if limit is not None:
            data = text.encode("utf-8", errors="surrogatepass")
            covered = len(data) - sum(data.count(byte) for byte in self.dropped)
            if len(ids) + -(-covered // self.longest) > limit:
                raise TooManyTokens(limit)
        for found in self._ids(text):
            ids += found
            if limit is not None and len(ids) > limit:
                raise TooManyTokens(limit)
        return ids

    def _ids(self, text: str) -> Iterator[list[int]]:
        """The ids of ``text``, a piece (or a control token) at a time."""
        start = 0
        for match in self.special_pattern.finditer(text) if self.special_pattern else ():
            yield from self._plain(text[start:match.start()])
            yield [self.special[match.group()]]
            start = match.end()
        yield from self._plain(text[start:])

    def _plain(self, text: str) -> Iterator[list[int]]:
        """The ids of a stretch of text holding no special token, a piece at a time."""
        yield from map(self._piece, self._pieces(self.normalize(text)))

    def pre_tokenize(self, text: str) -> list[str]:
        """The pieces ``text`` (holding no control token) is cut into, each merged alone."""
        return list(self._pieces(text))

    def _pieces(self, text: str) -> Iterator[str]:
        for chunk in self._chunks(text):
            for match in self.pattern.finditer(chunk):
                yield match.group()

    def _chunks(self, text: str) -> list[str]:
        """``text``, with every digit split off alone if the model asks for it."""
        if not self.pre.split_digits:
            return [text]
        chunks: list[str] = []
        start = 0
        for match in self.digit.finditer(text):
            chunks += [text[start:match.start()], match.group()]
            start = match.end()
        return [*chunks, text[start:]]

    def _piece(self, piece: str) -> list[int]:
        """One pre-tokenized piece, merged pairwise by rank (cached: pieces repeat)."""
        cached = self._cache.get(piece)
        if cached is not None:
            return cached
        symbols = [self.alphabet[b] for b in piece.encode("utf-8")]
        whole = "".join(symbols)
        # A byte with no token of its own (SmolLM2 has none for six control characters) is
        # dropped before merging, as tokenizers drops it (its neighbours may then merge).
        parts = ([whole] if self.pre.ignore_merges and whole in self.ids
                 else [symbol for symbol in symbols if symbol in self.ids])
        ids = [self._id(part) for part in merge(parts, lambda a, b: self.ranks.get(f"{a} {b}"))]
        if len(self._cache) < 100_000 and len(piece) <= CACHED:
            self._cache[piece] = ids
        return ids

    def _id(self, part: str) -> int:
        found = self.ids.get(part)
        if found is None:
            raise ModelError(f"the tokenizer has no token for {part!r}; its vocabulary is "
                             "incomplete")
        return found

    def token_bytes(self, token: int) -> bytes:
        """What token ``token`` writes: its bytes (a control token: its own text)."""
        text = self.tokens[token]
        if token in self.special.values() or any(c not in self.unbytes for c in text):
            return text.encode("utf-8")
        return bytes(self.unbytes[c] for c in text)

    def text_bytes(self, ids: Sequence[int], previous: int | None = None) -> bytes:
        """What ``ids`` write, following the token ``previous`` (None: nothing before them)."""
        return b"".join(self.token_bytes(i) for i in ids)

    def decode(self, ids: Sequence[int]) -> str:
        """The text of ``ids`` (bytes that are not UTF-8 become U+FFFD)."""
        return self.text_bytes(ids).decode("utf-8", errors="replace")

    def readable(self, token: int) -> str:
        """A token as a person reads it, distinct from every other token's: its text when that
        is whole UTF-8 (``Ġking`` is `` king``), else its bytes (``<0xE6><0x97>``: part of a
        character, which its GPT-2 spelling would pass off as another character)."""
        text = self.whole_text(token)
        return text if text is not None else "".join(
            f"<0x{byte:02X}>" for byte in self.token_bytes(token))

    def whole_text(self, token: int) -> str | None:
        """What the token writes, if it is whole UTF-8."""
        try:
            return self.token_bytes(token).decode("utf-8")
        except UnicodeDecodeError:
            return None

    def words(self) -> list[str]:
        """Every token as a distinct word for a word space, in id order (`word_form`). Should
        two tokens meet on one form, the later one is written with its id."""
        words: list[str] = []
        seen: set[str] = set()
        for token in range(len(self.tokens)):
            form = self.word_form(token)
            if form in seen:
                form = f"{form}#{token}"
            seen.add(form)
            words.append(form)
        return words

    def word_form(self, token: int) -> str:
        """The token as a word. One that starts with a space is a word as it follows a space,
        so it is shown as the word (`` king`` is ``king``); one without is a piece inside a
        word or at the start of a text, shown after ``##`` as WordPiece does (``##king``). So
        that no word reads as a piece, one after a space that starts with ``#`` keeps its
        spelling (GPT-2's ``Ġ##``, where ``Ġ`` is the space), as does a token that is blank or
        does not print (``Ċ``, a line break: `_unprintable`); a control token is its text, part
        of a character its bytes (`readable`)."""
        text = self.whole_text(token)
        if text is not None and (not text.strip() or not text.isprintable()):
            return self._unprintable(token, text)
        if text is None or token in self.special.values():
            return self.readable(token)
        if text.startswith(" "):
            return self.tokens[token] if text.startswith(" #") else text[1:]
        return f"##{text}"

    def _unprintable(self, token: int, text: str) -> str:
        """A word form for a token whose text is blank or does not print: its spelling, in
        GPT-2's printable byte alphabet (a control token: its text)."""
        return text if token in self.special.values() else self.tokens[token]

    def single(self, token: int) -> bool:
        """Whether the token is one byte (one symbol of GPT-2's byte alphabet)."""
        return len(self.tokens[token]) == 1


class Stream:
    """Decodes tokens as they come, holding back bytes of a character not yet complete."""

    def __init__(self, tokenizer: Tokenizer) -> None:
        self.tokenizer = tokenizer
        self.decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self.previous: int | None = None

    def add(self, token: int) -> str:
        written = self.tokenizer.text_bytes([token], self.previous)
        self.previous = token
        return str(self.decoder.decode(written))

    def finish(self) -> str:
        return str(self.decoder.decode(b"", final=True))
