"""The options the fast path accepts, declared once for both front doors.

The fast path (`cli/fastpath.py`) parses plain ``neighbors``, ``analogy`` and ``embed`` command
lines with this table, and the Typer commands build their `typer.Option`s from it
(`cli.app.typer_option`), so a name, a default or an environment variable cannot differ between
the two doors. tests/test_entry.py checks the table against Typer's parameters.
"""

from __future__ import annotations

from dataclasses import dataclass

from latentcli import DEFAULT_MODEL

MODEL_ENVVAR = "LATENT_MODEL"
DEFAULT_TOP = 10
DEFAULT_METHOD = "add"


@dataclass(frozen=True)
class OptionSpec:
    """One option: its flags, whether it takes a value (an int, a str) or is a flag, its default."""

    key: str
    flags: tuple[str, ...]
    kind: type  # int, str or bool (a flag)
    default: int | str | bool | None
    metavar: str | None = None
    help: str = ""
    envvar: str | None = None


TOP = OptionSpec("top", ("--top", "-n"), int, DEFAULT_TOP, "N", "How many answers to show.")
MODEL = OptionSpec("model", ("--model", "-m"), str, DEFAULT_MODEL, "NAME|PATH",
                   f"Model to use: a known name or a file. [env: {MODEL_ENVVAR}]", MODEL_ENVVAR)
LIMIT = OptionSpec("limit", ("--limit",), int, None, "N",
                   "Read only the first N words of a model file (cached separately).")
TRUST = OptionSpec("trust", ("--trust",), bool, False, None,
                   "Allow model files whose loading runs code from the file (gensim pickles).")
JSON = OptionSpec("json", ("--json",), bool, False, None,
                  "Print JSON (one object per query, one per line) instead of a table.")
METHOD = OptionSpec("method", ("--method",), str, DEFAULT_METHOD, "add|mul",
                    "add: 3CosAdd (gensim most_similar); mul: 3CosMul (most_similar_cosmul).")
ALLOW_INPUTS = OptionSpec("allow_inputs", ("--allow-inputs",), bool, False, None,
                          "Let the expression's own words appear among the answers.")
VECTORS_COLUMN = OptionSpec("vectors_column", ("--vectors-column",), str, None, "NAME",
                            "A Parquet/Arrow model's vector column (found if only one fits).")
LABELS_COLUMN = OptionSpec("labels_column", ("--labels-column",), str, None, "NAME",
                           "A Parquet/Arrow model's label column (found if only one fits).")
EMBED_MODEL = OptionSpec("model", ("--model", "-m"), str, "all-minilm-l6-v2", "NAME|DIR",
                         "A sentence encoder: all-minilm-l6-v2 (alias minilm, fetched once) or a "
                         "sentence-transformers model directory.")
FROM = OptionSpec("from_file", ("--from",), str, None, "FILE|-",
                  "Also embed FILE's lines, one text per line ('-': stdin); blank lines are "
                  "skipped.")
NAME = OptionSpec("name", ("--name",), str, None, "NAME",
                  "Keep the texts as a space called NAME, for -m NAME in every command.")
OUTPUT = OptionSpec("output", ("--output", "-o"), str, None, "FILE",
                    "Write a text + vector table: .parquet, .arrow or .feather.")

SHARED = (TOP, MODEL, LIMIT, TRUST, JSON, VECTORS_COLUMN, LABELS_COLUMN)
FAST_COMMANDS: dict[str, tuple[OptionSpec, ...]] = {
    "neighbors": SHARED,
    "analogy": (*SHARED, METHOD, ALLOW_INPUTS),
    "embed": (EMBED_MODEL, FROM, NAME, OUTPUT, JSON),
}
