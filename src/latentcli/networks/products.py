"""The product every projection of the decoder makes: rows of activations by a weight matrix
held (out, in), as the model files hold it.

Many rows (a prompt, a batch of sequences) go to BLAS's sgemm. A few rows — a generation step: one
sequence, or a steered and an unsteered one side by side — go to `numpy.einsum`: OpenBLAS's
sgemm packs the whole weight matrix into buffers of its own before multiplying, which at one or
two rows costs more than the product itself (two rows through sgemm took longer than two
sequences run one after the other), and einsum's one-row product also beats sgemv here
(docs/benchmarks.md). einsum computes each row's values alone, so a sequence gets the very same
numbers whether it runs alone or beside another: a steered and an unsteered continuation
computed together write what each would write on its own. (At two rows einsum costs nearly
twice one row; the BLAS routes that read a weight once for both rows are slower at one row,
and one route must serve both.)
"""

from __future__ import annotations

import numpy as np

from latentcli.networks.arrays import Array

FEW = 4  # rows up to which einsum beats sgemm


def project(rows: Array, weight: Array) -> Array:
    """``rows @ weight.T`` in float32 (rows: ... x in; weight: out x in; result: ... x out)."""
    flat = rows.reshape(-1, rows.shape[-1])
    out = np.einsum("oi,ri->ro", weight, flat) if len(flat) <= FEW else flat @ weight.T
    return np.asarray(out, dtype=np.float32).reshape(*rows.shape[:-1], len(weight))
