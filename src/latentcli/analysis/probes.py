"""Linear probes (Alain & Bengio 2016): in which block do two sets of texts become linearly
separable at their last position?

Every text is read as steering reads a side of a pair, after the sink token, and its residual is
taken entering each block (``blocks.{l}.resid_pre``; block 0 reads the last token's embedding
alone), so a probe's block is steering's ``--layer``. At every block two classifiers are
cross-validated on one fixed split, so the figures can be reproduced:

- logistic regression on the whole residual (scikit-learn, each feature standardised on the
  training folds, L2 with C = 1);
- the mean-difference direction alone: the training folds' mean of set A minus that of set B,
  a text judged A when it lies past the point half way between the two means.

The split: `FOLDS` folds (fewer when a set has fewer texts); the line numbers are shuffled once
with `SEED`, and each set's texts are dealt to the folds in that order. Sets of equal size
therefore put line i of both files in the same fold, so matched pairs ("Snow is white." / "Snow
is black.") are never split between training and testing: a held-out sentence would otherwise
be judged by its own twin, which drives the accuracy below chance. Each text is judged once, by
the fit on the folds that do not hold it; an accuracy is the share judged right.

`--save` writes the mean difference over all texts at every block (what ``--pairs`` would add,
were the texts paired), with the model's fingerprint, so that `read_direction` refuses it on
another model and notices damage.
"""

from __future__ import annotations

import hashlib
import json
import os
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from latentcli.analysis.residuals import last_states
from latentcli.analysis.steering import SavedDirection
from latentcli.core.progress import Progress, no_progress
from latentcli.errors import LatentError, ParameterError, UsageError, clip
from latentcli.failures import os_message
from latentcli.networks.arrays import Array
from latentcli.networks.decoder.decoder import Decoder
from latentcli.networks.threads import limited
from latentcli.results.concepts import Probe, ProbeLayer

FOLDS = 5
SEED = 0
MAX_ITER = 1000  # logistic regression's steps (lbfgs); a fit that stops short is noted
MAX_TEXTS = 2000  # per set: every text's residual at every block is held at once
SAMPLED_ROWS = 8  # rows of each tensor in a model's fingerprint
FORMAT, VERSION = "latent probe direction", 1
Folds = npt.NDArray[np.intp]


def probe(model: Decoder, texts_a: Sequence[str], texts_b: Sequence[str],
          names: tuple[str, str] = ("A", "B"), layer: int | None = None,
          save: str | None = None, progress: Progress = no_progress) -> Probe:
    """How well each block's last-position residual separates ``texts_a`` from ``texts_b``
    (named ``names``); with ``save``, the direction file written there, chosen at ``layer`` (by
    default the best block)."""
    layers = model.network.layers
    if layer is not None and not 0 <= layer < layers:
        raise ParameterError("layer", f"must be from 0 to {layers - 1} ({model.name} has "
                                      f"{layers} blocks)")
    notes = check_sets(texts_a, texts_b, names)
    ids = [model.prompt(text, sink=True, noun=f"text {number} of {clip(name)}").ids
           for texts, name in ((texts_a, names[0]), (texts_b, names[1]))
           for number, text in enumerate(texts, 1)]
    states = last_states(model, ids, progress)[:, :layers]  # entering each block
    is_a = np.arange(len(ids)) < len(texts_a)
    fold, folds = split(len(texts_a), len(texts_b))
    found, stalled = [], []
    for block in range(layers):
        accuracy, direction_accuracy, converged = separation(states[:, block], is_a, fold, folds)
        found.append(ProbeLayer(layer=block, accuracy=accuracy,
                                direction_accuracy=direction_accuracy))
        if not converged:
            stalled.append(block)
    if stalled:
        notes.append(f"the logistic regression stopped at {MAX_ITER:,} steps before it "
                     f"converged at block{'s' * (len(stalled) > 1)} "
                     f"{', '.join(map(str, stalled))}")
    best = best_layer(found)
    chosen = best if layer is None else layer
    if save is not None:
        directions = (states[is_a].astype(np.float64).mean(axis=0)
                      - states[~is_a].astype(np.float64).mean(axis=0)).astype(np.float32)
        write_direction(save, model, directions, chosen, names, (len(texts_a), len(texts_b)))
    return Probe(model=model.name, layers=tuple(found), best_layer=best,
                 sizes=(len(texts_a), len(texts_b)), names=names, folds=folds,
                 saved=save, saved_layer=chosen if save is not None else None,
                 notes=tuple(notes))


