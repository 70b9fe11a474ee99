"""Event kernel: allocator and goroutine stacks over blocks of events.

`event_run` consumes ALLOC / FREE / FLUSH / GC and ENTER / EXIT / GO_START / GO_END events,
stopping after the event at which a GC cycle starts so the caller can run `gc.gc_cycle` with the
stacks as they are at that event. The allocator never reads the stacks and the stacks never read
the heap, so each block of up to `scratch.shape[1]` events is handled in passes that each see one
kind of work (tests/profiler/reference.py does it event by event, in one loop):
a branch-free pass lists the allocator events (ALLOC, FLUSH, GC) and the stack events (ENTER,
EXIT, GO_START, GO_END) by index; the allocator pass walks its list up to the first GC start; the
stack pass walks its list up to that event; FREE only lowers live bytes, which nothing reads before
the next GC, so one vectorisable sum handles the frees. On traces whose event kinds come in no
predictable order this removes the mispredicted branch on the event kind (the dominant cost).
Indices are unsigned so numba emits no negative-index wraparound. Self-contained for numba's cache.
"""

import numpy as np
from numba import njit, uint64

EV_ALLOC, EV_FREE, EV_ENTER, EV_EXIT, EV_GO_START, EV_GO_END, EV_GC, EV_FLUSH = 1, 2, 3, 4, 5, 6, 7, 8
F_NOSCAN = 1
S_HEAP_LIVE, S_LIVE_NOW, S_TRIGGER, S_TINY_OFF = 0, 2, 4, 6
S_TOTAL_ALLOC, S_MALLOCS, S_TINY_ALLOCS, S_SLOTS = 8, 9, 10, 11
S_START_STACK, S_ERRORS, S_ERR_INDEX, S_MORESTACK, S_STACK_COPY = 13, 14, 15, 18, 19
O_HEAP_BYTES, O_SLOTS, O_TINY, O_MORESTACK, O_STACK_COPY, O_LARGE = 0, 2, 3, 5, 6, 7
TINY_SIZE = 16
TINY_SPAN_CLASS = 5
TINY_CLASS = 2
MAX_SMALL = 32760
HEADER_MIN = 512
PAGE_SHIFT = 13
STACK_SMALL = 128
STACK_GUARD = 928
RET_ADDR = 8
ENTRY_USED = 32
MAX_STACK = 1 << 30

SIG = ("i8(u1[::1], i4[::1], i8[::1], i4[::1], u1[::1], i8, i8, i8, i8[::1], i8[::1], i8[:, ::1],"
       " i8[::1], i8[::1], i8[::1], i8[::1], i8[::1], i8[::1], u1[::1], i8[::1], i8[::1], u1[::1], i8[:, ::1])")
BLOCK = 4096       # events per block (columns of the caller's `scratch`)


