"""numba kernels of the execution-trace reader: bytes in, columns out.

Every kernel takes the whole trace as a `u1[::1]` array plus offsets, checks every
index it reads or writes itself (numba does no bounds checks), and reports problems
as an error code and a byte offset; `reader.py` turns those into `ExecTraceError`s.
Lookup tables (argument counts, id positions) come in as arguments, never globals.
"""

import numpy as np
from numba import njit

# Error codes (reader.ERRORS words them).
E_OK = 0
E_VARINT = 1          # varint runs past its region or over 64 bits
E_EVENT_TYPE = 2      # byte that is no timed event type
E_BATCH_TYPE = 3      # expected a batch header byte
E_BATCH_SIZE = 4      # batch size over the maximum
E_TRUNCATED = 5       # batch data past the end of the file
E_TABLE_EVENT = 6     # wrong event type inside a string/stack/type table
E_LENGTH = 7          # string or stack longer than the format allows
E_CAPACITY = 8        # more entries than the output can hold (internal)

EV_EVENT_BATCH = 1
EV_EXPERIMENTAL_BATCH = 49
EV_END_OF_GENERATION = 52
EV_STACKS, EV_STACK, EV_STRINGS, EV_STRING = 2, 3, 4, 5

U7 = np.uint64(0x7F)


@njit(cache=True, nogil=True, inline="always")
def uvarint(buf, p, end):
    """(value, next position); next position -1 on a bad or truncated varint."""
    x = np.uint64(0)
    s = np.uint64(0)
    while p < end:
        b = np.uint64(buf[p])
        p += 1
        if b < 0x80:
            if s == 63 and b > 1:
                return np.uint64(0), -1
            return x | (b << s), p
        x |= (b & U7) << s
        s += np.uint64(7)
        if s > 63:
            return np.uint64(0), -1
    return np.uint64(0), -1


@njit(cache=True, nogil=True)
def scan_batches(buf, start, max_size, cap, b_kind, b_exp, b_gen, b_m, b_ts, b_off, b_len):
    """Walk the batch headers from `start`. Stores up to `cap` batches; returns
    (number of batches, error code, error offset). b_kind is the batch header byte."""
    n = 0
    p = start
    end = buf.shape[0]
    while p < end:
        at = p
        t = buf[p]
        p += 1
        exp = 0
        gen = np.uint64(0)
        m = np.uint64(0)
        ts = np.uint64(0)
        size = np.uint64(0)
        if t == EV_END_OF_GENERATION:
            pass
        elif t == EV_EVENT_BATCH or t == EV_EXPERIMENTAL_BATCH:
            if t == EV_EXPERIMENTAL_BATCH:
                if p >= end:
                    return n, E_TRUNCATED, at
                exp = buf[p]
                p += 1
            gen, p = uvarint(buf, p, end)
            if p < 0:
                return n, E_VARINT, at
            m, p = uvarint(buf, p, end)
            if p < 0:
                return n, E_VARINT, at
            ts, p = uvarint(buf, p, end)
            if p < 0:
                return n, E_VARINT, at
            size, p = uvarint(buf, p, end)
            if p < 0:
                return n, E_VARINT, at
            if size > max_size:
                return n, E_BATCH_SIZE, at
            if p + np.int64(size) > end:
                return n, E_TRUNCATED, at
        else:
            return n, E_BATCH_TYPE, at
        if n < cap:
            b_kind[n] = t
            b_exp[n] = exp
            b_gen[n] = np.int64(gen)
            b_m[n] = np.int64(m)
            b_ts[n] = np.int64(ts)
            b_off[n] = p
            b_len[n] = np.int64(size)
        n += 1
        p += np.int64(size)
    return n, E_OK, p


