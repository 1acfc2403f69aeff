"""Text folded to the terminal's width by latent itself, never inside a phrase kept whole.

A quoted prompt, an equation or "corrupt -8.70" read wrongly when a line ends inside them, and a
last line of one word reads as a stray. Rich breaks lines at any space, so prose that must not be
split is folded here first, into lines that already fit, and rich prints them as they are. A
phrase is kept whole by joining its words with no-break spaces (`whole`); every text a renderer
gets has had its own no-break spaces escaped (`render.escape`), so the only ones left are these.
"""

from __future__ import annotations

import re
import textwrap

KEEP = "\N{NO-BREAK SPACE}"  # textwrap breaks only at ASCII whitespace
# a quoted token that begins with a space (' Paris'): its quote is never left at a line's end
SPACED_TOKEN = re.compile(r"(^|[\s(\[])' (?=\S+?')")


def whole(text: str) -> str:
    """``text`` as one unit for `fold`: a line may end before or after it, never inside it."""
    return text.replace(" ", KEEP)


def fold(text: str, width: int, indent: str = "") -> str:
    """``text`` in lines of at most ``width`` characters, broken between words (never at a
    hyphen, never inside a `whole` phrase unless it is longer than a line), each line of the
    text folded on its own; ``indent`` starts every line after a line's first. A paragraph never
    ends in a word alone on its line when the line above can give it company."""
    lines: list[str] = []
    for line in SPACED_TOKEN.sub(rf"\1'{KEEP}", text).split("\n"):
        lines += _company(textwrap.wrap(line, width, break_on_hyphens=False,
                                        subsequent_indent=indent) or [""], width, indent)
    return "\n".join(lines).replace(KEEP, " ")


def _company(lines: list[str], width: int, indent: str) -> list[str]:
    """``lines`` with the last word (or `whole` phrase) of the line before the last moved down,
    when the last line is one word and the line before keeps two or more."""
    if len(lines) < 2 or " " in lines[-1].strip().replace(KEEP, " "):
        return lines
    kept, _, moved = lines[-2].rstrip().rpartition(" ")
    last = f"{indent}{moved} {lines[-1][len(indent):]}"
    if " " not in kept.strip() or len(last) > width:
        return lines
    return [*lines[:-2], kept, last]
