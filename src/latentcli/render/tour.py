"""Rendering the guided tour of `latent explain`, for a reader who has never met an embedding.

Every term is explained in a sentence where it first appears, and every figure comes from the
result objects (never typed in here), so the text stays true on any model. Nothing is wider than
80 columns; the word-space sections stay under about 225 lines.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from typing import Any

from rich.console import Console
from rich.text import Text

from latentcli.render.bars import BAR_WIDTH, bar, bars
from latentcli.render.explain import (
    APART,
    TIMES,
    WIDTH,
    arithmetic,
    length_worked,
    ordinal,
    para,
    show_strip,
    shown_shares,
)
from latentcli.render.inside import Grid, draw, sink, spaced
from latentcli.render.language import SPARKS, cut, escape_note, quoted, sparkline
from latentcli.render.wrap import whole
from latentcli.results.explain import (
    AttentionSection,
    ContextSection,
    Contribution,
    DimensionsSection,
    DirectionsSection,
    LensSection,
    MapSection,
    MathSection,
    ModelSection,
    PatchSection,
    SkippedSection,
    SqueezeSection,
    SteeringSection,
    TourSection,
    VectorSection,
)
from latentcli.results.inside import Patching
from latentcli.results.language import Continuation, LensLayer

MAP_HEIGHT = 20
# the word a contraction's end comes from, for a reader who meets "'m" among the nearest words
CONTRACTIONS = {"'m": "I'm", "'s": "it's", "'re": "you're", "'ve": "I've", "'ll": "I'll",
                "'d": "I'd", "n't": "don't"}
SHARE = 0.2  # a position named at block 0 as bringing back part of the fact
SENSE = 0.05  # a cosine gap between a word's two senses below this is said to show nothing
RIVAL = 2  # a block weighing the subject within these points of the named ones is set beside them


def _q(text: str) -> str:
    """``text`` between quotes (`render.language.quoted`), kept on one line (`render.wrap.whole`).
    """
    return whole(quoted(text))


def _listing(words: tuple[str, ...] | list[str], conjunction: str = "and") -> str:
    """``a, b and c`` (or ``a, b or c``)."""
    return (", ".join(words[:-1]) + f" {conjunction} {words[-1]}" if len(words) > 1
            else "".join(words))


def _akin(name: str, member: str) -> bool:
    """``name`` is another spelling of ``member``, or built on it (brasil, brazil; unhappy,
    happy): a group name a reader would not expect."""
    from difflib import SequenceMatcher

    return name != member and (member in name or name in member
                               or SequenceMatcher(None, name, member).ratio() >= 0.8)


def _reason(part: Contribution, share: float) -> str:
    """Why a term moved the score: ``resembling king (+0.79)``, ``being unlike man (+0.56)``,
    with the share as printed in the lines above, rounded further."""
    likeness = "resembling" if part.cosine > 0 else "being unlike"
    return f"{likeness} {part.word} ({share:+.2f})"


# Two-number arrows for the worked examples: a and b as two words, c as an answer.
EXAMPLE_A, EXAMPLE_B, EXAMPLE_C = (0.6, 0.8), (1.0, 0.0), (0.8, 0.6)


def _number(value: float) -> str:
    """An example's number as a reader writes it: 0.6, 1, 1.76 (at most two decimals)."""
    return f"{round(value, 2):g}"


def _products(a: tuple[float, ...], b: tuple[float, ...]) -> str:
    """``0.6 x 0.8 + 0.8 x 0.6 = 0.96`` (with a multiplication sign): a cosine of two length-1
    arrows, worked out."""
    terms = " + ".join(f"{_number(x)} {TIMES} {_number(y)}" for x, y in zip(a, b, strict=True))
    return f"{terms} = {_number(sum(x * y for x, y in zip(a, b, strict=True)))}"


def _model(console: Console, section: ModelSection) -> None:
    known = (f"It is {section.training}." if section.training else
             "latent knows nothing more of how this model was made.")
    para(console, f"An embedding model turns each word into a list of numbers, its vector, so "
                  f"that words used in similar ways get similar lists. This one, {section.model}, "
                  f"knows {section.words:,} words and gives each {section.dims} numbers. "
                  f"{known}{_sizes(section)}")
    para(console, f"Take each word's {section.dims} numbers as a point in a space of "
                  f"{section.dims} dimensions: that space is the model's latent space. Latent "
                  "means hidden: nobody decided what any of the numbers stands for; training "
                  "placed the words so that words used alike sit close together, and distance and "
                  "direction in it are all the meaning there is. The sections below stay in this "
                  "space, "
                  f"{section.model}'s, and every figure in them is computed from its vectors as "
                  "you read; a section that visits another model's space says so.")


def _sizes(section: ModelSection) -> str:
    """Why this size, for a model published in several: the smallest is the one shipped."""
    if not section.published_dims:
        return ""
    sizes, largest = section.published_dims, max(section.published_dims)
    more = largest / section.dims
    return (f" It was published in {len(sizes)} sizes ({_listing([str(d) for d in sizes])} "
            "dimensions), and latent ships the smallest, the quickest to download and to "
            f"search: its {section.words:,} {TIMES} {section.dims} numbers, "
            f"{section.bytes / (section.words * section.dims):g} bytes each, take "
            f"{section.bytes / 1e6:,.0f} MB, where {largest} dimensions would take "
            f"{section.bytes * more / 1e6:,.0f} MB and make each search compare {more:g} times "
            "as many numbers. Section 7 measures what fewer dimensions lose; what more "
            "would gain it cannot, without the larger models.")