@njit(cache=True, nogil=True)
def decode_events(buf, order, k0, b_off, b_len, b_ts, b_fr, nargs, n0,
                  out_typ, out_ts, out_bi, out_args):
    """Decode the timed events of batches order[k0:], appending at row n0.

    Stops before a batch that might not fit (an event takes at least 2 bytes).
    Returns (next k, rows written in total, error code, error offset).
    Timestamps follow Go's reader: ns = int(ticks * fr) per delta, summed from the
    batch's base time.
    """
    cap = out_typ.shape[0]
    n = n0
    for k in range(k0, order.shape[0]):
        b = order[k]
        p = b_off[b]
        end = p + b_len[b]
        if n + b_len[b] // 2 + 1 > cap:
            return k, n, E_OK, 0
        fr = b_fr[b]
        last = np.int64(np.float64(b_ts[b]) * fr)
        while p < end:
            at = p
            t = buf[p]
            na = nargs[t]
            if na == 255:
                return k, n, E_EVENT_TYPE, at
            p += 1
            if p < end and buf[p] < 0x80:          # one-byte varints: the common case
                dt = np.uint64(buf[p])
                p += 1
            else:
                dt, p = uvarint(buf, p, end)
                if p < 0:
                    return k, n, E_VARINT, at
            last = np.int64(np.float64(dt) * fr) + last
            for j in range(na):
                if p < end and buf[p] < 0x80:
                    out_args[n, j] = np.uint64(buf[p])
                    p += 1
                else:
                    v, p = uvarint(buf, p, end)
                    if p < 0:
                        return k, n, E_VARINT, at
                    out_args[n, j] = v
            for j in range(na, 4):
                out_args[n, j] = 0
            out_typ[n] = t
            out_ts[n] = last
            out_bi[n] = b
            n += 1
    return order.shape[0], n, E_OK, 0


@njit(cache=True, nogil=True)
def _find(sorted_ids, x):
    i = np.searchsorted(sorted_ids, x)
    if i < sorted_ids.shape[0] and sorted_ids[i] == x:
        return i
    return -1


@njit(cache=True, nogil=True)
def contexts(typ, args, bi, b_mi, b_gi, m_ids, stack_pos, stk_lut, stk_base, stk_len,
             out_g, out_p, out_stack):
    """Goroutine and P of each event (the M's state before the event, as Go's reader
    reports it) and the global row of its own stack.

    Events must come grouped by generation, then by M, each M's batches in order; the
    per-M state carries across generations. State changes follow the scheduler events:
    GoStart/GoSwitch/GoStatus(running, or syscall on this M)/GoCreateSyscall bind a G,
    GoStop/GoBlock/GoDestroy/GoSyscallEndBlocked/GoDestroySyscall unbind it;
    ProcStart/ProcStatus(running|syscall) bind a P, ProcStop and self-steals unbind it.
    """
    nm = m_ids.shape[0]
    cur_g = np.full(nm, -1, np.int64)
    cur_p = np.full(nm, -1, np.int64)
    for i in range(typ.shape[0]):
        t = typ[i]
        b = bi[i]
        mi = b_mi[b]
        g = cur_g[mi]
        pp = cur_p[mi]
        out_g[i] = g
        out_p[i] = pp
        if t == 16 or t == 45 or t == 46:            # GoStart, GoSwitch, GoSwitchDestroy
            g = np.int64(args[i, 0])
        elif t == 17 or t == 19 or t == 20 or t == 24 or t == 18:
            g = -1                                     # GoDestroy, GoStop, GoBlock, …EndBlocked, DestroySyscall
        elif t == 15:                                  # GoCreateSyscall
            g = np.int64(args[i, 0])
        elif t == 25 or t == 48:                       # GoStatus(Stack)
            st = args[i, 2]
            if st == 2:
                g = np.int64(args[i, 0])
            elif st == 3:
                om = _find(m_ids, np.int64(args[i, 1]))
                if om == mi:
                    g = np.int64(args[i, 0])
                elif om >= 0 and cur_g[om] == -1:
                    cur_g[om] = np.int64(args[i, 0])
        elif t == 10:                                  # ProcStart
            pp = np.int64(args[i, 0])
        elif t == 11:                                  # ProcStop
            pp = -1
        elif t == 13:                                  # ProcStatus
            st = args[i, 1]
            if st == 1 or st == 3:
                pp = np.int64(args[i, 0])
        elif t == 12:                                  # ProcSteal
            om = _find(m_ids, np.int64(args[i, 2]))
            if om == mi:
                pp = -1
            elif om >= 0 and cur_p[om] == np.int64(args[i, 0]):
                cur_p[om] = -1
        cur_g[mi] = g
        cur_p[mi] = pp
        s = -1
        k = stack_pos[t, 0]
        if k >= 0:
            sid = args[i, k]
            gi = b_gi[b]
            if sid != 0 and sid < np.uint64(stk_len[gi]):
                s = stk_lut[stk_base[gi] + np.int64(sid)]
        out_stack[i] = s


