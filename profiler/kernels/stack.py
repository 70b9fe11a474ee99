"""Goroutine stack kernel: prologue checks, growth by doubling, copy bytes.

`stack_run` consumes ENTER / EXIT / GO_START / GO_END events. Per goroutine the
caller owns `g_size` (stack bytes), `g_used` (hi - SP) and `g_alive`.
"""

from numba import njit

EV_ENTER, EV_EXIT, EV_GO_START, EV_GO_END = 3, 4, 5, 6
S_START_STACK, S_ERRORS, S_ERR_INDEX, S_MORESTACK, S_STACK_COPY = 13, 14, 15, 18, 19
O_MORESTACK, O_STACK_COPY = 5, 6
STACK_SMALL = 128
STACK_GUARD = 928
RET_ADDR = 8
ENTRY_USED = 32
MAX_STACK = 1 << 30

SIG = ("void(u1[::1], i4[::1], i4[::1], i8, i8, i8, i8[::1], i8[::1], u1[::1],"
       " i8[::1], i8[::1], u1[::1], i8[:, ::1])")


@njit(cache=True, nogil=True)
def _error(st, idx):
    if st[S_ERRORS] == 0:
        st[S_ERR_INDEX] = idx
    st[S_ERRORS] += 1


@njit(SIG, cache=True, nogil=True)
def stack_run(kind, func, goroutine, start, end, base, st, frame, nosplit,
              g_size, g_used, g_alive, out):
    start_stack = st[S_START_STACK]
    morestack = 0
    copied = 0
    for i in range(start, end):
        k = kind[i]
        if k == EV_ENTER:
            g = goroutine[i]
            f = func[i]
            if g_alive[g] == 0:               # goroutine already running when the trace began
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
                        _error(st, base + i)   # runtime: "stack overflow"
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
                _error(st, base + i)          # return without a matching call
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
    st[S_MORESTACK] += morestack
    st[S_STACK_COPY] += copied
