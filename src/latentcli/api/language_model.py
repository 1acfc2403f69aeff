"""`LanguageModel`: a generative language model, which is a `Model` too.

Its word space is its token embeddings (every `Model` method works on them, opened on first use:
``lm.analogy("king - man + woman")``); beyond that it writes (`generate`, steered or not), shows
how its answer forms block by block (`lens`), where each head looks (`attention`), where a fact
sits (`patch`), where two sets of texts become separable (`probe`), how prompts move through the
blocks (`trace`), and splits text into its tokens (`tokens`). The
network is fetched and converted on first use, after the arguments are checked, so a mistake
costs no download. Each method returns the result dataclass the command prints.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from functools import cached_property
from typing import TYPE_CHECKING

from latentcli.api.arguments import checked
from latentcli.api.model import Model

if TYPE_CHECKING:
    from latentcli.core.progress import Reporter
    from latentcli.core.space import Space
    from latentcli.networks.decoder.decoder import Decoder
    from latentcli.results.concepts import Probe, Trace
    from latentcli.results.inside import Attention, Patching
    from latentcli.results.language import Generation, Lens

Pair = str | Sequence[str]  # "toward:away", or the two texts apart
STRENGTH = 100.0  # a steering strength is finite and within ±100 (docs/design.md, Numbers)


class LanguageModel(Model):
    """A language model of ``blocks`` transformer blocks over ``len(model)`` tokens."""

    def __init__(self, name: str, decoder: Callable[[], Decoder], words: Callable[[], Space],
                 notes: tuple[str, ...] = (), reporter: Reporter | None = None,
                 base: bool = False) -> None:
        """``decoder`` fetches, converts and opens the network; ``words`` its token
        embeddings as a word space; both are called when first needed. ``base``: known to be
        a base model before it is opened (a built-in one), so ``chat`` is refused before
        anything is fetched."""
        super().__init__(words, notes, reporter)
        self._name = name
        self._open_decoder = decoder
        self._base = base

    def __repr__(self) -> str:
        return (f"<latentcli.LanguageModel {self.name!r}: {self.blocks} blocks, {len(self):,} "
                "tokens>")

    def __len__(self) -> int:
        return self.decoder.network.vocabulary_size

    @property
    def name(self) -> str:
        return self._name

    @property
    def dims(self) -> int:
        return self.decoder.network.config.hidden

    @property
    def blocks(self) -> int:
        """How many transformer blocks the residual stream passes through."""
        return self.decoder.network.layers

    @cached_property
    def decoder(self) -> Decoder:
        """The numpy network itself (tokenizer, forward pass with its hook points), for
        experiments of your own."""
        return self._open_decoder()

    @checked
    def tokens(self, text: str) -> list[str]:
        """How the model splits ``text``: its tokens as people read them."""
        from latentcli.core.text_checks import check_text

        check_text(text)
        tokenizer = self.decoder.tokenizer
        return [tokenizer.readable(i) for i in tokenizer.encode(text)]

    @checked
    def generate(self, prompt: str, max_tokens: int = 40, temperature: float = 0.0,
                 top_p: float = 1.0, seed: int = 0, chat: bool = False,
                 steer: Sequence[Pair] = (), pairs: Sequence[Pair] = (),
                 method: str | None = None, layer: int | None = None,
                 strength: float | None = None,
                 stream: Callable[[str], None] | None = None,
                 direction: str | os.PathLike[str] | None = None) -> Generation:
        """The continuation of ``prompt``: greedy at temperature 0, else sampled (nucleus
        ``top_p``, seeded). Steered toward the first text of each pair in ``steer`` (ActAdd for
        one pair) or ``pairs`` (their mean difference, as ``--pairs FILE``), or along the
        ``direction`` a probe saved (`probe`'s ``save``), the unsteered text comes too; None
        leaves ``method``, ``layer`` and ``strength`` to their defaults. ``stream`` is given the
        text as it is written."""
        from latentcli.analysis.generation import generate
        from latentcli.analysis.steering import METHODS, SteeringChoice
        from latentcli.core.counts import SEEDS, between, within
        from latentcli.core.progress import no_progress
        from latentcli.errors import ParameterError, UsageError, clip
        from latentcli.networks.decoder.decoder import Sampling

        _check_prompt(prompt)
        within(max_tokens, 1, None, "max_tokens")
        between(temperature, 0, math.inf, "temperature")
        between(top_p, 0, 1, "top_p", above=True)
        within(seed, 0, SEEDS - 1, "seed")
        contrast = (*_pairs(steer, "steer"), *_pairs(pairs, "pairs"))
        if method is not None and method not in METHODS:
            raise ParameterError("method", f"must be one of {', '.join(METHODS)}, not "
                                           f"{clip(method)!r}")
        if layer is not None:
            within(layer, 0, None, "layer")
        if strength is not None:
            between(strength, -STRENGTH, STRENGTH, "strength")
        if direction is not None and (contrast or method is not None):
            raise UsageError("a direction is steered along as it was saved: leave out steer, "
                             "pairs and method")
        steered = (contrast or direction is not None or method is not None
                   or layer is not None or strength is not None)
        if steered and not contrast and direction is None:
            raise UsageError("steering needs a pair: steer=['TOWARD:AWAY'] or pairs=[...] (or "
                             "a probe's direction=FILE)")
        self._check_chat(chat)
        decoder = self.decoder
        saved = None
        if direction is not None:
            from latentcli.analysis.probes import read_direction

            saved = read_direction(str(direction), decoder)
        steering = SteeringChoice(contrast, method, layer, strength, averaged=bool(pairs),
                                  direction=saved) if steered else None
        with self._reporter.progress("Running the steering pairs", None,
                                     in_bytes=False) if len(contrast) > 1 else nullcontext(
                                         no_progress) as report:
            return generate(decoder, prompt, max_tokens, Sampling(temperature, top_p, seed),
                            chat, steering, stream, report)

    @checked
    def lens(self, prompt: str, top: int = 5, track: Sequence[str] = (),
             chat: bool = False) -> Lens:
        """The logit lens: each block's top ``top`` next tokens at the prompt's last position,
        and the rank of each ``track``ed token (by default, the model's own answer)."""
        from latentcli.analysis.lens import lens
        from latentcli.core.counts import within
        from latentcli.core.text_checks import check_text

        _check_prompt(prompt)
        within(top, 1, None, "top")
        for text in track:
            check_text(text, noun="token to track")
        self._check_chat(chat)
        return lens(self.decoder, prompt, top, track, chat)

    def _check_chat(self, chat: bool) -> None:
        """``chat`` asks for the model's chat template: a base model has none to give."""
        from latentcli.errors import ParameterError
        from latentcli.store.language_models import is_base

        if chat and (self._base or is_base(self.decoder)):
            raise ParameterError("chat", f"does not apply to {self.name}: it is a base model, "
                                         "with no chat template to wrap the prompt in as a "
                                         "user's turn; leave it out, and it continues the text "
                                         "as it is")

    @checked
    def attention(self, prompt: str, layer: int | None = None, head: int | None = None,
                  position: int | None = None) -> Attention:
        """Where each head of each block looks from the prompt's last position (or
        ``position``): its weights over the prompt's tokens; ``layer`` and ``head`` keep one
        block, one head."""
        from latentcli.analysis.attention import attention
        from latentcli.core.counts import within

        _check_prompt(prompt)
        for value, name in ((layer, "layer"), (head, "head"), (position, "position")):
            if value is not None:
                within(value, 0, None, name)
        return attention(self.decoder, prompt, layer, head, position)

    @checked
    def patch(self, clean: str, corrupt: str, track: str | None = None,
              against: str | None = None, site: str = "resid") -> Patching:
        """Activation patching: the ``clean`` run's activation at ``site`` (``resid``: the
        residual entering each block; ``attn``, ``mlp``: what its attention or MLP adds) put
        into the ``corrupt`` run at every block and position, and the share of the logit
        difference between the answers it recovers. The answers are each run's top next token
        unless ``track`` (the clean one) and ``against`` (the corrupt one) name them."""
        from latentcli.analysis.patching import check_site, patch
        from latentcli.core.text_checks import check_text

        _check_prompt(clean, "clean prompt")
        _check_prompt(corrupt, "corrupt prompt")
        for text, noun in ((track, "token to track"), (against, "token to track against")):
            if text is not None:
                check_text(text, noun=noun)
        check_site(site)
        decoder = self.decoder
        with self._reporter.progress("Patching", None, in_bytes=False) as report:
            return patch(decoder, clean, corrupt, track, against, site, report)

    @checked
    def probe(self, texts_a: Sequence[str], texts_b: Sequence[str], layer: int | None = None,
              save: str | os.PathLike[str] | None = None,
              names: Sequence[str] = ("A", "B")) -> Probe:
        """How well the last position's residual entering each block tells ``texts_a`` from
        ``texts_b`` (cross-validated logistic regression, and the mean-difference direction
        alone), and the best block. ``save`` writes every block's direction to a file for
        `generate`'s ``direction``, chosen at ``layer`` (by default the best block); ``names``
        name the two sets in the output and the file."""
        from latentcli.analysis.probes import check_sets, probe
        from latentcli.core.counts import within
        from latentcli.core.text_checks import check_text
        from latentcli.errors import ArgumentError, ParameterError

        if len(names) != 2:
            raise ArgumentError(f"names must name the two sets, not {len(names)}")
        for texts in (texts_a, texts_b):
            for text in texts:
                check_text(text, noun="text")
        check_sets(texts_a, texts_b, (names[0], names[1]))  # before a model is fetched
        if layer is not None:
            within(layer, 0, None, "layer")
            if save is None:
                raise ParameterError("layer", "chooses the block a saved direction is steered "
                                              "at: it needs a file to save to (--save)")
        decoder = self.decoder
        with self._reporter.progress("Reading the texts", None, in_bytes=False) as report:
            return probe(decoder, texts_a, texts_b, (names[0], names[1]), layer,
                         None if save is None else str(save), report)

    @checked
    def trace(self, *prompts: str) -> Trace:
        """The path of each prompt's last-position residual through the blocks, on one PCA
        plane, and where each prompt's path parts from the first's."""
        from latentcli.analysis.trace import check_count, trace

        check_count(prompts)  # before a model is fetched
        for prompt in prompts:
            _check_prompt(prompt)
        return trace(self.decoder, prompts)

    def _tour_language(self) -> Decoder | str:
        return self.decoder  # the tour's language sections run on this model, not the built-in


def _check_prompt(prompt: str, noun: str = "prompt") -> None:
    from latentcli.core.text_checks import check_text
    from latentcli.errors import UsageError

    check_text(prompt, noun=noun)
    if not prompt:
        raise UsageError(f"the {noun} is empty: give the model some text to continue")


def _pairs(given: Sequence[Pair], name: str) -> tuple[tuple[str, str], ...]:
    """Contrast pairs as (toward, away): ``"I love:I hate"``, or the two texts apart (which may
    hold a ':')."""
    from latentcli.analysis.steering import parse_pair
    from latentcli.core.text_checks import check_text
    from latentcli.errors import ArgumentError, UsageError

    found = []
    for pair in given:
        if isinstance(pair, str):
            found.append(parse_pair(check_text(pair, noun="steering pair")))
            continue
        if len(pair) != 2:
            raise ArgumentError(f"each of {name} must be 'TOWARD:AWAY' or two texts, not "
                                f"{len(pair)} texts")
        toward, away = (check_text(side, noun="steering text") for side in pair)
        if not toward.strip() or not away.strip():
            raise UsageError(f"each of {name} needs text on both sides, not {(toward, away)!r}")
        found.append((toward, away))
    return tuple(found)
