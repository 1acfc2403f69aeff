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
             help="A model name or alias, a cache key, or the path of a model file or directory.")

COMMANDS = (
    Group(name="models", run=listing, params=(JSON,),
          help="List, inspect and remove models.",
          epilog="Examples: latent models; latent models info glove-6b-50d; latent models get "
                 "minilm; latent models rm vec.txt"),
    Command(name="info", group="models", run=info, params=(NAME, LIMIT, TRUST, JSON),
            help="Describe a model, fetching and converting it first if needed: words, "
                 "dimensions, norm statistics, sample words and open time; for a sentence "
                 "encoder its dims, maximum length, pooling and license; for a language model "
                 "(the built-in one, or a GGUF file) its shape, tokenizer and license."),
    Command(name="get", group="models", run=get, params=(NAME, JSON),
            help="Fetch and convert a model ahead of time: a built-in one (GloVe, the sentence "
                 "encoder, the language model; a fetched one is checked and repaired), a "
                 "catalogue model, a GGUF or vector file."),
    Command(name="rm", group="models", run=rm, params=(NAME, JSON),
            help="Remove what the cache holds for a model, and what is derived from it (never "
                 "the file it was converted from, which may be gone)."),
)
