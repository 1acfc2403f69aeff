"""A pure-Python WordPiece tokenizer driven by a model's ``tokenizer.json``.

It reproduces the Hugging Face ``tokenizers`` pipeline used by BERT-family and MPNet
sentence-transformers models, token for token: added (special) tokens are split off first, then
the BertNormalizer (clean text, pad CJK characters, strip accents, lowercase), the
BertPreTokenizer (whitespace, then every punctuation character on its own), greedy
longest-match-first WordPiece with ``##`` continuations, truncation and the post-processor's
special tokens (BERT ``[CLS] … [SEP]`` or RoBERTa/MPNet ``<s> … </s>``).

The padding and truncation stored in ``tokenizer.json`` are ignored on purpose: the shipped
files pad to a fixed 128, while sentence-transformers truncates at the model's own
``max_seq_length`` (counting the special tokens) and pads nothing.

Normalisation works character by character, so every token keeps the character offsets of the
text it came from; `Encoding.word_ids` says which pre-tokenized word each token belongs to.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from latentcli.errors import ModelError
from latentcli.networks import unicode_tables
from latentcli.networks.encoder import numbers


class _CharClass:
    """Membership in one of `unicode_tables`' classes (by binary search over its ranges)."""

    def __init__(self, table: str) -> None:
        spans = unicode_tables.ranges(table)
        self.firsts = [first for first, _ in spans]
        self.lasts = [last for _, last in spans]

    def __contains__(self, c: str) -> bool:
        at = bisect.bisect_right(self.firsts, ord(c)) - 1
        return at >= 0 and ord(c) <= self.lasts[at]


def _characters(table: str) -> frozenset[str]:
    """A small class as a set: the pre-tokenizer asks about every character of every text."""
    return frozenset(chr(p) for first, last in unicode_tables.ranges(table)
                     for p in range(first, last + 1))


# tokenizers' own classes, not unicodedata's nor str.lower's (see `unicode_tables`).
WHITE_SPACE = _characters(unicode_tables.WHITE_SPACE)
PUNCTUATION = _characters(unicode_tables.PUNCTUATION)
CONTROL = _CharClass(unicode_tables.CONTROL)  # the normaliser asks once per distinct character
CJK = _CharClass(unicode_tables.CJK)
NONSPACING = _CharClass(unicode_tables.NONSPACING)
STRIPPED = unicode_tables.mapping(unicode_tables.STRIPPED)
LOWERCASE = unicode_tables.mapping(unicode_tables.LOWERCASE)


@dataclass(frozen=True)
class Encoding:
    """One text's tokens; offsets are character spans of the original text ((0, 0) for specials).
    """

    ids: list[int]
    tokens: list[str]
    offsets: list[tuple[int, int]]
    word_ids: list[int | None]


@dataclass(frozen=True)
class _Normalizer:
    clean_text: bool
    chinese_chars: bool
    strip_accents: bool
    lowercase: bool

    def char(self, c: str) -> str:
        """What BertNormalizer turns one character into (possibly nothing, possibly several)."""
        if self.clean_text:
            if c in CONTROL:
                return ""
            if c in WHITE_SPACE:  # but \v, \f and U+0085, which are CONTROL too
                return " "
        padded = self.chinese_chars and c in CJK
        if self.strip_accents:
            c = "" if c in NONSPACING else STRIPPED.get(c) or _hangul(c)
        if self.lowercase:
            c = "".join(LOWERCASE.get(d, d) for d in c)
        return f" {c} " if padded else c


def _hangul(c: str) -> str:
    """A Hangul syllable's canonical decomposition into jamo (the fixed formula of Unicode's
    chapter 3.12, the same in every version); any other character as it is."""
    index = ord(c) - 0xAC00
    if not 0 <= index < 11172:
        return c
    lead, vowel, tail = index // 588, index % 588 // 28, index % 28
    return chr(0x1100 + lead) + chr(0x1161 + vowel) + (chr(0x11A7 + tail) if tail else "")