def _vector(console: Console, section: VectorSection, colour: bool) -> None:
    dims = len(section.values)
    para(console, f"The vocabulary is sorted by frequency: '{section.word}' is the "
                  f"{ordinal(section.rank)} most common of {section.vocabulary_size:,} words. "
                  f"To the model it is these {dims} numbers, one column each (upper row above "
                  "zero, lower row below; taller is further from zero):")
    console.print()
    show_strip(console, section.values, colour)
    shown = ", ".join(f"{value:+.2f}" for value in section.values[:6])
    more = ", …" if dims > 6 else ""
    console.print(f"  {'first six' if more else 'all'}: {shown}{more}", highlight=False)
    console.print()
    para(console, f"No number means anything alone. Read the list as an arrow in a "
                  f"{dims}-dimensional space: what matters is the way it points. Its length is "
                  f"the square root of the sum of its numbers squared ({section.norm:.2f} for "
                  f"'{section.word}'); to compare words, latent first scales every arrow to "
                  "length 1, dividing each number by the length. Cosine similarity is then the "
                  "sum of the products of two words' numbers: with 2 numbers, "
                  f"{whole(str(EXAMPLE_A))} and {whole(str(EXAMPLE_C))} give "
                  f"{whole(_products(EXAMPLE_A, EXAMPLE_C))}. It is 1 "
                  "for the same direction, 0 for unrelated (at right angles), below 0 for words "
                  "leaning opposite ways" + (":" if section.pairs else "."))
    if section.pairs:
        console.print()
    for pair, drawn in zip(section.pairs, bars([p.similarity for p in section.pairs]),
                           strict=True):
        console.print(f"  {pair.a:>8} · {pair.b:<10} {pair.similarity:+.3f}  {drawn}",
                      highlight=False)


def _map(console: Console, section: MapSection, colour: bool) -> None:
    from latentcli.render.plots import map_plot

    counts = ", ".join(f"{len(words)} {name}" for name, words in section.groups.items())
    groups, words = len(section.groups), sum(len(w) for w in section.groups.values())
    x, y = section.map.x_axis.explained_variance, section.map.y_axis.explained_variance
    para(console, f"The tour took {words} everyday words ({counts}) and latent sorted them into "
                  f"{groups} groups by cosine alone, with k-means clustering: guess {groups} "
                  "centres, put each word with its nearest centre, move each centre to the "
                  "middle of its words, and repeat until nothing moves. Nobody told it which "
                  f"word goes where, only how many groups: {groups}, one per kind of word (when "
                  "not told, latent keeps the count whose groups stand most clearly apart, "
                  f"{APART}). "
                  f"{section.groups_whole} of the {groups} came out whole. latent then named "
                  "each group with one word, "
                  f"{section.map.clustering.clusters[0].label_method}. A name is one word near the "
                  "whole group, so it can be a word often seen beside the members rather than "
                  "the category a person would say; a word on the map never names a group.")
    console.print()
    for cluster in section.map.clustering.clusters:
        console.print(f"  {cluster.label:>10}:  {', '.join(cluster.members)}", highlight=False)
    console.print()
    kin = [(cluster.label, member) for cluster in section.map.clustering.clusters
           for member in cluster.members if _akin(cluster.label, member)]
    spelled = [(cluster.label, name) for cluster in section.map.clustering.clusters
               for name in section.groups if _akin(cluster.label, name)]
    spelling = "".join(f"'{label}' is the model's word (the tour spells it {name}). "
                       for label, name in spelled)
    if kin or spelling:
        examples = _listing([f"'{label}' beside {member}" for label, member in kin])
        para(console, spelling + (f"Note {examples}: the word nearest a whole group can be "
                                  "another spelling of a member, or a word built on one, when "
                                  "nothing names the set better." if kin else ""))
    fetch = whole(f"`{section.fetch_encoder}`")
    para(console, f"(Fetching downloads the encoder once: {fetch} or the first `latent context`; "
                  "naming never does.)")
    console.print()
    if x is not None and y is not None:
        para(console, "A page has 2 dimensions. PCA (principal component analysis) keeps the "
                      "two directions along which these words are most spread out: PC1, across, "
                      "then PC2, up, at right angles to it. Spread is measured by the variance "
                      f"(the mean squared distance of the words from their average): PC1 holds "
                      f"{x:.1%} of it, PC2 {y:.1%}; the other "
                      f"{100 - round(100 * x, 1) - round(100 * y, 1):.1f}% is flattened "
                      "away: the groups differ in more ways than two axes show. Each mark's "
                      "shape is its group; its word follows it.")
    console.print(Text(map_plot(section.map, min(WIDTH, console.width), MAP_HEIGHT,
                                colour).rstrip("\n")))
    para(console, "Trust, under the map, is the figure to read it by: it checks what a map is "
                  "read for, who is near whom; the variance shares count every distance, the "
                  "far ones most (section 5 shows the two apart). The command below draws a map of "
                  "its own, from one word of each group and its nearest.")


