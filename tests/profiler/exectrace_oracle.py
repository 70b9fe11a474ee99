"""Helpers for the execution-trace tests: a small Go program traced with
GODEBUG=traceallocfree=1, and a parser of `go tool trace -d=parsed` (the oracle)."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

PROGRAM = r'''package oracle

import (
	"context"
	"fmt"
	"runtime"
	"runtime/trace"
	"sync"
	"testing"
)

var sink []byte
var sinkp []*int
var sinkInt int
var sinkI *int64

//go:noinline
func rec(d int) int {
	var buf [800]byte
	buf[d%800] = byte(d)
	if d == 0 {
		return int(buf[0])
	}
	return rec(d-1) + int(buf[(d*7)%800])
}

func churn(n int) {
	for i := 0; i < n; i++ {
		sink = make([]byte, 40000)
		sinkp = make([]*int, 3)
		sinkI = new(int64)               // tiny
		s := string(sink[:i%24])         // tiny or small, pointer-free
		sinkInt += len(s)
	}
}

func TestOracle(t *testing.T) {
	ctx := context.Background()
	var a, b runtime.MemStats
	runtime.ReadMemStats(&a)
	trace.Log(ctx, "oracle", "begin")
	trace.WithRegion(ctx, "churn", func() { churn(NCHURN) })
	trace.Log(ctx, "oracle", "end")
	runtime.ReadMemStats(&b)
	fmt.Printf("MEMSTATS %d %d %d\n", b.Mallocs-a.Mallocs, b.TotalAlloc-a.TotalAlloc, b.NumGC-a.NumGC)
	var wg sync.WaitGroup
	for i := 0; i < NGOR; i++ {
		wg.Add(1)
		go func() { sinkInt += rec(DEPTH); wg.Done() }()
		wg.Wait()
	}
}
'''


def make_trace(d: Path, nchurn: int = 600, ngor: int = 3, depth: int = 18) -> tuple[Path, tuple[int, int, int]]:
    d.mkdir(parents=True, exist_ok=True)
    (d / "go.mod").write_text("module example.com/oracle\n\ngo 1.26\n")
    src = PROGRAM.replace("NCHURN", str(nchurn)).replace("NGOR", str(ngor)).replace("DEPTH", str(depth))
    (d / "oracle_test.go").write_text(src)
    out = d / "t.out"
    env = dict(os.environ, GODEBUG="traceallocfree=1,adaptivestackstart=0")
    p = subprocess.run(["go", "test", "-count=1", "-v", "-run", "TestOracle", "-trace", str(out), "."],
                       cwd=d, capture_output=True, text=True, env=env, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    m = re.search(r"MEMSTATS (\d+) (\d+) (\d+)", p.stdout)
    return out, (int(m.group(1)), int(m.group(2)), int(m.group(3)))


LINE = re.compile(r"^M=(-?\d+) P=(-?\d+) G=(-?\d+) (\w+) Time=(\d+)(.*)$")
ARG = re.compile(r"(\w+)=Value\{Uint64\((\d+)\)\}")


def parsed(path: Path) -> list[dict]:
    """Events of `go tool trace -d=parsed`: kind, M, P, G, Time, name/args, stack functions."""
    text = subprocess.run(["go", "tool", "trace", "-d=parsed", str(path)], capture_output=True,
                          text=True, check=True, timeout=600).stdout
    evs: list[dict] = []
    cur = None
    for line in text.splitlines():
        m = LINE.match(line)
        if m:
            rest = m.group(6)
            cur = {"m": int(m.group(1)), "p": int(m.group(2)), "g": int(m.group(3)), "kind": m.group(4),
                   "ts": int(m.group(5)), "rest": rest, "stack": []}
            if cur["kind"] == "Experimental":
                cur["name"] = re.search(r"Name=(\w+)", rest).group(1)
                cur["args"] = tuple(int(v) for _, v in ARG.findall(rest))
            else:
                n = re.search(r'(?:Name|Type)="([^"]*)"', rest)
                cur["name"] = n.group(1) if n else ""
            evs.append(cur)
        elif line.startswith("\t") and not line.startswith("\t\t") and cur is not None and " @ 0x" in line:
            cur["stack"].append(line.strip().rsplit(" @ ", 1)[0])
    return evs
