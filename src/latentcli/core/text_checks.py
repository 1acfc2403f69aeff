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


def check_text(text: str, what: str | None = None, noun: str = "text") -> str:
    """``text`` if a model may read it: the one rule for every text a user gives, a word to look
    up or a text to encode. A NUL byte, or a byte that was not UTF-8 (the command line hands
    those over as lone surrogates), is a `LatentError` (bad input: exit 1) naming the text as
    ``what`` (by default, the ``noun`` and the text quoted)."""
    if "\x00" in text:
        problem = "contains a NUL byte"
    elif not text.isascii() and not _encodable(text):
        problem = "is not valid UTF-8"
    else:
        return text
    raise LatentError(f"{what or f'the {noun} {clip(text)!r}'} {problem}")


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