class WordPieceTokenizer:
    """Text → ids exactly as ``tokenizers`` does it, truncated at ``max_length`` tokens."""

    def __init__(self, spec: dict[str, Any], max_length: int, source: str = "tokenizer.json"):
        try:
            model = spec["model"]
            if model.get("type", "WordPiece") != "WordPiece":
                raise ModelError(f"{source}: tokenizer model {model.get('type')!r} is not "
                                 "supported (only WordPiece)")
            self.vocab: dict[str, int] = dict(model["vocab"])
            self.unk = str(model.get("unk_token", "[UNK]"))
            self.prefix = str(model.get("continuing_subword_prefix", "##"))
            numbers.checked(model, numbers.TOKENIZER, source)
            self.max_chars = int(model.get("max_input_chars_per_word") or 100)
            norm = spec.get("normalizer") or {}
            if norm and norm.get("type") != "BertNormalizer":
                raise ModelError(f"{source}: normalizer {norm.get('type')!r} is not supported "
                                 "(only BertNormalizer)")
            lowercase = bool(norm.get("lowercase", False))
            strip = norm.get("strip_accents")
            self.normalizer = _Normalizer(bool(norm.get("clean_text", False)),
                                          bool(norm.get("handle_chinese_chars", False)),
                                          lowercase if strip is None else bool(strip), lowercase)
            pre = spec.get("pre_tokenizer") or {}
            if pre.get("type") != "BertPreTokenizer":
                raise ModelError(f"{source}: pre-tokenizer {pre.get('type')!r} is not supported "
                                 "(only BertPreTokenizer)")
            self.begin, self.end = _special_tokens(spec.get("post_processor") or {}, source)
            added = spec.get("added_tokens") or []
            self.added: dict[str, int] = {t["content"]: t["id"] for t in added}
            numbers.token_ids([*self.vocab.values(), *self.added.values(),
                               *(i for _, i in (*self.begin, *self.end))], source)
            self.added_content = {i: content for content, i in self.added.items()}
            self.raw_pattern = _added_pattern([t for t in added if not t.get("normalized")])
            self.normalized_pattern = _added_pattern([t for t in added if t.get("normalized")])
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise ModelError(f"{source}: not a usable tokenizer.json ({error!r})") from error
        if self.unk not in self.vocab:
            raise ModelError(f"{source}: the unknown token {self.unk!r} is not in the vocabulary")
        self.max_length = max_length
        self._chars: dict[str, str] = {}

    @classmethod
    def from_file(cls, path: Path, max_length: int) -> WordPieceTokenizer:
        """Read ``tokenizer.json``; a file that is not one is a `ModelError` naming it."""
        try:
            spec = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ModelError(f"{path}: cannot read the tokenizer ({error})") from error
        if not isinstance(spec, dict):
            raise ModelError(f"{path}: not a tokenizer.json (not a JSON object)")
        return cls(spec, max_length, str(path))

    @property
    def vocab_size(self) -> int:
        """One more than the largest id the tokenizer can produce."""
        return 1 + max([*self.vocab.values(), *self.added.values()])

    def encode(self, text: str) -> Encoding:
        """The ids of ``text`` with the model's special tokens, at most ``max_length`` of them."""
        ids: list[int] = []
        tokens: list[str] = []
        offsets: list[tuple[int, int]] = []
        words: list[int | None] = []
        word = 0
        for start, end, added in _split(text, self.raw_pattern, self.added):
            if added is not None:
                ids.append(added)
                tokens.append(self.added_content[added])
                offsets.append((start, end))
                words.append(word)
                word += 1
                continue
            normal, origin = self._normalize(text, start, end)
            for n_start, n_end, n_added in _split(normal, self.normalized_pattern, self.added):
                if n_added is not None:
                    ids.append(n_added)
                    tokens.append(self.added_content[n_added])
                    offsets.append((origin[n_start], origin[n_end - 1] + 1))
                    words.append(word)
                    word += 1
                    continue
                for w_start, w_end in _pre_tokenize(normal, n_start, n_end):
                    for p_start, p_end, piece in self._word_pieces(normal[w_start:w_end]):
                        ids.append(self.vocab[piece])
                        tokens.append(piece)
                        offsets.append((origin[w_start + p_start], origin[w_start + p_end - 1] + 1))
                        words.append(word)
                    word += 1
        keep = max(0, self.max_length - len(self.begin) - len(self.end))
        begin_tokens = [(i, t, (0, 0), None) for t, i in self.begin]
        end_tokens = [(i, t, (0, 0), None) for t, i in self.end]
        rows = [*begin_tokens, *zip(ids[:keep], tokens, offsets, words, strict=False),
                *end_tokens]
        return Encoding([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows],
                        [r[3] for r in rows])

    def _normalize(self, text: str, start: int, end: int) -> tuple[str, list[int]]:
        """``text[start:end]`` normalised, and the original index of every normalised character.
        """
        out: list[str] = []
        origin: list[int] = []
        cache = self._chars
        for index in range(start, end):
            c = text[index]
            n = cache.get(c)
            if n is None:
                n = cache[c] = self.normalizer.char(c)
            out.append(n)
            origin.extend([index] * len(n))
        return "".join(out), origin

    def _word_pieces(self, word: str) -> list[tuple[int, int, str]]:
        """Greedy longest-match-first pieces of one word, or the unknown token for all of it."""
        if len(word) > self.max_chars:
            return [(0, len(word), self.unk)]
        pieces: list[tuple[int, int, str]] = []
        start = 0
        while start < len(word):
            for end in range(len(word), start, -1):
                piece = word[start:end] if start == 0 else self.prefix + word[start:end]
                if piece in self.vocab:
                    pieces.append((start, end, piece))
                    start = end
                    break
            else:
                return [(0, len(word), self.unk)]
        return pieces


