"""Rendering `latent explain WORD` and `latent explain EXPRESSION`, and the pieces the tour shares.

Plain words for newcomers: each term is explained where it first appears, every figure is taken
from the result objects (never typed in here), and nothing is wider than 80 columns.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from rich.console import Console
from rich.text import Text

from latentcli.render.bars import bars, heat_strip
from latentcli.render.queries import describe_terms
from latentcli.render.wrap import fold, whole
from latentcli.results.explain import (
    AxisPosition,
    Decomposition,
    ExpressionExplanation,
    OffsetExplanation,
    WordExplanation,
)

WIDTH = 80


def ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 692nd, 1,001st."""
    last = number % 10
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(last, "th")
    return f"{number:,}{suffix}"


def show_strip(console: Console, values: Sequence[float], colour: bool) -> None:
    """A vector as two rows of marks: its positive numbers above, its negative ones below."""
    upper, lower = heat_strip(values, colour)
    console.print(Text("  + ") + upper)
    console.print(Text("  - ") + lower)


TIMES = "\N{MULTIPLICATION SIGN}"
# how "groups stand most clearly apart" is measured, in one plain clause
APART = ("by the silhouette: how much nearer each word is to its own group than to the next "
         "one")


def para(console: Console, text: str, indent: str = "") -> None:
    """A paragraph folded to the terminal, at most 80 columns, never inside a word (t-SNE,
    questions-words.txt) or a `render.wrap.whole` phrase; ``indent`` starts its later lines."""
    console.print(fold(text, min(WIDTH, console.width), indent), highlight=False)


def shown(value: float, digits: int = 4) -> float:
    """``value`` as printed with ``digits`` decimals: arithmetic on the page starts from what the
    reader sees, so every sum and quotient shown can be redone from the digits beside it."""
    return float(f"{value:.{digits}f}")


def shown_shares(decomposition: Decomposition) -> list[float]:
    """Each term's share as the page computes it: its printed weight times its printed cosine,
    divided by the printed length, rounded as printed."""
    length = shown(decomposition.length)
    return [shown(float(f"{part.weight:g}") * shown(part.cosine) / length)
            for part in decomposition.contributions]


def length_worked(decomposition: Decomposition) -> str:
    """Where the sum's length comes from, worked out from the terms' cosines with each other as
    printed: ``√(3 - 2 x 0.7650 + ...) = 0.9944``, then the cosines named; when the rounded
    cosines give other last digits than the length, the length follows. Empty without them."""
    parts, between = decomposition.contributions, decomposition.between
    pairs = [(a, b) for i, a in enumerate(parts) for b in parts[i + 1:]]
    if not between or len(between) != len(pairs):
        return ""
    squares = sum(float(f"{part.weight:g}") ** 2 for part in parts)
    terms, total = [f"{squares:g}"], squares
    for (a, b), cosine in zip(pairs, map(shown, between), strict=True):
        times = 2 * float(f"{a.weight:g}") * float(f"{b.weight:g}")
        sign = "-" if (times > 0) != (cosine >= 0) else "+"
        terms.append(f"{sign} {abs(times):g} {TIMES} {abs(cosine):.4f}")
        total += times * cosine
    named = ", ".join(f"{a.word}·{b.word} {cosine:+.4f}"
                      for (a, b), cosine in zip(pairs, between, strict=True))
    root, length = shown(math.sqrt(max(total, 0.0))), shown(decomposition.length)
    differs = f" ({length:.4f} before rounding)" if root != length else ""
    weighted = any(float(f"{part.weight:g}") not in (1.0, -1.0) for part in parts)
    how = ("each weight squared (the arrows are 1 long) plus twice each pair's weights times "
           "its cosine" if weighted else "the arrows' squared lengths (1 each) plus twice each "
           "pair's cosine, signed as the pair is in the sum")
    return whole(f"√({' '.join(terms)}) = {root:.4f}") + differs + f", {how} ({named})"


def decomposition_lines(decomposition: Decomposition) -> list[str]:
    """One line of arithmetic per term, then the total they add up to: the term's cosine, the
    sign the sum gives it (a subtracted word's cosine changes sign), over |q|.

    Every figure is computed from the rounded figures printed before it; when the rounded shares
    add up to other last digits than the exact score, the last line says so. Each line's
    arithmetic is one `render.wrap.whole` phrase: print the lines with `arithmetic`.
    """
    lines = []
    length = shown(decomposition.length)
    shares = shown_shares(decomposition)
    for part, share in zip(decomposition.contributions, shares, strict=True):
        cosine = shown(part.cosine)
        sign = "+" if part.weight > 0 else "-"
        how = "added:" if part.weight > 0 else "subtracted:"
        size = "" if abs(part.weight) == 1 else f"{abs(part.weight):g} x "
        signed = "-" if (part.weight > 0) != (cosine >= 0) else "+"
        lines.append(f"  {sign} {part.word:<12} cosine {cosine:+.4f}, {how:<11} " + whole(
            f"{signed}{size}{abs(cosine):.4f} / {length:.4f} = {share:+.4f}"))
    total, score = shown(sum(shares)), shown(decomposition.score)
    word = decomposition.word
    lines.append(f"  = {word} scores {total:.4f}" if total == score else
                 f"  = {total:.4f}  (the lines' sum; {word} scores {score:.4f} before rounding)")
    return lines


