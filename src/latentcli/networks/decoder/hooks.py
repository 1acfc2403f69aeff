"""Named hook points: where one forward pass lets its caller read or replace an activation.

The names are TransformerLens's (without its ``hook_`` prefix), for block ``l`` from 0 to
layers - 1. Every activation has the batch first, one row per sequence:

- ``blocks.{l}.resid_pre`` (batch x positions x hidden): the residual stream entering block l
  (the token embeddings, for block 0; Gemma's scaled by √hidden).
- ``blocks.{l}.attn.pattern`` (batch x heads x positions x keys): the attention weights after
  the softmax, how much each position reads each key position (0 for later ones, and on a
  block with a sliding window for those outside it); the keys count the positions cached by
  earlier calls too.
- ``blocks.{l}.attn_out`` (batch x positions x hidden): what attention adds to the stream,
  after its output projection (and Gemma's post-attention norm).
- ``blocks.{l}.resid_mid`` (batch x positions x hidden): resid_pre + attn_out, entering the
  feed-forward layer.
- ``blocks.{l}.mlp_out`` (batch x positions x hidden): what the feed-forward layer adds (after
  Gemma's post-FFN norm).
- ``blocks.{l}.resid_post`` (batch x positions x hidden): resid_mid + mlp_out, leaving block l:
  the next block's resid_pre (after the last block, what the final norm and the head read).

A hook is a function ``hook(activation, point)``. `HookPoint` says where it is: the name, the
block, and the absolute positions of the activation's position axis (the queries, for a
pattern), so "from position 1 on" or "row i at position start + i" can be written whether the
call runs a whole prompt or one generated token. It returns a replacement of the same shape, or
None to leave the activation as it is (it must not change the array it is given). Hooks are an
argument of one call (`Llama.forward`, `Llama.run_with_cache`): nothing is registered on the
network, so no hook outlives its call and two callers never see each other's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from latentcli.errors import UsageError
from latentcli.networks.arrays import Array, Ids

POINTS = ("resid_pre", "attn.pattern", "attn_out", "resid_mid", "mlp_out", "resid_post")


@dataclass(frozen=True)
class HookPoint:
    """Where a hook is called: ``name`` (``blocks.3.resid_pre``), its ``layer`` (3), and the
    absolute ``positions`` of the activation's position axis."""

    name: str
    layer: int
    positions: Ids


Hook = Callable[[Array, HookPoint], Array | None]
Hooks = Mapping[str, Hook]


@lru_cache(maxsize=8)
def point_names(layers: int) -> tuple[dict[str, str], ...]:
    """Each block's hook-point names, by point (``names[3]["resid_pre"]`` is
    ``blocks.3.resid_pre``)."""
    return tuple({point: f"blocks.{layer}.{point}" for point in POINTS} for layer in range(layers))


def check_names(names: Iterable[str], layers: int) -> None:
    """Refuse a name that is not a hook point of a network of ``layers`` blocks, listing those
    that are."""
    unknown = sorted(set(names) - _valid(layers))
    if unknown:
        raise UsageError(f"there is no hook point {unknown[0]!r}: the hook points are "
                         f"blocks.L.{{{','.join(POINTS)}}} for a block L from 0 to {layers - 1}")


@lru_cache(maxsize=8)
def _valid(layers: int) -> frozenset[str]:
    return frozenset(name for block in point_names(layers) for name in block.values())


class HookRunner:
    """The hooks of one call, run at their points. It remembers whether a hook replaced an
    activation (`replaced`), so a value that stops being a number later is not blamed on the
    model's weights; a replacement that is not finite where the activation was is refused at
    once, naming the hook."""

    def __init__(self, hooks: Hooks) -> None:
        self.hooks = hooks
        self.replaced: str | None = None  # the first point whose activation a hook replaced

    def __call__(self, name: str, layer: int, activation: Array, positions: Ids) -> Array:
        """``activation``, or what the hook on ``name`` (if there is one) replaced it with."""
        hook = self.hooks.get(name)
        if hook is None:
            return activation
        replaced = hook(activation, HookPoint(name, layer, positions))
        if replaced is None:
            return activation
        with np.errstate(over="ignore"):  # a float64 too big for float32 is refused below
            replaced = np.asarray(replaced, dtype=np.float32)
        if replaced.shape != activation.shape:
            raise UsageError(f"the hook on {name} returned an array of shape {replaced.shape}; "
                             f"it must keep the shape {activation.shape}")
        if not np.isfinite(replaced).all() and np.isfinite(activation).all():
            raise UsageError(f"the hook on {name} returned values that are not finite numbers")
        self.replaced = self.replaced or name
        return replaced