def _math(console: Console, section: MathSection) -> None:
    result, parts = section.analogy, section.decomposition
    words = [term.word for term in result.terms]
    best = f"'{section.with_inputs.word}' ({section.with_inputs.similarity:.4f})"
    left_out = (f"or one of them would win: allowed back, {best} tops the list"
                if section.with_inputs.word in words else
                f"though allowed back, {best} would still win")
    para(console, f"Directions carry meaning, so arrows can be added. Take {words[0]}, subtract "
                  f"{words[1]}, add {words[2]} (each arrow scaled to length 1), and rank words "
                  f"by their cosine with the resulting arrow. The {len(words)} words typed are "
                  f"left out, {left_out}.")
    console.print()
    for rank, (answer, drawn) in enumerate(zip(result.results, bars(
            [answer.similarity for answer in result.results]), strict=True), 1):
        console.print(f"  {rank}. {answer.word:<12} {answer.similarity:.4f}  {drawn}",
                      highlight=False)
    console.print()
    total = tuple(a + b for a, b in zip(EXAMPLE_A, EXAMPLE_B, strict=True))
    length = math.hypot(*total)
    dot = sum(x * y for x, y in zip(total, EXAMPLE_C, strict=True))
    quotient = f"({_products(total, EXAMPLE_C)}) / {length:.2f} = {dot / length:.2f}"
    para(console, f"Why '{parts.word}'? Adding arrows adds their numbers, and a cosine is a sum "
                  "of products, so the score splits word by word. With 2 numbers, "
                  f"{whole(f'a = {EXAMPLE_A}')} plus {whole(f'b = {EXAMPLE_B}')} is "
                  f"{whole(str(tuple(map(float, total))))}, an arrow {length:.2f} long; its "
                  f"cosine with {whole(str(EXAMPLE_C))} is the products' sum divided by that "
                  f"length: {whole(quotient)}. The {_number(dot)} splits into a's "
                  f"{whole(_products(EXAMPLE_A, EXAMPLE_C))} plus b's "
                  f"{whole(_products(EXAMPLE_B, EXAMPLE_C))}, each divided by the same length. "
                  f"Here the sum is {parts.length:.4f} long, not 1 (the arrows partly cancel): "
                  f"{length_worked(parts)}. Each line divides a word's cosine with "
                  f"'{parts.word}', signed as the word is in the sum (a subtracted word's cosine "
                  "changes sign), by that length, from the rounded numbers printed:")
    arithmetic(console, parts)
    reasons = list(zip(parts.contributions, shown_shares(parts), strict=True))
    gains = [_reason(part, share) for part, share in reasons if share > 0]
    losses = [_reason(part, share) for part, share in reasons if share <= 0]
    lost = f", and loses for {_listing(losses)}" if losses else ""
    para(console, f"'{parts.word}' gains for {_listing(gains)}{lost}.")


def _squeeze(console: Console, section: SqueezeSection) -> None:
    seeds = section.word_list[:section.seeds]
    brings = "; ".join(f"{seed}: {', '.join(near)}"
                       for seed, near in zip(seeds, section.brought, strict=True))
    para(console, f"Every flat map distorts. By how much? The tour took {_listing(seeds)} and "
                  f"the words nearest each ({brings}), {section.words} words in all. Of each "
                  f"word's {section.trust_k} nearest neighbours among them, how many stay "
                  "nearest on the map?")
    console.print()
    pca, tsne = bars([section.pca_trust, section.tsne_trust])
    console.print(f"  PCA map    keeps {section.pca_trust:6.1%}  {pca}", highlight=False)
    console.print(f"  t-SNE map  keeps {section.tsne_trust:6.1%}  {tsne}", highlight=False)
    console.print()
    para(console, f"PCA's two axes hold {section.explained:.0%} of these words' variance (the "
                  f"other {100 - round(100 * section.explained)}% is flattened away: they differ "
                  "in more ways than two axes show), yet keep "
                  f"{section.pca_trust:.0%} of the neighbours: variance counts every "
                  "distance, the far ones most, so far-apart groups drag it down; trust counts "
                  "only who is near whom, which is what a map is read for. t-SNE (t-distributed "
                  "stochastic neighbour embedding) instead starts from the PCA map and moves the "
                  "points, step by step, until each word's near neighbours sit near it, giving "
                  "up on large distances (its figure is the same on every run). On the PCA "
                  f"map '{section.worst_word}' fares worst, keeping "
                  f"{section.worst_trust:.0%} of its neighbours. A map hides most dimensions: "
                  "trust it for what is close, not for what is far.")
    plain = [(seed, [word for word in near if len(word) <= 2 or "'" in word])
             for seed, near in zip(seeds, section.brought, strict=True)]
    seed, small = next(((seed, small) for seed, small in plain if small), ("", []))
    if small:
        cut = next((word for word in small if word in CONTRACTIONS), None)
        para(console, f"Nearest words are words that share a word's sentences, not only "
                      f"synonyms: '{seed}' brings {_listing([f'{w!r}' for w in small])}."
                      + (f" {cut!r} is the end of {CONTRACTIONS[cut]!r}, cut off at the "
                         "apostrophe when the model's text was split into words." if cut
                         else ""))


def _directions(console: Console, section: DirectionsSection) -> None:
    axis, steer = section.axis, section.steer
    others = f", averaged with {', '.join(f'{a} → {b}' for a, b in axis.pairs)}" \
        if axis.pairs else ""
    para(console, f"A direction is the arrow from one word to another: {axis.start} → "
                  f"{axis.end}{others}. The tour ranked {len(axis.words)} words by their cosine "
                  f"with it (lower: nearer '{axis.start}'; higher: nearer '{axis.end}'):")
    console.print()
    ranked = sorted(axis.words, key=lambda item: item.projection)
    for item, drawn in zip(ranked, bars([item.projection for item in ranked]), strict=True):
        console.print(f"  {item.word:<12} {item.projection:+.3f}  {drawn}", highlight=False)
    console.print()
    para(console, _ends(section))
    para(console, "A direction sums up how words are used, not what a dictionary says: a word "
                  "with another common sense ('poor': short of money; 'great': large) or used "
                  "in both kinds of sentence can sit away from where a person would put it.")
    away = steer.away or steer.word
    same = ("exactly the same words and scores as section 4" if section.is_analogy
            else "the arrow sum of section 4")
    para(console, f"Steering moves a word by such an arrow. Here '{steer.word}' moves by the "
                  f"arrow from {away} to {steer.toward}, times a strength: 1 adds the whole "
                  f"arrow, making {steer.word} - {away} + {steer.toward}, {same}; 0.5 goes half "
                  "the way, 1.5 beyond. Nearest words are words used in the same places, not "
                  "only look-alikes (a king's name is followed by a numeral: 'ii' as in George "
                  f"II). Nearest at each strength ({_listing(list(steer.excluded))} left out):")
    console.print()
    for step in steer.steps:
        words = ", ".join(f"{near.word} {near.similarity:.2f}" for near in step.neighbors)
        console.print(f"  strength {step.strength:4.2f}:  {words}", highlight=False)


