"""Heap cost arithmetic for estimates attached to findings.

Follows the Go 1.27 allocator as measured in go-runtime-notes.md: size classes
(the table generated from the toolchain, shared with the profiler as data),
16-byte tiny blocks for small pointer-free objects, an 8-byte header on
pointerful objects over 512 bytes, whole 8 KiB pages above 32760 bytes; and the
runtime's append growth rule (growslice/nextslicecap).
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

MAX_SMALL = 32760
PAGE = 8192
TINY = 16


@lru_cache(maxsize=1)
def _classes() -> list[int]:
    # Data file only: reading it does not import the profiler's numeric code.
    raw = resources.files("goperf.profiler").joinpath("sizeclasses.json").read_text()
    return json.loads(raw)["SizeClassToSize"][1:]


def slot_bytes(size: int, has_pointers: bool = True) -> float:
    """Bytes a single heap object of `size` is charged (tiny objects: their share of a block)."""
    if size <= 0:
        return 0
    if size < TINY and not has_pointers:
        return size  # packed into a shared 16-byte block
    if has_pointers and 512 < size <= MAX_SMALL:
        size += 8  # malloc header
    if size > MAX_SMALL:
        return -(-size // PAGE) * PAGE
    return next(c for c in _classes() if c >= size)


def _next_cap(new_len: int, old_cap: int) -> int:
    doubled = old_cap * 2
    if new_len > doubled:
        return new_len
    if old_cap < 256:
        return doubled
    new_cap = old_cap
    while new_cap < new_len:
        new_cap += (new_cap + 3 * 256) >> 2
    return new_cap


def append_growth(n: int, elem_size: int, has_pointers: bool = True) -> tuple[int, int]:
    """(allocations, bytes) of appending n elements one by one to an empty slice."""
    if elem_size <= 0 or n <= 0:
        return 0, 0
    allocs = total = 0
    cap = length = 0
    while length < n:
        if length == cap:
            new_cap = _next_cap(length + 1, cap)
            charged = int(slot_bytes(new_cap * elem_size, has_pointers))
            cap = max(new_cap, charged // elem_size)
            allocs += 1
            total += charged
        length += 1
    return allocs, total


def preallocated(n: int, elem_size: int, has_pointers: bool = True) -> tuple[int, int]:
    """(allocations, bytes) of make([]T, 0, n)."""
    if n <= 0 or elem_size <= 0:
        return 0, 0
    return 1, int(slot_bytes(n * elem_size, has_pointers))
