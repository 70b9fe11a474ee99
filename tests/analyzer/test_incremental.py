"""Incremental analysis (analyzer/incremental.py) finds exactly what a full analysis finds.

Seeded random edit sequences — mostly typing and deleting inside function bodies, as an editor
sends them, plus new lines, comments, ignore directives and destructive edits anywhere — are
applied to generated, GOROOT and testdata files; after every edit the tree is re-parsed
incrementally (as the language server does) and `IncrementalFile.analyze` must equal
`driver.analyze_file` on a fresh parse: same rules, ranges, messages, fixes, related, data.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest
from tree_sitter import Point

from goperf.analyzer import driver, parsing
from goperf.analyzer.config import Config
from goperf.analyzer.context import Package, SourceFile
from goperf.analyzer.incremental import IncrementalFile
from goperf.analyzer.toolchain import goroot

REPO = Path(__file__).resolve().parents[2]
TESTDATA = REPO / "tests" / "testdata"
ALL = Config(enable=("all",))

SNIPPETS = [b"", b"x := 1", b"_ = x", b"// c", b"//goperf:ignore", b"s := []int{}", b"var b bytes.Buffer",
            b"m := map[string]int{}", b"for i := 0; i < 10; i++ {", b"}", b"return"]


def _edit(src: bytes, rng: random.Random) -> bytes:
    lines = src.split(b"\n")
    body = [i for i, line in enumerate(lines) if line.startswith(b"\t") and not line.strip().startswith(b"//")]
    k = rng.random()
    if body and k < 0.8:
        i = rng.choice(body)
        r = rng.random()
        if r < 0.4:
            lines[i] += rng.choice([b"+1", b"1", b"+", b" ", b"x", b")"])
        elif r < 0.6 and lines[i]:
            lines[i] = lines[i][:-1]
        elif r < 0.75:
            lines.insert(i + 1, b"\t" + rng.choice(SNIPPETS))
        elif r < 0.85:
            del lines[i]
        else:
            c = rng.randrange(len(lines[i]) + 1)
            lines[i] = lines[i][:c] + rng.choice([b"a", b"1", b"(", b")", b".", b"&", b"*"]) + lines[i][c:]
        return b"\n".join(lines)
    pos = rng.randrange(len(src) + 1)
    if k < 0.93:
        return src[:pos] + rng.choice([b"1", b"x", b" ", b"\n", b"(", b"}", b"// note\n", b"//nolint\n"]) + src[pos:]
    return src[:pos] + src[pos + rng.randint(1, 4):]


def _point(src: bytes, offset: int) -> Point:
    row = src.count(b"\n", 0, offset)
    return Point(row, offset - (src.rfind(b"\n", 0, offset) + 1))


def _reparse(tree, old: bytes, new: bytes):
    """Edit the old tree and re-parse with it, as lsp/documents.py does."""
    p = 0
    n = min(len(old), len(new))
    while p < n and old[p] == new[p]:
        p += 1
    s = 0
    while s < n - p and old[len(old) - 1 - s] == new[len(new) - 1 - s]:
        s += 1
    tree = tree.copy()
    tree.edit(p, len(old) - s, len(new) - s, _point(old, p), _point(old, len(old) - s), _point(new, len(new) - s))
    return parsing.parse(new, tree)


def _check(path: str, src: bytes, steps: int, seed: int, siblings: list[SourceFile] = (), config: Config = ALL):
    rng = random.Random(seed)
    inc = IncrementalFile()
    tree = parsing.parse(src)
    incremental_runs = 0
    for step in range(steps):
        f = SourceFile(path, src, tree)
        got = inc.analyze(f, Package([f, *siblings]), config)
        incremental_runs += not inc.last_full
        fresh = SourceFile(path, bytes(bytearray(src)), parsing.parse(src))
        want = driver.analyze_file(fresh, Package([fresh, *siblings]), config)
        if got != want:
            extra = [x for x in got if x not in want][:3]
            missing = [x for x in want if x not in got][:3]
            pytest.fail(f"{path} after edit {step} (seed {seed}, {'full' if inc.last_full else 'incremental'}):\n"
                        f"  incremental only: {extra}\n  full only: {missing}")
        new = _edit(src, rng)
        tree, src = _reparse(tree, src, new), new
    return incremental_runs


def test_generated_file():
    sys.path.insert(0, str(REPO))
    from bench.lsp_latency import generate

    runs = _check("/virtual/bench/bench.go", generate(900).encode(), 60, 1)
    assert runs > 30  # most edits stay incremental
    runs = _check("/virtual/bench/bench.go", generate(900).encode(), 25, 7, config=Config())


def test_testdata_files():
    files = sorted(TESTDATA.rglob("*.go"))
    rng = random.Random(3)
    for p in rng.sample(files, min(12, len(files))):
        _check(str(p), p.read_bytes(), 10, rng.randrange(1000))


@pytest.fixture(scope="module")
def gosrc() -> Path:
    root = goroot()
    if root is None or not (Path(root) / "src").is_dir():
        pytest.skip("no GOROOT")
    return Path(root) / "src"


@pytest.mark.parametrize("name", ["strings/builder.go", "bytes/buffer.go", "sync/pool.go", "fmt/format.go"])
def test_goroot_files(gosrc, name):
    p = gosrc / name
    if not p.exists():
        pytest.skip(f"{name} not in this GOROOT")
    _check(str(p), p.read_bytes(), 12, hash(name) % 1000)


def test_goroot_with_siblings(gosrc):
    """Summaries of the other files are reused; callers across files are re-summarized."""
    target = gosrc / "sort" / "search.go"
    siblings = [SourceFile.parse(str(q), q.read_bytes()) for q in sorted((gosrc / "sort").glob("*.go"))
                if q != target and not q.name.endswith("_test.go")]
    if not target.exists() or not siblings:
        pytest.skip("no sort package")
    _check(str(target), target.read_bytes(), 12, 5, siblings)
