"""Throughput of goperf's execution-trace reader (profiler/exectrace) on a real trace.

Builds a small Go program that allocates N objects under GODEBUG=traceallocfree=1 (so the
trace is mostly HeapObjectAlloc/Free, Span and GC events), traces it with `go test -trace`,
and reads the trace REPEAT times after one warm-up read (numba JIT/cache load reported
apart). Optional: `--oracle` also times `go tool trace -d=parsed` on the same file.

    python bench/exectrace_read.py [--allocs 1000000] [--repeat 3] [--oracle] [--trace FILE]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROGRAM = r'''package big

import "testing"

var sinkB []byte
var sinkP []*int
var sinkI *int64

func TestBig(t *testing.T) {
	for i := 0; i < NALLOCS/4; i++ {
		sinkB = make([]byte, 64+i%512)
		sinkP = make([]*int, 1+i%8)
		sinkI = new(int64)
		if i%64 == 0 {
			sinkB = make([]byte, 40000)
		}
		sinkB = make([]byte, 4)
	}
}
'''


def make_trace(d: Path, n: int) -> Path:
    (d / "go.mod").write_text("module example.com/big\n\ngo 1.26\n")
    (d / "big_test.go").write_text(PROGRAM.replace("NALLOCS", str(n)))
    out = d / "big.trace"
    subprocess.run(["go", "test", "-count=1", "-run", "TestBig", "-trace", str(out), "."], cwd=d, check=True,
                   env=dict(os.environ, GODEBUG="traceallocfree=1"), capture_output=True)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--allocs", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--trace", default=None, help="read this trace instead of making one")
    ap.add_argument("--oracle", action="store_true", help="also time go tool trace -d=parsed")
    a = ap.parse_args(argv)
    from goperf.profiler.exectrace import read
    with tempfile.TemporaryDirectory() as d:
        path = Path(a.trace) if a.trace else make_trace(Path(d), a.allocs)
        size = path.stat().st_size
        t0 = time.perf_counter()
        et = read(path)
        first = time.perf_counter() - t0
        times = []
        for _ in range(a.repeat):
            t0 = time.perf_counter()
            et = read(path)
            times.append(time.perf_counter() - t0)
        n = len(et)
        best, med = min(times), statistics.median(times)
        print(f"trace: {size / 1e6:.1f} MB, {n / 1e6:.2f} M events ({size / n:.1f} B/event), "
              f"{len(et.gens)} generations")
        print(f"first read (incl. numba cache load/JIT): {first:.2f} s")
        print(f"read: best {best:.3f} s = {n / best / 1e6:.2f} M events/s ({size / best / 1e6:.0f} MB/s), "
              f"median {med:.3f} s = {n / med / 1e6:.2f} M events/s")
        if a.oracle:
            t0 = time.perf_counter()
            p = subprocess.run(["go", "tool", "trace", "-d=parsed", str(path)], capture_output=True)
            dt = time.perf_counter() - t0
            print(f"go tool trace -d=parsed: {dt:.2f} s = {n / dt / 1e6:.3f} M events/s (rc {p.returncode})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
