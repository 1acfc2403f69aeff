"""`Language`: an opened language model, with what `latent generate` and `latent lens` compute.

`latentcli.open("smollm2-135m")` (or a ``.gguf`` file) returns one. Each method returns the result
dataclass the command prints (``to_dict()`` is its ``--json``); ``words`` is the model's token
embedding matrix as a word space, the `Model` that ``-m smollm2-135m`` gives the other commands.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from latentcli.api.model import Model
    from latentcli.networks.decoder.decoder import Decoder
    from latentcli.results.language import Generation, Lens


class Language:
    """A language model: ``layers`` blocks over a vocabulary of ``len(model)`` tokens."""

    def __init__(self, spec: str, model: Decoder, notes: tuple[str, ...] = ()) -> None:
        self.spec = spec
        self.model = model
        self.notes = notes
        self._words: Model | None = None

    def __repr__(self) -> str:
        return (f"<latentcli.Language {self.name!r}: {self.layers} layers, {len(self):,} "
                "tokens>")

    def __len__(self) -> int:
        return self.model.network.vocabulary_size

    @property
    def name(self) -> str:
        return self.model.name

    @property
    def layers(self) -> int:
        return self.model.network.layers

    def tokens(self, text: str) -> list[str]:
        """How the model splits ``text``: its tokens as people read them."""
        return [self.model.tokenizer.readable(i) for i in self.model.tokenizer.encode(text)]

    def generate(self, prompt: str, max_tokens: int = 40, temperature: float = 0.0,
                 top_p: float = 1.0, seed: int = 0, chat: bool = False) -> Generation:
        """The continuation of ``prompt``: greedy at temperature 0, else sampled."""
        from latentcli.analysis.generation import generate
        from latentcli.networks.decoder.decoder import Sampling

        return generate(self.model, prompt, max_tokens, Sampling(temperature, top_p, seed), chat)

    def steer(self, prompt: str, pairs: Sequence[tuple[str, str] | str],
              method: str | None = None, layer: int | None = None,
              strength: float | None = None, max_tokens: int = 40, temperature: float = 0.0,
              top_p: float = 1.0, seed: int = 0, chat: bool = False) -> Generation:
        """``prompt`` continued with and without steering toward the first of each pair
        (``("I love", "I hate")`` or ``"I love:I hate"``); None takes the command's default."""
        from latentcli.analysis.generation import generate
        from latentcli.analysis.steering import SteeringChoice, parse_pair
        from latentcli.networks.decoder.decoder import Sampling

        contrast = tuple(parse_pair(pair) if isinstance(pair, str) else pair for pair in pairs)
        return generate(self.model, prompt, max_tokens, Sampling(temperature, top_p, seed), chat,
                        SteeringChoice(contrast, method, layer, strength))

    def lens(self, prompt: str, top: int = 5, track: Sequence[str] = (),
             chat: bool = False) -> Lens:
        """The logit lens: each layer's top tokens and the rank of the tracked ones."""
        from latentcli.analysis.lens import lens

        return lens(self.model, prompt, top, track, chat)

    @property
    def words(self) -> Model:
        """The token embeddings as a word space (converted into the cache on first use)."""
        if self._words is None:
            from latentcli.api.model import open

            opened = open(self.spec, words=True)
            assert not isinstance(opened, Language)
            self._words = opened
        return self._words
