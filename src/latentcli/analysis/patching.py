"""Activation patching (causal tracing, Meng et al. 2022): where in the blocks and positions a
fact lives.

Two prompts of the same token count, a clean one ("The Eiffel Tower is in the city of", answer
" Paris") and a corrupt one ("The Colosseum is in the city of", " Rome"). Into the corrupt run,
the clean run's activation at one site — the residual entering block L, or the attention or MLP
output of block L — is put back at one position p, and the logit difference LD = logit(clean
answer) - logit(corrupt answer) at the last position is measured again: the share of the clean
run's difference it recovers says how much of the fact sits at (L, p).

Every patched run of one block L shares the corrupt run's blocks before L, so it starts at L from
the corrupt residual held from one run (`Llama.run_blocks`); the runs of one block are rows of
the same matrix products, and the patch is a hook at the site. A position where the two runs'
activations are equal (the prompts' shared first tokens) is not run: patching it changes
nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from latentcli.analysis.lens import softmax
from latentcli.core.progress import Progress, no_progress
from latentcli.errors import ParameterError, UsageError, clip
from latentcli.networks.arrays import Array
from latentcli.networks.decoder.decoder import Decoder
from latentcli.networks.decoder.hooks import Hook, HookPoint
from latentcli.networks.decoder.network import Llama
from latentcli.results.inside import Patching
from latentcli.results.language import TokenProbability

# the hook point patched for each --site: the residual entering block L, or what its attention
# or its MLP adds to the stream
SITES = {"resid": "resid_pre", "attn": "attn_out", "mlp": "mlp_out"}
POSITIONS = 8192  # positions in one batch of patched runs (rows x the prompt's tokens)
LOGITS = 128  # rows of logits over the vocabulary computed at once
HOLDS = 0.5  # a position holds the fact at a block when patching it alone restores this share
PART = 0.1  # another position holds part of it when patching it restores this share throughout
SHOWN_TOKENS = 12  # of each tokenization, in the message refusing prompts of unequal counts


def patch(model: Decoder, clean: str, corrupt: str, track: str | None = None,
          against: str | None = None, site: str = "resid",
          progress: Progress = no_progress, positions: Sequence[int] | None = None) -> Patching:
    """The clean run's activation at ``site`` put into the corrupt run at every block and
    position (or only at ``positions``, the other cells left 0: a caller that needs one column
    runs one); the answers are each run's top next token unless ``track`` (the clean
    answer) or ``against`` (the corrupt one) name them. ``progress`` counts the blocks run."""
    check_site(site)
    ids_clean = model.prompt(clean, noun="the clean prompt").ids
    ids_corrupt = model.prompt(corrupt, noun="the corrupt prompt").ids
    if len(ids_clean) != len(ids_corrupt):
        raise UsageError(f"the clean prompt is {_tokenization(model, ids_clean)} and the "
                         f"corrupt prompt {_tokenization(model, ids_corrupt)}: patching needs "
                         "prompts of the same number of tokens")
    network = model.network
    layers, count = network.layers, len(ids_clean)
    chosen = range(count) if positions is None else sorted(set(positions))
    if any(not 0 <= position < count for position in chosen):
        raise ParameterError("positions", f"must be from 0 to {count - 1} (the prompts are "
                                          f"{count} tokens)")
    patched = [f"blocks.{layer}.{SITES[site]}" for layer in range(layers)]
    entering = [f"blocks.{layer}.resid_pre" for layer in range(layers)]
    clean_logits, from_clean = network.run_with_cache([ids_clean], patched)
    corrupt_logits, from_corrupt = network.run_with_cache([ids_corrupt],
                                                          list(dict.fromkeys(entering + patched)))
    notes: list[str] = []
    good = _answer(model, track, "track", clean_logits[0], notes)
    bad = _answer(model, against, "against", corrupt_logits[0], notes)
    if good == bad:
        raise UsageError(f"both answers are {model.tokenizer.readable(good)!r}: name two "
                         "different ones with --track and --against")
    answers = np.array([good, bad])

    def difference(logits: Array) -> Array:
        return np.asarray(logits[:, good].astype(np.float64) - logits[:, bad], dtype=np.float64)

    high, low = float(difference(clean_logits)[0]), float(difference(corrupt_logits)[0])
    if high == low:
        raise UsageError("the two runs give the answers the same logit difference: there is "
                         "nothing for a patch to recover")
    recovered = np.zeros((layers, count))
    probability = np.full((layers, count), _probabilities(corrupt_logits, answers)[0, 0])
    # a column's patched runs are rows of one growing batch: the run patched at block L joins
    # it there, from the corrupt residual entering L; a batch holds at most POSITIONS positions
    columns = max(1, POSITIONS // (count * layers))
    progress(0, layers * -(-len(chosen) // columns))
    for chunk, first in enumerate(range(0, len(chosen), columns)):

        def ran(blocks: int, before: int = chunk * layers) -> None:
            progress(before + blocks)

        sites, leaving = _patched_runs(network, from_clean, from_corrupt, patched, entering,
                                       chosen[first:first + columns], ran)
        for rows in range(0, len(sites), LOGITS):
            logits = network.logits(leaving[rows:rows + LOGITS, -1])
            where = tuple(np.array(sites[rows:rows + LOGITS]).T)
            recovered[where] = (difference(logits) - low) / (high - low)
            probability[where] = _probabilities(logits, answers)[:, 0]
    readable = model.tokenizer.readable
    tokens_clean = tuple(readable(i) for i in ids_clean)
    tokens_corrupt = tuple(readable(i) for i in ids_corrupt)
    return Patching(
        model=model.name, clean=clean, corrupt=corrupt, tokens_clean=tokens_clean,
        tokens_corrupt=tokens_corrupt,
        clean_answer=TokenProbability(token=readable(good), id=good, probability=float(
            _probabilities(clean_logits, answers)[0, 0])),
        corrupt_answer=TokenProbability(token=readable(bad), id=bad, probability=float(
            _probabilities(corrupt_logits, answers)[0, 1])),
        recovered=_rows(recovered), probability=_rows(probability), site=site,
        difference_clean=high, difference_corrupt=low,
        reading=reading(recovered.tolist(), tokens_clean, site), notes=tuple(notes))


def _patched_runs(network: Llama, from_clean: dict[str, Array], from_corrupt: dict[str, Array],
                  patched: Sequence[str], entering: Sequence[str], columns: Sequence[int],
                  ran: Callable[[int], None]) -> tuple[list[tuple[int, int]], Array]:
    """The residual stream leaving the last block of each patched run of ``columns``, and each
    run's (block, position); ``ran`` is told how many blocks have run. A position whose clean
    and corrupt activations are equal at a block is not run there: its patch would change
    nothing."""
    sites: list[tuple[int, int]] = []
    batch = np.empty((0, *from_corrupt[entering[0]].shape[1:]), dtype=np.float32)
    for layer in range(network.layers):
        source, target = from_clean[patched[layer]][0], from_corrupt[patched[layer]][0]
        joining = [p for p in columns if not np.array_equal(source[p], target[p])]
        sites += [(layer, p) for p in joining]
        batch = np.concatenate([batch, np.repeat(from_corrupt[entering[layer]], len(joining),
                                                 axis=0)])
        if len(batch):
            batch = network.run_blocks(batch, layer, layer + 1, hooks={
                patched[layer]: _put(source, len(batch) - len(joining), joining)})
        ran(layer + 1)
    return sites, batch


def check_site(site: str) -> None:
    """Refuse a ``site`` that is not one of `SITES`."""
    if site not in SITES:
        raise ParameterError("site", f"must be one of {', '.join(SITES)}, not {clip(site)!r}")


def _put(source: Array, first: int, positions: Sequence[int]) -> Hook:
    """A hook giving the batch's row ``first`` + i the clean activation ``source`` at
    ``positions[i]``."""
    rows = first + np.arange(len(positions))

    def put(activation: Array, point: HookPoint) -> Array:
        changed = activation.copy()
        changed[rows, positions] = source[positions]
        return changed

    return put


def _probabilities(logits: Array, answers: Array) -> npt.NDArray[np.float64]:
    """The probabilities of ``answers`` (rows x answers) under each row of next-token logits."""
    return softmax(logits)[:, answers]


def _answer(model: Decoder, text: str | None, name: str, logits: Array,
            notes: list[str]) -> int:
    """The token ``text`` names (its first, with a note, if it is several), or without one the
    run's top next token."""
    if text is None:
        return int(np.argmax(logits))
    from latentcli.analysis.lens import token_id

    token, note = token_id(model, text, name)
    if note:
        notes.append(note)
    return token


