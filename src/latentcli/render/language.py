"""Language-model results: a continuation (or two, side by side) and the logit lens table."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence

from rich.console import Console
from rich.table import Column
from rich.text import Text

from latentcli.errors import clip
from latentcli.render.bars import bar
from latentcli.render.tables import bar_column, emit, plain_table
from latentcli.render.wrap import whole
from latentcli.results.language import (
    Continuation,
    Generation,
    Generations,
    Lens,
    Lenses,
    TokenProbability,
)

SPARKS = "▁▂▃▄▅▆▇█"
# a steering setting left to its default, as the output names it (blocks are numbered from 0)
BLOCK_WORDS = {"layer": "block"}
HEAT = " ░▒▓█"
HEAT_SCALE = "░ .25 ▒ .5 ▓ .75 █ 1"  # the legend of `HEAT`'s steps
# A character `render.escape.escape` wrote by its code, found in a text it escaped (a backslash is
# printable and stays as it is, so a token holding one followed by such letters reads the same).
ESCAPED = re.compile(r"\\(?:x[0-9a-f]{2}|u[0-9a-f]{4}|U[0-9a-f]{8}|[ntr])")
LETTER = re.compile(r" [A-Z]")  # a token that may begin any word starting with that letter
UNNAMED = {"\n": "line break", "\t": "tab", "\r": "carriage return"}  # Unicode names none


def quoted(text: str) -> str:
    """A token between quotes, its spaces visible. Not ``repr``: `cli.command.deliver` has
    already escaped what the terminal must not see raw (a newline is ``\\n`` by then), and
    ``repr`` would escape the backslash again."""
    return f"'{text}'"


def generation(console: Console, result: Generation) -> None:
    """The continuation alone (pipes well); a steered one beside the unsteered one."""
    steering = result.steering
    if steering is None:
        console.print(Text(result.continuation.text), soft_wrap=True)
        return
    if steering.direction is not None:
        how, method = f"along the direction in {clip(steering.direction)}", ""
    else:
        (toward, away), more = steering.pairs[0], len(steering.pairs) - 1
        how = f"toward {whole(quoted(clip(toward)))}, away from {whole(quoted(clip(away)))}" + (
            f" and {more} more pair{'s' * (more > 1)}" if more else "")
        method = f"{steering.method}, "
    chosen = [BLOCK_WORDS.get(name, name) for name in steering.defaults]
    table = plain_table(Column("unsteered", ratio=1), Column("steered", ratio=1), expand=True)
    prompt = Text(clip(result.prompt), style="dim")
    table.add_row(*(prompt + Text(written.text + cut(written, result.max_tokens))
                    for written in (steering.unsteered, result.continuation)))
    many = len(chosen) > 1
    where = (f"block {steering.layer}", f"strength {steering.strength:g}",
             f"from position {steering.start} on")
    emit(console, f"Steering {result.model} {how}\n{method}added entering "
                  + ", ".join(map(whole, where)), table,
         [f"(the {_listing(chosen)} {'are' if many else 'is'} the default{'s' * many})"
          if chosen else None, limit_note(result.max_tokens),
          "position 0 holds the start token latent puts first when steering; it is never "
          "steered" if steering.start == 1 else f"positions 0-{steering.start - 1} (the start "
          "token and the chat template) are never steered"])


def cut(written: Continuation, limit: int) -> str:
    """``…`` after a text the token limit cut (it wrote ``limit`` tokens), else nothing."""
    return "…" if len(written.tokens) >= limit else ""


def limit_note(limit: int) -> str:
    """What the `cut` mark means, with the limit."""
    return f"each text stops after {limit} tokens (--max-tokens); … marks the cut"


def _listing(names: Sequence[str]) -> str:
    return ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else "".join(names)


def escape_note(texts: Iterable[str]) -> str | None:
    """What the escaped characters among ``texts`` are, for a reader who never met the notation
    (the tour and `latent lens` say it in these words), or None when there are none: "'\\xa0', a
    character written by its code, is a no-break space"."""
    found = list(dict.fromkeys(code for text in texts for code in ESCAPED.findall(text)))
    if not found:
        return None
    names = [whole(_named(code.encode().decode("unicode_escape"))) for code in found]
    if len(found) == 1:
        return f"{quoted(found[0])}, a character written by its code, is {names[0]}"
    return (f"{_listing([quoted(code) for code in found])}, characters written by their code, "
            f"are {_listing(names)}")