def _ends(section: DirectionsSection) -> str:
    """For scale, where the direction's own end words score, which ranked words go past them,
    and, when other pairs are averaged in, why 0 is not their middle and which words fall on the
    low end's side of it."""
    start, end = section.axis.start, section.axis.end
    ends = {item.word: item.projection for item in section.ends}
    low, high = ends[start], ends[end]
    beyond = [f"'{item.word}'" for item in section.axis.words
              if not low <= item.projection <= high]
    said = (f"For scale, '{start}' itself scores {low:+.3f} and '{end}' {high:+.3f}, not -1 and "
            "1: a word's arrow points many ways besides this one."
            + (f" {_listing(beyond)} {'go' if len(beyond) > 1 else 'goes'} past them."
               if beyond else ""))
    if not section.alone:
        return said
    alone = {item.word: item.projection for item in section.alone}
    middle = (low + high) / 2
    below = [f"'{item.word}' ({item.projection:+.3f})" for item in section.axis.words
             if low <= item.projection < middle and item.projection >= 0]
    return (f"{said} On {start} → {end} alone they would score {alone[start]:+.3f} and "
            f"{alone[end]:+.3f}, evenly about 0; the other pairs move their middle to "
            f"{middle:+.3f}, so 0 is not neutral"
            + (f": {_listing(below)} fall on the side of '{start}'." if below else "."))


def _dimensions(console: Console, section: DimensionsSection) -> None:
    a, b, c, d = section.example
    full = section.points[-1].dims
    para(console, f"Why {full} numbers per word and not 2? Ask analogy questions: three words "
                  f"given, find the fourth, like {a} : {b} :: {c} : ? ({d}), by the arithmetic "
                  f"of section 4. The tour took {section.sampled} of the {section.benchmark:,} "
                  "questions of questions-words.txt (a standard test, Mikolov et al. 2013), kept "
                  f"the {section.questions} within the {section.vocabulary:,} most frequent "
                  "words, and asked them of these vectors cut down to fewer dimensions (keeping "
                  "the directions of most variance, as PCA does for the map):")
    console.print()
    for point in section.points:
        console.print(f"  {point.dims:>3} dimensions  {point.accuracy:6.1%} right  "
                      f"({point.correct:>3}/{point.total})  {bar(point.accuracy, 30)}",
                      highlight=False)
    console.print()
    last = section.points[-1]
    para(console, "Two dimensions can draw a map but cannot hold analogies: each extra dimension "
                  "is room for one more independent way in which words differ. Even all "
                  f"{last.dims} answer {last.accuracy:.0%}: an analogy holds only roughly in how "
                  "words are used, and the sum of three arrows often lands nearer a word close "
                  "to the answer (a plural, a neighbour) than on it. The tour can only cut "
                  f"dimensions away: what more than {last.dims} would gain, it cannot measure "
                  "without a larger model.")


def _context(console: Console, section: ContextSection) -> None:
    result = section.context
    word, other = result.word, section.unrelated_word
    static = ", ".join(near.word for near in result.static_neighbors)
    para(console, f"{result.static_model} has one vector for '{word}', the same in every "
                  + (f"sentence; its nearest words: {static}. " if static else "sentence. ")
                  + "This section visits another model's space: "
                  f"{result.model}, a sentence encoder ({_layers(section)}), a small neural "
                  "network (blocks of numbers set by training, each turning vectors into new "
                  "ones) that reads a whole sentence and gives each word a vector shaped by "
                  "the words around it, one per use. Each use's nearest words, among the "
                  f"{section.candidates:,} most frequent words of {result.static_model}, each "
                  f"read alone by the encoder (forms of '{word}' left out):")
    for use in result.contexts:
        console.print(f"  {use.sentence:<22} → {', '.join(n.word for n in use.neighbors)}",
                      highlight=False)
    first, second = result.contexts[0].sentence, result.contexts[1].sentence
    cosine = result.similarity[0][1]
    leaning = _leaning(section)
    para(console, f"{leaning}The encoder's two vectors for '{word}' have a cosine of "
                  f"{cosine:.2f}. Is {cosine:.2f} high or low? To tell, compare the first "
                  f"'{word}' (in {_q(first)}), by cosine, with a use of the same sense, the "
                  "other use, and another word in an unrelated sentence:")
    rows = [(f"{word}, same sense", section.same_sentence, section.same),
            (f"{word}, other sense", second, cosine),
            (f"{other}, unrelated", section.unrelated_sentence, section.unrelated)]
    kind, said = max(len(row[0]) for row in rows), max(len(row[1]) for row in rows)
    room = max(5, min(BAR_WIDTH, WIDTH - kind - said - 15))  # the bars take what is left
    for (label, sentence, value), drawn in zip(rows, bars([row[2] for row in rows], room),
                                               strict=True):
        console.print(f"  {label:<{kind}}  {sentence:<{said}}  {value:+.2f}  {drawn}",
                      highlight=False)
    para(console, _sense(section))


def _layers(section: ContextSection) -> str:
    """The encoder's layers, read into its name where it says them: ``l6: its 6 layers, or
    blocks, as section 9 calls them; v2: version 2``."""
    parts = section.context.model.lower().split("-")
    layers = f"{section.layers} layers, or blocks, as section 9 calls them"
    named = f"l{section.layers}" in parts
    version = next((part for part in parts if re.fullmatch(r"v\d+", part)), None)
    return ((f"l{section.layers}: its {layers}" if named else f"it has {layers}")
            + (f"; {version}: version {version[1:]}" if named and version else ""))


def _leaning(section: ContextSection) -> str:
    """Which use's nearest word the static model's one vector sits nearer: the contrast the
    encoder's two vectors are about."""
    nearest = section.static_nearest
    if len(nearest) != 2 or nearest[0].word == nearest[1].word:
        return ""
    near, far = sorted(nearest, key=lambda scored: -scored.similarity)
    leans = ("its one vector leans to one sense" if near.similarity - far.similarity >= SENSE
             else "its one vector sits between the two senses")
    return (f"In {section.context.static_model}, '{section.context.word}' has cosine "
            f"{near.similarity:.2f} with '{near.word}' and {far.similarity:.2f} with "
            f"'{far.word}': {leans}, where the encoder gives each use its own. ")


