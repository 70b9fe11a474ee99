"""One-pass chunk validation (the numpy version in trace.check_chunk makes ~10 passes)."""

from numba import njit

MAX_KIND = 8
EV_ENTER, EV_EXIT = 3, 4


@njit("i8(u1[::1], i4[::1], i8[::1], i4[::1], i8, i8)", cache=True, nogil=True)
def first_bad(kind, func, size, goroutine, n_funcs, n_gor):
    """Index of the first event breaking a column invariant, or -1."""
    for i in range(kind.shape[0]):
        k = kind[i]
        f = func[i]
        g = goroutine[i]
        if (k < 1 or k > MAX_KIND or f < -1 or f >= n_funcs or g < 0 or g >= n_gor
                or size[i] < 0 or ((k == EV_ENTER or k == EV_EXIT) and f < 0)):
            return i
    return -1
