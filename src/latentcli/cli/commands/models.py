"""`latent models`: list, inspect and remove models (``latent models`` alone lists them)."""

from __future__ import annotations

from latentcli.cli.command import deliver
from latentcli.cli.grammar import JSON, LIMIT, TRUST, Command, Group, Param
from latentcli.environment import Environment


def listing(here: Environment, *, json: bool) -> None:
    from latentcli.render.models import models_listing
    from latentcli.store.inventory import list_models

    deliver(here, list_models(), json, models_listing)


def info(here: Environment, *, name: str, limit: int | None, trust: bool, json: bool) -> None:
    from latentcli.render.models import model_info as render
    from latentcli.store.inventory import model_info

    deliver(here, [model_info(name, here, limit, trust)], json, render)


def get(here: Environment, *, name: str, json: bool) -> None:
    from latentcli.render.models import fetched
    from latentcli.store.inventory import get_model

    deliver(here, get_model(name, here), json, fetched)


def rm(here: Environment, *, name: str, json: bool) -> None:
    from latentcli.render.models import removed
    from latentcli.store.inventory import remove_model

    deliver(here, remove_model(name), json, removed)


NAME = Param(key="name", metavar="NAME",
             help="A model name, a cache key, or the path of a model file.")

COMMANDS = (
    Group(name="models", run=listing, params=(JSON,),
          help="List, inspect and remove models.",
          epilog="Examples: latent models; latent models info glove-6b-50d; latent models get "
                 "minilm; latent models rm vec.txt"),
    Command(name="info", group="models", run=info, params=(NAME, LIMIT, TRUST, JSON),
            help="Vocabulary size, dimensions, norm statistics, sample words and open time of a "
                 "model; for a sentence encoder: dims, maximum length, pooling and license."),
    Command(name="get", group="models", run=get, params=(NAME, JSON),
            help="Fetch a model ahead of time: the built-in encoder, or a catalogue model "
                 "(converted)."),
    Command(name="rm", group="models", run=rm, params=(NAME, JSON),
            help="Remove a model's cache entries (never the file it was converted from)."),
)
