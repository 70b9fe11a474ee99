"""The fixes are worth something: the bundled example's benchmarks allocate less after
`goperf lint --fix --unsafe-fixes`, measured by `go test -bench -benchmem` before and after.

Run with -s to see the before/after table.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from goperf.analyzer.toolchain import gofmt_path

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "inventory"
LINE = re.compile(r"^Benchmark(\w+?)(?:-\d+)?\s+\d+\s+[\d.]+ ns/op\s+(\d+) B/op\s+(\d+) allocs/op", re.M)


def bench(go: str, folder: Path) -> dict[str, tuple[int, int]]:
    proc = subprocess.run([go, "test", "-run", "^$", "-bench", ".", "-benchmem", "-benchtime=300x"],
                          cwd=folder, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return {m[1]: (int(m[2]), int(m[3])) for m in LINE.finditer(proc.stdout)}


@pytest.mark.slow
def test_fixes_reduce_allocations(tmp_path: Path, go: str):
    work = tmp_path / "inventory"
    shutil.copytree(EXAMPLE, work)
    before = bench(go, work)
    fix = subprocess.run([sys.executable, "-m", "goperf.cli.main", "lint", "--fix", "--unsafe-fixes", "."],
                         cwd=work, capture_output=True, text=True)
    assert fix.returncode in (0, 1), fix.stderr
    assert subprocess.run([gofmt_path(go), "-l", "."], cwd=work, capture_output=True, text=True).stdout == ""
    after = bench(go, work)

    print(f"\n{'benchmark':<12} {'B/op before':>12} {'after':>9} {'allocs/op before':>17} {'after':>6}")
    for name in before:
        (b0, a0), (b1, a1) = before[name], after[name]
        print(f"{name:<12} {b0:>12} {b1:>9} {a0:>17} {a1:>6}")
    for name in before:
        assert after[name][1] <= before[name][1], f"{name}: the fixes added allocations"
        assert after[name][0] <= before[name][0], f"{name}: the fixes added bytes"
    improved = [n for n in before if after[n][1] < before[n][1]]
    assert set(improved) >= {"SKUs", "Index", "CSV", "Labels", "ValidSKUs", "Normalize"}, improved
