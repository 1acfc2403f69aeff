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
from latentcli.results.explain import (
    AxisPosition,
    Decomposition,
    DimensionsSection,
    DirectionsSection,
    ExpressionExplanation,
    MapSection,
    MathSection,
    OffsetExplanation,
    SkippedSection,
    SqueezeSection,
    TourSection,
    VectorSection,
    WordExplanation,
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


def _directions(console: Console, section: DirectionsSection) -> None:
    axis, steer = section.axis, section.steer
    _para(console, f"A direction is the difference between two words — {axis.start} → "
                   f"{axis.end}, averaged with "
                   f"{', '.join(f'{a} → {b}' for a, b in axis.pairs) or 'nothing else'}. Words "
                   "can be ranked by how far they point along it:")
    console.print()
    for projection in sorted(axis.words, key=lambda item: item.projection):
        shifted = (projection.projection + 1) / 2
        console.print(f"  {projection.word:<12} {projection.projection:+.3f}  {bar(shifted)}",
                      highlight=False)
    console.print()
    away = f"{steer.away} → " if steer.away else ""
    _para(console, f"Moving along a direction changes a word's company. Here is "
                   f"'{steer.word}' pushed along {away}{steer.toward}, step by step, with its "
                   "nearest words at each step:")
    console.print()
    for step in steer.steps:
        words = ", ".join(f"{near.word} {near.similarity:.2f}" for near in step.neighbors)
        console.print(f"  strength {step.strength:4.2f}:  {words}", highlight=False)


def _dimensions(console: Console, section: DimensionsSection) -> None:
    _para(console, f"Why 50 dimensions and not 2? Cut the same vectors down (PCA) to fewer "
                   f"dimensions and ask {section.questions} analogy questions from gensim's "
                   f"benchmark (a fixed sample, among the {section.vocabulary:,} most frequent "
                   "words):")
    console.print()
    for point in section.points:
        console.print(f"  {point.dims:>3} dimensions  {point.accuracy:6.1%}  "
                      f"({point.correct:>3}/{point.total})  {bar(point.accuracy, 30)}",
                      highlight=False)
    console.print()
    _para(console, "Two dimensions are enough to draw a map but not to hold analogies: each "
                   "extra dimension is room for another independent way in which words differ.")


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
    elif isinstance(section, DirectionsSection):
        _directions(console, section)
    elif isinstance(section, DimensionsSection):
        _dimensions(console, section)
    console.print()
    _explore(console, section.command)


def _axis_line(position: AxisPosition) -> str:
    """``man ─────●──── woman`` with the marker at the word's share of common words."""
    track = 21
    at = min(track - 1, int(position.share * track))
    line = "─" * at + "●" + "─" * (track - 1 - at)
    towards = position.high if position.share >= 0.5 else position.low
    share = position.share if position.share >= 0.5 else 1 - position.share
    return (f"  {position.axis:<12}{position.low:>7} {line} {position.high:<9} "
            f"more '{towards}' than {share:.0%}")


def word_explanation(console: Console, result: WordExplanation, colour: bool) -> None:
    console.print(Text(f"{result.word}  ({result.model})", style="bold"))
    console.print()
    place = (f"the {ordinal(result.rank)} most frequent of {result.vocabulary_size:,} words"
             if result.rank is not None else "built from its character n-grams")
    console.print(f"Its vector: {len(result.values)} numbers, length {result.norm:.2f}; {place}.",
                  highlight=False)
    console.print(Text("  ") + heat_strip(result.values, colour))
    console.print()
    console.print("Nearest words:", highlight=False)
    for rank, near in enumerate(result.neighbors, 1):
        console.print(f"  {rank:>2}. {near.word:<16} {near.similarity:.4f}  {bar(near.similarity)}",
                      highlight=False)
    if result.axes:
        console.print()
        _para(console, "Where it falls on a few named directions (each the average of word-pair "
                       "differences), against the 10,000 most frequent words:")
        for position in result.axes:
            console.print(_axis_line(position), highlight=False)
    if result.neighbourhood:
        group = result.neighbourhood
        console.print()
        _para(console, f"Clustered with its {group.size - 1} nearest words into {group.k} groups, "
                       f"'{result.word}' lands in the group the model labels '{group.label}': "
                       f"{', '.join(group.members)}.")
    console.print()
    _explore(console, f"latent map {result.word} --neighbors 10")


def expression_explanation(console: Console, result: ExpressionExplanation) -> None:
    add, mul = result.add, result.mul
    console.print(Text(f"{describe_terms(add.terms)}  ({result.model})", style="bold"))
    console.print()
    console.print(f"  {'#':>2}  {'3CosAdd (sum of directions)':<30}"
                  f"{'3CosMul (product of similarities)' if mul else ''}", highlight=False)
    for rank, answer in enumerate(add.results, 1):
        right = ""
        if mul and rank <= len(mul.results):
            right = f"{mul.results[rank - 1].word:<18} {mul.results[rank - 1].similarity:.4f}"
        console.print(f"  {rank:>2}. {answer.word:<18} {answer.similarity:.4f}     {right}",
                      highlight=False)
    console.print()
    _para(console, "Each answer's 3CosAdd score is its cosine with the sum of the terms, which "
                   "splits exactly into one share per term:")
    for decomposition in result.decompositions:
        console.print()
        for line in decomposition_lines(decomposition):
            console.print(line, highlight=False)
    if result.expect:
        console.print()
        mul_rank = (f" and {ordinal(result.expect_rank_mul)} by 3CosMul"
                    if result.expect_rank_mul else "")
        console.print(f"'{result.expect}' ranks {ordinal(result.expect_rank or 0)} by 3CosAdd"
                      f"{mul_rank}.", highlight=False)
    console.print()
    inputs = ", ".join(add.excluded)
    _para(console, f"The input words ({inputs}) are left out of the answers, as gensim does. "
                   f"Allowed back, the top answer would be '{result.with_inputs.word}' "
                   f"({result.with_inputs.similarity:.4f}).")
    if result.offset:
        _offset(console, result.offset)
    console.print()
    _explore(console, f"latent analogy {result.expression} --allow-inputs")


def _offset(console: Console, offset: OffsetExplanation) -> None:
    console.print()
    nearest = ", ".join(f"{word} {score:.2f}" for word, score in offset.nearest)
    _para(console, f"What the expression adds is the offset {offset.end} - {offset.start} "
                   f"(length {offset.length:.2f}). On its own it points nearest to: {nearest}.")
    mean = offset.mean_consistency
    if mean is None:
        _para(console, "No section of gensim's analogy benchmark holds this pair, so its "
                       "consistency as a relation is not measured.")
        return
    _para(console, f"Is it one consistent relation? Against the {len(offset.consistency)} other "
                   f"pairs of the '{offset.relation}' section of gensim's analogy benchmark, its "
                   f"cosine averages {mean:.2f}:")
    pairs = list(offset.consistency)
    if len(pairs) > 5:
        pairs = [*pairs[:3], *pairs[-2:]]
    for pair in pairs:
        console.print(f"  {pair.a + ' → ' + pair.b:<28} {pair.similarity:+.3f}  "
                      f"{bar(pair.similarity)}", highlight=False)


def explanation(console: Console, result: WordExplanation | ExpressionExplanation) -> None:
    """A word's or an expression's explanation, whichever the core produced."""
    if isinstance(result, WordExplanation):
        word_explanation(console, result, not console.no_color)
    else:
        expression_explanation(console, result)
