"""Results of the commands that look inside a language model's blocks: `latent attention` and
`latent patch`."""

from __future__ import annotations

from dataclasses import dataclass, field

from latentcli.results.jsonform import HIDDEN, Result
from latentcli.results.language import TokenProbability


@dataclass(frozen=True, kw_only=True)
class HeadWeights(Result):
    """How much one head reads each of the prompt's positions (the weights sum to 1)."""

    head: int
    weights: tuple[float, ...]  # one per prompt token; 0 after the query position


@dataclass(frozen=True, kw_only=True)
class AttentionLayer(Result):
    layer: int
    heads: tuple[HeadWeights, ...]

    @property
    def mean(self) -> tuple[float, ...]:
        """Each position's weight averaged over the heads shown."""
        count = len(self.heads)
        return tuple(sum(values) / count for values in zip(*(h.weights for h in self.heads),
                                                           strict=True))


@dataclass(frozen=True, kw_only=True)
class Attention(Result):
    """Where each head of each block looks from one position of a prompt."""

    model: str
    prompt: str
    tokens: tuple[str, ...]  # the prompt's tokens, as `generate` and `lens` read it
    position: int  # the query: the position whose attention is shown
    layers: tuple[AttentionLayer, ...]
    chosen_layer: int | None = field(default=None, metadata=HIDDEN)  # --layer, if given
    chosen_head: int | None = field(default=None, metadata=HIDDEN)  # --head, if given
    notes: tuple[str, ...] = field(default=(), compare=False, metadata=HIDDEN)


@dataclass(frozen=True, kw_only=True)
class Patching(Result):
    """Activation patching: the clean run's activation at one site (block, position) put into
    the corrupt run, for every site; how much of the logit difference between the two answers
    each restores, and the clean answer's probability after it."""

    model: str
    clean: str
    corrupt: str
    tokens_clean: tuple[str, ...]
    tokens_corrupt: tuple[str, ...]
    clean_answer: TokenProbability  # its probability in the clean run
    corrupt_answer: TokenProbability  # its probability in the corrupt run
    recovered: tuple[tuple[float, ...], ...]  # per block, per position: (LD patched - LD
    # corrupt) / (LD clean - LD corrupt), LD = logit(clean answer) - logit(corrupt answer)
    probability: tuple[tuple[float, ...], ...]  # of the clean answer after each patch
    site: str = field(default="resid", metadata=HIDDEN)  # resid, attn or mlp
    difference_clean: float = field(default=0.0, metadata=HIDDEN)  # LD of the clean run
    difference_corrupt: float = field(default=0.0, metadata=HIDDEN)  # LD of the corrupt run
    reading: str = field(default="", metadata=HIDDEN)  # one sentence saying where the fact sits
    notes: tuple[str, ...] = field(default=(), compare=False, metadata=HIDDEN)
