"""Edge cases with the figures measured in go-runtime-notes.md (A, B, C)."""

import pytest

from goperf.profiler import schema as S
from goperf.profiler.replay import ReplayConfig, replay
from goperf.profiler.trace import FuncTable, Trace
from compare import assert_same

ONE = FuncTable.make(["main.f"])


def allocs(sizes, noscan=True, n=1, **cfg):
    k = [S.EV_ALLOC] * (len(sizes) * n)
    t = Trace.from_columns(ONE, {}, kind=k, func=[0] * len(k), size=list(sizes) * n,
                           flags=[S.F_NOSCAN if noscan else 0] * len(k))
    res, _ = assert_same(t, gogc=-1, **cfg)
    return res.totals()


# request -> bytes charged per op, noscan, averaged over 48 ops (notes A).
NOSCAN = {1: 1.0, 7: 8.0, 8: 8.0, 9: 16, 15: 16, 16: 16, 17: 24, 100: 112, 512: 512, 513: 576,
          1024: 1024, 8192: 8192, 8193: 9472, 32760: 32768, 32761: 32768, 32769: 40960,
          40000: 40960, 65536: 65536, 65537: 73728, 5: 16 / 3, 12: 16}


@pytest.mark.parametrize("size,per_op", sorted(NOSCAN.items()))
def test_noscan_bytes_per_op(size, per_op):
    n = 48
    t = allocs([size], n=n)
    assert t["heap_bytes"] / n == pytest.approx(per_op, rel=0.07)
    assert t["objects"] == n


@pytest.mark.parametrize("size,charged", [(8, 8), (512, 512), (520, 576), (1024, 1152),
                                          (32760, 32768), (32761, 32768), (4096, 4864)])
def test_pointerful_header(size, charged):
    t = allocs([size], noscan=False)
    assert t["heap_bytes"] == charged and t["slots"] == 1 and t["tiny_allocs"] == 0


def test_tiny_15_16():
    assert allocs([15, 1]) == allocs([15, 1]) and allocs([15, 1])["tiny_allocs"] == 1
    t = allocs([16], n=4)
    assert t["tiny_allocs"] == 0 and t["heap_bytes"] == 64


def test_work10_benchmem():
    """Work(10): predicted and printed by -benchmem as 48016 B/op, 32 allocs/op."""
    k, s, fl = [], [], []
    for _ in range(10):
        k += [S.EV_ALLOC] * 3
        s += [8, 100, 48]
        fl += [S.F_NOSCAN, S.F_NOSCAN, 0]
    k += [S.EV_ALLOC] * 2
    s += [40000, 5000]
    fl += [S.F_NOSCAN, S.F_NOSCAN]
    t = Trace.from_columns(ONE, {}, kind=k, func=[0] * len(k), size=s, flags=fl)
    tot = replay(t).totals()
    assert (tot["heap_bytes"], tot["objects"]) == (48016, 32)


def test_pacer_oracle_numbers():
    """marked=4304696 S=14104 Gl=159498 -> goal 8782994, P = trigger - marked = 4268353."""
    cfg = dict(init_marked=4304696, stack_scan_base=14104, globals_bytes=159498)
    t = Trace.from_columns(ONE, {}, kind=[S.EV_GC], func=[0])
    res = replay(t, ReplayConfig(**cfg))
    assert res.totals()["heap_goal"] == 8782994
    from goperf.profiler.replay import ReplayState
    st = ReplayState.new(ReplayConfig.vector(ReplayConfig(**cfg).resolve({})), 1, 1).st
    assert st[S.S_GOAL] == 8782994 and st[S.S_TRIGGER] - 4304696 == 4268353


@pytest.mark.parametrize("mb,expect", [(53, 12), (159, 37), (530, 123)])
def test_stw_gc_count_oracle(mb, expect):
    """40-KB garbage objects over a 4.3 MB live heap: measured NumGC 12/37/123 (STW)."""
    n = mb * 10**6 // 40960
    k = [S.EV_ALLOC, S.EV_FREE] * n
    s = [40000, 40960] * n
    t = Trace.from_columns(ONE, {}, kind=k, func=[0] * len(k), size=s, flags=[1] * len(k))
    res, _ = assert_same(t, init_marked=4304696, stack_scan_base=14104, globals_bytes=159498)
    assert abs(res.totals()["gc_cycles"] - expect) <= 1


def test_memlimit_lowers_goal():
    t = Trace.from_columns(ONE, {}, kind=[S.EV_GC], func=[0])
    res, _ = assert_same(t, init_marked=8 << 20, memlimit=16 << 20, nonheap_bytes=4 << 20)
    g = res.totals()["heap_goal"]
    assert 8 << 20 <= g < 16 << 20
    res, _ = assert_same(t, init_marked=8 << 20, memlimit=4 << 20)
    assert res.totals()["heap_goal"] == 8 << 20          # never below marked


def stack_trace(frames, calls):
    ft = FuncTable.make([f"f{i}" for i in range(len(frames))], frame=frames)
    k = [S.EV_GO_START] + [S.EV_ENTER] * len(calls)
    return Trace.from_columns(ft, {}, kind=k, func=[0] + calls, goroutine=[0] * len(k))


@pytest.mark.parametrize("L,grows", [(1168, 0), (1176, 1)])
def test_prologue_boundary(L, grows):
    res, _ = assert_same(stack_trace([24, L], [0, 1]), adaptive_stack=False)
    assert res.totals()["morestack"] == grows


@pytest.mark.parametrize("depth,growths", [(0, 0), (1, 1), (2, 1), (3, 2), (7, 2), (8, 3),
                                           (17, 3), (18, 4), (100, 6)])
def test_recursion_growths(depth, growths):
    res, _ = assert_same(stack_trace([48, 824], [0] + [1] * (depth + 1)), adaptive_stack=False)
    assert res.totals()["morestack"] == growths
    assert int(res.out[1, S.O_MORESTACK]) == growths


def test_one_copy_can_jump_two_sizes():
    res, _ = assert_same(stack_trace([5120], [0]), adaptive_stack=False)
    assert res.totals()["morestack"] == 1 and res.totals()["stack_copy_bytes"] == 40


def test_shrink_at_gc_and_regrow():
    ft = FuncTable.make(["entry", "big"], frame=[48, 30000])
    k = [S.EV_GO_START] + [S.EV_ENTER, S.EV_ENTER, S.EV_EXIT, S.EV_GC] * 3
    f = [0] + [0, 1, 1, 0] * 3
    res, _ = assert_same(Trace.from_columns(ft, {}, kind=k, func=f), adaptive_stack=False)
    tot = res.totals()
    assert tot["morestack"] == 3 and tot["stack_shrinks"] >= 3
