"""Small numpy helpers shared by the stages that work on flat arrays: related
articles (related.py) and Pagefind's word index (search/pagefind_postings.py)."""

from __future__ import annotations

import numpy as np


def run_starts(values: np.ndarray) -> np.ndarray:
    """Whether each entry starts a run of equal values; of sorted values, whether it
    is the first of its distinct value."""
    found = np.ones(len(values), dtype=bool)
    found[1:] = values[1:] != values[:-1]
    return found
