"""Fused event kernel: allocator and goroutine stacks in one pass over the events.

`event_run` consumes ALLOC / FREE / FLUSH / GC and ENTER / EXIT / GO_START / GO_END events
(the allocator never reads the stacks and the stacks never read the heap, so one pass in
order equals an allocator pass followed by a stack pass, which is how it was first written
and what tests/profiler/reference.py still does), stopping after the event at which a GC cycle
starts so the caller can run `gc.gc_cycle` with the stacks as they are at that event.
One pass instead of two halves the unpredictable branch on the event kind, which is
what bounds replay speed on realistic traces. Self-contained for numba's cache.
"""

from numba import njit

EV_ALLOC, EV_FREE, EV_ENTER, EV_EXIT, EV_GO_START, EV_GO_END, EV_GC, EV_FLUSH = 1, 2, 3, 4, 5, 6, 7, 8
F_NOSCAN = 1
S_HEAP_LIVE, S_LIVE_NOW, S_TRIGGER, S_TINY_OFF = 0, 2, 4, 6
S_TOTAL_ALLOC, S_MALLOCS, S_TINY_ALLOCS, S_SLOTS = 8, 9, 10, 11
S_START_STACK, S_ERRORS, S_ERR_INDEX, S_MORESTACK, S_STACK_COPY = 13, 14, 15, 18, 19
O_HEAP_BYTES, O_SLOTS, O_TINY, O_MORESTACK, O_STACK_COPY, O_LARGE = 0, 2, 3, 5, 6, 7
TINY_SIZE = 16
TINY_SPAN_CLASS = 5
MAX_SMALL = 32760
HEADER_MIN = 512
PAGE_SHIFT = 13
STACK_SMALL = 128
STACK_GUARD = 928
RET_ADDR = 8
ENTRY_USED = 32
MAX_STACK = 1 << 30

SIG = ("i8(u1[::1], i4[::1], i8[::1], i4[::1], u1[::1], i8, i8, i8, i8[::1], i8[::1], i8[:, ::1],"
       " i8[::1], i8[::1], i8[::1], i8[::1], i8[::1], i8[::1], u1[::1], i8[::1], i8[::1], u1[::1])")


