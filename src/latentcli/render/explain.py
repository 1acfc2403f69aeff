"""Rendering `latent explain`: the tour's sections and the explanations of words and analogies.

Plain words for newcomers, every figure taken from the result objects (never typed in here), and
nothing wider than 80 columns.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from rich.console import Console
from rich.text import Text

from latentcli.render.tables import bar, describe_terms
from latentcli.results import (
    Decomposition,
    MapSection,
    MathSection,
    SkippedSection,
    SqueezeSection,
    TourSection,
    VectorSection,
)

WIDTH = 80
_SPARKS = "▁▂▃▄▅▆▇█"


def heat_strip(values: Sequence[float], colour: bool) -> Text:
    """One character per dimension: height for the value, red above zero and blue below."""
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    strip = Text()
    for value in values:
        spark = _SPARKS[min(len(_SPARKS) - 1, int((value - low) / span * len(_SPARKS)))]
        strip.append(spark, style=("red" if value > 0 else "blue") if colour else "")
    return strip


def ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 692nd, 1,001st."""
    last = number % 10
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(last, "th")
    return f"{number:,}{suffix}"


def _para(console: Console, text: str) -> None:
    console.print("\n".join(textwrap.wrap(text, WIDTH)), highlight=False)


def _heading(console: Console, number: int, title: str) -> None:
    console.print()
    console.print(Text(f"{number}. {title}", style="bold"))
    console.print(Text("─" * (len(title) + 3), style="dim"))


def _explore(console: Console, command: str) -> None:
    console.print(Text(f"Explore further:  {command}", style="dim"))


def decomposition_lines(decomposition: Decomposition) -> list[str]:
    """One line per term (its cosine with the answer, its share of the score), then the total."""
    lines = []
    for part in decomposition.contributions:
        sign = "+" if part.weight > 0 else "-"
        lines.append(f"  {sign} {part.word:<12} cos {part.cosine:+.4f}  →  "
                     f"contributes {part.contribution:+.4f}")
    total = sum(part.contribution for part in decomposition.contributions)
    lines.append(f"  = {decomposition.word} scores {total:.4f}")
    return lines


def _map(console: Console, section: MapSection, colour: bool) -> None:
    from latentcli.render.plots import map_plot

    groups = ", ".join(section.groups)
    _para(console, f"Every word in a model is a point in space. The tour picked some everyday "
                   f"words ({groups}) and asked the model to sort them into "
                   f"{len(section.groups)} groups by how close they are — it was not told which "
                   f"word belongs where. {section.groups_whole} of the {len(section.groups)} "
                   "groups came out whole:")
    console.print()
    for cluster in section.map.clustering.clusters:
        console.print(f"  {cluster.label:>10}:  {', '.join(cluster.members)}", highlight=False)
    console.print()
    console.print(Text(map_plot(section.map, WIDTH, 22, colour).rstrip("\n")))
    _para(console, "Each group's name is the model's own: the word nearest the group's centre "
                   "that is not one of the words on the map.")


def _vector(console: Console, section: VectorSection, colour: bool) -> None:
    dims = len(section.values)
    _para(console, f"To the model, '{section.word}' is nothing but {dims} numbers. Here they are "
                   "as a strip, one mark per number (tall = large, red above zero, blue below):")
    console.print()
    console.print(Text("  ") + heat_strip(section.values, colour))
    shown = ", ".join(f"{value:+.2f}" for value in section.values[:6])
    console.print(f"  first six: {shown}, …", highlight=False)
    console.print()
    _para(console, f"Its length is {section.norm:.2f}; it is the {ordinal(section.rank)} most "
                   f"frequent of {section.vocabulary_size:,} words. What matters is direction: "
                   "two words pointing the same way are used alike. Cosine similarity measures "
                   "that, from 1 (same direction) through 0 (unrelated):")
    console.print()
    for pair in section.pairs:
        console.print(f"  {pair.a:>8} · {pair.b:<10} {pair.similarity:+.3f}  "
                      f"{bar(pair.similarity)}", highlight=False)


def _math(console: Console, section: MathSection) -> None:
    result = section.analogy
    expression = describe_terms(result.terms)
    _para(console, f"Directions carry meaning, so arithmetic on words works. Take {expression}, "
                   "and look for the nearest word (leaving out the three we typed):")
    console.print()
    for rank, answer in enumerate(result.results, 1):
        console.print(f"  {rank}. {answer.word:<12} {answer.similarity:.4f}  "
                      f"{bar(answer.similarity)}", highlight=False)
    console.print()
    _para(console, f"Why '{section.decomposition.word}'? Its score is the cosine between it and "
                   f"{expression}, and that splits exactly into one share per word:")
    for line in decomposition_lines(section.decomposition):
        console.print(line, highlight=False)


def _squeeze(console: Console, section: SqueezeSection) -> None:
    _para(console, f"A map on a page has two dimensions; the model has many more, so every map "
                   f"distorts. The honest question is how much. Take {section.words} words, and "
                   f"for each ask: of its {section.trust_k} nearest neighbours in the real space, "
                   "how many are still nearest on the map?")
    console.print()
    console.print(f"  PCA map    keeps {section.pca_trust:6.1%}  {bar(section.pca_trust)}",
                  highlight=False)
    console.print(f"  t-SNE map  keeps {section.tsne_trust:6.1%}  {bar(section.tsne_trust)}",
                  highlight=False)
    console.print()
    _para(console, f"PCA's two axes hold {section.explained:.0%} of the variation of these words; "
                   "t-SNE gives up global distances to keep local neighbourhoods. The worst-served "
                   f"word on the PCA map is '{section.worst_word}', with "
                   f"{section.worst_trust:.0%} of its neighbours kept. Trust a map for what is "
                   "close, not for what is far.")


def tour_section(console: Console, number: int, section: TourSection | SkippedSection,
                 colour: bool) -> None:
    if isinstance(section, SkippedSection):
        _heading(console, number, section.name)
        _para(console, f"(skipped: {section.reason})")
        return
    _heading(console, number, section.title)
    if isinstance(section, MapSection):
        _map(console, section, colour)
    elif isinstance(section, VectorSection):
        _vector(console, section, colour)
    elif isinstance(section, MathSection):
        _math(console, section)
    elif isinstance(section, SqueezeSection):
        _squeeze(console, section)
    console.print()
    _explore(console, section.command)
