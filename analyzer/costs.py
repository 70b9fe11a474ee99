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
    """Bytes a single heap object of `size` is charged (tiny objects: their share of a block).

    A tiny object's share is that of a run of equal-sized tiny allocations: the tiny
    allocator aligns each object to its size's largest power-of-two divisor (≤ 8), so
    16 // size of them fit one 16-byte block (5 B → 3 per block, 12 B → 1 per block).
    """
    if size <= 0:
        return 0
    if size < TINY and not has_pointers:
        return TINY / (TINY // size)  # share of a 16-byte block
    if has_pointers and 512 < size <= MAX_SMALL:
        size += 8  # malloc header
    if size > MAX_SMALL:
        return -(-size // PAGE) * PAGE
    return next(c for c in _classes() if c >= size)


def roundupsize(size: int, has_pointers: bool = True) -> int:
    """runtime.roundupsize: the usable bytes mallocgc hands out for a request of `size`
    (the size class, less the malloc header of a pointerful object over 512 bytes)."""
    if size <= MAX_SMALL:
        req = size + 8 if has_pointers and size > 512 else size
        return next(c for c in _classes() if c >= req) - (req - size)
    return -(-size // PAGE) * PAGE


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


# The compiler's stack backing store for a slice that is appended to and escapes only at
# its end (`return s`): cmd/compile's VariableMakeThreshold, Go >= 1.26.
STACK_APPEND_BUFFER = 32


def append_growth(n: int, elem_size: int, has_pointers: bool = True,
                  stack_buffer: int = 0) -> tuple[int, float]:
    """(allocations, bytes) of appending n elements one by one to an empty slice.

    Follows runtime.growslice: nextslicecap, then the capacity rounded up to what the
    size class holds. `stack_buffer` models the Go >= 1.26 compiler's stack backing
    store (STACK_APPEND_BUFFER bytes) for a local slice that escapes only when it is
    returned: the first 32 // elem_size elements cost nothing on the heap, and a slice
    that never left the buffer is copied to the heap once (runtime.moveSliceNoCap).
    Bytes may be fractional when a tiny (< 16 B, pointer-free) block is shared.
    """
    if elem_size <= 0 or n <= 0:
        return 0, 0
    allocs, total = 0, 0.0
    cap = stack_buffer // elem_size if elem_size <= stack_buffer else 0
    if n <= cap:  # never left the stack buffer: moved to the heap at the escape
        mem = roundupsize(n * elem_size, has_pointers)
        if has_pointers:  # moveSliceNoCap allocates whole elements; the NoScan variant the rounded size
            mem = mem // elem_size * elem_size
        return 1, _as_int(slot_bytes(mem, has_pointers))
    length = 0
    while length < n:
        if length == cap:
            cap = roundupsize(_next_cap(length + 1, cap) * elem_size, has_pointers) // elem_size
            allocs += 1
            total += slot_bytes(cap * elem_size, has_pointers)
        length = min(n, cap)
    return allocs, _as_int(total)


def preallocated(n: int, elem_size: int, has_pointers: bool = True) -> tuple[int, float]:
    """(allocations, bytes) of make([]T, 0, n) (or make([]T, n)) on the heap."""
    if n <= 0 or elem_size <= 0:
        return 0, 0
    return 1, _as_int(slot_bytes(n * elem_size, has_pointers))


def _as_int(x: float) -> int | float:
    return int(x) if float(x).is_integer() else x


def builder_growth(writes: list[int]) -> tuple[int, float]:
    """(allocations, bytes) of writing chunks of these sizes into an empty strings.Builder
    (each write is an append to its []byte, growing as growslice does)."""
    allocs, total, length, cap = 0, 0.0, 0, 0
    for k in writes:
        if k > 0 and length + k > cap:
            cap = roundupsize(_next_cap(length + k, cap), False)
            allocs += 1
            total += slot_bytes(cap, False)
        length += max(k, 0)
    return allocs, _as_int(total)


SMALL_BUFFER = 64  # bytes.smallBufferSize: a nil Buffer's first small write allocates this much


def buffer_growth(writes: list[int]) -> tuple[int, float]:
    """(allocations, bytes) of writing chunks of these sizes into an empty bytes.Buffer
    (Buffer.grow: 64 bytes for a small first write, then max(len+n, 2*cap) rounded up)."""
    allocs, total, length, cap = 0, 0.0, 0, 0
    for k in writes:
        if k > 0 and length + k > cap:
            if cap == 0 and k <= SMALL_BUFFER:
                cap = SMALL_BUFFER
            else:
                cap = roundupsize(max(length + k, 2 * cap), False)
            allocs += 1
            total += slot_bytes(cap, False)
        length += max(k, 0)
    return allocs, _as_int(total)


def grown(total: int, buffer: bool = False) -> tuple[int, float]:
    """(allocations, bytes) of Grow(total) on an empty strings.Builder (or bytes.Buffer)."""
    if total <= 0:
        return 0, 0
    if buffer and total <= SMALL_BUFFER:
        return 1, _as_int(slot_bytes(SMALL_BUFFER, False))
    return 1, _as_int(slot_bytes(roundupsize(total, False), False))
