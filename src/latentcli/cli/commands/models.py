"""`latent models`: list, inspect and remove models (``latent models`` alone lists them)."""

from __future__ import annotations

from typing import Annotated

import typer

from latentcli.cli.app import JsonOption, LimitOption, TrustOption, app, environment
from latentcli.cli.command import deliver

models_app = typer.Typer(
    name="models", help="List, inspect and remove models.", no_args_is_help=False,
    epilog="Examples: latent models; latent models info glove-6b-50d; latent models get minilm; "
    "latent models rm vec.txt",
)
app.add_typer(models_app)

NameArgument = Annotated[str, typer.Argument(
    metavar="NAME", help="A model name, a cache key, or the path of a model file.")]


@models_app.callback(invoke_without_command=True)
def models(ctx: typer.Context, json: JsonOption = False) -> None:
    """The built-in default, the cached models and the gensim-data catalogue."""
    if ctx.invoked_subcommand is not None:
        return
    from latentcli.render.models import models_listing
    from latentcli.store.inventory import list_models

    deliver(environment(ctx), list_models(), json, models_listing)


@models_app.command()
def info(ctx: typer.Context, name: NameArgument, limit: LimitOption = None,
         trust: TrustOption = False, json: JsonOption = False) -> None:
    """Vocabulary size, dimensions, norm statistics, sample words and open time of a model; for a
    sentence encoder: dims, maximum length, pooling and license."""
    from latentcli.render.models import model_info as render
    from latentcli.store.inventory import model_info

    here = environment(ctx)
    described = model_info(name, here, limit, trust)
    deliver(here, [described], json, render)


@models_app.command()
def get(ctx: typer.Context, name: NameArgument, json: JsonOption = False) -> None:
    """Fetch a model ahead of time: the built-in encoder, or a catalogue model (converted)."""
    from latentcli.render.models import fetched
    from latentcli.store.inventory import get_model

    here = environment(ctx)
    deliver(here, get_model(name, here), json, fetched)


@models_app.command()
def rm(ctx: typer.Context, name: NameArgument, json: JsonOption = False) -> None:
    """Remove a model's cache entries (never the file it was converted from)."""
    from latentcli.render.models import removed
    from latentcli.store.inventory import remove_model

    deliver(environment(ctx), remove_model(name), json, removed)
