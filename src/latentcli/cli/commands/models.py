"""`latent models`: list, inspect and remove models (``latent models`` alone lists them)."""

from __future__ import annotations

from typing import Annotated

import typer

from latentcli.cli.app import JsonOption, LimitOption, TrustOption, app
from latentcli.cli.command import emit_json
from latentcli.environment import Environment

models_app = typer.Typer(
    name="models", help="List, inspect and remove models.", no_args_is_help=False,
    epilog="Examples: latent models; latent models info glove-6b-50d; latent models rm vec.txt",
)
app.add_typer(models_app)

NameArgument = Annotated[str, typer.Argument(
    metavar="NAME", help="A model name, a cache key, or the path of a model file.")]


@models_app.callback(invoke_without_command=True)
def models(ctx: typer.Context, json: JsonOption = False) -> None:
    """The built-in default, the cached models and the gensim-data catalogue."""
    if ctx.invoked_subcommand is not None:
        return
    from latentcli.store.inventory import list_models

    environment = Environment()
    listing = list_models()
    if json:
        emit_json(environment, [listing])
        return
    from latentcli.render.models import models_listing

    models_listing(environment.console(), listing)


@models_app.command()
def info(name: NameArgument, limit: LimitOption = None, trust: TrustOption = False,
         json: JsonOption = False) -> None:
    """Vocabulary size, dimensions, norm statistics, sample words and open time of a model."""
    from latentcli.store.inventory import model_info

    environment = Environment()
    result = model_info(name, environment, limit, trust)
    if json:
        emit_json(environment, [result])
        return
    from latentcli.render.models import model_info as render

    render(environment.console(), result)


@models_app.command()
def rm(name: NameArgument, json: JsonOption = False) -> None:
    """Remove a model's cache entries (never the file it was converted from)."""
    from latentcli.store.inventory import remove_model

    environment = Environment()
    result = remove_model(name)
    if json:
        emit_json(environment, [result])
        return
    from latentcli.render.models import removed

    removed(environment.console(), result)
