"""Run the kernels and the reference on the same trace and compare every figure."""

from __future__ import annotations

from goperf.profiler import schema as S
from goperf.profiler.kernels import events
from goperf.profiler.replay import ReplayConfig, replay
from reference import Ref

KEYS = ("heap_bytes", "objects", "slots", "tiny_allocs", "gc_cycles", "morestack",
        "stack_copy_bytes", "large_objects")


def run_reference(trace, cfg: dict) -> Ref:
    ev = trace.events
    ref = Ref(trace.funcs.frame.tolist(), trace.funcs.nosplit.tolist(), len(trace.funcs), **cfg)
    return ref.run(ev["kind"].tolist(), ev["func"].tolist(), ev["size"].tolist(),
                   ev["goroutine"].tolist(), ev["flags"].tolist())


def assert_same(trace, chunk=1 << 20, block=None, **cfg):
    """`block`: events per kernel block (default kernels.events.BLOCK), to cross block edges."""
    full = ReplayConfig.DEFAULTS | cfg
    saved = events.BLOCK
    events.BLOCK = block or saved
    try:
        res = replay(trace, ReplayConfig(**cfg), chunk=chunk)
    finally:
        events.BLOCK = saved
    ref = run_reference(trace, full)
    nf = len(trace.funcs)
    for row in range(nf + 1):
        fn = row if row < nf else -1
        want = ref.f.get(fn, {})
        got = {k: int(res.out[row, j]) for j, k in enumerate(S.OUT_NAMES)}
        for k in KEYS:
            assert got[k] == want.get(k, 0), (fn, k, got[k], want.get(k, 0))
    tot = res.totals()
    for k in ("heap_bytes", "objects", "slots", "tiny_allocs", "gc_cycles", "morestack",
              "stack_copy_bytes", "stack_shrinks", "stack_shrink_copy_bytes", "live_bytes",
              "starting_stack_size"):
        assert tot[k] == ref.t[k], (k, tot[k], ref.t[k])
    if ref.t["heap_goal"] is not None:
        assert tot["heap_goal"] == ref.t["heap_goal"]
    return res, ref