def best_layer(rows: Sequence[ProbeLayer]) -> int:
    """The block whose residual separates best: the highest regression accuracy, a tie going to
    the direction's accuracy, then to the earliest block (where the concept is readable first)."""
    return max(rows, key=lambda row: (row.accuracy, row.direction_accuracy, -row.layer)).layer


def check_sets(texts_a: Sequence[str], texts_b: Sequence[str],
                names: tuple[str, str]) -> list[str]:
    """Refuse sets a probe cannot test; the notes to print about the others."""
    for texts, name in ((texts_a, names[0]), (texts_b, names[1])):
        if len(texts) < 2:
            held = "no texts" if not texts else "one text"
            raise UsageError(f"{clip(name)} holds {held}: a probe holds texts out to test on, "
                             "so each set needs at least 2")
        if len(texts) > MAX_TEXTS:
            raise UsageError(f"{clip(name)} holds {len(texts):,} texts; a probe reads at most "
                             f"{MAX_TEXTS:,} a set (it keeps every text's residual at every "
                             "block)")
        for number, text in enumerate(texts, 1):
            if not text.strip():
                raise UsageError(f"text {number} of {clip(name)} is blank")
    shared = set(texts_a) & set(texts_b)
    if shared == set(texts_a) == set(texts_b):
        raise UsageError(f"{clip(names[0])} and {clip(names[1])} hold the same texts: there is "
                         "nothing to tell apart")
    if shared:
        return [f"{len(shared)} text{'s are' if len(shared) > 1 else ' is'} in both sets "
                f"(such as {clip(min(shared))!r}): no classifier can get "
                f"{'them' if len(shared) > 1 else 'it'} right in both"]
    return []


def split(size_a: int, size_b: int, folds: int = FOLDS, seed: int = SEED) -> tuple[Folds, int]:
    """The fold of every text (set A's, then set B's) and the number of folds: the line numbers
    shuffled once by ``seed``, each set's lines dealt to the folds in that order."""
    folds = min(folds, size_a, size_b)
    order = np.random.default_rng(seed).permutation(max(size_a, size_b))

    def deal(size: int) -> Folds:
        fold = np.empty(size, dtype=np.intp)
        fold[order[order < size]] = np.arange(size) % folds
        return fold

    return np.concatenate([deal(size_a), deal(size_b)]), folds


def separation(states: Array, is_a: npt.NDArray[np.bool_], fold: Folds,
               folds: int) -> tuple[float, float, bool]:
    """The held-out accuracy of logistic regression and of the mean-difference direction on
    ``states`` (texts x hidden), and whether every regression converged. BLAS runs on one
    thread: the solver's many tiny products only wait on a second one, the more so on a busy
    machine (docs/benchmarks.md)."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    data = states.astype(np.float64)
    regression = direction = 0
    converged = True
    for held in range(folds):
        train, test = fold != held, fold == held
        with warnings.catch_warnings(record=True) as caught, limited(1):
            warnings.simplefilter("always", ConvergenceWarning)
            fit = make_pipeline(StandardScaler(), LogisticRegression(max_iter=MAX_ITER)).fit(
                data[train], is_a[train])
        converged &= not any(issubclass(w.category, ConvergenceWarning) for w in caught)
        regression += int(np.sum(fit.predict(data[test]) == is_a[test]))
        mean_a, mean_b = data[train & is_a].mean(axis=0), data[train & ~is_a].mean(axis=0)
        along = (data[test] - (mean_a + mean_b) / 2) @ (mean_a - mean_b)
        direction += int(np.sum((along > 0) == is_a[test]))
    return regression / len(data), direction / len(data), converged


def fingerprint(model: Decoder) -> str:
    """The SHA-256 of every tensor's name, shape and `SAMPLED_ROWS` of its rows: a model whose
    weights differ from ``model``'s (another file, another fine-tune) has another."""
    digest = hashlib.sha256()
    for name, tensor in sorted(model.weights.tensors.items()):
        rows = np.unique(np.linspace(0, len(tensor) - 1, SAMPLED_ROWS).astype(np.intp))
        digest.update(f"{name} {tensor.shape}\n".encode())
        digest.update(np.ascontiguousarray(tensor[rows], dtype="<f4").tobytes())
    return digest.hexdigest()