def arithmetic(console: Console, decomposition: Decomposition) -> None:
    """`decomposition_lines`, each on its own line; on a terminal too narrow for one, its
    arithmetic goes whole onto the next."""
    for line in decomposition_lines(decomposition):
        para(console, line, indent="    ")


def _scored_lines(console: Console, rows: Sequence[tuple[str, float]], indent: str = "  ") -> None:
    for rank, ((word, score), drawn) in enumerate(
            zip(rows, bars([score for _, score in rows]), strict=True), 1):
        console.print(f"{indent}{rank:>2}. {word:<16} {score:.4f}  {drawn}", highlight=False)


def _axis_line(position: AxisPosition) -> str:
    """``man ─────●──── woman`` with the marker at the word's share of common words."""
    track = 21
    at = round(position.share * (track - 1))  # 0: no word further toward low; 20: all are
    line = "─" * at + "●" + "─" * (track - 1 - at)
    towards, share = _leaning(position)
    return (f"  {position.axis:<12}{position.low:>7} {line} {position.high:<9} "
            f"more '{towards}' than {share:.0%}")


def _leaning(position: AxisPosition) -> tuple[str, float]:
    """The end the word leans to, and the share of the common words it is further toward it
    than."""
    if position.share >= 0.5:
        return position.high, position.share
    return position.low, 1 - position.share


def _placed(position: AxisPosition) -> str:
    """Where the ● of `_axis_line` sits, said for the reader: ``more 'man' than 96% puts it 4%
    of the way from 'man'``."""
    end, share = _leaning(position)
    return f"more '{end}' than {share:.0%} puts it {1 - share:.0%} of the way from '{end}'"


def word_explanation(console: Console, result: WordExplanation, colour: bool) -> None:
    frequent = f"the {result.restrict:,} most frequent words"
    console.print(Text(f"{result.word}  ({result.model})", style="bold"))
    console.print()
    how = ("the model encoded it as text" if result.encoded else
           "its vector is built from its character n-grams")
    place = (f"the {ordinal(result.rank)} most frequent of {result.vocabulary_size:,} words"
             if result.rank is not None else
             f"not one of the model's {result.vocabulary_size:,} words: {how}")
    para(console, f"'{result.word}' is {place}. Its vector, {len(result.values)} numbers "
                  "(upper row above zero, lower row below; taller is further from zero):")
    show_strip(console, result.values, colour)
    para(console, f"Read as an arrow, it is {result.norm:.2f} long (the square root of the sum "
                  "of its numbers squared). Comparisons first scale every arrow to length 1 and "
                  "use only the direction, by cosine similarity: the sum of the products of two "
                  "such arrows' numbers (1: same direction, 0: unrelated, below 0: opposite "
                  "leanings).")
    console.print()
    itself = f" ('{result.word}' itself left out)" if result.neighbors else ""
    para(console, f"Nearest words, by cosine, among {frequent}{itself}:")
    _scored_lines(console, [(near.word, near.similarity) for near in result.neighbors])
    para(console, "Nearest words are words used in the same places, not only words of like "
                  "meaning: names, numerals and words often seen beside it rank high too.")
    if result.axes:
        console.print()
        first = result.axes[0]
        para(console, "Where it falls on a few named directions, compared with "
                      f"{frequent}. Each direction is the average arrow over a few pairs of "
                      f"opposite words, named by its first pair. More '{first.low}' than N% means "
                      f"that N% of those words lie further toward '{first.high}'. The ● stands "
                      f"where the word ranks among them: {_placed(first)}.")
        for position in result.axes:
            console.print(_axis_line(position), highlight=False)
        para(console, "A place on a direction tells how the word is used, not what it names: "
                      "it leans toward the end whose words share its sentences, and a direction "
                      "averaged over a few pairs carries their other differences too, so a "
                      "lean can surprise.")
    if result.neighborhood:
        group = result.neighborhood
        console.print()
        para(console, f"Clustered (k-means: groups around centres that move to the middle of "
                      f"their words until nothing changes) with its {group.size - 1} nearest "
                      f"words into {group.k} groups (of the counts tried, the one whose groups "
                      f"stand most clearly apart, {APART}), '{result.word}' lands in this one: "
                      f"{', '.join(group.members)}. latent names it '{group.label}': "
                      f"{group.label_method}."
                      + (" A group is words near one another, not a category, so it can hold a "
                         "word that shares the members' sentences without being of their kind; "
                         f"the member besides '{result.word}' furthest from this group's "
                         f"middle is '{group.furthest}'."
                         if group.furthest else ""))
    console.print()
    console.print(Text(f"Explore further:  latent map {result.word} --neighbors 10",
                       style="dim"))


