"""What a ``--model`` value means, decided once, by one ordered table of resolvers.

`RESOLVERS`, in order — the first that recognises the value wins:

1. a directory in latent's own format (one holding ``meta.json``), opened as it is;
2. a named space of your texts (``latent embed --name``), unless the name is reserved;
3. a built-in model by name or alias (`store.builtins`): word vectors, a sentence encoder, a
   language model;
4. a Hugging Face folder of a language model (its config.json's ``architectures`` names a
   ``…ForCausalLM``; one latent does not run is refused by name);
5. a sentence-transformers / Hugging Face model directory (an encoder);
6. a language model's ``.gguf`` file;
7. a gensim-data catalogue name;
8. a vector file (or anything that looks like a path).

Each resolver is ``(spec, path, root) -> Reference | None`` (the value, the value read as a path,
the cache's root); a `Reference` says what the value is, what it is called and where its
artifacts live, without fetching, converting or reading anything. Opening it
(`Reference.open_space`, `Reference.open_decoder`) builds what is missing, through the one
open-or-build of `store.artifacts`, and never resolves a name again. Everything that needs to
know what a name means — the commands, the API, `embed --name` (`reserved_name`), did-you-mean,
``latent models info/get/rm`` — asks this table.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING

from latentcli.errors import LatentError, ModelError, UsageError
from latentcli.store.artifacts import META_FILE
from latentcli.store.builtins import BY_NAME, GLOVE, MINILM, SMOLLM2, Builtin, Kind
from latentcli.store.paths import ENCODERS, MODELS, SPACES, cache_root, locate
from latentcli.store.reference import NO_COLUMNS, Columns, Reference
from latentcli.store.sources import (
    BuiltinWords,
    CatalogueWords,
    FileWords,
    WordsReference,
    path_digest,
    sanitised,
)

if TYPE_CHECKING:
    from latentcli.core.progress import Reporter
    from latentcli.core.space import Space
    from latentcli.networks.decoder.decoder import Decoder
    from latentcli.store.encoders import EncoderChoice

SAFE_NAME = r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}"  # a named space's name


def _builtin(spec: str, builtin: Builtin, root: Path) -> Reference:
    if builtin.kind is Kind.WORDS:
        return BuiltinWords(spec=spec, name=builtin.name, models=root / MODELS, key=builtin.name,
                            builtin=builtin)
    if builtin.kind is Kind.ENCODER:
        from latentcli.store.encoders import EncoderChoice

        choice = EncoderChoice(builtin.name, root / ENCODERS / builtin.name, builtin)
        return _encoder(spec, choice, root)
    from latentcli.store.language_models import LanguageModelReference

    return LanguageModelReference(spec=spec, name=builtin.name, root=root, builtin=builtin)


def _encoder(spec: str, choice: EncoderChoice, root: Path) -> Reference:
    """An encoder's reference, holding GloVe's: its candidates are GloVe's frequent words."""
    from latentcli.store.encoder_spaces import EncoderReference

    words = _builtin(GLOVE.name, GLOVE, root)
    assert isinstance(words, WordsReference)
    return EncoderReference(spec=spec, name=choice.name, choice=choice, words=words,
                            models=root / MODELS)


def builtin_reference(builtin: Builtin, root: Path | None = None) -> Reference:
    """The reference of a built-in model (in the cache at ``root``, else the user's)."""
    return _builtin(builtin.name, builtin, root or cache_root())


# --- the resolvers, in order ---------------------------------------------------------------

def _directory(spec: str, path: Path, root: Path) -> Reference | None:
    if not (path / META_FILE).is_file():
        return None
    from latentcli.store.entries import DirectoryReference

    return DirectoryReference(spec=spec, name=path.name, directory=path)