def _named(char: str) -> str:
    """``a no-break space``, ``a line break``, ``an …``: a character by what Unicode calls it."""
    name = UNNAMED.get(char) or unicodedata.name(char, "control character").lower()
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"


def rank_closeness(rank: int, vocabulary: int) -> float:
    """1 at rank 1, 0 at the last rank, on a log scale (ranks span five orders of magnitude)."""
    return 1.0 - math.log(rank) / math.log(max(vocabulary, 2))


def sparkline(ranks: Sequence[int], vocabulary: int) -> str:
    """One character per block, taller as the rank nears 1."""
    top = len(SPARKS) - 1
    return "".join(SPARKS[round(rank_closeness(r, vocabulary) * top)] for r in ranks)


def _heat(probability: float, colour: bool) -> Text:
    shade = HEAT[round(probability * (len(HEAT) - 1))]  # the nearest of the legend's steps
    return Text(shade * 3, style=("red" if probability >= 0.5 else "yellow") if colour else "")


def lens_view(console: Console, result: Lens) -> None:
    """Block by block: the top token, its probability as heat, the runners-up, and the rank of
    the tracked token(s) as a bar (log scale) and a sparkline down the blocks."""
    vocabulary = result.vocabulary
    tracked = [t.token for t in result.layers[0].tracked] if result.layers else []
    columns: list[str | Column] = ["block>", "top>", "p>", "heat", "next"]
    for token in tracked:
        columns += [f"rank {quoted(token)}>", bar_column()]
    table = plain_table(*columns)
    colour = console.is_terminal and not console.no_color
    # what the other columns leave for the runners-up (the rank bars give way first: `emit`)
    fixed = 5 + max(len(quoted(layer.top[0].token)) for layer in result.layers) + 4 + 4
    fixed += sum(len(f"rank {quoted(token)}") for token in tracked)  # wider than 400,000
    room = max(20, console.width - fixed - 2 * (4 + len(tracked)) - 4)
    shown = []  # the table's tokens, for the legend of any escaped character among them
    for layer in result.layers:
        best = layer.top[0]
        rest = _runners_up(layer.top[1:], room)
        shown += [best.token, rest]
        row: list[str | Text] = [str(layer.layer), quoted(best.token), f"{best.probability:.2f}",
                                 _heat(best.probability, colour), rest]
        for t in layer.tracked:
            row += [f"{t.rank:,}", bar(rank_closeness(t.rank, vocabulary), width=12)]
        table.add_row(*row)
    ranks = [[layer.tracked[index].rank for layer in result.layers]
             for index in range(len(tracked))]
    emit(console, f"Logit lens: {whole(quoted(clip(result.prompt)))} → "
                  f"{whole(f'{quoted(result.final.token)} (p {result.final.probability:.2f})')}"
                  f"   ({result.model})", table,
         [*(Text(f"rank of {quoted(token)}, block 0 → {len(down) - 1} (taller: nearer rank 1, "
                 f"on a log scale):\n  {sparkline(down, vocabulary)}")
            for token, down in zip(tracked, ranks, strict=True)),
          "block N: the stream after block N (from 0), read as if it were the last\n"
          f"top: the likeliest next token; p: its probability, heat: {whole(HEAT_SCALE)}\n"
          "next: the runners-up"
          + "".join(f"; rank {quoted(token)}: its place among {vocabulary:,} tokens (1: top)"
                    for token in tracked[:1]),
          escape_note(shown), _pieces(result)])


