"""`latent embed`: your own texts through a sentence encoder, printed, saved as a table, or kept
as a named space every command can open with ``-m NAME``.

A cold start is most of what a single text costs, so the fast path (`cli/fastpath.py`) answering
``latent embed "hello" --json`` without Typer matters most here.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from latentcli.cli.command import deliver
from latentcli.cli.grammar import JSON, Command, Param, model_option
from latentcli.environment import Environment
from latentcli.errors import UsageError

if TYPE_CHECKING:
    from collections.abc import Sequence

    import numpy as np
    import numpy.typing as npt
    from rich.console import Console

    from latentcli.results.texts import EmbeddedText

ENCODER = "all-minilm-l6-v2"


def read_texts(texts: list[str] | None, from_file: str | None, stdin: TextIO) -> list[str]:
    """The TEXT arguments, then the lines of ``--from`` FILE (``-``: stdin); blank lines are
    skipped."""
    from latentcli.cli.inputs import read_lines
    from latentcli.store.vector_cache import check_texts

    found = list(texts or [])
    if from_file is not None:
        found.extend(read_lines(from_file, stdin, "texts"))
    if not found:
        raise UsageError("give texts to embed: TEXT arguments or --from FILE")
    check_texts(found, "the texts" if from_file is None else f"the texts of {from_file}")
    return found


def _unique_lines(texts: list[str]) -> tuple[list[str], int]:
    """The texts of a named space: one line each (the vocabulary is line-based), without
    surrounding spaces, first of duplicates kept; and how many duplicates were dropped."""
    for number, text in enumerate(texts, 1):
        if "\n" in text or "\r" in text:
            raise UsageError(f"text {number} spans several lines; a named space holds one line "
                             "per text")
    unique = list(dict.fromkeys(text.strip() for text in texts))  # a query is typed stripped
    return unique, len(texts) - len(unique)


def _named(here: Environment, name: str, texts: list[str]) -> list[str]:
    from latentcli.store.resolve import check_space_name

    check_space_name(name)
    unique, dropped = _unique_lines(texts)
    if dropped:
        here.note(f"{dropped} duplicate text(s) left out of {name} (the first of each is kept)")
    return unique


def embed(here: Environment, *, texts: list[str] | None, from_file: str | None, model: str,
          name: str | None, output: str | None, json: bool) -> None:
    """Embed ``texts`` (and ``from_file``'s lines) with ``model``; save them as the space
    ``name`` and in the table ``output`` when asked; print them."""
    from latentcli.store.encoder_spaces import EncoderReference
    from latentcli.store.named_spaces import save_space, space_state
    from latentcli.store.resolve import resolve
    from latentcli.store.vector_cache import embed_texts

    reference = resolve(model)
    if not isinstance(reference, EncoderReference):
        raise UsageError(f"{model!r} is a {reference.kind}, not a sentence encoder: embed needs "
                         f"{ENCODER} or a sentence-transformers model directory (word-vector "
                         "models such as glove-6b-50d embed words, not texts)")
    choice = reference.choice
    from latentcli.store.readers.table import WRITTEN_FORMATS

    if output is not None and Path(output).suffix.lower() not in WRITTEN_FORMATS:
        raise UsageError(f"-o {output}: the file name must end in .parquet, .arrow or .feather")
    wanted = read_texts(texts, from_file, here.stdin)
    if name is not None:
        wanted = _named(here, name, wanted)
        before = space_state(name)
    embedded = embed_texts(choice, wanted, here)
    if embedded.encoded < len(wanted):
        here.note(f"{len(wanted) - embedded.encoded} of {len(wanted)} text(s) were in the "
                  f"cache; {embedded.encoded} embedded now")
    if output is not None:
        from latentcli.store.readers.table import write_embeddings

        write_embeddings(Path(output).expanduser(), wanted, embedded.matrix)
    if name is not None:
        save_space(name, wanted, embedded.matrix, choice, before)
        here.note(f"saved {len(wanted)} text(s) as the space {name!r}: use -m {name}")
    deliver(here, _results(choice.name, wanted, embedded.matrix), json, show_all=_table)


def _results(model: str, texts: list[str],
             matrix: npt.NDArray[np.float32]) -> list[EmbeddedText]:
    from latentcli.results.texts import EmbeddedText

    rows = matrix.tolist()  # float32 -> Python floats, exactly: JSON prints them so they round-trip
    return [EmbeddedText(model=model, text=text, vector=tuple(row))
            for text, row in zip(texts, rows, strict=True)]


def _table(console: Console, results: Sequence[EmbeddedText]) -> None:
    from latentcli.render.embedding import embeddings_table  # rich only when a table is wanted

    embeddings_table(console, results)


COMMANDS = (
    Command(name="embed", run=embed,
            help="Embed your own texts with a sentence encoder (each cached, so only new ones "
                 "are run).",
            epilog="Examples: latent embed \"hello world\" --json; latent embed --from faq.txt "
                   "--name faq; latent neighbors -m faq \"how do I reset my password\"",
            params=(Param(key="texts", many=True, default=None, metavar="TEXT...",
                          show_default=False, help="Texts to embed (quote each one)."),
                    Param(key="from_file", flags=("--from",), default=None, metavar="FILE|-",
                          help="Also embed FILE's lines, one text per line ('-': stdin); blank "
                               "lines are skipped."),
                    model_option(ENCODER, "NAME|DIR",
                                 "A sentence encoder: all-minilm-l6-v2 (alias minilm, fetched "
                                 "once) or a sentence-transformers model directory."),
                    Param(key="name", flags=("--name",), default=None, metavar="NAME",
                          help="Keep the texts as a space called NAME, for -m NAME in every "
                               "command."),
                    Param(key="output", flags=("--output", "-o"), default=None, metavar="FILE",
                          help="Write a text + vector table: .parquet, .arrow or .feather."),
                    JSON)),
)