def _digest(directions: Array) -> str:
    return hashlib.sha256(np.ascontiguousarray(directions, dtype="<f4").tobytes()).hexdigest()


def write_direction(path: str, model: Decoder, directions: Array, layer: int,
                    names: tuple[str, str], sizes: tuple[int, int]) -> None:
    """The file `read_direction` reads: every block's direction (blocks x hidden, float32 written
    in 9 significant digits, which read back exactly), the chosen block, the sets and the
    model; written aside and renamed into place, so no half-written file is left."""
    content = {
        "format": FORMAT, "version": VERSION,
        "model": {"name": model.name, "blocks": model.network.layers,
                  "hidden": model.network.config.hidden, "fingerprint": fingerprint(model)},
        "layer": layer, "toward": names[0], "away": names[1], "sizes": list(sizes),
        "digest": _digest(directions),
        "directions": [[float(f"{value:.9g}") for value in row] for row in directions.tolist()],
    }
    target = Path(path).expanduser()
    scratch = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        scratch.write_text(json.dumps(content, allow_nan=False) + "\n", "utf-8")
        scratch.replace(target)
    except OSError as error:
        scratch.unlink(missing_ok=True)
        reason = error.strerror or type(error).__name__  # the file is the target, not the scratch
        raise LatentError(f"cannot write the direction to {path}: {reason}") from None


def read_direction(path: str, model: Decoder) -> SavedDirection:
    """The direction saved in ``path`` by `write_direction`, refused (one sentence) when it was
    found on another model, is damaged, or is no such file."""
    blocks, hidden = model.network.layers, model.network.config.hidden
    limit = 32 * blocks * hidden + (1 << 16)  # a saved direction is about 13 bytes a number
    try:
        with Path(path).expanduser().open("rb") as file:
            data = file.read(limit + 1)
    except OSError as error:
        raise LatentError(f"cannot read the direction {path}: {os_message(error)}") from None
    if len(data) > limit:
        raise LatentError(f"{path} is larger than a direction for {model.name} can be: it "
                         "is not a file `latent probe --save` wrote")
    content = _parsed(data, path)
    saved = content["model"]
    if (saved["blocks"], saved["hidden"], saved["fingerprint"]) != (blocks, hidden,
                                                                     fingerprint(model)):
        other = (f"another model called {clip(saved['name'])} (its weights differ)"
                 if saved["name"] == model.name else
                 f"{clip(saved['name'])} ({saved['blocks']} blocks of {saved['hidden']})")
        raise LatentError(f"{path} holds a direction found on {other}, not on {model.name}: "
                         "a direction means something only in the model it was found in")
    try:
        directions = np.array(content["directions"], dtype=np.float32)
    except (TypeError, ValueError):
        raise _damaged(path, "its directions are not a table of numbers") from None
    if directions.shape != (blocks, hidden) or not np.isfinite(directions).all():
        raise _damaged(path, f"its directions are not {blocks} x {hidden} finite numbers")
    if _digest(directions) != content["digest"]:
        raise _damaged(path, "its directions do not match the digest saved with them")
    if not 0 <= content["layer"] < blocks:
        raise _damaged(path, f"its block {content['layer']} is not one of {model.name}'s")
    return SavedDirection(source=path, vectors=directions, layer=content["layer"])


def _parsed(data: bytes, path: str) -> dict[str, Any]:
    """The file's JSON, its keys of the kinds `write_direction` writes."""
    try:
        content = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise _damaged(path, "it is not JSON") from None
    if not isinstance(content, dict) or content.get("format") != FORMAT:
        raise LatentError(f"{path} is not a direction `latent probe --save` wrote")
    if content.get("version") != VERSION:
        raise LatentError(f"{path} is a direction of format {content.get('version')!r}; "
                         f"this latent reads format {VERSION}")
    kinds = {"layer": int, "toward": str, "away": str, "digest": str, "directions": list,
             "model": dict}
    model = content.get("model")
    model_kinds = {"name": str, "blocks": int, "hidden": int, "fingerprint": str}
    for table, wanted in ((content, kinds), (model if isinstance(model, dict) else {},
                                             model_kinds)):
        for key, kind in wanted.items():
            value = table.get(key)
            if not isinstance(value, kind) or isinstance(value, bool):
                raise _damaged(path, f"it has no valid {key!r}")
    return content


def _damaged(path: str, why: str) -> LatentError:
    return LatentError(f"the direction {path} is damaged: {why}")
