"""The bundled example (examples/inventory) measured by `go test -bench -benchmem`, before and
after `goperf lint --fix --unsafe-fixes` — the runtime's own figures that fix tests compare with."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "inventory"
BENCHMEM_LINE = re.compile(r"^Benchmark(\w+?)(?:-\d+)?\s+\d+\s+[\d.]+ ns/op\s+(\d+) B/op\s+(\d+) allocs/op", re.M)


def benchmem(go: str, folder: Path, benchtime: str = "300x") -> dict[str, tuple[int, int]]:
    """Benchmark name (without "Benchmark") -> (B/op, allocs/op)."""
    proc = subprocess.run([go, "test", "-run", "^$", "-bench", ".", "-benchmem", f"-benchtime={benchtime}"],
                          cwd=folder, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return {m[1]: (int(m[2]), int(m[3])) for m in BENCHMEM_LINE.finditer(proc.stdout)}


def lint_fix(folder: Path) -> None:
    """`goperf lint --fix --unsafe-fixes .` in `folder`, as a user runs it."""
    fix = subprocess.run([sys.executable, "-m", "goperf.cli.main", "lint", "--fix", "--unsafe-fixes", "."],
                         cwd=folder, capture_output=True, text=True)
    assert fix.returncode in (0, 1), fix.stderr


def before_and_after_fix(go: str, folder: Path, benchtime: str = "300x"):
    """benchmem of `folder`, then of the same folder after lint_fix (which edits it in place)."""
    before = benchmem(go, folder, benchtime)
    lint_fix(folder)
    return before, benchmem(go, folder, benchtime)
