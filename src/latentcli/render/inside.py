"""Inside a language model's blocks: the attention grid and the activation-patching grid.

Both are heat grids of blocks x the prompt's tokens. Each cell is a percentage (of the
attention, of the logit difference recovered) behind a shade that makes the grid's shape
visible without colour; a grid too wide for the terminal is drawn turned, a row per token and
one shade per block.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.console import Console
from rich.table import Column
from rich.text import Text

from latentcli.errors import clip
from latentcli.render.language import quoted
from latentcli.render.tables import emit, plain_table
from latentcli.render.wrap import whole
from latentcli.results.inside import Attention, AttentionLayer, Patching

SHADES = " ░▒▓█"  # a value of 0, ¼, ½, ¾, 1 (rounded to the nearest)
HEADER = 8  # characters of a token in a column heading
LEGEND = "shades: ░ ≈ 25%, ▒ ≈ 50%, ▓ ≈ 75%, █ ≈ 100%; · rounds to 0"


def shade(value: float) -> str:
    return SHADES[max(0, min(len(SHADES) - 1, round(value * (len(SHADES) - 1))))]


def spaced(token: str) -> str:
    """A token as a column heading: its spaces visible (␣), cut to `HEADER` characters."""
    shown = token.replace(" ", "␣") or "∅"
    return shown if len(shown) <= HEADER else shown[: HEADER - 1] + "…"


@dataclass(frozen=True)
class Grid:
    """Rows of values over a prompt's tokens, and an optional text column after them."""

    heading: str  # what the rows are (``block``, ``head``)
    labels: Sequence[str]  # each row's label
    tokens: Sequence[str]  # the column headings
    values: Sequence[Sequence[float]]
    extra: tuple[str, Sequence[str], str] | None = None  # a column's heading, cells and caption
    under: tuple[str, Sequence[str]] | None = None  # a first row's label and texts (under the
    # headings: the corrupt prompt's tokens)


def _cell(value: float, colour: bool) -> Text:
    percent = round(100 * value)
    style = ("bold red" if value >= 0.5 else "yellow" if value >= 0.25 else "") if colour else ""
    return Text(f"{shade(value)}{percent:>3}" if percent else "  ·", style=style)


def draw(console: Console, title: str | None, grid: Grid,
         captions: Sequence[str | Text | None]) -> None:
    """``grid`` as a table of percentages when it fits the terminal, else turned: a row per
    token, a shade per row of the grid (without the extra column)."""
    colour = console.is_terminal and not console.no_color
    widths = [max(4, len(token), *(len(text) for text in grid.under[1][index:index + 1]))
              if grid.under else max(4, len(token)) for index, token in enumerate(grid.tokens)]
    extra = max((len(cell) for cell in grid.extra[1]), default=0) if grid.extra else 0
    needed = max(len(grid.heading), *map(len, grid.labels)) + sum(widths) + extra
    if needed + 2 * (len(widths) + (grid.extra is not None)) <= console.width:
        table = plain_table(f"{grid.heading}>", *(f"{token}>" for token in grid.tokens),
                            *([grid.extra[0]] if grid.extra else []))
        if grid.under is not None:
            table.add_row(grid.under[0], *(Text(text, style="dim") for text in grid.under[1]),
                          *([""] if grid.extra else []))
        for index, (label, row) in enumerate(zip(grid.labels, grid.values, strict=True)):
            table.add_row(label, *(_cell(value, colour) for value in row),
                          *([grid.extra[1][index]] if grid.extra else []))
        emit(console, title, table, [*captions, grid.extra[2] if grid.extra else None, LEGEND])
        return
    table = plain_table("pos>", "token", Column(f"{grid.heading} {grid.labels[0]} → "
                                                f"{grid.labels[-1]}", no_wrap=True))
    for position, token in enumerate(grid.tokens):
        strip = Text()
        for row in grid.values:
            value = row[position]
            strip.append(shade(value).strip() or "·",
                         style=("red" if value >= 0.5 else "yellow" if value >= 0.25 else "")
                         if colour else "")
        table.add_row(str(position), token, strip)
    emit(console, title, table, [*captions, "shades: · under 12%, ░ ≈ 25%, ▒ ≈ 50%, ▓ ≈ 75%, "
                                            "█ ≈ 100%"])


