"""A pause of CPython's cyclic garbage collector around one analysis, for the edges to use (the
lint worker does; the language server keeps its own schedule, lsp/heap.py).

An analysis allocates a dozen objects per syntax node, nearly all freed by reference counting as
each function's escape analysis ends (its flow graph is released, analysis.release), and leaves
no reference cycles behind; the collector's scans of those young objects were 5–10% of the
escape pass's time. The passes themselves leave the collector alone: a library that switches
process-wide state in the middle of a call surprises its callers.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def collector_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
