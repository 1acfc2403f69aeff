"""Results of `latent embed`: one text's vector, exactly as the encoder returned it."""

from __future__ import annotations

from dataclasses import dataclass, field

from latentcli.results.jsonform import HIDDEN, Result


@dataclass(frozen=True, kw_only=True)
class EmbeddedText(Result):
    """A text and its vector (float32 values held as Python floats: they print exactly)."""

    model: str
    text: str
    vector: tuple[float, ...]
    notes: tuple[str, ...] = field(default=(), metadata=HIDDEN)
