"""Size-class tables generated from the toolchain (see scripts/gen_sizeclasses.py)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import numpy as np

JSON_PATH = Path(__file__).with_name("sizeclasses.json")


class SizeClasses(NamedTuple):
    """Arrays the allocator kernel takes as arguments (never module globals)."""
    class_size: np.ndarray     # i8[68], bytes per object (0 for class 0 = large)
    class_npages: np.ndarray   # i8[68], pages per span
    class_nelems: np.ndarray   # i8[68], objects per span
    to_class8: np.ndarray      # i8[129], class for ceil(size/8), size <= 1024
    to_class128: np.ndarray    # i8[249], class for ceil((size-1024)/128)
    go_version: str


@lru_cache(maxsize=None)
def load(path: str | None = None) -> SizeClasses:
    d = json.loads(Path(path or JSON_PATH).read_text())
    a = lambda k: np.ascontiguousarray(d[k], dtype=np.int64)  # noqa: E731
    return SizeClasses(a("SizeClassToSize"), a("SizeClassToNPages"), a("ObjectsPerSpan"),
                       a("SizeToSizeClass8"), a("SizeToSizeClass128"), d["go_version"])
