"""`latent embed` (what it does is in `latentcli.cli.texts`)."""

from __future__ import annotations

from typing import Annotated

import typer

from latentcli.cli import options
from latentcli.cli.app import JsonOption, app, environment, typer_option
from latentcli.cli.texts import run_embed


@app.command(epilog="Examples: latent embed \"hello world\" --json; "
                    "latent embed --from faq.txt --name faq; latent neighbors -m faq "
                    "\"how do I reset my password\"")
def embed(
    ctx: typer.Context,
    texts: Annotated[list[str] | None, typer.Argument(
        metavar="TEXT...", show_default=False, help="Texts to embed (quote each one).")] = None,
    from_file: Annotated[str | None, typer_option(options.FROM)] = None,
    model: Annotated[str, typer_option(options.EMBED_MODEL)] = str(options.EMBED_MODEL.default),
    name: Annotated[str | None, typer_option(options.NAME)] = None,
    output: Annotated[str | None, typer_option(options.OUTPUT)] = None,
    json: JsonOption = False,
) -> None:
    """Embed your own texts with a sentence encoder (each cached, so only new ones are run)."""
    run_embed(environment(ctx), texts or [], model, from_file, name, output, json)