def _named_space(spec: str, path: Path, root: Path) -> Reference | None:
    if re.fullmatch(SAFE_NAME, spec) is None:
        return None
    directory = root / SPACES / spec
    if not (directory / META_FILE).is_file() or reserved_name(spec) is not None:
        return None  # a space an earlier version saved under a model's name never shadows it
    from latentcli.store.named_spaces import NamedSpaceReference

    return NamedSpaceReference(spec=spec, name=spec, directory=directory, root=root)


def _builtin_name(spec: str, path: Path, root: Path) -> Reference | None:
    builtin = BY_NAME.get(spec)
    return None if builtin is None else _builtin(spec, builtin, root)


def _language_folder(spec: str, path: Path, root: Path) -> Reference | None:
    if not path.is_dir():
        return None
    from latentcli.networks.decoder.hf_model import architecture, check_architecture
    from latentcli.networks.encoder.directory import resolve_snapshot

    with suppress(ModelError):  # a Hugging Face cache's repository: its snapshot
        path = resolve_snapshot(path)
    if architecture(path) is None:
        return None
    check_architecture(path)
    from latentcli.store.encoders import display_name
    from latentcli.store.language_models import LanguageModelReference

    with suppress(RuntimeError, OSError):
        path = path.resolve()
    return LanguageModelReference(spec=spec, name=display_name(path), root=root, path=path)


def _encoder_directory(spec: str, path: Path, root: Path) -> Reference | None:
    from latentcli.store.encoders import EncoderChoice, display_name, is_encoder_directory

    if not is_encoder_directory(path):
        return None
    return _encoder(spec, EncoderChoice(display_name(path), path, None), root)


def _gguf(spec: str, path: Path, root: Path) -> Reference | None:
    if not spec.lower().endswith(".gguf"):
        return None
    from latentcli.store.language_models import LanguageModelReference

    with suppress(RuntimeError, OSError):  # a symlink loop: said when the file is read
        path = path.resolve()
    return LanguageModelReference(spec=spec, name=path.name, root=root, path=path)


def _catalogue(spec: str, path: Path, root: Path) -> Reference | None:
    from latentcli.store.catalogue import CATALOGUE

    if spec not in CATALOGUE:
        return None
    return CatalogueWords(spec=spec, name=spec, models=root / MODELS, key=spec, root=root)


def _file(spec: str, path: Path, root: Path) -> Reference | None:
    if not (path.exists() or os.sep in spec or path.suffix):
        return None
    resolved = path.resolve()
    return FileWords(spec=spec, name=path.name, models=root / MODELS, path=resolved,
                     key=f"{sanitised(resolved.name)}-{path_digest(str(resolved))}")


RESOLVERS: tuple[Callable[[str, Path, Path], Reference | None], ...] = (
    _directory, _named_space, _builtin_name, _language_folder, _encoder_directory, _gguf,
    _catalogue, _file)


def resolve(spec: str) -> Reference:
    """What ``spec`` (a ``--model`` value) means: the first resolver's answer; an unknown name
    is a `ModelError` suggesting the names of every kind closest to it."""
    root, path = locate(spec)
    for resolver in RESOLVERS:
        reference = resolver(spec, path, root)
        if reference is not None:
            return reference
    from latentcli.core.suggestions import close_matches

    near = dict.fromkeys(_canonical(name) for name in close_matches(spec, known_names(root)))
    hint = f" — did you mean: {', '.join(near)}?" if near else ""
    raise ModelError(f"unknown model {spec!r}: not a file, and not a known name{hint} "
                     "('latent models' lists them)")


def known_names(root: Path) -> list[str]:
    """Every name ``--model`` takes: the built-ins and their aliases, the catalogue, the named
    spaces in the cache."""
    from latentcli.store.catalogue import CATALOGUE

    spaces = root / SPACES
    named = sorted(path.name for path in spaces.iterdir()
                   if (path / META_FILE).is_file()) if spaces.is_dir() else []
    return [*BY_NAME, *CATALOGUE, *named]


