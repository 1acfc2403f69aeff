"""The array types the networks take and return, named once for every module's signatures."""

from __future__ import annotations

from typing import Any

import numpy as np

Array = np.ndarray[Any, np.dtype[np.float32]]  # activations and weights: float32 throughout
Ids = np.ndarray[Any, np.dtype[np.int64]]  # token ids, positions