@njit(cache=True, nogil=True)
def parse_strings(buf, off, length, ids, soff, slen, max_len):
    """A strings batch: EvStrings, then {EvString, id, len, bytes}... Returns (n, err, at)."""
    p = off
    end = off + length
    if p >= end or buf[p] != EV_STRINGS:
        return 0, E_TABLE_EVENT, p
    p += 1
    n = 0
    while p < end:
        at = p
        if buf[p] != EV_STRING:
            return n, E_TABLE_EVENT, at
        p += 1
        sid, p = uvarint(buf, p, end)
        if p < 0:
            return n, E_VARINT, at
        ln, p = uvarint(buf, p, end)
        if p < 0:
            return n, E_VARINT, at
        if ln > max_len:
            return n, E_LENGTH, at
        if p + np.int64(ln) > end:
            return n, E_TRUNCATED, at
        if n >= ids.shape[0]:
            return n, E_CAPACITY, at
        ids[n] = np.int64(sid)
        soff[n] = p
        slen[n] = np.int64(ln)
        n += 1
        p += np.int64(ln)
    return n, E_OK, p


@njit(cache=True, nogil=True)
def parse_stacks(buf, off, length, max_frames, ids, fstart, flen, pc, fn, fl, line):
    """A stacks batch: EvStacks, then {EvStack, id, n, n × (pc, func, file, line)}...
    Returns (stacks, frames, err, at)."""
    p = off
    end = off + length
    if p >= end or buf[p] != EV_STACKS:
        return 0, 0, E_TABLE_EVENT, p
    p += 1
    n = 0
    nf = 0
    while p < end:
        at = p
        if buf[p] != EV_STACK:
            return n, nf, E_TABLE_EVENT, at
        p += 1
        sid, p = uvarint(buf, p, end)
        if p < 0:
            return n, nf, E_VARINT, at
        cnt, p = uvarint(buf, p, end)
        if p < 0:
            return n, nf, E_VARINT, at
        if cnt > max_frames:
            return n, nf, E_LENGTH, at
        if n >= ids.shape[0] or nf + np.int64(cnt) > pc.shape[0]:
            return n, nf, E_CAPACITY, at
        ids[n] = np.int64(sid)
        fstart[n] = nf
        flen[n] = np.int64(cnt)
        for _ in range(np.int64(cnt)):
            v, p = uvarint(buf, p, end)
            if p < 0:
                return n, nf, E_VARINT, at
            pc[nf] = v
            v, p = uvarint(buf, p, end)
            if p < 0:
                return n, nf, E_VARINT, at
            fn[nf] = np.int64(v)
            v, p = uvarint(buf, p, end)
            if p < 0:
                return n, nf, E_VARINT, at
            fl[nf] = np.int64(v)
            v, p = uvarint(buf, p, end)
            if p < 0:
                return n, nf, E_VARINT, at
            line[nf] = np.int64(v)
            nf += 1
        n += 1
    return n, nf, E_OK, p


@njit(cache=True, nogil=True)
def parse_types(buf, off, length, ids, addr, size, ptrspan, noff, nlen, max_len):
    """An AllocFree types batch: 0, then {id, address, size, ptrspan, namelen, name}...
    Returns (n, err, at)."""
    p = off + 1
    end = off + length
    n = 0
    while p < end:
        at = p
        v0, p = uvarint(buf, p, end)
        if p < 0:
            return n, E_VARINT, at
        v1, p = uvarint(buf, p, end)
        if p < 0:
            return n, E_VARINT, at
        v2, p = uvarint(buf, p, end)
        if p < 0:
            return n, E_VARINT, at
        v3, p = uvarint(buf, p, end)
        if p < 0:
            return n, E_VARINT, at
        ln, p = uvarint(buf, p, end)
        if p < 0:
            return n, E_VARINT, at
        if ln > max_len:
            return n, E_LENGTH, at
        if p + np.int64(ln) > end:
            return n, E_TRUNCATED, at
        if n >= ids.shape[0]:
            return n, E_CAPACITY, at
        ids[n] = np.int64(v0)
        addr[n] = v1
        size[n] = np.int64(v2)
        ptrspan[n] = np.int64(v3)
        noff[n] = p
        nlen[n] = np.int64(ln)
        n += 1
        p += np.int64(ln)
    return n, E_OK, p


# --- derived facts over a decoded trace (time order) -----------------------------------

EV_SPAN, EV_SPAN_ALLOC, EV_SPAN_FREE = 128, 129, 130
EV_HEAP_OBJECT_ALLOC = 132
EV_GOROUTINE_STACK, EV_GOROUTINE_STACK_ALLOC, EV_GOROUTINE_STACK_FREE = 134, 135, 136
TINY_SPANCLASS = 5


