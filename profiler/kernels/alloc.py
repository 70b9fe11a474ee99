"""Allocator kernel: size classes, tiny blocks, mcache span refills, large pages.

`alloc_run` consumes ALLOC / FREE / FLUSH / GC events of one chunk and stops at the
first event after which a GC cycle starts (heapLive >= trigger, or runtime.GC()),
returning its index so the caller can run the GC kernel; it returns `end` otherwise.
"""

from numba import njit

# Local copies of schema constants (see kernels/__init__.py on caching).
EV_ALLOC, EV_FREE, EV_GC, EV_FLUSH = 1, 2, 7, 8
F_NOSCAN = 1
S_HEAP_LIVE, S_LIVE_NOW, S_TRIGGER, S_TINY_OFF = 0, 2, 4, 6
S_TOTAL_ALLOC, S_MALLOCS, S_TINY_ALLOCS, S_SLOTS = 8, 9, 10, 11
O_HEAP_BYTES, O_SLOTS, O_TINY, O_LARGE = 0, 2, 3, 7   # O_OBJECTS = slots + tiny, filled by replay
TINY_SIZE = 16
TINY_SPAN_CLASS = 5          # class 2, noscan
MAX_SMALL = 32760            # maxSmallSize - mallocHeaderSize
HEADER_MIN = 512             # pointerful objects larger than this get an 8-byte header
PAGE_SHIFT = 13

SIG = ("i8(u1[::1], i4[::1], i8[::1], u1[::1], i8, i8, i8[::1], i8[::1], i8[:, ::1],"
       " i8[::1], i8[::1], i8[::1], i8[::1], i8[::1])")


@njit(SIG, cache=True, nogil=True)
def alloc_run(kind, func, size, flags, start, end, st, span_free, out,
              class_size, class_nelems, class_npages, to_class8, to_class128):
    nf = out.shape[0] - 1
    page = 1 << PAGE_SHIFT
    # Hot state in locals (st may alias nothing, but numba cannot know); written back on exit.
    heap_live = st[S_HEAP_LIVE]
    live_now = st[S_LIVE_NOW]
    trigger = st[S_TRIGGER]
    tiny_off = st[S_TINY_OFF]
    total_alloc = st[S_TOTAL_ALLOC]
    tiny_allocs = st[S_TINY_ALLOCS]
    slots = st[S_SLOTS]
    stop = end
    for i in range(start, end):
        k = kind[i]
        if k == EV_ALLOC:
            s = size[i]
            if s == 0:
                continue                      # &zerobase: counted nowhere
            f = func[i]
            if f < 0:
                f = nf
            noscan = (flags[i] & F_NOSCAN) != 0
            check = False
            if noscan and s < TINY_SIZE:
                if tiny_off >= 0:
                    off = tiny_off
                    if s & 7 == 0:
                        off = (off + 7) & ~7
                    elif s & 3 == 0:
                        off = (off + 3) & ~3
                    elif s & 1 == 0:
                        off = (off + 1) & ~1
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
                if not noscan and s > HEADER_MIN:
                    s += 8
                if s <= 1016:
                    c = to_class8[(s + 7) >> 3]
                else:
                    c = to_class128[(s - 1024 + 127) >> 7]
                slot = class_size[c]
                sc = c * 2 + (1 if noscan else 0)
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
        elif k == EV_FREE:
            live_now -= size[i]
        elif k == EV_GC:
            stop = i
            break
        elif k == EV_FLUSH:
            # mcache.releaseAll: undo the unallocated slots refill counted, drop the tiny block.
            for sc in range(span_free.shape[0]):
                if span_free[sc] > 0:
                    heap_live -= span_free[sc] * class_size[sc >> 1]
                    span_free[sc] = 0
            tiny_off = -1
    st[S_HEAP_LIVE] = heap_live
    st[S_LIVE_NOW] = live_now
    st[S_TINY_OFF] = tiny_off
    st[S_TOTAL_ALLOC] = total_alloc
    st[S_MALLOCS] = slots + tiny_allocs      # every mallocgc with size > 0 is one or the other
    st[S_TINY_ALLOCS] = tiny_allocs
    st[S_SLOTS] = slots
    return stop
