"""The tour's sections on a language model: the logit lens on a fact, where the heads look,
activation patching of that kind of fact, one steered generation.

Like the rest of the tour, only the prompts are chosen here; what the sections say is computed
from the model when the tour runs.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from latentcli.analysis.attention import attention
from latentcli.analysis.generation import generate
from latentcli.analysis.lens import lens
from latentcli.analysis.patching import HOLDS, patch, stretches
from latentcli.analysis.steering import SteeringChoice, side, steer_vector
from latentcli.errors import UsageError
from latentcli.networks.decoder.decoder import Decoder, Sampling
from latentcli.results.explain import (
    AttentionSection,
    LensSection,
    PatchSection,
    Push,
    SkippedSection,
    SteeringSection,
)
from latentcli.results.inside import Attention
from latentcli.results.language import Generation

FACT = "The capital of France is"
CLEAN, CORRUPT = "The Eiffel Tower is in the city of", "The Colosseum is in the city of"
# a prompt whose plain continuation is neutral, and a pair whose push shows in its first words
STEERED_PROMPT, PAIR = "My day at work was", ("I hate", "I love")
WRITTEN = 20
LOOKS = 3  # blocks named where the last token looks at the subject most
# What is known of how the built-in language model was made (its model card, Allal et al. 2025)
TRAINING = {"smollm2-135m": "SmolLM2, from Hugging Face (2024): it learned to predict the next "
                            "token over 2 trillion tokens of text, then to follow "
                            "instructions"}


def lens_section(model: Decoder) -> LensSection:
    """The lens on a fact, with what the model is: how many numbers its weights hold (every
    tensor, the embedding counted once when the output shares it) and, for the built-in one,
    how it was made."""
    return LensSection(name="lens", title="Inside a language model", lens=lens(model, FACT, top=3),
                       parameters=sum(int(tensor.size)
                                      for tensor in model.weights.tensors.values()),
                       training=TRAINING.get(model.name), command=f'latent lens "{FACT}"')


def attention_section(model: Decoder) -> AttentionSection:
    """Where the heads look from the last token, and where they look at the subject (the
    tokens the patching section's two prompts differ in) most; with, from patching the last
    position alone, the share of the fact it holds entering each block and the block from which
    the fact is there, to say whether those looks (or another block's as strong) carry it."""
    looked = attention(model, CLEAN)
    try:
        last = patch(model, CLEAN, CORRUPT, positions=[looked.position])
    except UsageError:  # prompts of other lengths on this tokenizer: no subject to speak of
        subject: tuple[int, ...] = ()
        shares: tuple[float, ...] = ()
        moved = None
    else:
        subject = tuple(p for p, (a, b) in enumerate(zip(last.tokens_clean, last.tokens_corrupt,
                                                          strict=True)) if a != b)
        shares = tuple(row[looked.position] for row in last.recovered)
        held = [share >= HOLDS for share in shares]
        moved = next((block for block in range(len(held)) if all(held[block:])), None)
    return AttentionSection(name="attention", title="Where the heads look", attention=looked,
                            subject=subject, looks=_looks(looked, subject), moved=moved,
                            last=shares, command=f'latent attention "{CLEAN}"')


def _looks(looked: Attention, subject: tuple[int, ...]) -> tuple[int, ...]:
    """The `LOOKS` blocks whose heads, on average, weigh ``subject`` most from the query (ties:
    the earlier block), in block order."""
    if not subject:
        return ()
    weights = [sum(block.mean[p] for p in subject) for block in looked.layers]
    ranked = sorted(range(len(weights)), key=lambda block: (-weights[block], block))
    return tuple(sorted(looked.layers[block].layer for block in ranked[:LOOKS]))


def patch_section(model: Decoder) -> PatchSection | SkippedSection:
    """The patching grid of the Eiffel Tower and the Colosseum; skipped, saying why, on a model
    whose tokenizer splits the two prompts into different counts or that answers both alike."""
    try:
        patching = patch(model, CLEAN, CORRUPT)
    except UsageError as error:
        return skipped("patch", f"on {model.name}, {error}")
    shared = sorted({p for stretch in stretches(patching.recovered)
                     for p in (stretch.position, *stretch.parts)
                     if patching.tokens_clean[p] == patching.tokens_corrupt[p]})
    return PatchSection(name="patch", title="Where a fact sits", patching=patching,
                        shared=tuple(shared), command=f'latent patch "{CLEAN}" "{CORRUPT}"')


def steering_section(model: Decoder) -> SteeringSection:
    pair = ":".join(PAIR)
    written = generate(model, STEERED_PROMPT, WRITTEN, Sampling(),
                       steering=SteeringChoice((PAIR,)))
    return SteeringSection(name="steering", title="Steering a model", generation=written,
                           pushes=pushes(model, written),
                           command=f'latent generate "{STEERED_PROMPT}" --steer "{pair}" '
                                   f"--max-tokens {WRITTEN}",
                           start="" if model.sink is None else model.tokenizer.readable(model.sink))


def pushes(model: Decoder, written: Generation) -> tuple[Push, ...]:
    """ActAdd's push at each position it steers, against the prompt's stream entering the same
    block: how big the push is, and where it is zero (a token both phrases share, with the same
    tokens before it, has the same stream in both). Empty for a push of one vector (not
    ActAdd)."""
    steering = written.steering
    assert steering is not None
    added = steer_vector(model, steering.pairs, steering.method, steering.layer,
                         steering.strength, steering.start).vector
    if added.ndim != 2:
        return ()
    stream = model.network.resid_pre([list(written.prompt_token_ids)], steering.layer)[0]
    readable = model.tokenizer.readable
    (toward, away), = steering.pairs
    sides = [[readable(i) for i in side(model, text)[1:]] for text in (toward, away)]
    found = []
    for row, vector in enumerate(added):
        position = steering.start + row
        inside = position < len(stream)
        found.append(Push(position=position, toward=sides[0][row], away=sides[1][row],
                          token=readable(written.prompt_token_ids[position]) if inside else "",
                          push=float(np.linalg.norm(vector)),
                          stream=float(np.linalg.norm(stream[position])) if inside else 0.0))
    return tuple(found)


# what a skipped section would have shown (`SkippedSection.shows`), as the word sections say it
SHOWS = {"lens": ("Inside a language model",
                  "the model's guess for the next word of a fact, block by block"),
         "attention": ("Where the heads look",
                       "which earlier words each block's attention reads from the last word"),
         "patch": ("Where a fact sits",
                   "which word and block carry a fact, found by copying one run into another"),
         "steering": ("Steering a model",
                      "a sentence written as it is and pushed toward a feeling")}


def skipped(name: str, reason: str) -> SkippedSection:
    """A language-model section that cannot run (no model to run it on), saying why."""
    title, shows = SHOWS[name]
    return SkippedSection(name=name, reason=reason, title=title, shows=shows)


LANGUAGE_SECTIONS: dict[str, Callable[[Decoder], LensSection | AttentionSection | PatchSection
                                      | SteeringSection | SkippedSection]] = {
    "lens": lens_section, "attention": attention_section, "patch": patch_section,
    "steering": steering_section}