def attention_view(console: Console, result: Attention) -> None:
    """Blocks x the tokens up to the query: each block's mean weight over its heads, and the
    head that looks hardest at one token besides the first; with ``--layer``, a row per head;
    with ``--head``, that head's rows."""
    seen = result.position + 1  # the query reads no later position
    tokens = [spaced(token) for token in result.tokens[:seen]]
    layer, head = result.chosen_layer, result.chosen_head
    mean = layer is None and head is None
    by_head = layer is not None and head is None
    rows: list[tuple[str, Sequence[float], str]] = []
    for block in result.layers:
        if mean:
            rows.append((str(block.layer), block.mean[:seen], _hardest(block, tokens)))
            continue
        for weights in block.heads:
            rows.append((str(weights.head if by_head else block.layer), weights.weights[:seen],
                         _hardest(AttentionLayer(layer=block.layer, heads=(weights,)), tokens,
                                  named=False)))
    whose = ("mean of the heads" if mean else f"block {layer}, a row per head" if by_head
             else f"head {head} of every block" if layer is None else f"block {layer}, head {head}")
    extra = "hardest" if mean else "most"
    grid = Grid(heading="head" if by_head else "block", labels=[row[0] for row in rows],
                tokens=tokens, values=[row[1] for row in rows],
                extra=(extra, [row[2] for row in rows],
                       "hardest: the head putting most weight on one token besides position 0, "
                       + whole("that token and its %") if mean else
                       "most: the token weighed most besides position 0, and its %")
                if seen > 1 else None)
    query = quoted(result.tokens[result.position])
    heads = len(result.layers[0].heads) if mean or by_head else None
    draw(console, f"Attention from {whole(query)} (position {result.position}) over "
                  f"{whole(quoted(clip(result.prompt)) + ':')} {whole('% of its weight')}, "
                  f"{whole(whose)}   ({result.model})",
         grid, ["In each block a token takes a mix of the vectors of the tokens up to it, each "
                "weighed (the weights add up to 100%; a row of rounded cells can miss it by a "
                "point or two)"
                + (f"; the block's {heads} heads (h0-h{heads - 1}) each weigh on their own"
                   if heads else "") + "; ␣ marks a space.", sink(result)])


def _hardest(layer: AttentionLayer, tokens: Sequence[str], named: bool = True) -> str:
    """The head and position (the first aside) with the highest weight in ``layer``."""
    if len(tokens) < 2:
        return ""
    weight, head, position = max((h.weights[p], h.head, p) for h in layer.heads
                                 for p in range(1, len(tokens)))
    return f"{f'h{head} ' if named else ''}{tokens[position]} {round(100 * weight)}"


def sink(result: Attention) -> str:
    """The one line saying what the first position's weight is."""
    if result.position == 0:
        return "Position 0 can only look at itself."
    share = sum(head.weights[0] for layer in result.layers for head in layer.heads) / sum(
        len(layer.heads) for layer in result.layers)
    return (f"Position 0 ({whole(quoted(result.tokens[0]))}) draws {share:.0%} of the "
            "attention: the attention sink, where heads with nothing to read park their "
            "weight, whatever the first token is.")


def patching_view(console: Console, result: Patching) -> None:
    """Blocks x positions: the share of the logit difference each patch recovers, the corrupt
    prompt's token under the clean one where they differ, and the sentence reading it."""
    under = ["" if clean == corrupt else spaced(corrupt)
             for clean, corrupt in zip(result.tokens_clean, result.tokens_corrupt, strict=True)]
    what = {"resid": "the residual entering each block",
            "attn": "each block's attention output",
            "mlp": "each block's MLP output"}[result.site]
    good, bad = quoted(result.clean_answer.token), quoted(result.corrupt_answer.token)
    grid = Grid(heading="block", labels=[str(layer) for layer in range(len(result.recovered))],
                tokens=[spaced(token) for token in result.tokens_clean], values=result.recovered,
                under=("corrupt", under))
    draw(console, f"Patching {what} from {whole(quoted(clip(result.clean)))} into "
                  f"{whole(quoted(clip(result.corrupt)))}   ({result.model})", grid,
         [f"% of the logit difference {whole(f'{good} - {bad}')} recovered "
          f"({whole(f'clean run {result.difference_clean:.2f}')}, "
          f"{whole(f'corrupt {result.difference_corrupt:.2f}')}) when the clean run's "
          "activation (the vector it computed there) is put back at one block and position; "
          "each cell is a run of its own, so a row can add up past 100%",
          "residual: short for the residual stream, one vector per token, the running sum "
          "that each block adds to" if result.site == "resid" else None,
          Text(result.reading)])
