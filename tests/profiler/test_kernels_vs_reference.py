"""Kernels agree with the plain-Python reference exactly, figure for figure."""

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from goperf.profiler import schema as S
from goperf.profiler.synth import synthetic_trace
from goperf.profiler.trace import FuncTable, Trace
from compare import assert_same

SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
configs = st.fixed_dictionaries({
    "gogc": st.sampled_from([-1, 1, 10, 50, 100, 400]),
    "memlimit": st.sampled_from([-1, -1, 1 << 20, 8 << 20, 64 << 20]),
    "globals_bytes": st.integers(0, 1 << 20),
    "stack_scan_base": st.integers(0, 100_000),
    "nonheap_bytes": st.sampled_from([0, 2 << 20, 100 << 20]),
    "adaptive_stack": st.booleans(),
    "stack_start": st.sampled_from([2048, 4096, 32768]),
    "init_marked": st.sampled_from([0, 1 << 20, 4 << 20]),
    "sweep_dist": st.booleans(),
})


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 4000), cfg=configs,
       chunk=st.sampled_from([7, 1000, 1 << 20]), big=st.floats(0, 1),
       block=st.sampled_from([1, 5, 64, 4096]))
def test_random_traces(seed, n, cfg, chunk, big, block):
    t = synthetic_trace(n, seed=seed, n_funcs=12, n_goroutines=6, block_events=n, big=big)
    assert_same(t, chunk=chunk, block=block, **cfg)


# Small hand-drawn traces: hypothesis shrinks these to a minimal failing list.
event = st.one_of(
    st.tuples(st.just(S.EV_ALLOC), st.integers(-1, 3), st.integers(0, 70000), st.integers(0, 1)),
    st.tuples(st.just(S.EV_FREE), st.just(0), st.integers(0, 40000), st.just(0)),
    st.tuples(st.just(S.EV_GC), st.integers(-1, 3), st.just(0), st.just(0)),
    st.tuples(st.just(S.EV_FLUSH), st.just(0), st.just(0), st.just(0)),
)


@SETTINGS
@given(evs=st.lists(event, max_size=300), cfg=configs)
# More freed than allocated (heapLive < 0), then two GCs: "not triggered yet" is no heapLive value.
@example(evs=[(S.EV_FREE, 0, 1, 0), (S.EV_GC, 0, 0, 0), (S.EV_GC, 0, 0, 0), (S.EV_ALLOC, 0, 8185, 0)],
         cfg=dict(gogc=1, memlimit=-1, globals_bytes=0, stack_scan_base=0, nonheap_bytes=0,
                  adaptive_stack=False, stack_start=2048, init_marked=0, sweep_dist=False))
def test_alloc_event_lists(evs, cfg):
    ft = FuncTable.make(["a", "b", "c", "d"])
    k, f, s, fl = (list(x) for x in zip(*evs)) if evs else ([], [], [], [])
    t = Trace.from_columns(ft, {}, kind=k, func=f, size=s, flags=fl)
    assert_same(t, **cfg)
    assert_same(t, block=3, **cfg)        # GC starts and flushes at kernel block edges


@SETTINGS
@given(depths=st.lists(st.integers(0, 60), min_size=1, max_size=8),
       frames=st.lists(st.integers(0, 20000), min_size=3, max_size=3),
       start=st.sampled_from([2048, 8192]))
def test_recursion(depths, frames, start):
    """Repeated deep recursion with GCs in between (growth, doubling jumps, shrinking)."""
    ft = FuncTable.make(["entry", "rec", "leaf"], frame=frames, nosplit=[0, 0, 1])
    k, f = [], []
    for d in depths:
        k += [S.EV_ENTER] + [S.EV_ENTER] * d + [S.EV_ENTER, S.EV_EXIT] + [S.EV_EXIT] * d + [S.EV_EXIT, S.EV_GC]
        f += [0] + [1] * d + [2, 2] + [1] * d + [0, 0]
    t = Trace.from_columns(ft, {}, kind=k, func=f)
    assert_same(t, stack_start=start, adaptive_stack=False)
    assert_same(t, adaptive_stack=True, block=4)


def test_large_trace_chunked():
    t = synthetic_trace(60_000, seed=7, block_events=20_000)
    a, _ = assert_same(t, chunk=4096)
    assert a.totals()["gc_cycles"] > 10 and a.totals()["morestack"] > 10
    assert_same(t, chunk=1 << 20)          # GCs inside one kernel call
