"""Trace files: round trip, streaming chunks, and clear errors for broken input."""

import zipfile

import numpy as np
import pytest

from goperf.profiler import schema as S
from goperf.profiler.replay import replay
from goperf.profiler.synth import synthetic_trace
from goperf.profiler.trace import FuncTable, Trace, TraceError, TraceReader, TraceWriter


@pytest.fixture(scope="module")
def small():
    return synthetic_trace(5000, seed=11, n_funcs=10, n_goroutines=4, block_events=5000)


@pytest.mark.parametrize("compress", [False, True])
def test_round_trip_and_chunks(tmp_path, small, compress):
    p = tmp_path / "t.npz"
    small.save(p, compress=compress)
    back = Trace.load(p)
    for k in S.COLUMNS:
        assert np.array_equal(back.events[k], small.events[k])
    assert list(back.funcs.name) == list(small.funcs.name)
    assert back.meta == small.meta
    with TraceReader(p) as r:
        parts = list(r.chunks(777))
    assert sum(len(c["kind"]) for c in parts) == len(small)
    assert replay(p, chunk=333).totals() == replay(small).totals()


def test_writer_appends_chunks(tmp_path, small):
    p = tmp_path / "w.npz"
    with TraceWriter(p, small.funcs, small.meta) as w:
        for c in small.chunks(1000):
            w.append(c)
    assert np.array_equal(Trace.load(p).events["size"], small.events["size"])


def bad_file(tmp_path, small, mutate):
    p = tmp_path / "bad.npz"
    arrays = {**small.events, "func_name": small.funcs.name, "func_frame": small.funcs.frame,
              "func_nosplit": small.funcs.nosplit, "func_pos": small.funcs.pos,
              "meta": np.array('{"n_goroutines": 4}')}
    mutate(arrays)
    np.savez(p, **arrays)
    return p


@pytest.mark.parametrize("mutate,msg", [
    (lambda a: a.pop("size"), "size"),
    (lambda a: a.__setitem__("func", a["func"].astype(np.int64)), "func"),
    (lambda a: a.__setitem__("kind", np.where(np.arange(len(a["kind"])) == 9, 99, a["kind"]).astype(np.uint8)),
     "event 9: unknown event kind"),
    (lambda a: a.__setitem__("func", np.full(len(a["func"]), 50, np.int32)), "function id"),
    (lambda a: a.__setitem__("goroutine", np.full(len(a["goroutine"]), 7, np.int32)), "goroutine id"),
    (lambda a: a.__setitem__("flags", a["flags"][:-1]), "rows"),
    (lambda a: a.pop("func_name"), "func_name"),
    (lambda a: a.__setitem__("meta", np.array("{not json")), "metadata"),
])
def test_corrupt_columns(tmp_path, small, mutate, msg):
    p = bad_file(tmp_path, small, mutate)
    with pytest.raises(TraceError, match=msg):
        replay(p)


def test_not_a_zip_and_truncated(tmp_path, small):
    p = tmp_path / "junk.npz"
    p.write_bytes(b"hello")
    with pytest.raises(TraceError, match="not a trace"):
        replay(p)
    with pytest.raises(TraceError, match="no such"):
        replay(tmp_path / "missing.npz")
    good = tmp_path / "good.npz"
    small.save(good)
    data = good.read_bytes()
    (tmp_path / "cut.npz").write_bytes(data[: len(data) // 2])
    with pytest.raises(TraceError):
        replay(tmp_path / "cut.npz")
    # flip bytes inside a compressed member -> zlib / CRC error becomes TraceError
    small.save(tmp_path / "z.npz", compress=True)
    raw = bytearray((tmp_path / "z.npz").read_bytes())
    with zipfile.ZipFile(tmp_path / "z.npz") as zf:
        info = zf.getinfo("size.npy")
    mid = info.header_offset + 100
    raw[mid:mid + 40] = bytes(40)
    (tmp_path / "z.npz").write_bytes(bytes(raw))
    with pytest.raises(TraceError):
        replay(tmp_path / "z.npz")


def test_unbalanced_calls_are_trace_errors():
    ft = FuncTable.make(["a"], frame=[64])
    t = Trace.from_columns(ft, {}, kind=[S.EV_EXIT], func=[0])
    with pytest.raises(TraceError, match="event 0"):
        replay(t)
    t = Trace.from_columns(ft, {}, kind=[S.EV_GO_START, S.EV_GO_START], func=[0, 0])
    with pytest.raises(TraceError, match="event 1"):
        replay(t)
