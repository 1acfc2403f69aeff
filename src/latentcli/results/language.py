"""Results of the language-model commands: `latent generate` and `latent lens`."""

from __future__ import annotations

from dataclasses import dataclass, field

from latentcli.results.jsonform import HIDDEN, INLINE, Result


@dataclass(frozen=True, kw_only=True)
class Continuation(Result):
    """Tokens a model wrote after a prompt."""

    token_ids: tuple[int, ...]
    tokens: tuple[str, ...]  # each as a person reads it (a leading space shown as a space)
    text: str


@dataclass(frozen=True, kw_only=True)
class Steering(Result):
    """How a generation was steered, and what the model wrote without it (same seed)."""

    method: str  # "actadd", "mean", or "direction" (a probe's, read from a file)
    layer: int  # added to the residual stream as it enters this block
    strength: float
    pairs: tuple[tuple[str, str], ...]  # none for a direction
    start: int  # first position steered: the prompt's own first token (0 holds the attention
    # sink; with a chat template, the user's turn starts after the template's opening)
    defaults: tuple[str, ...]  # which of method, layer, strength were not given
    unsteered: Continuation
    direction: str | None = None  # the file a direction was read from


@dataclass(frozen=True, kw_only=True)
class Generation(Result):
    """A prompt and the continuation a model wrote (steered, if ``steering`` is set)."""

    model: str
    prompt: str
    prompt_token_ids: tuple[int, ...]
    max_tokens: int  # the most tokens each run writes: a text this long was cut there
    continuation: Continuation = field(metadata=INLINE)  # its keys are the object's own
    steering: Steering | None = None
    notes: tuple[str, ...] = field(default=(), compare=False, metadata=HIDDEN)


@dataclass(frozen=True, kw_only=True)
class TokenProbability(Result):
    token: str  # as a person reads it: two tokens may read alike, their ids never do
    id: int
    probability: float


@dataclass(frozen=True, kw_only=True)
class TrackedToken(Result):
    token: str
    id: int
    rank: int  # 1: the layer's most likely next token
    probability: float


@dataclass(frozen=True, kw_only=True)
class LensLayer(Result):
    """What one layer's residual predicts through the final norm and the LM head."""

    layer: int
    top: tuple[TokenProbability, ...]
    tracked: tuple[TrackedToken, ...]


@dataclass(frozen=True, kw_only=True)
class Lens(Result):
    """The logit lens over a prompt's last position, layer by layer."""

    model: str
    prompt: str
    layers: tuple[LensLayer, ...]
    final: TokenProbability  # the model's own next-token prediction
    vocabulary: int = field(metadata=HIDDEN)  # how many tokens the ranks are out of
    notes: tuple[str, ...] = field(default=(), compare=False, metadata=HIDDEN)


@dataclass(frozen=True, kw_only=True)
class Lenses(Result):
    """Several models' lenses on one prompt (`latent lens PROMPT -m A -m B`), to be read side by
    side, each model's blocks placed by their depth in it."""

    models: tuple[Lens, ...]

    @property
    def notes(self) -> tuple[str, ...]:
        return tuple(note for lens in self.models for note in lens.notes)


@dataclass(frozen=True, kw_only=True)
class Generations(Result):
    """Several models continuing one prompt (`latent generate PROMPT -m A -m B`)."""

    models: tuple[Generation, ...]

    @property
    def notes(self) -> tuple[str, ...]:
        return tuple(note for generation in self.models for note in generation.notes)