def class_table(to_class8, to_class128):
    """One lookup for every small size: class of ceil(size/8) for size <= 32768 (4097 entries),
    so the kernel needs no `<= 1024` branch (sizes are unpredictable in real traces)."""
    out = np.zeros(32768 // 8 + 1, np.int64)
    for q in range(out.shape[0]):
        s = q * 8
        out[q] = to_class8[q] if s <= 1024 else to_class128[(s - 1024 + 127) >> 7]
    return out


def scratch_lists(block=BLOCK):
    """The caller-owned index lists of `event_run` (allocator events, stack events)."""
    return np.zeros((2, block), np.int64)


def tiny_mask_table():
    """Alignment mask of a tiny object of each size 0..15: 7 if size%8==0, 3 if %4, 1 if %2, else 0."""
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
              frame, nosplit, g_size, g_used, g_alive, scratch):
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
    blk = scratch.shape[1]
    heap_ix = scratch[0]
    stack_ix = scratch[1]
    pos = start
    while pos < end:
        lim = pos + blk if pos + blk < end else end
        # 1. list the allocator and the stack events of the block (no branch on the kind)
        nheap = 0
        nstk = 0
        for i0 in range(pos, lim):
            k = np.int64(kind[uint64(i0)])
            heap_ix[uint64(nheap)] = i0
            stack_ix[uint64(nstk)] = i0
            nheap += (k == EV_ALLOC) | (k >= EV_GC)
            nstk += (k >= EV_ENTER) & (k <= EV_GO_END)
        # 2. allocator, up to the event that starts a GC
        gstop = lim
        for j in range(nheap):
            i0 = heap_ix[uint64(j)]
            i = uint64(i0)
            k = kind[i]
            if k == EV_ALLOC:
                s = size[i]
                if s == 0:
                    continue
                fa = func[i]
                fu = uint64(fa if fa >= 0 else nf)
                ns = flags[i] & F_NOSCAN
                check = False
                if ns != 0 and s < TINY_SIZE:
                    if tiny_off >= 0:
                        tm = tiny_mask[uint64(s)]
                        off = (tiny_off + tm) & ~tm
                        if off + s <= TINY_SIZE:
                            tiny_off = off + s
                            tiny_allocs += 1
                            out[fu, O_TINY] += 1
                            continue
                    slot = TINY_SIZE
                    if span_free[TINY_SPAN_CLASS] == 0:
                        span_free[TINY_SPAN_CLASS] = class_nelems[TINY_CLASS]
                        heap_live += class_npages[TINY_CLASS] * page
                        check = True
                    span_free[TINY_SPAN_CLASS] -= 1
                    if tiny_off < 0 or s < tiny_off:
                        tiny_off = s
                elif s <= MAX_SMALL:
                    hs = s + (s > HEADER_MIN) * (1 - ns) * 8
                    c = uint64(to_class[uint64((hs + 7) >> 3)])
                    slot = class_size[c]
                    sc = c * uint64(2) + uint64(ns)
                    if span_free[sc] == 0:
                        span_free[sc] = class_nelems[c]
                        heap_live += class_npages[c] * page
                        check = True
                    span_free[sc] -= 1
                else:
                    slot = ((s + page - 1) >> PAGE_SHIFT) * page
                    heap_live += slot
                    out[fu, O_LARGE] += 1
                    check = True
                out[fu, O_HEAP_BYTES] += slot
                out[fu, O_SLOTS] += 1
                total_alloc += slot
                slots += 1
                live_now += slot
                if check and heap_live >= trigger:
                    gstop = i0
                    break
            elif k == EV_GC:
                gstop = i0
                break
            else:                                   # EV_FLUSH
                for sc2 in range(span_free.shape[0]):
                    if span_free[sc2] > 0:
                        heap_live -= span_free[sc2] * class_size[sc2 >> 1]
                        span_free[sc2] = 0
                tiny_off = -1
        # 3. stacks, up to that event
        for j in range(nstk):
            i0 = stack_ix[uint64(j)]
            if i0 >= gstop:
                break
            i = uint64(i0)
            k = kind[i]
            g = uint64(goroutine[i])
            if (k == EV_ENTER) | (k == EV_EXIT):
                fe = uint64(func[i])
                e = np.int64(k == EV_ENTER)
                used = g_used[g]
                fs = frame[fe]
                # ENTER and EXIT share this path; growth, an unknown goroutine or a return
                # without its call take the branch below (rarely: it predicts well)
                nu = used + (2 * e - 1) * (fs + RET_ADDR)
                mm = fs - STACK_SMALL if fs > STACK_SMALL else 0
                grow = np.int64(used + RET_ADDR + mm >= g_size[g] - STACK_GUARD) & (1 - np.int64(nosplit[fe]))
                rare = (1 - np.int64(g_alive[g])) | (e & grow) | ((1 - e) & np.int64(nu < ENTRY_USED))
                if rare == 0:
                    g_used[g] = nu
                elif e != 0:
                    if g_alive[g] == 0:
                        g_alive[g] = 1
                        g_size[g] = start_stack
                        g_used[g] = ENTRY_USED
                    u = g_used[g] + RET_ADDR
                    if nosplit[fe] == 0:
                        sz = g_size[g]
                        if u + mm >= sz - STACK_GUARD:
                            new = sz * 2
                            while new - u < fs + STACK_GUARD:
                                new *= 2
                            if new > MAX_STACK:
                                _error(st, base + i0)
                            out[fe, O_MORESTACK] += 1
                            out[fe, O_STACK_COPY] += u
                            morestack += 1
                            copied += u
                            g_size[g] = new
                    g_used[g] = u + fs
                else:
                    u = used - fs - RET_ADDR
                    if g_alive[g] == 0 or u < ENTRY_USED:
                        _error(st, base + i0)
                        u = ENTRY_USED
                    g_used[g] = u
            elif k == EV_GO_START:
                if g_alive[g] != 0:
                    _error(st, base + i0)
                g_alive[g] = 1
                g_size[g] = start_stack
                g_used[g] = ENTRY_USED
            else:                                   # EV_GO_END
                if g_alive[g] == 0:
                    _error(st, base + i0)
                g_alive[g] = 0
                g_used[g] = 0
        # 4. frees, up to that event
        freed = 0
        for i0 in range(pos, gstop):
            i = uint64(i0)
            freed += size[i] * (kind[i] == EV_FREE)
        live_now -= freed
        if gstop < lim:
            stop = gstop
            break
        pos = lim
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
