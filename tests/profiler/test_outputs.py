"""Outputs of `goperf profile`: pprof profile.proto, PNG/HTML plots, the language server's report file."""

import argparse
import json
import subprocess
import zlib
from pathlib import Path

import numpy as np
import pytest

from goperf.lsp.profile import Reports
from goperf.profiler import cli, plots, pprof, pprof_out, report
from goperf.profiler.estimate import estimate
from goperf.profiler.replay import replay
from goperf.profiler.synth import synthetic_trace

INVENTORY = Path(__file__).resolve().parents[2] / "examples" / "inventory"


@pytest.fixture(scope="module")
def inv():
    e = estimate(str(INVENTORY / "inventory_test.go"), None, {"ops": 20})
    return e, replay(e.trace)


def test_pprof_roundtrip_with_our_reader(inv, tmp_path):
    e, res = inv
    p = tmp_path / "p.pb.gz"
    pprof_out.write(p, res)
    prof = pprof.load(p)
    flat = prof.flat("alloc_space")
    names = [str(n) for n in res.funcs.name]
    for i, n in enumerate(names):
        if res.out[i][0]:
            assert flat[n] == res.out[i][0]
    assert sum(prof.flat("alloc_objects").values()) == res.totals()["objects"]


@pytest.mark.slow
def test_go_tool_pprof_reads_it(inv, tmp_path, go):
    e, res = inv
    p = tmp_path / "p.pb.gz"
    pprof_out.write(p, res, per_op=e.ops)
    out = subprocess.run([go, "tool", "pprof", "-top", "-sample_index=alloc_objects", str(p)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "example.com/inventory.ValidSKUs" in out.stdout and "6006" in out.stdout
    out = subprocess.run([go, "tool", "pprof", "-top", "-sample_index=alloc_space", str(p)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and "Type: alloc_space" in out.stdout


def _png_pixels(data: bytes):
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    i, idat, hdr = 8, b"", None
    while i < len(data):
        n = int.from_bytes(data[i:i + 4], "big")
        tag, body = data[i + 4:i + 8], data[i + 8:i + 8 + n]
        assert zlib.crc32(tag + body) == int.from_bytes(data[i + 8 + n:i + 12 + n], "big")
        if tag == b"IHDR":
            hdr = body
        elif tag == b"IDAT":
            idat += body
        i += 12 + n
    w, h = int.from_bytes(hdr[:4], "big"), int.from_bytes(hdr[4:8], "big")
    raw = np.frombuffer(zlib.decompress(idat), np.uint8).reshape(h, 1 + 3 * w)
    return raw[:, 1:].reshape(h, w, 3)


def test_plot_png_and_html(tmp_path):
    t = synthetic_trace(30_000, seed=4, p_gc=0.0)
    s = plots.series(t)
    res = replay(t)
    assert len(s["gc_x"]) == res.totals()["gc_cycles"] > 0      # every cycle is marked
    files = plots.write(str(tmp_path / "heap"), t)
    px = _png_pixels(Path(files[0]).read_bytes())
    assert px.shape == (plots.H, plots.W, 3)
    assert ((px == (31, 119, 180)).all(axis=2)).sum() > 100          # the heapLive line is drawn
    html = Path(files[1]).read_text()
    assert html.count("<svg") == 2 and html.count("GC at event") == len(s["gc_x"])


def test_report_file_is_what_the_language_server_reads(inv, tmp_path):
    e, res = inv
    p = tmp_path / report.REPORT_FILE
    report.write_lsp_report(p, res, e.ops)
    doc = json.loads(p.read_text())
    assert doc["meta"]["created"].endswith("+00:00") and doc["functions"][0]["ops"] == e.ops
    r = Reports().load(str(p))
    row = r.lookup("Store.SKUs", "inventory")
    assert row is not None and row["objects"] == 10 * e.ops and row["function"] == "example.com/inventory.(*Store).SKUs"
    assert r.age() < 60


def test_report_file_per_benchmark_sections(tmp_path):
    """Whole-run `functions`/`totals`/`meta` stay as they were; `benchmarks` adds one section each."""
    whole, b1, b2 = (replay(synthetic_trace(2000, seed=s)) for s in (1, 2, 3))
    p = tmp_path / report.REPORT_FILE
    report.write_lsp_report(p, whole, None, {"benchmarks": {"BenchmarkA": 10, "BenchmarkB": 20}},
                            benchmarks={"BenchmarkA": (b1, 10), "BenchmarkB": (b2, 20)})
    doc = json.loads(p.read_text())
    assert set(doc) == {"functions", "totals", "meta", "benchmarks"}
    assert doc["totals"] == whole.totals() and "ops" not in doc["functions"][0]
    assert doc["benchmarks"]["BenchmarkB"]["ops"] == 20 and doc["benchmarks"]["BenchmarkB"]["totals"] == b2.totals()
    assert [{k: v for k, v in r.items() if k != "ops"} for r in doc["benchmarks"]["BenchmarkA"]["functions"]] \
        == report.rows(b1)
    assert {r["ops"] for r in doc["benchmarks"]["BenchmarkA"]["functions"]} == {10}
    r = Reports().load(str(p))                   # the language server still reads the whole run
    assert r is not None and r.totals == doc["totals"]


def test_cli_estimate_outputs(tmp_path, capsys):
    ap = argparse.ArgumentParser(prog="goperf")
    cli.add_parser(ap.add_subparsers(dest="cmd", required=True))
    rep = tmp_path / "r.json"
    args = ap.parse_args(["profile", "estimate", f"{INVENTORY / 'inventory_test.go'}:BenchmarkSKUs",
                          "--param", "ops=10", "--format", "json", "--pprof", str(tmp_path / "p.pb.gz"),
                          "--plot", str(tmp_path / "h.html"), "--report", str(rep)])
    assert cli.run(args) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["meta"]["producer"] == "static" and d["meta"]["ops"] == 10
    assert (tmp_path / "p.pb.gz").exists() and (tmp_path / "h.html").exists() and rep.exists()
