"""Facts the profiler needs from a decoded execution trace.

- `alloc_slots`: slot bytes per HeapObjectAlloc (what TotalAlloc adds) from the Span events;
- `stack_copies`: goroutine stack copies (GoroutineStackAlloc then GoroutineStackFree on the
  same M and G), old and new size;
- `marks`: time range between two `trace.Log(ctx, key, "begin"|"end")` calls;
- `gc_starts`: GC cycles (GCBegin, "GC concurrent mark phase") with the stack of the
  goroutine whose allocation started each.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..sizeclasses import load as load_sizeclasses
from . import wire as W
from .reader import ExecTrace, ExecTraceError


def alloc_slots(et: ExecTrace) -> tuple[np.ndarray, np.ndarray, int]:
    """(slot bytes per event, span class per event (-1 = none/unknown), unknown-span count)."""
    from . import kernels as K
    info = et.allocfree
    if not info:
        raise ExecTraceError("trace has no AllocFree data (run with GODEBUG=traceallocfree=1)")
    page, align = int(info["page_size"]), int(info["min_heap_align"])
    spans = np.isin(et.typ, (W.EV_SPAN, W.EV_SPAN_ALLOC))
    objs = et.typ == W.EV_HEAP_OBJECT_ALLOC
    top = 1
    if spans.any():
        top = max(top, int((et.args[spans, 0] + et.args[spans, 1]).max()) + 1)
    if objs.any():
        top = max(top, int(et.args[objs, 0].max()) * align // page + 1)
    if top > 1 << 28:
        raise ExecTraceError(f"heap page index {top} is implausible")
    cs = np.ascontiguousarray(load_sizeclasses().class_size, np.int64)
    out_b = np.empty(len(et), np.int64)
    out_c = np.empty(len(et), np.int64)
    unknown = K.alloc_slots(et.typ, et.args, page // align, align, page, cs, top, out_b, out_c)
    return out_b, out_c, int(unknown)


def stack_copies(et: ExecTrace) -> tuple[np.ndarray, np.ndarray]:
    """(old order, new order) on the GoroutineStackAlloc row of each stack copy, else 0.
    A stack of `order` k is 2**(k-1) bytes."""
    from . import kernels as K
    sel = np.isin(et.typ, (W.EV_GOROUTINE_STACK, W.EV_GOROUTINE_STACK_ALLOC, W.EV_GOROUTINE_STACK_FREE))
    n_ids = int(et.args[sel, 0].max()) + 1 if sel.any() else 1
    if n_ids > 1 << 28:
        raise ExecTraceError(f"goroutine stack id {n_ids} is implausible")
    m_ids, mi = np.unique(et.m, return_inverse=True)
    old = np.empty(len(et), np.int64)
    new = np.empty(len(et), np.int64)
    K.stack_copies(et.typ, et.args, et.g, mi.astype(np.int64), len(m_ids), n_ids, old, new)
    return old, new


def logs(et: ExecTrace, key: str) -> list[tuple[int, str]]:
    """(event index, value) of the `trace.Log(ctx, key, value)` calls, in time order."""
    idx = np.flatnonzero(et.typ == W.EV_USER_LOG)
    if not len(idx):
        return []
    k = et.string_rows(idx, 1)
    v = et.string_rows(idx, 2)
    want = et.strings.index(key) if key in et.strings else -2
    return [(int(i), et.strings[int(b)] if b >= 0 else "") for i, a, b in zip(idx, k, v) if a == want]


def marks(et: ExecTrace, key: str = "oracle", begin: str = "begin", end: str = "end") -> tuple[int, int]:
    """Event index range (begin, end) between the Log marks."""
    lg = logs(et, key)
    b = [i for i, v in lg if v == begin]
    e = [i for i, v in lg if v == end]
    if not b or not e:
        raise ExecTraceError(f"trace has no {key!r} {begin!r}/{end!r} log marks")
    return b[0], e[-1]


@dataclass
class Totals:
    mallocs: int          # HeapObjectAlloc events (mallocgc calls, tiny included)
    total_alloc: int      # slot bytes
    gc_started: int       # GCBegin events
    num_gc: int           # GCEnd events (cycles completed: what MemStats.NumGC counts)
    stack_growths: int    # stack copies to a larger stack
    stack_shrinks: int


def totals(et: ExecTrace, lo: int = 0, hi: int | None = None, slots=None, copies=None) -> Totals:
    hi = len(et) if hi is None else hi
    sb, _, _ = slots if slots is not None else alloc_slots(et)
    old, new = copies if copies is not None else stack_copies(et)
    t = et.typ[lo:hi]
    return Totals(int((t == W.EV_HEAP_OBJECT_ALLOC).sum()), int(sb[lo:hi].sum()), int((t == W.EV_GC_BEGIN).sum()), int((t == W.EV_GC_END).sum()),
                  int((new[lo:hi] > old[lo:hi]).sum()), int(((new[lo:hi] < old[lo:hi]) & (new[lo:hi] > 0)).sum()))


def gc_starts(et: ExecTrace) -> list[tuple[int, int, list[str]]]:
    """(event index, goroutine, stack function names innermost first) of each GCBegin."""
    return [(int(i), int(et.g[i]), et.stack_funcs(int(et.stack[i])))
            for i in np.flatnonzero(et.typ == W.EV_GC_BEGIN)]
