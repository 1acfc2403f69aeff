"""The little language of queries: ``king - man + woman``, ``2*king``, ``man : king :: woman : ?``.

An expression is a signed, weighted sum of words. Operators are ``+`` and ``-`` (standing alone or
glued to the front of a word, ``-man``), a weight is ``NUMBER*word`` (or ``NUMBER * word``), and the
classic notation ``a : b :: c : ?`` means ``b - a + c``. Anything else inside a whitespace-separated
chunk belongs to the word, so vocabulary entries such as ``e-mail``, ``--`` or ``3:30`` stay words.
Errors carry the character position of the problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from latentcli.errors import ExpressionError, UsageError, clip

OPERATORS = {"+": 1.0, "-": -1.0}
# Weights beyond these add nothing an analogy can use and overflow the arithmetic (docs/reference).
MIN_WEIGHT, MAX_WEIGHT = 1e-6, 1e6
_NUMBER = r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+"
_WEIGHTED = rf"({_NUMBER})\*(.+)"  # patterns compile on first use: most queries have no weights
_CHUNK = re.compile(r"\S+")


@dataclass(frozen=True)
class Term:
    """One word of an expression with its weight (negative for subtracted words)."""

    word: str
    weight: float
    position: int


@dataclass(frozen=True)
class Expression:
    text: str
    terms: tuple[Term, ...]

    @property
    def is_single_word(self) -> bool:
        return len(self.terms) == 1 and self.terms[0].weight == 1.0


@dataclass(frozen=True)
class _Token:
    text: str
    position: int
    is_operator: bool


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    for match in _CHUNK.finditer(text):
        chunk, position = match.group(), match.start()
        if chunk in OPERATORS or chunk == "*":
            tokens.append(_Token(chunk, position, True))
            continue
        if chunk[0] in OPERATORS and chunk[1:2].isalnum():
            tokens.append(_Token(chunk[0], position, True))
            chunk, position = chunk[1:], position + 1
        weighted = re.fullmatch(_WEIGHTED, chunk) if "*" in chunk else None
        if weighted:
            number, word = weighted.group(1), weighted.group(2)
            tokens.append(_Token(number, position, False))
            tokens.append(_Token("*", position + len(number), True))
            tokens.append(_Token(word, position + len(number) + 1, False))
        else:
            tokens.append(_Token(chunk, position, False))
    return tokens


def parse(text: str) -> Expression:
    """Parse ``text`` into an `Expression`, or raise `ExpressionError` saying where it failed."""
    if "::" in text:
        return _parse_proportion(text)
    tokens = _tokens(text)
    if not tokens:
        raise ExpressionError("empty expression", text, 0)
    terms: list[Term] = []
    sign: _Token | None = None  # the operator waiting for its word
    at = 0
    while at < len(tokens):
        token = tokens[at]
        if token.is_operator and token.text in OPERATORS:
            if sign is not None:
                raise ExpressionError(f"expected a word after {sign.text!r}, found {token.text!r}",
                                      text, token.position)
            sign = token
            at += 1
            continue
        if token.is_operator:
            raise ExpressionError(f"unexpected {token.text!r}", text, token.position)
        if terms and sign is None:
            raise ExpressionError(f"expected '+' or '-' before {token.text!r}", text,
                                  token.position)
        weight, at = _weight(text, tokens, at)
        word = tokens[at]
        terms.append(Term(word.text, weight * (OPERATORS[sign.text] if sign else 1.0),
                          word.position))
        sign = None
        at += 1
    if sign is not None:
        raise ExpressionError(f"expected a word after {sign.text!r}", text, len(text))
    return Expression(text, tuple(terms))


def parse_query(text: str, free_text: bool) -> Expression:
    """`parse`, except that with ``free_text`` (a space that can encode text) a query that is not
    an expression is one text: ``a small green amphibian``, ``I love this film``."""
    try:
        return parse(text)
    except ExpressionError:
        if not free_text or not text.strip():
            raise
        return Expression(text, (Term(text.strip(), 1.0, 0),))


def _weight(text: str, tokens: list[_Token], at: int) -> tuple[float, int]:
    """The weight before the word at ``at`` (1 if none) and the index of the word itself."""
    if not (at + 1 < len(tokens) and tokens[at + 1].is_operator and tokens[at + 1].text == "*"):
        return 1.0, at
    token = tokens[at]
    if not re.fullmatch(_NUMBER, token.text):
        raise ExpressionError(f"a weight must be a number, not {token.text!r}", text,
                              token.position)
    if at + 2 >= len(tokens) or tokens[at + 2].is_operator:
        where = tokens[at + 2].position if at + 2 < len(tokens) else len(text)
        raise ExpressionError("expected a word after '*'", text, where)
    weight = float(token.text)
    if weight == 0:
        raise ExpressionError("a weight of zero removes the word", text, token.position)
    if not MIN_WEIGHT <= weight <= MAX_WEIGHT:
        raise ExpressionError(f"a weight must be between {MIN_WEIGHT:g} and {MAX_WEIGHT:g}, "
                              f"not {token.text}", text, token.position)
    return weight, at + 2


def _parse_proportion(text: str) -> Expression:
    """``a : b :: c : ?`` (spaces optional) is ``b - a + c``."""
    left, _, right = text.partition("::")
    if "::" in right:
        raise ExpressionError("only one '::' is allowed", text, len(left) + 2 + right.index("::"))
    sides = [left.split(":"), right.split(":")]
    if len(sides[0]) != 2 or len(sides[1]) not in (1, 2):
        raise ExpressionError("expected the form 'a : b :: c : ?'", text, 0)
    a, b = (part.strip() for part in sides[0])
    c = sides[1][0].strip()
    answer = sides[1][1].strip() if len(sides[1]) == 2 else "?"
    if answer not in ("?", ""):
        raise ExpressionError("the fourth place must be '?'", text, text.rindex(answer))
    terms = []
    for word, weight in ((b, 1.0), (a, -1.0), (c, 1.0)):
        if not word or len(word.split()) != 1:
            raise ExpressionError("expected one word in each of the first three places", text, 0)
        terms.append(Term(word, weight, text.index(word)))
    return Expression(text, tuple(terms))


def parse_pair(text: str, name: str, example: str) -> tuple[str, str]:
    """``A:B`` — two words (an axis, ``man:woman``) or two texts (a steering pair, ``I love:I
    hate``) — split at its one ':', each side kept as typed; the one rule for every pair a user
    writes. ``name`` and ``example`` say in the error which pair and how it is written."""
    first, colon, second = text.partition(":")
    if not colon or not first.strip() or not second.strip() or ":" in second:
        raise UsageError(f"{name} is written {example}: two sides around one ':', not "
                         f"{clip(text)!r}")
    return first, second
