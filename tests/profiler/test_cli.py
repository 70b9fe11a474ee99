"""`goperf profile` through profiler.cli (add_parser/run), as the CLI owner wires it."""

import argparse
import json
import shutil
import subprocess
import sys

import pytest

from goperf.profiler import cli
from goperf.profiler.synth import synthetic_trace
from test_record import PKG as ALLOCS


def run(argv, capsys):
    ap = argparse.ArgumentParser(prog="goperf")
    cli.add_parser(ap.add_subparsers(dest="cmd", required=True))
    args = ap.parse_args(argv)
    rc = cli.run(args)
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_replay_json_and_table(tmp_path, capsys):
    p = tmp_path / "t.npz"
    synthetic_trace(20_000, seed=5).save(p)
    rc, out, _ = run(["profile", "replay", str(p), "--format", "json", "--gogc", "50"], capsys)
    d = json.loads(out)
    assert rc == 0 and d["meta"]["config"]["gogc"] == 50
    assert set(d["functions"][0]) >= {"function", "heap_bytes", "objects", "gc_cycles", "morestack",
                                      "stack_copy_bytes"}
    assert d["totals"]["heap_bytes"] == sum(f["heap_bytes"] for f in d["functions"])
    rc, out, _ = run(["profile", "replay", str(p), "--memlimit", "8MiB", "--stack-start", "8192"], capsys)
    assert rc == 0 and "GOMEMLIMIT=8388608" in out


@pytest.mark.parametrize("content", [b"", b"not a zip", b"PK\x03\x04garbage"])
def test_bad_trace_is_a_message_not_a_traceback(tmp_path, capsys, content):
    p = tmp_path / "bad.npz"
    p.write_bytes(content)
    rc, out, err = run(["profile", "replay", str(p)], capsys)
    assert rc == 2 and "bad trace" in err and "Traceback" not in err


def test_bad_option_value(tmp_path, capsys):
    p = tmp_path / "t.npz"
    synthetic_trace(100, seed=5).save(p)
    rc, _, err = run(["profile", "replay", str(p), "--memlimit", "lots"], capsys)
    assert rc == 2 and "byte size" in err
    rc, _, err = run(["profile", "replay", str(p), "--stack-start", "3000"], capsys)
    assert rc == 2 and "power of two" in err


def test_importing_cli_does_not_import_numba():
    code = "import sys, goperf.profiler.cli, goperf.profiler.trace; assert 'numba' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("go") is None, reason="needs the Go toolchain")
def test_run_benchmarks(tmp_path, capsys):
    rc, out, _ = run(["profile", "run", str(ALLOCS), "-bench", "Large40k|Tiny8", "--stw", "--format",
                      "json", "--save-trace", str(tmp_path / "t.npz"), "--pprof", str(tmp_path / "p.pb.gz"),
                      "--plot", str(tmp_path / "heap"), "--report", str(tmp_path / "r.json"),
                      "--", "-benchtime=300x"], capsys)
    d = json.loads(out)
    assert rc == 0 and len(d["runs"]) == 3
    large = d["runs"][0]
    assert large["meta"]["benchmark"] == "BenchmarkLarge40k"
    top = large["functions"][0]
    assert top["function"] == "example.com/allocs.Large40k"
    assert top["heap_bytes"] == pytest.approx(300 * 40960, rel=0.02)   # + runtime allocs inside its mallocgc
    assert (tmp_path / "t.npz").exists()
    # the whole run's outputs, as `estimate` writes them
    assert (tmp_path / "heap.png").stat().st_size and (tmp_path / "heap.html").stat().st_size
    rep = json.loads((tmp_path / "r.json").read_text())
    assert rep["meta"]["benchmarks"] == {"BenchmarkLarge40k": 300, "BenchmarkTiny8": 300}
    assert rep["totals"] == d["runs"][-1]["totals"]
    # per benchmark too: the same figures as the run's per-benchmark replays, each row with ops = b.N
    assert set(rep["benchmarks"]) == {"BenchmarkLarge40k", "BenchmarkTiny8"}
    for run_ in d["runs"][:2]:
        sec = rep["benchmarks"][run_["meta"]["benchmark"]]
        assert sec["ops"] == 300 and sec["totals"] == run_["totals"]
        assert [{k: v for k, v in r.items() if k != "ops"} for r in sec["functions"]] == run_["functions"]
        assert all(r["ops"] == 300 for r in sec["functions"])
    lb = rep["benchmarks"]["BenchmarkLarge40k"]["functions"][0]
    assert lb["function"] == "example.com/allocs.Large40k" and lb["heap_bytes"] / lb["ops"] == pytest.approx(40960, rel=0.02)
    from goperf.profiler.pprof import load
    prof = load(tmp_path / "p.pb.gz")
    assert sum(s.values[prof.index("alloc_space")] for s in prof.samples) == rep["totals"]["heap_bytes"]
