"""--apply-fixes: the predicted saving per benchmark against reality (-benchmem before/after
`goperf lint --fix --unsafe-fixes` on a copy of examples/inventory)."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from goperf.profiler.estimate import estimate, fixed_sources
from goperf.profiler.replay import replay

INVENTORY = Path(__file__).resolve().parents[2] / "examples" / "inventory"
BENCHES = ("SKUs", "Index", "CSV", "Labels", "ValidSKUs", "Normalize")
LINE = re.compile(r"^Benchmark(\w+?)(?:-\d+)?\s+\d+\s+[\d.]+ ns/op\s+(\d+) B/op\s+(\d+) allocs/op", re.M)


def predicted(ops=20) -> dict[str, tuple[float, float]]:
    """Per benchmark: (allocs/op saved, B/op saved) by the static model."""
    src, _ = fixed_sources(INVENTORY)
    out = {}
    for b in BENCHES:
        e0 = estimate(str(INVENTORY / "inventory_test.go"), f"Benchmark{b}", {"ops": ops})
        e1 = estimate(str(INVENTORY / "inventory_test.go"), f"Benchmark{b}", {"ops": ops}, sources=src)
        t0, t1 = replay(e0.trace).totals(), replay(e1.trace).totals()
        out[b] = ((t0["objects"] - t1["objects"]) / ops, (t0["heap_bytes"] - t1["heap_bytes"]) / ops)
    return out


def test_fixed_sources_match_lint_fix():
    src, applied = fixed_sources(INVENTORY)
    text = src[str(INVENTORY / "inventory.go")].decode()
    assert "var validSKUsRe = regexp.MustCompile" in text and "strings.Builder" in text
    assert {"prealloc/slice Store.SKUs", "prealloc/map Index", "concat/loop Labels"} <= set(applied)
    assert (INVENTORY / "inventory.go").read_bytes() != src[str(INVENTORY / "inventory.go")]  # disk untouched


def bench(go, folder):
    p = subprocess.run([go, "test", "-run", "^$", "-bench", ".", "-benchmem", "-benchtime=300x"],
                       cwd=folder, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stdout + p.stderr
    return {m[1]: (int(m[2]), int(m[3])) for m in LINE.finditer(p.stdout)}


@pytest.mark.slow
def test_predicted_saving_vs_benchmem(tmp_path, go):
    work = tmp_path / "inventory"
    shutil.copytree(INVENTORY, work)
    before = bench(go, work)
    fix = subprocess.run([sys.executable, "-m", "goperf.cli.main", "lint", "--fix", "--unsafe-fixes", "."],
                         cwd=work, capture_output=True, text=True)
    assert fix.returncode in (0, 1), fix.stderr
    after = bench(go, work)
    pred = predicted()
    rows = {}
    for b in BENCHES:
        real_allocs = before[b][1] - after[b][1]
        real_bytes = before[b][0] - after[b][0]
        rows[b] = {"allocs_saved_real": real_allocs, "allocs_saved_pred": pred[b][0],
                   "bytes_saved_real": real_bytes, "bytes_saved_pred": pred[b][1]}
    print(json.dumps(rows, indent=1))
    for b, r in rows.items():
        # allocation savings: within 2 allocs/op or 5 %; byte savings within 5 % or 1 KiB
        assert abs(r["allocs_saved_pred"] - r["allocs_saved_real"]) <= max(2, 0.05 * r["allocs_saved_real"]), b
        assert abs(r["bytes_saved_pred"] - r["bytes_saved_real"]) <= max(1024, 0.05 * r["bytes_saved_real"]), b
