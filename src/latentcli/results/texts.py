"""Results of `latent embed`: one text's vector, exactly as the encoder returned it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class EmbeddedText:
    """A text and its vector (float32 values held as Python floats: they print exactly)."""

    model: str
    text: str
    vector: tuple[float, ...]
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.model, "text": self.text, "vector": list(self.vector)}