def _tokenization(model: Decoder, ids: Sequence[int]) -> str:
    """``ids``'s count and (the first `SHOWN_TOKENS` of) its tokens, for a message."""
    shown = ", ".join(repr(model.tokenizer.readable(i)) for i in ids[:SHOWN_TOKENS])
    more = ", …" if len(ids) > SHOWN_TOKENS else ""
    return f"{len(ids)} token{'s' * (len(ids) > 1)} ({shown}{more})"


def _rows(grid: npt.NDArray[np.float64]) -> tuple[tuple[float, ...], ...]:
    return tuple(tuple(float(value) for value in row) for row in grid)


class Stretch(NamedTuple):
    """Blocks ``first`` to ``last`` in which ``position`` holds the fact, and the other
    positions holding part of it at each of them."""

    position: int
    first: int
    last: int
    parts: tuple[int, ...]


def stretches(recovered: Sequence[Sequence[float]]) -> list[Stretch]:
    """Where the fact sits, block by block: at each block the position whose patch restores the
    most, when that is at least `HOLDS`; consecutive blocks held by one position make one
    stretch, with the positions restoring at least `PART` at every block of it."""
    grid = np.asarray(recovered, dtype=np.float64)
    found: list[list[int]] = []  # position, first block, last block
    for layer, row in enumerate(grid):
        position = int(np.argmax(row))  # ties: the first position
        if row[position] < HOLDS:
            continue
        if found and found[-1][0] == position and found[-1][2] == layer - 1:
            found[-1][2] = layer
        else:
            found.append([position, layer, layer])
    return [Stretch(position, first, last, tuple(
        int(p) for p in np.flatnonzero(grid[first:last + 1].min(axis=0) >= PART) if p != position))
        for position, first, last in found]