def _sense(section: ContextSection) -> str:
    """What the three cosines show, in the words their sizes allow."""
    same, unrelated = section.same, section.unrelated
    other = section.context.similarity[0][1]
    if same - other >= SENSE:
        said = (f"So {other:.2f} is high, nearer the same sense's {same:.2f} than another word's "
                f"{unrelated:.2f}: a use's vector says mostly which word it is, and partly which "
                "sense." if other - unrelated > same - other else
                f"So {other:.2f} is low, nearer another word's {unrelated:.2f} than the same "
                f"sense's {same:.2f}: a use's vector says which sense more than which word.")
    elif same - other > -SENSE:
        said = (f"So {other:.2f} is as high as the same sense's {same:.2f} (they differ by less "
                f"than {SENSE}): here a use's vector says which word it is, not which sense.")
    else:
        said = ("The other sense scores higher than the same one here: a use's vector follows "
                "the words of its sentence more than the sense of the word.")
    if abs(unrelated) >= 0.2:
        said += (" This encoder's vectors all lean one way (another word is not near 0), so read "
                 "each cosine against that, not against 0.")
    return said


def _lens(console: Console, section: LensSection) -> None:
    lens = section.lens
    ranks = [layer.tracked[0].rank for layer in lens.layers]
    blocks = len(ranks)
    first = next(i for i, rank in enumerate(ranks) if all(r == 1 for r in ranks[i:]))
    answer = lens.final.token
    note = escape_note(token.token for layer in lens.layers for token in layer.top)
    para(console, "A language model writes text one piece at a time, and it has a latent space "
                  "too. It reads tokens, not words: pieces from a fixed list of "
                  f"{lens.vocabulary:,} (a common word is one token, a rare one several), and a "
                  f"token usually carries the space before it: the answer below is '{answer}', "
                  f"space included. {_made(section)} Each token gets a vector, its embedding; "
                  f"then {blocks} blocks, numbered 0 to {blocks - 1}, each read, for every "
                  "token, the vectors of the tokens up to it and add something to its vector. "
                  "That running sum, one vector per token, is the residual stream (residual: "
                  "what a block adds on top of what is there): this model's latent space. "
                  "After the last block, the last "
                  "token's vector is scored against each token's own vector in the list (its "
                  "logit: the sum of the products of their numbers, a cosine without the scaling "
                  "to length 1); the scores, made into probabilities (p, adding up to 1), pick "
                  "the next token.")
    step = lens.vocabulary ** (1 / (len(SPARKS) - 1))
    para(console, f"Given {_q(lens.prompt)}, {lens.model} answers '{answer}' (p "
                  f"{lens.final.probability:.2f}). The logit lens takes that last step early: it "
                  "reads the stream after each block as if it were the last. Below, the answer's "
                  f"rank among the {lens.vocabulary:,} tokens (1: the model's pick) after each "
                  "block is drawn taller as it nears 1, on a log scale (each step up divides the "
                  f"rank by about {step:.1f}):")
    console.print(f"  {sparkline(ranks, lens.vocabulary)}", highlight=False)
    worst = max(range(first + 1), key=lambda i: (ranks[i], -i))
    shown = sorted({0, worst, blocks // 2, *range(max(0, first - 3), blocks)})
    para(console, f"The rank after block {shown[0]} is {ranks[shown[0]]:,}; " + "; ".join(
        f"after block {i}, {ranks[i]:,}" for i in shown[1:]) + ".")
    where = "only after the last block" if first == blocks - 1 else f"from block {first} on"
    wanders = (f" A rank that moves from {ranks[0]:,} (block 0) to {ranks[worst]:,} (block "
               f"{worst}) says nothing either way: thousands down a list of "
               f"{lens.vocabulary:,}, both mean 'not yet'." if worst > 0 else "")
    filler = _filler(lens.layers[:first])
    read = (f" Before that the lens mostly reads {filler}: the commonest tokens of all, what a "
            "reading that knows little of what comes next falls back on." if filler else "")
    para(console, f"'{answer}' ranks first {where}.{read}{wanders} Does the model not know the "
                  "answer yet, or can the lens not read it? The lens can only read the stream "
                  "the way the last block leaves it; a middle block may hold the answer in a "
                  "form of its own, which the lens cannot tell from not knowing. Patching can "
                  "look for it: the patching section (11) finds where a fact of the same kind "
                  "sits, on another prompt. (`latent lens` prints a row per block: top is the "
                  "token read there, p its probability, drawn as heat, next the runners-up"
                  + (f"; {note}" if note else "") + ".)")


def _made(section: LensSection) -> str:
    """What the model is: how it was made when that is known, and how many numbers its weights
    hold, read into its name where the name says them (135m)."""
    model, count = section.lens.model, section.parameters
    size = f"{round(count / 1e6)}m"
    numbers = (f"the {size} in its name is for its {count:,} numbers"
               if size in model.split("-") else f"its weights hold {count:,} numbers")
    made = f", is {section.training}; {numbers}" if section.training else f": {numbers}"
    return f"The one here, {model}{made}, all set by training."


# filler tokens by name, as the lens section says what it reads before the answer
FILLER = {" ": "a space", ".": "a full stop", ",": "a comma", "\\n": "a line break"}


def _filler(layers: Sequence[LensLayer]) -> str:
    """The three tokens the lens reads most before the answer (by their probability summed over
    those blocks), named: ``a space, a full stop, a comma``; empty when none is filler."""
    mass: dict[str, float] = {}
    for layer in layers:
        for token in layer.top:
            mass[token.token] = mass.get(token.token, 0.0) + token.probability
    most = sorted(mass, key=lambda token: (-mass[token], token))[:3]
    if not any(token in FILLER for token in most):
        return ""
    return ", ".join(FILLER.get(token, _q(token)) for token in most)


def _attention(console: Console, section: AttentionSection) -> None:
    result = section.attention
    blocks, heads = len(result.layers), len(result.layers[0].heads)
    tokens = [spaced(token) for token in result.tokens]
    para(console, f"Each of {result.model}'s blocks does two things to the stream. Its "
                  "attention lets each token take in "
                  "a weighted mix of the vectors of the tokens up to it (the weights add up to "
                  "100%, the rounded cells below to within a point or two): "
                  "that is how the words of a prompt reach one another. Then its second part "
                  "(the MLP, a small network of its own) reworks each token alone. A block has "
                  f"{heads} attention heads, each "
                  "weighing the tokens in its own way. From the last token of "
                  f"{_q(result.prompt)}, where the next word is chosen, here is the "
                  f"weight the heads give each token on average, in %, at some of the {blocks} "
                  f"blocks {whole('(␣ marks a space)')}:")
    rows = sorted({*range(0, blocks, max(1, -(-blocks // 6))), blocks - 1, *section.looks})
    draw(console, None, Grid(heading="block", labels=[str(b) for b in rows], tokens=tokens,
                             values=[result.layers[b].mean for b in rows]), [])
    earlier = range(1, result.position)  # neither the first token nor the last itself
    looks = [(head.weights[p], -block.layer, -head.head, p) for block in result.layers
             for head in block.heads for p in earlier]
    strongest = ""
    if looks:
        weight, block, head, position = max(looks)
        strongest = (f" The strongest single look at an earlier word: head {-head} of block "
                     f"{-block} puts {weight:.0%} of its weight on "
                     f"{_q(result.tokens[position])}. A head that looks hard at one "
                     "word is how a block brings what that word holds to the last token.")
    para(console, f"{sink(result)} (That share is the mean over every block and head.)"
                  + strongest)
    if section.looks:
        para(console, _subject(section))


def _subject(section: AttentionSection) -> str:
    """Where the last token looks at the subject most, how much a block outside those that
    looks about as hard carries (by patching the last token right after it), and whether those
    looks come just before the block from which the patching section finds the fact on the last
    token."""
    result, looks, moved = section.attention, section.looks, section.moved
    named = _listing([_q(result.tokens[p]) for p in section.subject])
    # the subject's share at each block as its cells above add up (the table rounds each cell)
    weights = [sum(round(100 * block.mean[p]) for p in section.subject) for block in result.layers]
    shares = _listing([f"{weights[b]}%" for b in looks])
    weight, head, block = max((sum(h.weights[p] for p in section.subject), h.head, b)
                              for b in looks for h in result.layers[b].heads)
    most = max(section.subject, key=lambda p: result.layers[block].heads[head].weights[p])
    alone = (f" ({result.layers[block].heads[head].weights[most]:.0%} on "
             f"{_q(result.tokens[most])} alone)" if len(section.subject) > 1 else "")
    said = (f"From {_q(result.tokens[result.position])}, the heads look at the "
            f"subject ({named}) most in blocks {_listing([str(b) for b in looks])}: {shares} of "
            f"the weight on average; head {head} of block {block} puts {weight:.0%} on "
            f"{'them together' if alone else 'it'}{alone}.")
    if moved is None:
        return said
    last = _q(result.tokens[result.position])
    said += _rival(section, weights)
    if max(looks) < moved:
        right = "right " if max(looks) == moved - 1 else ""
        return (f"{said} This is where the patching section (11) sees the fact move onto "
                f"{last}: it is there from block {moved} on, {right}after them.")
    return f"{said} The patching section (11) finds the fact on {last} from block {moved} on."


def _rival(section: AttentionSection, weights: list[int]) -> str:
    """A block outside the named ones that gives the subject about as much weight (``weights``,
    in %: within `RIVAL` points), set beside them by what patching the last token right after
    each brings back: whether its look carries the fact. Empty when there is none."""
    looks, after = section.looks, section.last
    others = [b for b in range(len(weights)) if b not in looks and b + 1 < len(after)]
    if not others or max(looks) + 1 >= len(after):  # no block after it to patch
        return ""
    rival = max(others, key=lambda b: (weights[b], -b))
    if weights[rival] < min(weights[b] for b in looks) - RIVAL:
        return ""
    last = _q(section.attention.tokens[section.attention.position])
    brought = _listing([_percent(after[b + 1]) for b in looks])
    carries = ("but it does not carry the fact" if after[rival + 1] < min(after[b + 1]
                                                                          for b in looks)
               else "and it carries the fact too")
    return (f" Block {rival} gives the subject about as much ({weights[rival]}%), {carries}: "
            f"patched right after {whole(f'block {rival}')}, {last} brings "
            f"back {_percent(after[rival + 1])} of it, against {brought} right after blocks "
            f"{_listing([str(b) for b in looks])} (entering "
            f"{_listing([str(b + 1) for b in looks])}, as section 11's rows count them).")


def _percent(share: float) -> str:
    """``share`` as a whole percentage, never ``-0%`` (as ``:.0%`` writes a small loss)."""
    return f"{round(100 * share)}%"


def _patch(console: Console, section: PatchSection) -> None:
    result = section.patching
    good, bad = result.clean_answer.token, result.corrupt_answer.token
    blocks = len(result.recovered)
    para(console, f"Activation patching finds where in {result.model}'s stream a fact sits (an "
                  "activation is a vector the model computes on the way, here the stream at one "
                  f"token). Take two prompts that differ in their subject: {_q(result.clean)} "
                  f"(it answers '{good}'; `latent patch` calls this run clean) and "
                  f"{_q(result.corrupt)} (it answers '{bad}'; the corrupt run), "
                  f"{len(result.tokens_clean)} tokens each. Run the "
                  "corrupt prompt again, once for each cell below, copying in the clean run's "
                  "stream at the cell's token as it enters the cell's block; if the answer "
                  f"swings back from '{bad}' to '{good}', that spot carried the fact. Each "
                  "cell says, in %, how far its copy swings it, on the gap between the two "
                  f"answers' logits ('{good}' less '{bad}': {result.difference_clean:.2f} in "
                  f"the clean run, {result.difference_corrupt:.2f} in the corrupt one; "
                  f"{_scale(result)}; below 0: further toward '{bad}'). The table shows some "
                  f"of the {blocks} blocks. Here block N is the stream entering block N (block 0: "
                  "the token vectors before any block), where the lens counted after it; the "
                  "second row shows the corrupt prompt's tokens where they "
                  "differ:")
    picked = [int(max(range(len(row)), key=lambda p: (row[p], -p))) if max(row) >= 0.5 else -1
              for row in result.recovered]
    turns = {b for b in range(1, blocks) if picked[b] != picked[b - 1]}
    rows = sorted({*range(0, blocks, max(1, -(-blocks // 6))), blocks - 1, *turns,
                   *(b - k for b in turns for k in (1, 2) if b >= k)})
    under = ["" if clean == corrupt else spaced(corrupt)
             for clean, corrupt in zip(result.tokens_clean, result.tokens_corrupt, strict=True)]
    draw(console, None, Grid(heading="block", labels=[str(b) for b in rows],
                             tokens=[spaced(t) for t in result.tokens_clean],
                             values=[result.recovered[b] for b in rows],
                             under=("corrupt", under)), [])
    para(console, f"{result.reading}{_separate(result)} {_shared(section)}")


def _scale(result: Patching) -> str:
    """The patching scale with one worked cell, from the rounded figures printed: the last
    position where it first brings back at least half of the fact (else the largest cell),
    turned back into the gap it leaves: ``79: -8.70 + 0.79 x 11.56 = +0.43``."""
    clean, corrupt = round(result.difference_clean, 2), round(result.difference_corrupt, 2)
    span, last = clean - corrupt, len(result.tokens_clean) - 1
    block, position = next(((b, last) for b, row in enumerate(result.recovered)
                            if row[last] >= 0.5),
                           max(((b, p) for b, row in enumerate(result.recovered)
                                for p in range(len(row))),
                               key=lambda cell: result.recovered[cell[0]][cell[1]]))
    share = round(100 * result.recovered[block][position])
    gap = corrupt + share / 100 * span
    winner = result.clean_answer.token if gap > 0 else result.corrupt_answer.token
    return (f"0: the gap stays at {corrupt:.2f}; 100: back to {clean:.2f}, a span of "
            f"{span:.2f}; {share}, as at {_q(result.tokens_clean[position])} entering "
            f"{whole(f'block {block}')}, leaves a gap of "
            f"{whole(f'{corrupt:.2f} + {share / 100:.2f} {TIMES} {span:.2f} = {gap:+.2f}')}, "
            f"so '{winner}' wins")


def _separate(result: Patching) -> str:
    """Why a row can add up past 100%, shown on block 0 when several tokens there each bring
    back part (with the sum of the percentages as printed)."""
    shared = [p for p, value in enumerate(result.recovered[0]) if value >= SHARE]
    said = " Each cell is a run of its own, so a row need not add up to 100%"
    if len(shared) < 2:
        return said + "."
    shown = [round(100 * result.recovered[0][p]) for p in shared]
    return (f"{said}: at block 0, {_listing([_q(result.tokens_clean[p]) for p in shared])} "
            f"bring back {_listing([f'{value}%' for value in shown])}, "
            f"{sum(shown)}% together, as their effects overlap.")


def _shared(section: PatchSection) -> str:
    """Why a token the two prompts share can hold part of the fact after block 0 (naming those
    the reading names), and where the next token is chosen."""
    tokens = section.patching.tokens_clean
    named = _listing([_q(tokens[p]) for p in section.shared], "or")
    like = f", like {named}," if named else ""
    return (f"A token the two prompts share{like} holds the same vector in both runs at block "
            "0, so copying it there changes nothing; what it holds of the fact later, attention "
            "(section 10) brought it from the subject's tokens, block by block, and the last "
            "token is where the next one is chosen.")


def _steering(console: Console, section: SteeringSection) -> None:
    written = section.generation
    steering = written.steering
    assert steering is not None
    (toward, away), = steering.pairs[:1]
    layer, start = steering.layer, steering.start
    before = f" (after blocks 0 to {layer - 1})" if layer > 1 else ""
    para(console, "Steering changes what a model writes without retraining it: it adds a "
                  f"direction to {written.model}'s stream while the model writes (activation "
                  "addition, 'actadd' in the output). Here the direction is the model's stream "
                  f"for {_q(toward)} minus its stream for {_q(away)} as they enter block "
                  f"{layer}{before}, the same subtraction as king - man, on the model's own "
                  f"vectors: a push toward {_q(toward)}. It is multiplied by "
                  f"{steering.strength:g} and added from position {start} on"
                  + (", token by token: the phrases' first tokens' difference at position "
                     f"{start}, their second tokens' at position {start + 1}, and so on; the "
                     "words the model then writes get no push of their own, they follow from "
                     "the pushed ones" if steering.method == "actadd" else
                     ", at every position, the words the model writes too")
                  + ". When steering, latent puts a start token"
                  + (f" ({_q(section.start)}, which marks where a text begins)"
                     if section.start else "")
                  + " at position 0, before the prompt: the attention sink of section 10; the "
                  "push leaves it alone, and both runs have it.")
    if section.pushes:
        para(console, _pushes(section))
    para(console, f"Block {layer} and strength {steering.strength:g} are what latent picks "
                  "when you give one pair and no settings: early enough that every later block "
                  "builds on the push, strong enough to show; the command's --layer (a block) "
                  "and --strength try others. The same prompt, without and with it (unsteered "
                  "and steered, as `latent generate` says):")
    for label, text in (("Without: ", steering.unsteered), ("With:    ", written.continuation)):
        para(console, f"{label}{written.prompt}{text.text}{cut(text, written.max_tokens)}",
             indent=" " * len(label))
    plain, pushed = steering.unsteered.tokens, written.continuation.tokens
    if plain == pushed:
        para(console, "Here the push changed nothing that was written: try a larger strength.")
        return
    part = next((i for i, (a, b) in enumerate(zip(plain, pushed, strict=False)) if a != b),
                min(len(plain), len(pushed)))  # else one run stopped where the other went on
    common = (f"the same first {part} token{'s' * (part > 1)}, then" if part else
              "different words from the first token:")
    ended = "(it stopped)"
    para(console, f"What changed: each run takes the likeliest token at every step, and they "
                  f"write {common} "
                  f"{_q(plain[part]) if part < len(plain) else ended} without the push, "
                  f"{_q(pushed[part]) if part < len(pushed) else ended} with it; every later "
                  f"token follows from that choice. Each text stops after {written.max_tokens} "
                  f"tokens {whole('(… marks the cut)')}, as the command below asks with "
                  f"--max-tokens.{_words(written.continuation)}")


def _words(written: Continuation) -> str:
    """Why a text's tokens make fewer words: its punctuation marks are tokens of their own, and
    a number takes a token a digit (its first one shown). Empty when they make as many."""
    tokens, words = written.tokens, len(written.text.split())
    if words >= len(tokens):
        return ""
    said = []
    marks = list(dict.fromkeys(token.strip() for token in tokens
                               if token.strip() and not any(c.isalnum() for c in token)))
    if marks:
        own = "are tokens of their own" if len(marks) > 1 else "is a token of its own"
        said.append(f"{_listing([_q(mark) for mark in marks])} {own}")
    first = next((i for i, token in enumerate(tokens) if token.strip().isdigit()), None)
    if first is not None:
        last = first
        while last + 1 < len(tokens) and tokens[last + 1].isdigit():
            last += 1
        if first > 0 and tokens[first - 1] == " ":  # the space before a number's digits
            first -= 1
        number = tokens[first:last + 1]
        said.append(f"{''.join(number).strip()} takes {len(number)} "
                    + whole(f"({', '.join(_q(token) for token in number)})"))
    why = f", as {_listing(said)}" if said else ", as a rare word takes several"
    return f" Tokens are not words: with the push, {len(tokens)} make {words} words{why}."


def _pushes(section: SteeringSection) -> str:
    """Where the push is zero and why, and how long it is beside the prompt's stream."""
    steering = section.generation.steering
    assert steering is not None  # the tour's steering section always steers
    strength = steering.strength
    zero = [push for push in section.pushes if push.push == 0]
    landing = [push for push in section.pushes if push.push > 0]
    said = ""
    if zero:
        same = _listing([_q(push.toward) for push in zero])
        said = (f"Both phrases have {same} at position{'s' * (len(zero) > 1)} "
                f"{_listing([str(push.position) for push in zero])}, with the same tokens before "
                "it, and a token's stream depends only on itself and the tokens before it: "
                f"there the difference is zero. ")
    if not landing:
        return said + "The push adds nothing."
    where = landing[0]
    on = f", on the prompt's {_q(where.token)}" if where.token else ""
    differences = " and ".join(f"{_q(push.toward)} minus {_q(push.away)}" for push in landing)
    said += (f"The push lands {'only ' if zero else ''}at position"
             f"{'s' * (len(landing) > 1)} {_listing([str(push.position) for push in landing])} "
             f"({differences}){on}.")
    if where.stream > 0:
        said += (f" There the difference is {where.push / strength / where.stream:.2f} times as "
                 f"long as the prompt's stream; times {strength:g}, the push is "
                 f"{where.push / where.stream:.1f} times as long"
                 + (": it outweighs what the prompt put there." if where.push > where.stream
                    else ", smaller than what the prompt put there."))
    return said


# Each section's text, by the section's type (the map and the vector also take the colour flag).
_WRITERS: dict[type, Callable[[Console, Any], None]] = {
    ModelSection: _model, MathSection: _math, SqueezeSection: _squeeze,
    DirectionsSection: _directions, DimensionsSection: _dimensions, ContextSection: _context,
    LensSection: _lens, AttentionSection: _attention, PatchSection: _patch,
    SteeringSection: _steering,
}


def tour_section(console: Console, number: int, section: TourSection | SkippedSection,
                 colour: bool) -> None:
    """One numbered section: heading, text, and the command that explores further."""
    title = section.title or section.name
    console.print()
    console.print(Text(f"{number}. {title}", style="bold underline"))
    if isinstance(section, SkippedSection):
        shows = f"it would show {section.shows}; " if section.shows else ""
        para(console, f"(skipped: {shows}{section.reason})")
        return
    if isinstance(section, VectorSection):
        _vector(console, section, colour)
    elif isinstance(section, MapSection):
        _map(console, section, colour)
    else:
        _WRITERS[type(section)](console, section)
    explore = f"Explore further:  {section.command}"
    width = min(WIDTH, console.width)
    console.print(Text(explore if len(explore) <= width else
                       "Explore further:\n  " + _continued(section.command, width), style="dim"))


def _continued(command: str, width: int = WIDTH) -> str:
    """A command too long for a line, cut between its arguments with the shell's `\\`, so it can
    be copied and run as it is (never broken inside a quoted argument, nor between an option and
    its value)."""
    import shlex

    words: list[str] = []
    for arg in shlex.split(command):
        word = shlex.quote(arg) if " " not in arg else f'"{arg}"'
        if words and words[-1].startswith("--") and " " not in words[-1] \
                and not arg.startswith("-"):
            words[-1] += f" {word}"  # an option stays with its value
        else:
            words.append(word)
    lines = [""]
    for word in words:
        if lines[-1] and len(lines[-1]) + 1 + len(word) > width - 6:
            lines.append(word)
        else:
            lines[-1] = f"{lines[-1]} {word}".strip()
    return " \\\n    ".join(lines)
