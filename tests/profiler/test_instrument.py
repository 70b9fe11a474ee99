"""tree-sitter rewrite of a package copy: names as the runtime spells them, gofmt-clean output."""

import shutil
import subprocess
from pathlib import Path

import pytest

from goperf.profiler.instrument import line_map, rewrite

SRC = b"""package p

import "fmt"

type T struct{ n int }

func (t *T) Inc() { t.n++ }

func (t T) Get() int {
	return t.n
}

func Empty() {}

func G[X any](x X) X { return x }

func main() {
	f := func() { fmt.Println(1) }
	f()
}
"""


def test_rewrite_names_and_line_map():
    out, names = rewrite(SRC, "example.com/p")
    assert names == ["example.com/p.(*T).Inc", "example.com/p.T.Get", "example.com/p.Empty",
                     "example.com/p.G", "example.com/p.main"]
    text = out.decode()
    assert text.count("defer __goperf_trace.StartRegion(") == 5
    assert '\t__goperf_trace "runtime/trace"' in text and "f := func() { fmt.Println(1) }" in text
    lm = line_map(SRC, out)
    a, b = SRC.decode().splitlines(), text.splitlines()
    assert all(b[n - 1] == a[o - 1] for n, o in lm.items()) and len(lm) >= len(a) - 4


@pytest.mark.skipif(shutil.which("go") is None, reason="needs the Go toolchain")
def test_rewrite_is_gofmt_clean(tmp_path):
    out, _ = rewrite(SRC, "example.com/p")
    f = tmp_path / "p.go"
    f.write_bytes(out)
    goroot = subprocess.run(["go", "env", "GOROOT"], capture_output=True, text=True).stdout.strip()
    r = subprocess.run([str(Path(goroot) / "bin" / "gofmt"), "-l", str(f)], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout == "", r.stderr
    (tmp_path / "go.mod").write_text("module example.com/p\n\ngo 1.26\n")
    assert subprocess.run(["go", "vet", "."], cwd=tmp_path, capture_output=True).returncode == 0


def test_file_without_functions_is_unchanged():
    src = b"package p\n\nvar X = 1\n"
    assert rewrite(src, "example.com/p") == (src, [])
