"""Text from users and files: one decoding rule and one normal form, wherever it comes from.

Words arrive on the command line, on stdin, in ``--from`` files, benchmark files and model files.
All of them are UTF-8; a leading byte-order mark is not part of the first word; and a word typed
in decomposed Unicode (``e`` + combining accent) is the same word as its composed form (NFC).
"""

from __future__ import annotations

from latentcli.errors import LatentError, clip

BOM = "\ufeff"


def decode(data: bytes, what: str) -> str:
    """``data`` as UTF-8 text without a leading BOM; other bytes are an error naming the line."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise LatentError(f"{what}, line {line}: not valid UTF-8") from None
    return text.removeprefix(BOM)


def nfc(text: str) -> str:
    """The composed (NFC) form of ``text``; ASCII text, nearly every query, is returned as is
    without importing unicodedata."""
    if text.isascii():
        return text
    import unicodedata

    return unicodedata.normalize("NFC", text)


def text_problem(text: str) -> str | None:
    """Why a model cannot read ``text`` (it holds a NUL byte, or a byte that was not UTF-8: the
    command line hands those over as lone surrogates), or None: the one rule for every text a
    user gives, whether a word to look up or a text to encode."""
    if "\x00" in text:
        return "contains a NUL byte"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "is not valid UTF-8"
    return None


def check_text(text: str, what: str | None = None) -> str:
    """``text`` if a model may read it, else a `LatentError` (bad input: exit 1) naming it as
    ``what`` (by default, the text quoted)."""
    problem = text_problem(text)
    if problem is not None:
        raise LatentError(f"{what or f'the text {clip(text)!r}'} {problem}")
    return text
