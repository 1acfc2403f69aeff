"""The tour's sections on a language model: the logit lens on a fact, where the heads look,
activation patching of that kind of fact, one steered generation.

Like the rest of the tour, only the prompts are chosen here; what the sections say is computed
from the model when the tour runs.
"""

from __future__ import annotations

from collections.abc import Callable

from latentcli.analysis.attention import attention
from latentcli.analysis.generation import generate
from latentcli.analysis.lens import lens
from latentcli.analysis.patching import patch
from latentcli.analysis.steering import SteeringChoice
from latentcli.errors import UsageError
from latentcli.networks.decoder.decoder import Decoder, Sampling
from latentcli.results.explain import (
    AttentionSection,
    LensSection,
    PatchSection,
    SkippedSection,
    SteeringSection,
)

FACT = "The capital of France is"
CLEAN, CORRUPT = "The Eiffel Tower is in the city of", "The Colosseum is in the city of"
# a prompt whose plain continuation is neutral, and a pair whose push shows in its first words
STEERED_PROMPT, PAIR = "My day at work was", ("I hate", "I love")
WRITTEN = 20


def lens_section(model: Decoder) -> LensSection:
    return LensSection(name="lens", title="Inside a language model", lens=lens(model, FACT, top=3),
                       command=f'latent lens "{FACT}"')


def attention_section(model: Decoder) -> AttentionSection:
    return AttentionSection(name="attention", title="Where the heads look",
                            attention=attention(model, CLEAN),
                            command=f'latent attention "{CLEAN}"')


def patch_section(model: Decoder) -> PatchSection | SkippedSection:
    """The patching grid of the Eiffel Tower and the Colosseum; skipped, saying why, on a model
    whose tokenizer splits the two prompts into different counts or that answers both alike."""
    try:
        patching = patch(model, CLEAN, CORRUPT)
    except UsageError as error:
        return skipped("patch", f"on {model.name}, {error}")
    return PatchSection(name="patch", title="Where a fact sits", patching=patching,
                        command=f'latent patch "{CLEAN}" "{CORRUPT}"')


def steering_section(model: Decoder) -> SteeringSection:
    pair = ":".join(PAIR)
    written = generate(model, STEERED_PROMPT, WRITTEN, Sampling(),
                       steering=SteeringChoice((PAIR,)))
    return SteeringSection(name="steering", title="Steering a model", generation=written,
                           command=f'latent generate "{STEERED_PROMPT}" --steer "{pair}"')


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