@njit(cache=True, nogil=True)
def alloc_slots(typ, args, obj_per_page, obj_align, page_size, class_size, n_pages, out_bytes, out_class):
    """Slot bytes of each HeapObjectAlloc from the span holding it (0 for a tiny
    sub-allocation, npages*page_size for a large object); out_class = spanclass, -1 when
    the span is unknown. Span/SpanAlloc/SpanFree events keep a page -> span map.
    Returns the number of allocations whose span was unknown."""
    span_of = np.full(n_pages, -1, np.int64)          # page -> first page of its span
    span_np = np.zeros(n_pages, np.int64)
    span_kc = np.zeros(n_pages, np.int64)
    unknown = 0
    for i in range(typ.shape[0]):
        t = typ[i]
        out_bytes[i] = 0
        out_class[i] = -1
        if t == EV_SPAN or t == EV_SPAN_ALLOC:
            s = np.int64(args[i, 0])
            npg = np.int64(args[i, 1])
            if s < 0 or npg <= 0 or s + npg > n_pages:
                continue
            span_np[s] = npg
            span_kc[s] = np.int64(args[i, 2])
            for q in range(s, s + npg):
                span_of[q] = s
        elif t == EV_SPAN_FREE:
            s = np.int64(args[i, 0])
            if 0 <= s < n_pages and span_of[s] == s:
                for q in range(s, min(s + span_np[s], n_pages)):
                    span_of[q] = -1
        elif t == EV_HEAP_OBJECT_ALLOC:
            oid = np.int64(args[i, 0])
            page = oid // obj_per_page
            if oid < 0 or page >= n_pages or span_of[page] < 0:
                unknown += 1
                continue
            s = span_of[page]
            kc = span_kc[s]
            if kc & 1:
                unknown += 1
                continue
            sc = kc >> 1
            cl = sc >> 1
            out_class[i] = sc
            if cl == 0:
                out_bytes[i] = span_np[s] * page_size
            elif sc == TINY_SPANCLASS and (oid * obj_align) % 16 != 0:
                out_bytes[i] = 0
            elif cl < class_size.shape[0]:
                out_bytes[i] = class_size[cl]
    return unknown


@njit(cache=True, nogil=True)
def stack_copies(typ, args, g, mi, n_m, n_ids, out_old, out_new):
    """Goroutine stack copies: a GoroutineStackAlloc followed, as the next event on the
    same M, by a GoroutineStackFree on the same G. For those Alloc rows out_old/out_new
    are the old and new `order` (log2(size)+1); other rows get 0. Returns the count."""
    order_of = np.zeros(n_ids, np.int64)
    last = np.full(n_m, -1, np.int64)
    n = 0
    for i in range(typ.shape[0]):
        t = typ[i]
        out_old[i] = 0
        out_new[i] = 0
        m = mi[i]
        if t == EV_GOROUTINE_STACK or t == EV_GOROUTINE_STACK_ALLOC:
            sid = np.int64(args[i, 0])
            if 0 <= sid < n_ids:
                order_of[sid] = np.int64(args[i, 1])
        elif t == EV_GOROUTINE_STACK_FREE:
            j = last[m] if m >= 0 else -1
            sid = np.int64(args[i, 0])
            if j >= 0 and typ[j] == EV_GOROUTINE_STACK_ALLOC and g[j] == g[i] and 0 <= sid < n_ids:
                out_old[j] = order_of[sid]
                out_new[j] = np.int64(args[j, 1])
                n += 1
        if m >= 0:
            last[m] = i
    return n


@njit(cache=True, nogil=True)
def gather(perm, typ, ts, bi, g, p, stack, args, b_m, b_gi,
           o_typ, o_ts, o_g, o_p, o_m, o_gi, o_stack, o_args):
    """Rows in `perm` order; times made strictly increasing (t = max(t, previous + 1)),
    as Go's reader does; M and generation from the batch."""
    last = np.int64(-(1 << 62))
    for i in range(perm.shape[0]):
        j = perm[i]
        t = ts[j]
        if t <= last:
            t = last + 1
        last = t
        o_ts[i] = t
        o_typ[i] = typ[j]
        o_g[i] = g[j]
        o_p[i] = p[j]
        b = bi[j]
        o_m[i] = b_m[b]
        o_gi[i] = b_gi[b]
        o_stack[i] = stack[j]
        for k in range(4):
            o_args[i, k] = args[j, k]