def expression_explanation(console: Console, result: ExpressionExplanation) -> None:
    add, mul = result.add, result.mul
    console.print(Text(f"{describe_terms(add.terms)}  ({result.model})", style="bold"))
    console.print()
    para(console, "Two ways to answer. 3CosAdd adds and subtracts the words' arrows (each "
                  "scaled to length 1) and ranks every word by its cosine with the sum. 3CosMul "
                  "multiplies a word's cosines with the added words and divides by its cosines "
                  "with the subtracted ones (all shifted to lie between 0 and 1), so no single "
                  "word can dominate; its scores are therefore not cosines, and compare only "
                  "with each other.")
    console.print()
    console.print(f"  {'#':>2}  {'3CosAdd':<28}{'3CosMul' if mul else ''}", highlight=False)
    for rank, answer in enumerate(add.results, 1):
        right = ""
        if mul and rank <= len(mul.results):
            right = f"{mul.results[rank - 1].word:<18} {mul.results[rank - 1].similarity:.4f}"
        console.print(f"  {rank:>2}. {answer.word:<18} {answer.similarity:.4f}     {right}",
                      highlight=False)
    console.print()
    length = result.decompositions[0].length if result.decompositions else 0.0
    worked = length_worked(result.decompositions[0]) if result.decompositions else ""
    para(console, f"A 3CosAdd score is the cosine with the sum, an arrow of length {length:.4f} "
                  "(each word's arrow is 1 long, but they partly cancel"
                  + (f"; its length is {worked}" if worked else "") + "). A cosine is a sum of "
                  "products, so it splits exactly into each word's cosine with the answer, given "
                  "the word's sign in the sum (a subtracted word's cosine changes sign) and "
                  "divided by that length. Each line is worked out from the rounded numbers "
                  "printed:")
    for decomposition in result.decompositions:
        console.print()
        arithmetic(console, decomposition)
    if result.expect:
        console.print()
        mul_rank = (f" and {ordinal(result.expect_rank_mul)} by 3CosMul"
                    if result.expect_rank_mul else "")
        console.print(f"'{result.expect}' ranks {ordinal(result.expect_rank or 0)} by 3CosAdd"
                      f"{mul_rank}.", highlight=False)
    console.print()
    para(console, f"The words typed ({', '.join(add.excluded)}) are left out of the answers, as "
                  "standard analogy tests do: allowed back, the top answer would be "
                  f"'{result.with_inputs.word}' ({result.with_inputs.similarity:.4f}).")
    if result.offset:
        _offset(console, result.offset, result.restrict)
    console.print()
    console.print(Text(f"Explore further:  latent analogy {result.expression} --allow-inputs",
                       style="dim"))


def _offset(console: Console, offset: OffsetExplanation, restrict: int) -> None:
    console.print()
    nearest = ", ".join(f"{near.word} {near.similarity:.2f}" for near in offset.nearest)
    para(console, f"What the expression adds to its first word is the offset {offset.end} - "
                  f"{offset.start}: the arrow from {offset.start}'s length-1 arrow to "
                  f"{offset.end}'s, {offset.length:.2f} long. Alone, among the {restrict:,} most "
                  f"frequent words, it points nearest to: {nearest}. An offset is a difference "
                  f"of usage: it leads to words of the sentences '{offset.end}' appears in and "
                  f"'{offset.start}' does not, more than to a word for the relation itself.")
    mean = offset.mean_consistency
    if mean is None:
        para(console, "No section of the standard analogy test (questions-words.txt) holds this "
                      "pair, so whether it is one consistent relation is not measured.")
        return
    verdict = ("Largely yes" if mean >= 0.7 else "Partly" if mean >= 0.4 else "Hardly")
    pairs = list(offset.consistency)
    some = len(pairs) > 5
    if some:
        pairs = [*pairs[:3], *pairs[-2:]]
    para(console, f"Is it one consistent relation? {verdict}: against the "
                  f"{len(offset.consistency)} other pairs of the '{offset.relation}' section of "
                  "the standard analogy test (questions-words.txt), its cosine averages "
                  f"{mean:.2f} (1 would be the very same arrow)"
                  + ("; the 3 pairs nearest it and the 2 furthest:" if some else ":"))

    for pair, drawn in zip(pairs, bars([pair.similarity for pair in pairs]), strict=True):
        console.print(f"  {pair.a + ' → ' + pair.b:<28} {pair.similarity:+.3f}  {drawn}",
                      highlight=False)
    weakest = offset.consistency[-1]
    if weakest.similarity < 0.3:
        para(console, f"A pair near 0 ({weakest.a} → {weakest.b}, {weakest.similarity:+.3f}) is "
                      "one whose arrow these vectors do not line up with the others: rarer "
                      "words are seen in fewer sentences, and their vectors are rougher.")


def explanation(console: Console, result: WordExplanation | ExpressionExplanation) -> None:
    """A word's or an expression's explanation, whichever the core produced."""
    if isinstance(result, WordExplanation):
        word_explanation(console, result, not console.no_color)
    else:
        expression_explanation(console, result)
