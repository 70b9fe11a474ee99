"""An analysis leaves no reference cycles: what it allocates is freed by reference counting.

The lint workers pause the cyclic collector while they analyze (analyzer/gcpause.py), and the
language server keeps its heap frozen between edits (lsp/heap.py): any cycle an analysis left
would stay allocated until a collection the server schedules when idle. Each case analyzes a
GOROOT package (every rule), or re-analyzes an edited file incrementally, drops the results and
asks the collector what only it could free.
"""

from __future__ import annotations

import gc
from collections import Counter
from pathlib import Path

import pytest

from goperf.analyzer import driver, parsing
from goperf.analyzer.config import Config
from goperf.analyzer.context import Package, SourceFile
from goperf.analyzer.incremental import IncrementalFile
from goperf.analyzer.toolchain import goroot

ALL = Config(enable=("all",))


def _cyclic_garbage(run) -> Counter:
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        run()
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        found = Counter(type(o).__name__ for o in gc.garbage)
    finally:
        gc.garbage.clear()
        gc.set_debug(0)
        if enabled:
            gc.enable()
    return found


def _package(rel: str) -> Package:
    folder = goroot() / "src" / rel
    paths = sorted(p for p in folder.glob("*.go") if not p.name.endswith("_test.go"))
    return Package([SourceFile.parse(str(p), p.read_bytes()) for p in paths])


@pytest.mark.parametrize("rel", ["net/url", "text/template/parse", "encoding/json"])
def test_package_analysis_leaves_no_cycles(rel):
    def run():
        pkg = _package(rel)
        assert driver.analyze_package(pkg, ALL) is not None

    assert _cyclic_garbage(run) == Counter()


def test_incremental_reanalysis_leaves_no_cycles():
    pkg = _package("net/url")
    target = next(f for f in pkg.files if Path(f.path).name == "url.go")
    others = [f for f in pkg.files if f is not target]
    inc = IncrementalFile()
    inc.analyze(target, Package([target, *others]), ALL)

    def edit(i: int) -> None:
        source = target.source.replace(b"\nfunc ", b"\n// edit %d\nfunc " % i, 1)
        f = SourceFile(target.path, source, parsing.parse(source))
        inc.analyze(f, Package([f, *others]), ALL)

    for i in range(3):  # the first edits also replace what the full analysis cached
        assert _cyclic_garbage(lambda: edit(i)) == Counter()
