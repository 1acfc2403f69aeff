"""The Unicode normalizer a tokenizer may apply to text before cutting it into pieces.

Qwen's tokenizer.json composes text to NFC first; a GGUF cannot say so (llama.cpp skips it), so
only a tokenizer read from a Hugging Face folder names one. NFC comes from Python's
``unicodedata``. A character's normal form never changes once it is assigned, but ``tokenizers``
carries older Unicode tables than any Python latent runs on: a combining mark assigned since
(some NKo and Arabic marks, say) is a plain character to it, so text that puts one before another
mark may be composed here where ``tokenizers`` leaves it (see docs/language-models.md).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from latentcli.errors import ModelError


def _unchanged(text: str) -> str:
    return text


def _nfc(text: str) -> str:
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def normalizer(name: str | None) -> Callable[[str], str]:
    """The normalizer named ``name`` (None: text as it is)."""
    if name is None:
        return _unchanged
    if name == "nfc":
        return _nfc
    raise ModelError(f"the normalizer {name!r} is not one latent knows (nfc)")
