"""The tour's two sections on a language model: the logit lens on a fact, one steered generation.

Like the rest of the tour, only the prompts are chosen here; what the sections say is computed
from the model when the tour runs.
"""

from __future__ import annotations

from collections.abc import Callable

from latentcli.analysis.generation import generate
from latentcli.analysis.lens import lens
from latentcli.analysis.steering import SteeringChoice
from latentcli.networks.decoder.decoder import Decoder, Sampling
from latentcli.results.explain import LensSection, SkippedSection, SteeringSection

FACT = "The capital of France is"
STEERED_PROMPT, PAIR = "I think dogs are", ("I love", "I hate")
WRITTEN = 20


def lens_section(model: Decoder) -> LensSection:
    return LensSection(name="lens", title="Inside a language model", lens=lens(model, FACT, top=3),
                       command=f'latent lens "{FACT}"')


def steering_section(model: Decoder) -> SteeringSection:
    pair = ":".join(PAIR)
    written = generate(model, STEERED_PROMPT, WRITTEN, Sampling(),
                       steering=SteeringChoice((PAIR,)))
    return SteeringSection(name="steering", title="Steering a model", generation=written,
                           command=f'latent generate "{STEERED_PROMPT}" --steer "{pair}"')


# what a skipped section would have shown (`SkippedSection.shows`), as the word sections say it
SHOWS = {"lens": ("Inside a language model",
                  "the model's guess for the next word of a fact, layer by layer"),
         "steering": ("Steering a model",
                      "a sentence written as it is and pushed toward a feeling")}



def skipped(name: str, reason: str) -> SkippedSection:
    """A language-model section that cannot run (no model to run it on), saying why."""
    title, shows = SHOWS[name]
    return SkippedSection(name=name, reason=reason, title=title, shows=shows)


LANGUAGE_SECTIONS: dict[str, Callable[[Decoder], LensSection | SteeringSection]] = {
    "lens": lens_section, "steering": steering_section}