def _pieces(result: Lens) -> str | None:
    """What two kinds of token in the table are, when it shows them: a word of the prompt read
    back on top before the answer, and a space with one capital letter (the first piece of a
    word the lens cannot name)."""
    words = set(result.prompt.split())
    echo = next((layer for layer in result.layers[:-1]
                 if layer.top[0].token.strip() in words
                 and layer.top[0].token != result.final.token), None)
    piece = next((token.token for layer in result.layers for token in layer.top
                  if LETTER.fullmatch(token.token)), None)
    said = [f"{quoted(echo.top[0].token)}, on top after block {echo.layer}, is a word of the "
            "prompt read back" if echo else "",
            f"{quoted(piece)} is a space and {piece[1]}, the first piece of a longer word"
            if piece else ""]
    return "; ".join(part for part in said if part) or None


def _runners_up(tokens: Sequence[TokenProbability], room: int) -> str:
    """As many runners-up as fit in ``room`` cells, whole (a token is never split), then …."""
    shown = ""
    for token in tokens:
        item = f"{', ' if shown else ''}{quoted(token.token)} {token.probability:.2f}"
        if len(shown) + len(item) > room - 1:
            return shown + ("," if shown else "") + " …"
        shown += item
    return shown


def generations(console: Console, result: Generations) -> None:
    """Each model's continuation of the one prompt, in a column of its own (a steered one with
    its unsteered text under it)."""
    table = plain_table(*(Column(generation.model, ratio=1) for generation in result.models),
                        expand=True)
    cells = []
    for generation in result.models:
        limit = generation.max_tokens
        cell = Text(clip(generation.prompt), style="dim") + Text(
            generation.continuation.text + cut(generation.continuation, limit))
        if generation.steering is not None:
            unsteered = generation.steering.unsteered
            cell += Text(f"\n(unsteered: {unsteered.text}{cut(unsteered, limit)})", style="dim")
        cells.append(cell)
    table.add_row(*cells)
    limits = {generation.max_tokens for generation in result.models}
    emit(console, f"{len(result.models)} models continue "
                  f"{whole(quoted(clip(result.models[0].prompt)))}",
         table, [limit_note(next(iter(limits))) if len(limits) == 1 else None])


def lenses_view(console: Console, result: Lenses) -> None:
    """The models' lenses side by side, each block placed by its depth in its own model (after
    block 8 of 0-17 beside block 14 of 0-29: half way through both), so where each model forms its
    answer can be compared although their depths differ. Blocks are numbered from 0, as in the
    single lens; the depth column says how far through its model each row is."""
    rows = max(len(lens.layers) for lens in result.models)
    columns: list[str | Column] = ["depth>"]
    for lens in result.models:
        columns += [f"{lens.model} block (0-{len(lens.layers) - 1})>", "top>", "rank>"]
    table = plain_table(*columns)
    shown: list[int | None] = [None] * len(result.models)
    for row in range(rows):
        depth = (row + 1) / rows
        cells = [f"{depth:.0%}"]
        for index, lens in enumerate(result.models):
            layer = lens.layers[max(0, math.ceil(depth * len(lens.layers)) - 1)]
            repeated = layer.layer == shown[index]
            shown[index] = layer.layer
            rank = layer.tracked[0].rank if layer.tracked else None
            cells += ["" if repeated else str(layer.layer),
                      "" if repeated else quoted(layer.top[0].token),
                      "" if repeated or rank is None else f"{rank:,}"]
        table.add_row(*cells)
    emit(console, f"Logit lens on {whole(quoted(clip(result.models[0].prompt)))}, models side "
                  "by side "
                  "(each block at its depth in its model: the share of its blocks run)", table,
         [_formed(lens) for lens in result.models])


def _formed(lens: Lens) -> str:
    """Where in its depth ``lens``'s model has its tracked token on top for good."""
    if not lens.layers or not lens.layers[0].tracked:
        return f"{lens.model}: nothing tracked"
    token = quoted(lens.layers[0].tracked[0].token)
    ranks = [layer.tracked[0].rank for layer in lens.layers]
    if ranks[-1] != 1:
        return f"{lens.model}: {token} is not its answer (rank {ranks[-1]:,} at the end)"
    first = len(ranks) - next(i for i, rank in enumerate(reversed(ranks)) if rank != 1) \
        if any(rank != 1 for rank in ranks) else 0
    return (f"{lens.model}: {token} is on top from block {first} of 0-{len(ranks) - 1} on "
            f"({(first + 1) / len(ranks):.0%} of the way through)")
