"""GC kernel: one stop-the-world cycle (marked = live), stack scan/shrink, pacer commit.

Follows mgcpacer.go (commit, heapGoalInternal, memoryLimitHeapGoal, trigger) with the
runway taken as zero, i.e. trigger = the maximum trigger, which is where the runtime's
trigger sits under GODEBUG=gcstoptheworld=1 (go-runtime-notes.md B).
"""

from numba import njit

CFG_GOGC, CFG_MEMLIMIT, CFG_GLOBALS, CFG_STACK_BASE, CFG_NONHEAP = 0, 1, 2, 3, 4
CFG_ADAPTIVE, CFG_SWEEP_DIST = 5, 8
S_HEAP_LIVE, S_MARKED, S_LIVE_NOW, S_GOAL, S_TRIGGER, S_TRIGGERED = 0, 1, 2, 3, 4, 5
S_TINY_OFF, S_NUM_GC, S_LAST_STACK_SCAN, S_START_STACK = 6, 7, 12, 13
S_SHRINKS, S_SHRINK_BYTES = 16, 17
O_GC_CYCLES = 4
INF = 1 << 62
NOT_TRIGGERED = -INF  # schema.NOT_TRIGGERED
HEAP_MINIMUM = 4 << 20
MIN_RUNWAY = 64 << 10
SWEEP_MIN_DIST = 1 << 20
LIMIT_MIN_HEADROOM = 1 << 20
LIMIT_HEADROOM_PCT = 3
FIXED_STACK = 2048
STACK_GUARD = 928
STACK_NOSPLIT = 800
MAX_STACK = 1 << 30


@njit("void(i8[::1], i8[::1])", cache=True, nogil=True)
def commit(st, cfg):
    """Heap goal and trigger for the next cycle from st[S_MARKED] and the last stack scan."""
    marked = st[S_MARKED]
    gogc = cfg[CFG_GOGC]
    g1 = INF
    if gogc >= 0:
        g1 = marked + (marked + st[S_LAST_STACK_SCAN] + cfg[CFG_GLOBALS]) * gogc // 100
        hmin = HEAP_MINIMUM * gogc // 100
        if g1 < hmin:
            g1 = hmin
    glim = INF
    lim = cfg[CFG_MEMLIMIT]
    if lim >= 0:
        nonheap = cfg[CFG_NONHEAP]
        if nonheap >= lim:
            glim = marked
        else:
            gl = lim - nonheap
            head = gl // 100 * LIMIT_HEADROOM_PCT
            if head < LIMIT_MIN_HEADROOM:
                head = LIMIT_MIN_HEADROOM
            if gl < head or gl - head < head:
                gl = head
            else:
                gl -= head
            if gl < marked:
                gl = marked
            glim = gl
    min_trigger = 0
    if glim < g1:
        goal = glim
    else:
        goal = g1
        if cfg[CFG_SWEEP_DIST] != 0:
            sd = st[S_HEAP_LIVE] + SWEEP_MIN_DIST
            if sd > goal:
                goal = sd
            min_trigger = sd
        if st[S_TRIGGERED] != NOT_TRIGGERED and goal < st[S_TRIGGERED] + MIN_RUNWAY:
            goal = st[S_TRIGGERED] + MIN_RUNWAY
    if goal >= INF:
        trigger = INF
    elif marked >= goal:
        trigger = goal
    else:
        lo = min_trigger if min_trigger > marked else marked
        lb = (goal - marked) // 64 * 45 + marked
        if lo < lb:
            lo = lb
        hi = (goal - marked) // 64 * 61 + marked
        if goal > HEAP_MINIMUM and goal - HEAP_MINIMUM > hi:
            hi = goal - HEAP_MINIMUM
        if hi < lo:
            hi = lo
        trigger = hi
    st[S_GOAL] = goal
    st[S_TRIGGER] = trigger


@njit("void(i8[::1], i8[::1], i8[::1], i8[::1], i8[::1], u1[::1], i8[:, ::1], i8)",
      cache=True, nogil=True)
def gc_cycle(st, cfg, span_free, g_size, g_used, g_alive, out, f):
    """Run one cycle started by function row `f` (after its allocation was counted)."""
    st[S_NUM_GC] += 1
    out[f, O_GC_CYCLES] += 1
    st[S_TRIGGERED] = st[S_HEAP_LIVE]
    marked = st[S_LIVE_NOW]
    st[S_MARKED] = marked
    st[S_HEAP_LIVE] = marked
    for sc in range(span_free.shape[0]):
        span_free[sc] = 0
    st[S_TINY_OFF] = -1
    scan = 0
    n = 0
    for g in range(g_alive.shape[0]):
        if g_alive[g] != 0:
            u = g_used[g]
            scan += u
            n += 1
            sz = g_size[g]
            if u + STACK_NOSPLIT < sz // 4 and sz // 2 >= FIXED_STACK:
                g_size[g] = sz // 2
                st[S_SHRINKS] += 1
                st[S_SHRINK_BYTES] += u
    st[S_LAST_STACK_SCAN] = scan + cfg[CFG_STACK_BASE]
    if cfg[CFG_ADAPTIVE] != 0:
        if n == 0:
            st[S_START_STACK] = FIXED_STACK
        else:
            avg = scan // n + STACK_GUARD
            if avg > MAX_STACK:
                avg = MAX_STACK
            p = FIXED_STACK
            while p < avg:
                p *= 2
            st[S_START_STACK] = p
    commit(st, cfg)