def _pre_tokenize(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of words: split on whitespace (dropped) and around each punctuation character."""
    spans: list[tuple[int, int]] = []
    word_start = -1
    for index in range(start, end):
        c = text[index]
        if c in WHITE_SPACE or c in PUNCTUATION:
            if word_start >= 0:
                spans.append((word_start, index))
                word_start = -1
            if c not in WHITE_SPACE:
                spans.append((index, index + 1))
        elif word_start < 0:
            word_start = index
    if word_start >= 0:
        spans.append((word_start, end))
    return spans


def _added_pattern(tokens: list[dict[str, Any]]) -> re.Pattern[str] | None:
    """A regex finding added tokens leftmost-longest, swallowing whitespace where they strip it.
    """
    if not tokens:
        return None
    alternatives: list[str] = []
    for token in sorted(tokens, key=lambda t: -len(t["content"])):
        body = re.escape(token["content"])
        if token.get("single_word"):
            body = rf"(?<!\w){body}(?!\w)"
        left = r"\s*" if token.get("lstrip") else ""
        right = r"\s*" if token.get("rstrip") else ""
        alternatives.append(f"{left}(?P<t{len(alternatives)}>{body}){right}")
    return re.compile("|".join(alternatives))


def _split(text: str, pattern: re.Pattern[str] | None,
           added: dict[str, int]) -> list[tuple[int, int, int | None]]:
    """``text`` cut into spans: (start, end, id) for added tokens, (start, end, None) between."""
    if pattern is None:
        return [(0, len(text), None)] if text else []
    spans: list[tuple[int, int, int | None]] = []
    position = 0
    for match in pattern.finditer(text):
        if match.start() > position:
            spans.append((position, match.start(), None))
        group = next(g for g in match.groupdict().values() if g is not None)
        spans.append((match.start(), match.end(), added[group]))
        position = match.end()
    if position < len(text):
        spans.append((position, len(text), None))
    return spans


def _special_tokens(post: dict[str, Any],
                    source: str) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """The special tokens the post-processor puts before and after a single sequence."""
    kind = post.get("type")
    if kind in ("RobertaProcessing", "BertProcessing"):
        return [(post["cls"][0], post["cls"][1])], [(post["sep"][0], post["sep"][1])]
    if kind == "TemplateProcessing":
        before: list[tuple[str, int]] = []
        after: list[tuple[str, int]] = []
        seen_sequence = False
        for item in post["single"]:
            if "Sequence" in item:
                seen_sequence = True
                continue
            special = post["special_tokens"][item["SpecialToken"]["id"]]
            pairs = list(zip(special["tokens"], special["ids"], strict=True))
            (after if seen_sequence else before).extend(pairs)
        return before, after
    raise ModelError(f"{source}: post-processor {kind!r} is not supported "
                     "(TemplateProcessing, BertProcessing or RobertaProcessing)")
