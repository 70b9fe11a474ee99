"""Trace: columnar event arrays + function tables + metadata, stored as one `.npz`.

`Trace` holds a trace in memory. `TraceReader` opens a file and streams fixed-size
chunks of events from it (bounded memory, also for compressed files);
`TraceWriter` appends chunks to disk so producers can write traces larger than memory.
Every problem with a file or its columns raises `TraceError` with a readable message.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import numpy as np

from . import schema as S

DEFAULT_CHUNK = 1 << 20
_IOERR = (ValueError, OSError, zipfile.BadZipFile, EOFError, zlib.error)


class TraceError(Exception):
    """A trace file or trace array is missing, corrupt or inconsistent."""


@dataclass
class FuncTable:
    name: np.ndarray                      # str, "import/path.Func"
    pos: np.ndarray                       # str, "file:line" ("" if unknown)
    frame: np.ndarray                     # i8, locals= bytes
    nosplit: np.ndarray                   # u1

    @classmethod
    def make(cls, names, pos=None, frame=None, nosplit=None) -> "FuncTable":
        n = len(names)
        return cls(np.asarray(list(names), dtype=str).reshape(n),
                   np.asarray(list(pos) if pos is not None else [""] * n, dtype=str).reshape(n),
                   np.ascontiguousarray(frame if frame is not None else np.zeros(n), dtype=np.int64),
                   np.ascontiguousarray(nosplit if nosplit is not None else np.zeros(n), dtype=np.uint8))

    def __len__(self) -> int:
        return len(self.name)

    def check(self) -> None:
        n = len(self.name)
        for k in ("pos", "frame", "nosplit"):
            if len(getattr(self, k)) != n:
                raise TraceError(f"function table column func_{k} has {len(getattr(self, k))} rows, "
                                 f"func_name has {n}")
        if n and self.frame.min() < 0:
            raise TraceError("function table: negative frame size")


@dataclass
class Trace:
    events: dict[str, np.ndarray]
    funcs: FuncTable
    meta: dict = field(default_factory=dict)

    @classmethod
    def from_columns(cls, funcs: FuncTable, meta: dict | None = None, **cols) -> "Trace":
        n = len(cols["kind"])
        ev = {}
        for name, dt in S.COLUMNS.items():
            v = cols.get(name)
            ev[name] = np.zeros(n, dt) if v is None else np.ascontiguousarray(v, dtype=dt)
        for name, dt in S.OPTIONAL_COLUMNS.items():
            if cols.get(name) is not None:
                ev[name] = np.ascontiguousarray(cols[name], dtype=dt)
        meta = dict(meta or {})
        if "n_goroutines" not in meta:
            meta["n_goroutines"] = int(ev["goroutine"].max()) + 1 if n else 1
        t = cls(ev, funcs, meta)
        t.validate()
        return t

    def __len__(self) -> int:
        return len(self.events["kind"])

    @property
    def n_goroutines(self) -> int:
        return int(self.meta.get("n_goroutines", 1))

    def validate(self) -> None:
        self.funcs.check()
        n = len(self)
        for name, dt in {**S.COLUMNS, **{k: v for k, v in S.OPTIONAL_COLUMNS.items()
                                         if k in self.events}}.items():
            a = self.events.get(name)
            if a is None:
                raise TraceError(f"event column {name!r} is missing")
            if a.dtype != dt or a.ndim != 1 or len(a) != n:
                raise TraceError(f"event column {name!r} is {a.dtype}[{a.shape}], "
                                 f"expected {dt}[{n}]")
        check_chunk(self.events, len(self.funcs), self.n_goroutines, 0)

    def chunks(self, size: int = DEFAULT_CHUNK) -> Iterator[dict[str, np.ndarray]]:
        for i in range(0, max(len(self), 1), size):
            yield {k: v[i:i + size] for k, v in self.events.items()}

    def save(self, path: str | os.PathLike, compress: bool = False) -> None:
        with TraceWriter(path, self.funcs, self.meta, compress=compress) as w:
            w.append(self.events)

    @classmethod
    def load(cls, path: str | os.PathLike) -> "Trace":
        with TraceReader(path) as r:
            parts = list(r.chunks(DEFAULT_CHUNK * 8, validate=False))
            ev = {k: np.concatenate([p[k] for p in parts]) if parts else np.zeros(0, dt)
                  for k, dt in r.columns.items()}
            t = cls(ev, r.funcs, r.meta)
        t.validate()
        return t


def check_chunk(ev: dict[str, np.ndarray], n_funcs: int, n_gor: int, offset: int) -> None:
    """Vectorised per-chunk invariants; `offset` is the global index of ev[0]."""
    if not len(ev["kind"]):
        return

    def bad(mask, what):
        i = int(np.flatnonzero(mask)[0])
        raise TraceError(f"event {offset + i}: {what} "
                         f"(kind={ev['kind'][i]}, func={ev['func'][i]}, size={ev['size'][i]}, "
                         f"goroutine={ev['goroutine'][i]})")
    k, f, g = ev["kind"], ev["func"], ev["goroutine"]
    if k.min() < 1 or k.max() > S.MAX_KIND:
        bad((k < 1) | (k > S.MAX_KIND), "unknown event kind")
    if f.max() >= n_funcs or f.min() < -1:
        bad((f >= n_funcs) | (f < -1), f"function id outside the table of {n_funcs}")
    if g.min() < 0 or g.max() >= n_gor:
        bad((g < 0) | (g >= n_gor), f"goroutine id outside 0..{n_gor - 1}")
    if ev["size"].min() < 0:
        bad(ev["size"] < 0, "negative size")
    call = (k == S.EV_ENTER) | (k == S.EV_EXIT)
    if call.any() and f[call].min() < 0:
        bad(call & (f < 0), "enter/exit without a function")


def _open_member(zf: zipfile.ZipFile, name: str):
    try:
        fp = zf.open(name + ".npy")
        version = np.lib.format.read_magic(fp)
        read = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                else np.lib.format.read_array_header_2_0)
        shape, fortran, dtype = read(fp)
    except KeyError:
        raise TraceError(f"column {name!r} is missing") from None
    except _IOERR as e:
        raise TraceError(f"column {name!r} is corrupt: {e}") from None
    if len(shape) != 1 or fortran or dtype.hasobject:
        raise TraceError(f"column {name!r} has shape {shape}, expected one dimension")
    return fp, shape[0], dtype


class TraceReader:
    """Streams a `.npz` trace chunk by chunk; only one chunk per column is in memory."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        try:
            self.zf = zipfile.ZipFile(self.path)
        except FileNotFoundError:
            raise TraceError(f"{self.path}: no such trace file") from None
        except (zipfile.BadZipFile, OSError) as e:
            raise TraceError(f"{self.path}: not a trace (.npz) file: {e}") from None
        names = {n[:-4] for n in self.zf.namelist() if n.endswith(".npy")}
        try:
            self.meta = json.loads(self._small("meta").item()) if "meta" in names else {}
        except (ValueError, TypeError) as e:
            raise TraceError(f"{self.path}: metadata is not JSON: {e}") from None
        for t in ("func_name",):
            if t not in names:
                raise TraceError(f"{self.path}: function table {t!r} is missing")
        nf = len(self._small("func_name"))
        get = lambda k, d: self._small(k) if k in names else d  # noqa: E731
        try:
            self.funcs = FuncTable.make(self._small("func_name"), get("func_pos", None),
                                        get("func_frame", np.zeros(nf)), get("func_nosplit", np.zeros(nf)))
        except (ValueError, TypeError) as e:
            raise TraceError(f"{self.path}: function table is corrupt: {e}") from None
        self.funcs.check()
        self.columns: dict[str, np.dtype] = dict(S.COLUMNS)
        self.columns.update({k: v for k, v in S.OPTIONAL_COLUMNS.items() if k in names})
        self.n_events = None
        for name, dt in self.columns.items():
            fp, n, dtype = _open_member(self.zf, name)
            fp.close()
            if dtype != dt:
                raise TraceError(f"{self.path}: column {name!r} is {dtype}, expected {dt}")
            if self.n_events is not None and n != self.n_events:
                raise TraceError(f"{self.path}: column {name!r} has {n} rows, others {self.n_events}")
            self.n_events = n
        self.n_goroutines = int(self.meta.get("n_goroutines", 1))

    def _small(self, name: str) -> np.ndarray:
        try:
            with self.zf.open(name + ".npy") as fp:
                return np.lib.format.read_array(fp, allow_pickle=False)
        except _IOERR as e:
            raise TraceError(f"{self.path}: array {name!r} is corrupt: {e}") from None

    def _raw_member(self, name: str):
        """For an uncompressed member: a plain file positioned at its array data (no CRC pass)."""
        info = self.zf.getinfo(name + ".npy")
        if info.compress_type != zipfile.ZIP_STORED or info.flag_bits & 1:
            return None
        fp = open(self.path, "rb")
        fp.seek(info.header_offset)
        local = fp.read(30)
        if local[:4] != b"PK\x03\x04":
            fp.close()
            return None
        fp.seek(info.header_offset + 30 + int.from_bytes(local[26:28], "little")
                + int.from_bytes(local[28:30], "little"))
        version = np.lib.format.read_magic(fp)
        (np.lib.format.read_array_header_1_0 if version == (1, 0)
         else np.lib.format.read_array_header_2_0)(fp)
        return fp

    def chunks(self, size: int = DEFAULT_CHUNK, validate: bool = True) -> Iterator[dict[str, np.ndarray]]:
        """Yield dicts of writable column arrays, `size` events at a time."""
        fps = {}
        for k in self.columns:
            try:
                fps[k] = self._raw_member(k)
            except _IOERR:
                fps[k] = None
            if fps[k] is None:
                fps[k] = _open_member(self.zf, k)[0]
        try:
            done = 0
            while done < self.n_events:
                m = min(size, self.n_events - done)
                out = {}
                for k, dt in self.columns.items():
                    want = m * dt.itemsize
                    buf = np.empty(m, dtype=dt)   # writable, as the kernels' signatures need
                    try:
                        got = fps[k].readinto(memoryview(buf).cast("B"))
                    except _IOERR as e:
                        raise TraceError(f"{self.path}: column {k!r} is corrupt near event {done}: {e}") from None
                    if got != want:
                        raise TraceError(f"{self.path}: column {k!r} is truncated at event {done}")
                    out[k] = buf
                if validate:
                    check_chunk(out, len(self.funcs), self.n_goroutines, done)
                yield out
                done += m
        finally:
            for fp in fps.values():
                fp.close()

    def close(self) -> None:
        self.zf.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class TraceWriter:
    """Appends event chunks to per-column spill files, then writes one `.npz`."""

    def __init__(self, path, funcs: FuncTable, meta: dict | None = None, compress: bool = False):
        self.path, self.funcs, self.meta, self.compress = Path(path), funcs, dict(meta or {}), compress
        self.tmp = tempfile.mkdtemp(prefix="goperf-trace-")
        self.cols: dict[str, np.dtype] | None = None
        self.files: dict = {}
        self.n = 0
        self.max_g = -1

    def append(self, ev: dict[str, np.ndarray]) -> None:
        if self.cols is None:
            self.cols = dict(S.COLUMNS)
            self.cols.update({k: v for k, v in S.OPTIONAL_COLUMNS.items() if k in ev})
            self.files = {k: open(os.path.join(self.tmp, k), "wb") for k in self.cols}
        n = len(ev["kind"])
        for k, dt in self.cols.items():
            a = np.ascontiguousarray(ev[k] if k in ev else np.zeros(n, dt), dtype=dt)
            if len(a) != n:
                raise TraceError(f"column {k!r} has {len(a)} rows in this chunk, kind has {n}")
            self.files[k].write(a.tobytes())
        if n:
            self.max_g = max(self.max_g, int(np.max(ev["goroutine"])))
        self.n += n

    def close(self) -> None:
        if self.cols is None:
            self.append({k: np.zeros(0, dt) for k, dt in S.COLUMNS.items()})
        self.meta.setdefault("n_goroutines", max(self.max_g + 1, 1))
        mode = zipfile.ZIP_DEFLATED if self.compress else zipfile.ZIP_STORED
        tmp_out = self.path.with_name(self.path.name + ".tmp")
        with zipfile.ZipFile(tmp_out, "w", mode, allowZip64=True) as zf:
            small = {"func_name": self.funcs.name, "func_pos": self.funcs.pos,
                     "func_frame": self.funcs.frame, "func_nosplit": self.funcs.nosplit,
                     "meta": np.array(json.dumps(self.meta, sort_keys=True))}
            for k, a in small.items():
                with zf.open(k + ".npy", "w", force_zip64=True) as fp:
                    np.lib.format.write_array(fp, np.asarray(a), allow_pickle=False)
            for k, dt in self.cols.items():
                self.files[k].close()
                with zf.open(k + ".npy", "w", force_zip64=True) as fp:
                    hdr = {"descr": np.lib.format.dtype_to_descr(dt), "fortran_order": False,
                           "shape": (self.n,)}
                    np.lib.format.write_array_header_2_0(fp, hdr)
                    with open(os.path.join(self.tmp, k), "rb") as src:
                        shutil.copyfileobj(src, fp, 1 << 22)
        os.replace(tmp_out, self.path)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *exc):
        if exc_type is None:
            self.close()
        else:
            for f in self.files.values():
                f.close()
            shutil.rmtree(self.tmp, ignore_errors=True)
