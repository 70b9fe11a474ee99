"""The fixes are worth something: the bundled example's benchmarks allocate less after
`goperf lint --fix --unsafe-fixes`, measured by `go test -bench -benchmem` before and after.

Run with -s to see the before/after table.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from goperf.analyzer.toolchain import gofmt_path

from example_bench import EXAMPLE, before_and_after_fix


@pytest.mark.slow
def test_fixes_reduce_allocations(tmp_path: Path, go: str):
    work = tmp_path / "inventory"
    shutil.copytree(EXAMPLE, work)
    before, after = before_and_after_fix(go, work)
    assert subprocess.run([gofmt_path(go), "-l", "."], cwd=work, capture_output=True, text=True).stdout == ""

    print(f"\n{'benchmark':<12} {'B/op before':>12} {'after':>9} {'allocs/op before':>17} {'after':>6}")
    for name in before:
        (b0, a0), (b1, a1) = before[name], after[name]
        print(f"{name:<12} {b0:>12} {b1:>9} {a0:>17} {a1:>6}")
    for name in before:
        assert after[name][1] <= before[name][1], f"{name}: the fixes added allocations"
        assert after[name][0] <= before[name][0], f"{name}: the fixes added bytes"
    improved = [n for n in before if after[n][1] < before[n][1]]
    assert set(improved) >= {"SKUs", "Index", "CSV", "Labels", "ValidSKUs", "Normalize"}, improved
