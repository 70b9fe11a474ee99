"""Regression guard: syntax-mode escape accuracy against the compiler on a fixed package set.

The floors are the figures measured when the rules were written (see docs/benchmarks.md,
"Escape accuracy") minus a margin of 0.05; a change that loses more than that fails here.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "escape_accuracy.py"
PACKAGES = ["strconv", "encoding/csv", "text/tabwriter", "net/url", "text/template/parse", "go/printer", "crypto/cipher"]
MARGIN = 0.05
MEASURED = {  # precision, recall
    "moved": (1.000, 0.889),
    "escapes": (0.951, 0.968),
}


def _bench():
    spec = importlib.util.spec_from_file_location("escape_accuracy", BENCH)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(autouse=True)
def _own_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "xdg-cache"))


@pytest.mark.slow
def test_escape_accuracy_does_not_drop(go: str):
    bench = _bench()
    m = bench.measure(PACKAGES, go, 0)
    assert set(m["per_pkg"]) == set(PACKAGES), "a package of the fixed set did not build"
    for kind, (precision, recall) in MEASURED.items():
        t = m["totals"][kind]
        p, r, _ = bench.score(t["tp"], t["fp"], t["fn"])
        assert p >= precision - MARGIN, f"{kind} precision fell to {p:.3f} (measured {precision})"
        assert r >= recall - MARGIN, f"{kind} recall fell to {r:.3f} (measured {recall})"
