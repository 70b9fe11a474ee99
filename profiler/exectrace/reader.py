"""Reader of Go's binary execution-trace format (version go 1.26, as Go 1.26/1.27 write it).

The layout: a 16-byte header `go 1.NN trace\\0\\0\\0`, then batches. A batch header is
`EventBatch gen m time size` or `ExperimentalBatch exp gen m time size`, followed by
`size` bytes; `EndOfGeneration` (one byte) closes a generation. Batches of a generation
hold its string table, stack table, the sync batch (tick frequency, clock snapshot),
experiment data (the AllocFree type table) and the per-M event batches.

`read()` decodes everything into columns (numba kernels in `kernels.py` for the varints
and the per-M scheduling state), orders each generation's events by time (stable, so
each M's own order is kept) and returns an `ExecTrace`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

import numpy as np

from ..trace import TraceError
from . import wire as W


class ExecTraceError(TraceError):
    """The execution trace is not a Go trace, or is corrupt or truncated."""


ERRORS = {1: "bad or truncated varint", 2: "unknown event type", 3: "expected a batch header",
          4: "batch larger than the format's maximum", 5: "data runs past the end of the file",
          6: "unexpected event in a string/stack/type table", 7: "string or stack too long",
          8: "table larger than its batch allows"}
HEADER_RE = re.compile(rb"^go 1\.(\d+) trace\x00\x00\x00$")


def _kernels():
    from . import kernels
    return kernels


def _check(err: int, at: int, what: str) -> None:
    if err:
        raise ExecTraceError(f"{what}: {ERRORS.get(err, f'error {err}')} at byte {at}")


def _uvarints(b: bytes, p: int, n: int, what: str) -> tuple[list[int], int]:
    out = []
    for _ in range(n):
        x = s = 0
        while True:
            if p >= len(b) or s > 63:
                raise ExecTraceError(f"{what}: bad or truncated varint")
            c = b[p]
            p += 1
            x |= (c & 0x7F) << s
            s += 7
            if c < 0x80:
                break
        out.append(x)
    return out, p


@dataclass
class IdTable:
    """Per-generation id -> global row lookup (ids are small and dense in practice)."""
    base: np.ndarray                     # i8 per generation: offset into lut
    size: np.ndarray                     # i8 per generation: lut entries
    lut: np.ndarray                      # i8: global row, -1 = id not defined

    @classmethod
    def build(cls, per_gen: list[tuple[np.ndarray, np.ndarray]]) -> "IdTable":
        sizes = np.array([int(ids.max()) + 1 if len(ids) else 0 for ids, _ in per_gen], np.int64)
        base = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64) if len(sizes) else np.zeros(0, np.int64)
        lut = np.full(int(sizes.sum()), -1, np.int64)
        for (ids, rows), b in zip(per_gen, base):
            lut[b + ids] = rows
        return cls(base, sizes, lut)

    def map(self, gi, ids) -> np.ndarray:
        """Global rows for (generation index, id) pairs, vectorised; -1 where undefined."""
        gi = np.asarray(gi, np.int64)
        ids = np.asarray(ids).astype(np.uint64)
        size = self.size[gi].astype(np.uint64)
        ok = ids < size
        out = np.full(np.broadcast(gi, ids).shape, -1, np.int64)
        idx = (self.base[gi] + np.where(ok, ids, 0).astype(np.int64))
        out[ok] = self.lut[idx[ok]] if np.ndim(idx) else self.lut[idx]
        return out


@dataclass
class ExecTrace:
    """A decoded execution trace: one row per timed event, ordered by time within each generation."""
    version: int
    typ: np.ndarray            # u1 event type (wire.EV_*)
    ts: np.ndarray             # i8 ns (trace clock; made strictly increasing, as Go's reader does)
    g: np.ndarray              # i8 goroutine running on the event's M before the event, -1 = none
    p: np.ndarray              # i8 P, -1 = none
    m: np.ndarray              # i8 thread id (-1 = no thread)
    gi: np.ndarray             # i4 generation index (0-based)
    stack: np.ndarray          # i4 row of the event's own stack in the stack table, -1 = none
    args: np.ndarray           # u8 [n, 4] raw arguments after the time delta (wire ids, per generation)
    strings: list[str]
    stack_start: np.ndarray    # i8 per stack row: first frame row
    stack_len: np.ndarray      # i8 per stack row: frames (innermost first)
    frame_pc: np.ndarray       # u8
    frame_func: np.ndarray     # i8 global string row
    frame_file: np.ndarray     # i8 global string row
    frame_line: np.ndarray     # i8
    string_ids: IdTable
    stack_ids: IdTable
    type_ids: IdTable
    type_size: np.ndarray      # i8 per type row (row 0: nil type)
    type_ptrspan: np.ndarray   # i8
    type_name: list[str]
    gens: np.ndarray           # u8 generation numbers
    freq: np.ndarray           # f8 ticks per second, per generation
    allocfree: dict = field(default_factory=dict)   # min_heap_addr, page_size, min_heap_align, fixed_stack
    n_bytes: int = 0

    def __len__(self) -> int:
        return len(self.typ)

    def counts(self) -> dict[str, int]:
        c = np.bincount(self.typ, minlength=256)
        return {W.NAMES.get(t, str(t)): int(c[t]) for t in np.flatnonzero(c)}

    def string_rows(self, sel, pos: int) -> np.ndarray:
        """Global string rows of argument `pos` for the events `sel` (mask or indices)."""
        return self.string_ids.map(self.gi[sel], self.args[sel, pos])

    def type_rows(self, sel, pos: int = 1) -> np.ndarray:
        return self.type_ids.map(self.gi[sel], self.args[sel, pos])

    def stack_funcs(self, row: int) -> list[str]:
        """Function names of a stack row, innermost first."""
        if row < 0:
            return []
        s, n = int(self.stack_start[row]), int(self.stack_len[row])
        return [self.strings[f] if f >= 0 else "?" for f in self.frame_func[s:s + n]]

    def stack_frames(self, row: int) -> list[tuple[str, str, int]]:
        if row < 0:
            return []
        s, n = int(self.stack_start[row]), int(self.stack_len[row])
        return [(self.strings[f] if f >= 0 else "?", self.strings[fl] if fl >= 0 else "?", int(ln))
                for f, fl, ln in zip(self.frame_func[s:s + n], self.frame_file[s:s + n],
                                     self.frame_line[s:s + n])]


def _gen_tables(buf, kinds, offs, lens, gis, n_gen, K, table_kind):
    """Parse all string (or stack, or type) batches; returns per-generation (ids, data…)."""
    out = [[] for _ in range(n_gen)]
    for b in np.flatnonzero(kinds == table_kind):
        o, ln, gi = int(offs[b]), int(lens[b]), int(gis[b])
        if table_kind == W.EV_STRINGS:
            cap = ln // 3 + 1
            ids, so, sl = np.zeros(cap, np.int64), np.zeros(cap, np.int64), np.zeros(cap, np.int64)
            n, err, at = K.parse_strings(buf, o, ln, ids, so, sl, W.MAX_STRING)
            _check(err, at, "string table")
            out[gi].append((ids[:n], so[:n], sl[:n]))
        elif table_kind == W.EV_STACKS:
            cap = ln // 3 + 1
            fcap = ln // 4 + 1
            ids, fs, fln = (np.zeros(cap, np.int64) for _ in range(3))
            pc = np.zeros(fcap, np.uint64)
            fn, fl, line = (np.zeros(fcap, np.int64) for _ in range(3))
            n, nf, err, at = K.parse_stacks(buf, o, ln, W.MAX_FRAMES, ids, fs, fln, pc, fn, fl, line)
            _check(err, at, "stack table")
            out[gi].append((ids[:n], fs[:n], fln[:n], pc[:nf], fn[:nf], fl[:nf], line[:nf]))
    return out


def read(source: str | os.PathLike | bytes | np.ndarray) -> ExecTrace:
    """Decode a Go execution trace (`go test -trace`, `runtime/trace`)."""
    if isinstance(source, np.ndarray):
        buf = np.ascontiguousarray(source, np.uint8)
    elif isinstance(source, (bytes, bytearray, memoryview)):
        buf = np.frombuffer(bytes(source), np.uint8)
    else:
        try:
            buf = np.fromfile(source, np.uint8)
        except FileNotFoundError:
            raise ExecTraceError(f"{source}: no such trace file") from None
        except OSError as e:
            raise ExecTraceError(f"{source}: {e}") from None
    m = HEADER_RE.match(bytes(buf[:W.HEADER_LEN]))
    if m is None:
        raise ExecTraceError("not a Go execution trace (bad header)")
    version = int(m.group(1))
    if version not in W.SUPPORTED_VERSIONS:
        raise ExecTraceError(f"trace format go 1.{version} is not supported "
                             f"(supported: {', '.join('go 1.%d' % v for v in W.SUPPORTED_VERSIONS)})")
    K = _kernels()

    # 1. Batch headers (count, then fill).
    empty = np.zeros(0, np.int64)
    nb, err, at = K.scan_batches(buf, W.HEADER_LEN, W.MAX_BATCH_SIZE, 0, np.zeros(0, np.uint8),
                                 np.zeros(0, np.uint8), empty, empty, empty, empty, empty)
    _check(err, at, "batch header")
    b_kind, b_exp = np.zeros(nb, np.uint8), np.zeros(nb, np.uint8)
    b_gen, b_m, b_ts, b_off, b_len = (np.zeros(nb, np.int64) for _ in range(5))
    K.scan_batches(buf, W.HEADER_LEN, W.MAX_BATCH_SIZE, nb, b_kind, b_exp, b_gen, b_m, b_ts, b_off, b_len)

    # 2. Generations: batches up to each EndOfGeneration.
    is_end = b_kind == W.EV_END_OF_GENERATION
    if nb == 0:
        raise ExecTraceError("trace has no batches")
    if not is_end[-1]:
        raise ExecTraceError("incomplete generation at the end; trace likely truncated")
    gis = np.concatenate([[0], np.cumsum(is_end)[:-1]]).astype(np.int64)
    n_gen = int(is_end.sum())
    body = ~is_end
    gens = np.zeros(n_gen, np.uint64)
    for gi in range(n_gen):
        sel = body & (gis == gi)
        g = np.unique(b_gen[sel])
        if len(g) != 1 or g[0] <= 0:
            raise ExecTraceError(f"generation {gi}: batches with generation numbers {g.tolist()} "
                                 "(missing end-of-generation, interleaved or zero)")
        gens[gi] = g[0]
    first = np.where(body & (b_len > 0), buf[np.minimum(b_off, len(buf) - 1)], 0)
    regular = body & (b_kind == W.EV_EVENT_BATCH)
    tkind = np.where(regular, first, 0)   # strings/stacks/cpu/sync batches by first byte
    freq = np.zeros(n_gen, np.float64)
    for b in np.flatnonzero(regular & (tkind == W.EV_SYNC)):
        data = bytes(buf[b_off[b]:b_off[b] + b_len[b]])
        p = 1
        while p < len(data):
            t = data[p]
            p += 1
            if t == W.EV_FREQUENCY:
                (f,), p = _uvarints(data, p, 1, "sync batch")
                if f == 0:
                    raise ExecTraceError("sync batch: zero tick frequency")
                freq[gis[b]] = f
            elif t == W.EV_CLOCK_SNAPSHOT:
                _, p = _uvarints(data, p, 4, "sync batch")
            else:
                raise ExecTraceError(f"sync batch: unexpected event type {t}")
    if (freq == 0).any():
        raise ExecTraceError(f"generation {int(np.flatnonzero(freq == 0)[0])}: no frequency event")
    fr = 1.0 / (freq / 1e9)               # ns per tick, computed as Go's reader does

    # 3. String, stack and type tables -> global rows + per-generation lookups.
    strings: list[str] = []
    sidx: dict[str, int] = {}
    str_gen = []
    for gi, parts in enumerate(_gen_tables(buf, tkind, b_off, b_len, gis, n_gen, K, W.EV_STRINGS)):
        ids_all, rows_all = [], []
        for ids, so, sl in parts:
            rows = np.empty(len(ids), np.int64)
            for j in range(len(ids)):
                s = bytes(buf[so[j]:so[j] + sl[j]]).decode("utf-8", "replace")
                r = sidx.get(s)
                if r is None:
                    r = sidx[s] = len(strings)
                    strings.append(s)
                rows[j] = r
            ids_all.append(ids)
            rows_all.append(rows)
        str_gen.append((np.concatenate(ids_all) if ids_all else empty,
                        np.concatenate(rows_all) if rows_all else empty))
    string_ids = IdTable.build(str_gen)

    stk_gen, starts, lens, pcs, fns, fls, lines = [], [], [], [], [], [], []
    n_rows = n_frames = 0
    for gi, parts in enumerate(_gen_tables(buf, tkind, b_off, b_len, gis, n_gen, K, W.EV_STACKS)):
        ids_g = []
        rows_g = []
        for ids, fs, fln, pc, fn, fl, line in parts:
            ids_g.append(ids)
            rows_g.append(np.arange(n_rows, n_rows + len(ids)))
            starts.append(fs + n_frames)
            lens.append(fln)
            pcs.append(pc)
            g = np.full(len(fn), gi)
            fns.append(string_ids.map(g, fn))
            fls.append(string_ids.map(g, fl))
            lines.append(line)
            n_rows += len(ids)
            n_frames += len(pc)
        stk_gen.append((np.concatenate(ids_g) if ids_g else empty,
                        np.concatenate(rows_g) if rows_g else empty))
    stack_ids = IdTable.build(stk_gen)
    cat = lambda xs, dt: np.concatenate(xs).astype(dt) if xs else np.zeros(0, dt)  # noqa: E731

    # AllocFree experiment: type tables and the info batch.
    type_size, type_ptr, type_name = [0], [0], [""]
    tidx: dict[tuple, int] = {}
    typ_gen = [([], []) for _ in range(n_gen)]
    allocfree: dict = {}
    for b in np.flatnonzero(body & (b_kind == W.EV_EXPERIMENTAL_BATCH) & (b_exp == W.EXP_ALLOC_FREE)):
        o, ln, gi = int(b_off[b]), int(b_len[b]), int(gis[b])
        if ln == 0:
            continue
        sub = int(buf[o])
        if sub == W.ALLOCFREE_INFO_BATCH:
            vals, _ = _uvarints(bytes(buf[o + 1:o + ln]), 0, 4, "AllocFree info batch")
            allocfree = dict(zip(("min_heap_addr", "page_size", "min_heap_align", "fixed_stack"), vals))
        elif sub == W.ALLOCFREE_TYPES_BATCH:
            cap = ln // 6 + 1
            ids, sz, ps, no, nl = (np.zeros(cap, np.int64) for _ in range(5))
            addr = np.zeros(cap, np.uint64)
            n, err, at = K.parse_types(buf, o, ln, ids, addr, sz, ps, no, nl, W.MAX_STRING)
            _check(err, at, "AllocFree type table")
            for j in range(n):
                name = bytes(buf[no[j]:no[j] + nl[j]]).decode("utf-8", "replace")
                key = (name, int(sz[j]), int(ps[j]))
                r = tidx.get(key)
                if r is None:
                    r = tidx[key] = len(type_name)
                    type_name.append(name)
                    type_size.append(int(sz[j]))
                    type_ptr.append(int(ps[j]))
                typ_gen[gi][0].append(int(ids[j]))
                typ_gen[gi][1].append(r)
    type_ids = IdTable.build([(np.array([0] + i, np.int64), np.array([0] + r, np.int64))
                              for i, r in typ_gen])

    # 4. Event batches: generation-major, then M, each M's batches in file order.
    ev_b = np.flatnonzero(regular & ~np.isin(tkind, (W.EV_STRINGS, W.EV_STACKS, W.EV_CPU_SAMPLES,
                                                       W.EV_SYNC)))
    m_ids = np.unique(b_m[ev_b]) if len(ev_b) else empty
    b_mi = np.searchsorted(m_ids, b_m).astype(np.int64)
    b_mi[~np.isin(b_m, m_ids)] = 0
    order = ev_b[np.lexsort((ev_b, b_mi[ev_b], gis[ev_b]))].astype(np.int64)
    b_fr = fr[gis]
    total = int(b_len[order].sum()) if len(order) else 0
    cap = total // 4 + 1024
    typ = np.empty(cap, np.uint8)
    ts = np.empty(cap, np.int64)
    bi = np.empty(cap, np.int32)
    args = np.empty((cap, W.MAX_ARGS), np.uint64)
    tabs = W.tables()
    k, n = 0, 0
    while True:
        k, n, err, at = K.decode_events(buf, order, k, b_off, b_len, b_ts, b_fr, tabs["nargs"], n,
                                        typ, ts, bi, args)
        _check(err, at, "event batch")
        if k >= len(order):
            break
        cap = max(cap * 3 // 2, n + int(b_len[order[k]]) // 2 + 2)
        typ, ts, bi = (np.resize(a, cap) for a in (typ, ts, bi))
        args = np.resize(args, (cap, W.MAX_ARGS))
    typ, ts, bi, args = typ[:n], ts[:n], bi[:n], args[:n]

    g = np.empty(n, np.int64)
    p = np.empty(n, np.int64)
    stack = np.empty(n, np.int64)
    K.contexts(typ, args, bi, b_mi, gis, m_ids, tabs["stack_pos"], stack_ids.lut, stack_ids.base,
               stack_ids.size, g, p, stack)

    # 5. Time order within each generation (stable: keeps each M's order on ties).
    egi = gis[bi]
    bounds = np.searchsorted(egi, np.arange(n_gen + 1))
    perm = np.concatenate([bounds[i] + np.argsort(ts[bounds[i]:bounds[i + 1]], kind="stable")
                           for i in range(n_gen)]).astype(np.int64) if n else np.zeros(0, np.int64)
    del egi
    o_typ, o_ts, o_g, o_p, o_m = (np.empty(n, d) for d in (np.uint8, np.int64, np.int64, np.int64, np.int64))
    o_gi, o_stack = np.empty(n, np.int32), np.empty(n, np.int32)
    o_args = np.empty((n, W.MAX_ARGS), np.uint64)
    K.gather(perm, typ, ts, bi, g, p, stack, args, b_m, gis.astype(np.int32),
             o_typ, o_ts, o_g, o_p, o_m, o_gi, o_stack, o_args)
    return ExecTrace(
        version=version, typ=o_typ, ts=o_ts, g=o_g, p=o_p, m=o_m, gi=o_gi, stack=o_stack, args=o_args,
        strings=strings, stack_start=cat(starts, np.int64), stack_len=cat(lens, np.int64),
        frame_pc=cat(pcs, np.uint64), frame_func=cat(fns, np.int64), frame_file=cat(fls, np.int64),
        frame_line=cat(lines, np.int64), string_ids=string_ids, stack_ids=stack_ids, type_ids=type_ids,
        type_size=np.array(type_size, np.int64), type_ptrspan=np.array(type_ptr, np.int64),
        type_name=type_name, gens=gens, freq=freq, allocfree=allocfree, n_bytes=len(buf))