def _canonical(name: str) -> str:
    """An alias's model name (a suggestion names the model, not one of its aliases)."""
    builtin = BY_NAME.get(name)
    return name if builtin is None else builtin.name


def reserved_name(spec: str, fold: bool = False) -> str | None:
    """What ``spec`` names before any space of your texts could (a built-in model or one of its
    aliases, a catalogue model), in words; None if nothing. ``fold``: compare ignoring case (a
    new space's name must not differ from these by case alone)."""
    from latentcli.store.catalogue import CATALOGUE

    kinds = {**{name: f"the built-in {builtin.kind} ({builtin.name})"
                for name, builtin in BY_NAME.items()},
             **{name: "a gensim-data catalogue model" for name in CATALOGUE}}
    if fold:
        kinds = {name.casefold(): kind for name, kind in kinds.items()}
        spec = spec.casefold()
    return kinds.get(spec)


def check_space_name(name: str) -> None:
    """A space name must be a safe file name and not a `reserved_name` (ignoring case): else the
    space would shadow a model, or never open."""
    if re.fullmatch(SAFE_NAME, name) is None or name in (".", ".."):
        raise UsageError(f"--name {name!r} is not a safe name: use letters, digits, '.', '_' "
                         "and '-' (at most 64, starting with a letter or digit)")
    taken = reserved_name(name, fold=True)
    if taken is not None:
        raise UsageError(f"--name {name!r} is reserved: it names {taken}; choose another")


# --- the entry points most callers use -----------------------------------------------------

def open_space(spec: str, reporter: Reporter, limit: int | None = None, trust: bool = False,
               columns: Columns = NO_COLUMNS, names: bool = False) -> Space:
    """Open the model ``spec`` names as a `Space` (`resolve`, then `Reference.open_space`);
    ``names``: the caller names groups of words, so the space comes with its namer
    (`with_namer`)."""
    space = resolve(spec).open_space(reporter, limit, trust, columns)
    return with_namer(space, reporter) if names else space


def with_namer(space: Space, reporter: Reporter) -> Space:
    """``space`` with the space that names its groups: for a space of your texts, its encoder's
    candidate words (the vectors must come from the same encoder) and, when the built-in
    language model is already fetched, a `reader` that opens it to choose among the names;
    itself if it can encode text; else the built-in encoder's space when the encoder is already
    fetched (its candidates embedded on first use), else none (groups are then named in-space).
    Naming is the only thing the encoder adds, so when its space cannot be had (a read-only
    cache, a damaged encoder) the command goes on with in-space names and a note, rather than
    failing."""
    root = cache_root()
    reader = None
    if space.encoder is not None:
        from latentcli.store.encoder_spaces import LazyEncoder

        if not (space.of_texts and isinstance(space.encoder, LazyEncoder)):
            return space.with_namer(space)
        namer = _encoder(space.encoder.choice.name, space.encoder.choice, root)
        reader = _reader(root, reporter)
    else:
        namer = _builtin(MINILM.name, MINILM, root)
        if not namer.cached():
            return space  # a word space whose namer would cost nothing to look for (map, cluster)
    try:
        return space.with_namer(namer.open_space(reporter), reader)
    except (LatentError, OSError) as why:
        from latentcli.failures import os_message

        reason = os_message(why) if isinstance(why, OSError) else str(why)
        reporter.note(f"groups are named from {space.name}'s own words: {namer.name}'s "
                      f"candidate words are not available ({reason})")
        return space


def _reader(root: Path, reporter: Reporter) -> Callable[[], Decoder | None] | None:
    """The built-in language model, opened on first call (once), if it is in the cache: naming
    never fetches it."""
    from latentcli.store.language_models import LanguageModelReference

    model = _builtin(SMOLLM2.name, SMOLLM2, root)
    assert isinstance(model, LanguageModelReference)
    return functools.cache(functools.partial(model.converted, reporter)) if model.cached() else None

