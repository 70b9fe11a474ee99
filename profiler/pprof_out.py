"""Write replay results as a gzipped profile.proto that `go tool pprof` opens (stdlib only).

One sample per function (its own figures, so pprof's flat = ours); sample types
alloc_objects/count, alloc_space/bytes, gc_cycles/count, morestack/count,
stack_copy/bytes. With `per_op` the values are divided by the trace's op count.
"""

from __future__ import annotations

import gzip
import time

from . import schema as S
from .replay import ReplayResult

SAMPLE_TYPES = (("alloc_objects", "count", S.O_OBJECTS), ("alloc_space", "bytes", S.O_HEAP_BYTES),
                ("gc_cycles", "count", S.O_GC_CYCLES), ("morestack", "count", S.O_MORESTACK),
                ("stack_copy", "bytes", S.O_STACK_COPY))


def _varint(n: int) -> bytes:
    n &= (1 << 64) - 1
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _key(field: int, wire: int) -> bytes:
    return _varint(field << 3 | wire)


def _int(field: int, v: int) -> bytes:
    return _key(field, 0) + _varint(int(v)) if v else b""


def _bytes(field: int, b: bytes) -> bytes:
    return _key(field, 2) + _varint(len(b)) + b


def _packed(field: int, vals) -> bytes:
    return _bytes(field, b"".join(_varint(int(v)) for v in vals))


class _Strings:
    def __init__(self):
        self.table = [""]
        self.index = {"": 0}

    def __call__(self, s: str) -> int:
        if s not in self.index:
            self.index[s] = len(self.table)
            self.table.append(s)
        return self.index[s]


def encode(res: ReplayResult, per_op: int | None = None, default: str = "alloc_space") -> bytes:
    st = _Strings()
    body = bytearray()
    for name, unit, _ in SAMPLE_TYPES:
        body += _bytes(1, _int(1, st(name)) + _int(2, st(unit)))
    names = list(res.funcs.name) + ["(unknown)"]
    pos = list(res.funcs.pos) + [""]
    funcs, locs, samples = bytearray(), bytearray(), bytearray()
    div = max(int(per_op or 1), 1)
    for i, name in enumerate(names):
        row = res.out[i]
        if not row.any():
            continue
        fid = i + 1
        fname, line = (str(pos[i]).rsplit(":", 1) + ["0"])[:2] if pos[i] else ("", "0")
        funcs += _bytes(5, _int(1, fid) + _int(2, st(str(name))) + _int(3, st(str(name)))
                        + _int(4, st(fname)) + _int(5, int(line or 0)))
        locs += _bytes(4, _int(1, fid) + _int(2, 1) + _int(3, 0x1000 + fid)
                       + _bytes(4, _int(1, fid) + _int(2, int(line or 0))))
        vals = [int(round(row[col] / div)) for _, _, col in SAMPLE_TYPES]
        samples += _bytes(2, _packed(1, [fid]) + _packed(2, vals))
    mapping = _bytes(3, _int(1, 1) + _int(2, 0x1000) + _int(3, 0x1000 + len(names) + 1)
                     + _int(5, st("goperf-estimate")) + _int(7, 1) + _int(8, 1) + _int(9, 1) + _int(10, 1))
    body += samples + mapping + locs + funcs
    tail = _int(9, time.time_ns()) + _bytes(11, _int(1, st("space")) + _int(2, st("bytes")))
    tail += _int(12, 1) + _int(14, st(default))
    for s in st.table:
        body += _bytes(6, s.encode())
    body += tail
    return gzip.compress(bytes(body))


def write(path, res: ReplayResult, per_op: int | None = None) -> None:
    with open(path, "wb") as fh:
        fh.write(encode(res, per_op))