def reading(recovered: Sequence[Sequence[float]], tokens: Sequence[str],
            site: str = "resid") -> str:
    """One sentence saying where the fact sits, stretch by stretch (`stretches`), read in order,
    with the share each position holding part of it restores ("the fact sits on 'iffel' through
    block 23 (' Tower' holds 31% to 48% too), then on the last position (' of') from block
    24")."""
    grid = np.asarray(recovered, dtype=np.float64)
    subject = {"resid": "The fact sits", "attn": "The attention output carries the fact",
               "mlp": "The MLP output carries the fact"}[site]
    found = stretches(recovered)
    if not found:
        layer, position = divmod(int(np.argmax(grid)), grid.shape[1])
        return (f"{subject} on no single position: no patch restores half of the difference "
                f"(the most, {grid[layer, position]:.2f}, at {_where(tokens, position)} in "
                f"block {layer}).")
    said = [f"on {_where(tokens, stretch.position)} "
            f"{_when(stretch.first, stretch.last, len(grid))}"
            + _parts(grid[stretch.first:stretch.last + 1], stretch.parts, tokens)
            for stretch in found]
    return f"{subject} {', then '.join(said)}."


def _parts(grid: npt.NDArray[np.float64], parts: Sequence[int], tokens: Sequence[str]) -> str:
    """`` (' Tower' holds 31% to 48% too)``: what the positions holding part of the fact
    restore over a stretch's blocks (``grid``), the first saying "holds"; empty when none
    does."""
    shares: list[str] = []
    for position in parts:
        low, high = (f"{value:.0%}" for value in (grid[:, position].min(),
                                                   grid[:, position].max()))
        shares.append(f"{_where(tokens, position)}{' holds' * (not shares)} "
                      f"{low if low == high else f'{low} to {high}'}{' too' * (not shares)}")
    return f" ({', '.join(shares)})" if shares else ""


def _where(tokens: Sequence[str], position: int) -> str:
    """A position as a reader finds it: its token, and which one if the token comes again."""
    token = f"'{tokens[position]}'"
    if position == len(tokens) - 1 and len(tokens) > 1:
        return f"the last position ({token})"
    if tokens.count(tokens[position]) > 1:
        return f"{token} (position {position})"
    return token


def _when(start: int, end: int, layers: int) -> str:
    """Blocks ``start`` to ``end`` of ``layers``, as a sentence says them."""
    if start == end:
        return f"at block {start}" if layers > 1 else "at its one block"
    if start == 0 and end == layers - 1:
        return "at every block"
    if start == 0:
        return f"through block {end}"
    if end == layers - 1:
        return f"from block {start}"
    return f"in blocks {start} to {end}"