def class_table(to_class8, to_class128):
    """One lookup for every small size: class of ceil(size/8) for size <= 32768 (4097 entries),
    so the kernel needs no `<= 1024` branch (sizes are unpredictable in real traces)."""
    import numpy as np
    out = np.zeros(32768 // 8 + 1, np.int64)
    for q in range(out.shape[0]):
        s = q * 8
        out[q] = to_class8[q] if s <= 1024 else to_class128[(s - 1024 + 127) >> 7]
    return out


def tiny_mask_table():
    """Alignment mask of a tiny object of each size 0..15: 7 if size%8==0, 3 if %4, 1 if %2, else 0."""
    import numpy as np
    return np.array([7 if s % 8 == 0 else 3 if s % 4 == 0 else 1 if s % 2 == 0 else 0 for s in range(16)],
                    np.int64)


@njit(cache=True, nogil=True)
def _error(st, idx):
    if st[S_ERRORS] == 0:
        st[S_ERR_INDEX] = idx
    st[S_ERRORS] += 1


@njit(SIG, cache=True, nogil=True)
def event_run(kind, func, size, goroutine, flags, start, end, base, st, span_free, out,
              class_size, class_nelems, class_npages, to_class, tiny_mask,
              frame, nosplit, g_size, g_used, g_alive):
    """Consume events [start, end); return the index of the event that starts a GC, else `end`."""
    nf = out.shape[0] - 1
    page = 1 << PAGE_SHIFT
    heap_live = st[S_HEAP_LIVE]
    live_now = st[S_LIVE_NOW]
    trigger = st[S_TRIGGER]
    tiny_off = st[S_TINY_OFF]
    total_alloc = st[S_TOTAL_ALLOC]
    tiny_allocs = st[S_TINY_ALLOCS]
    slots = st[S_SLOTS]
    start_stack = st[S_START_STACK]
    morestack = 0
    copied = 0
    stop = end
    for i in range(start, end):
        k = kind[i]
        if k == EV_ALLOC:
            s = size[i]
            if s == 0:
                continue
            f = func[i]
            if f < 0:
                f = nf
            ns = flags[i] & F_NOSCAN
            check = False
            if ns != 0 and s < TINY_SIZE:
                if tiny_off >= 0:
                    m = tiny_mask[s]
                    off = (tiny_off + m) & ~m
                    if off + s <= TINY_SIZE:
                        tiny_off = off + s
                        tiny_allocs += 1
                        out[f, O_TINY] += 1
                        continue
                slot = TINY_SIZE
                if span_free[TINY_SPAN_CLASS] == 0:
                    span_free[TINY_SPAN_CLASS] = class_nelems[2]
                    heap_live += class_npages[2] * page
                    check = True
                span_free[TINY_SPAN_CLASS] -= 1
                if tiny_off < 0 or s < tiny_off:
                    tiny_off = s
            elif s <= MAX_SMALL:
                s += (s > HEADER_MIN) * (1 - ns) * 8
                c = to_class[(s + 7) >> 3]
                slot = class_size[c]
                sc = c * 2 + ns
                if span_free[sc] == 0:
                    span_free[sc] = class_nelems[c]
                    heap_live += class_npages[c] * page
                    check = True
                span_free[sc] -= 1
            else:
                slot = ((s + page - 1) >> PAGE_SHIFT) * page
                heap_live += slot
                out[f, O_LARGE] += 1
                check = True
            out[f, O_HEAP_BYTES] += slot
            out[f, O_SLOTS] += 1
            total_alloc += slot
            slots += 1
            live_now += slot
            if check and heap_live >= trigger:
                stop = i
                break
        elif k == EV_FREE:                    # second most frequent kind: test it second
            live_now -= size[i]
        elif k == EV_ENTER:
            g = goroutine[i]
            f = func[i]
            if g_alive[g] == 0:
                g_alive[g] = 1
                g_size[g] = start_stack
                g_used[g] = ENTRY_USED
            u = g_used[g] + RET_ADDR
            fs = frame[f]
            if nosplit[f] == 0:
                m = fs - STACK_SMALL if fs > STACK_SMALL else 0
                sz = g_size[g]
                if u + m >= sz - STACK_GUARD:
                    new = sz * 2
                    while new - u < fs + STACK_GUARD:
                        new *= 2
                    if new > MAX_STACK:
                        _error(st, base + i)
                    out[f, O_MORESTACK] += 1
                    out[f, O_STACK_COPY] += u
                    morestack += 1
                    copied += u
                    g_size[g] = new
            g_used[g] = u + fs
        elif k == EV_EXIT:
            g = goroutine[i]
            u = g_used[g] - frame[func[i]] - RET_ADDR
            if g_alive[g] == 0 or u < ENTRY_USED:
                _error(st, base + i)
                u = ENTRY_USED
            g_used[g] = u
        elif k == EV_GO_START:
            g = goroutine[i]
            if g_alive[g] != 0:
                _error(st, base + i)
            g_alive[g] = 1
            g_size[g] = start_stack
            g_used[g] = ENTRY_USED
        elif k == EV_GO_END:
            g = goroutine[i]
            if g_alive[g] == 0:
                _error(st, base + i)
            g_alive[g] = 0
            g_used[g] = 0
        elif k == EV_GC:
            stop = i
            break
        elif k == EV_FLUSH:
            for sc in range(span_free.shape[0]):
                if span_free[sc] > 0:
                    heap_live -= span_free[sc] * class_size[sc >> 1]
                    span_free[sc] = 0
            tiny_off = -1
    st[S_HEAP_LIVE] = heap_live
    st[S_LIVE_NOW] = live_now
    st[S_TINY_OFF] = tiny_off
    st[S_TOTAL_ALLOC] = total_alloc
    st[S_MALLOCS] = slots + tiny_allocs
    st[S_TINY_ALLOCS] = tiny_allocs
    st[S_SLOTS] = slots
    st[S_MORESTACK] += morestack
    st[S_STACK_COPY] += copied
    return stop
