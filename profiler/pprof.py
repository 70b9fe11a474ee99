"""Stdlib-only reader of Go's gzipped profile.proto (memory profiles).

Decodes the protobuf wire format directly (varints, packed and unpacked repeated
fields). `flat()` reproduces pprof's flat attribution: the innermost line of the first
location (Go already drops leading runtime frames from heap profiles; inlined frames
come innermost first within a location).
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass, field


class ProfileError(Exception):
    pass


def _varint(b: bytes, i: int) -> tuple[int, int]:
    x = s = 0
    while True:
        if i >= len(b):
            raise ProfileError("truncated varint")
        c = b[i]
        i += 1
        x |= (c & 0x7F) << s
        if c < 0x80:
            return x, i
        s += 7


def _fields(b: bytes):
    """Yield (field number, wire type, value); value is int for varints, bytes for LEN."""
    i, n = 0, len(b)
    while i < n:
        key, i = _varint(b, i)
        f, wt = key >> 3, key & 7
        if wt == 0:
            v, i = _varint(b, i)
        elif wt == 2:
            ln, i = _varint(b, i)
            v, i = b[i:i + ln], i + ln
        elif wt == 1:
            v, i = int.from_bytes(b[i:i + 8], "little"), i + 8
        elif wt == 5:
            v, i = int.from_bytes(b[i:i + 4], "little"), i + 4
        else:
            raise ProfileError(f"unsupported wire type {wt}")
        yield f, wt, v


def _ints(wt: int, v) -> list[int]:
    """A repeated integer field occurrence: packed (LEN) or a single varint."""
    if wt == 0:
        return [v]
    out, i = [], 0
    while i < len(v):
        x, i = _varint(v, i)
        out.append(x)
    return out


def _signed(x: int) -> int:
    return x - (1 << 64) if x >= 1 << 63 else x


@dataclass
class Sample:
    locations: list[int]
    values: list[int]
    labels: dict = field(default_factory=dict)   # key -> str or int


@dataclass
class Profile:
    sample_types: list[tuple[str, str]]
    samples: list[Sample]
    locations: dict[int, list[tuple[int, int]]]  # id -> [(function id, line)], innermost first
    functions: dict[int, tuple[str, str, int]]   # id -> (name, filename, start line)
    period: int = 0

    def index(self, sample_type: str) -> int:
        for i, (t, _) in enumerate(self.sample_types):
            if t == sample_type:
                return i
        raise ProfileError(f"profile has no sample type {sample_type!r}")

    def frames(self, s: Sample) -> list[tuple[str, str, int]]:
        """(function, file, line) from innermost to outermost, inlined frames expanded."""
        out = []
        for lid in s.locations:
            for fid, line in self.locations.get(lid, []):
                name, fname, _ = self.functions.get(fid, ("?", "", 0))
                out.append((name, fname, line))
        return out

    def flat(self, sample_type: str) -> dict[str, int]:
        k = self.index(sample_type)
        out: dict[str, int] = {}
        for s in self.samples:
            fr = self.frames(s)
            name = fr[0][0] if fr else "?"
            out[name] = out.get(name, 0) + s.values[k]
        return out


def parse(data: bytes) -> Profile:
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as e:
            raise ProfileError(f"bad gzip: {e}") from None
    strings: list[str] = []
    raw_types, raw_samples, raw_locs, raw_funcs = [], [], [], []
    period = 0
    try:
        for f, wt, v in _fields(data):
            if f == 1:
                raw_types.append(v)
            elif f == 2:
                raw_samples.append(v)
            elif f == 4:
                raw_locs.append(v)
            elif f == 5:
                raw_funcs.append(v)
            elif f == 6:
                strings.append(v.decode("utf-8", "replace"))
            elif f == 12:
                period = v
        S = lambda i: strings[i] if 0 <= i < len(strings) else ""  # noqa: E731
        types = []
        for m in raw_types:
            d = {f: v for f, _, v in _fields(m)}
            types.append((S(d.get(1, 0)), S(d.get(2, 0))))
        samples = []
        for m in raw_samples:
            locs, vals, labels = [], [], {}
            for f, wt, v in _fields(m):
                if f == 1:
                    locs += _ints(wt, v)
                elif f == 2:
                    vals += [_signed(x) for x in _ints(wt, v)]
                elif f == 3:
                    d = {lf: lv for lf, _, lv in _fields(v)}
                    labels[S(d.get(1, 0))] = S(d[2]) if d.get(2) else _signed(d.get(3, 0))
            samples.append(Sample(locs, vals, labels))
        locations = {}
        for m in raw_locs:
            lid, lines = 0, []
            for f, wt, v in _fields(m):
                if f == 1:
                    lid = v
                elif f == 4:
                    d = {lf: lv for lf, _, lv in _fields(v)}
                    lines.append((d.get(1, 0), _signed(d.get(2, 0))))
            locations[lid] = lines
        functions = {}
        for m in raw_funcs:
            d = {f: v for f, _, v in _fields(m)}
            functions[d.get(1, 0)] = (S(d.get(2, 0)), S(d.get(4, 0)), d.get(5, 0))
    except (IndexError, UnicodeDecodeError) as e:
        raise ProfileError(f"corrupt profile: {e}") from None
    return Profile(types, samples, locations, functions, period)


def load(path) -> Profile:
    with open(path, "rb") as f:
        return parse(f.read())
