"""passes/types.py against the compiler: every declaration below is laid out by `Sizer`
and by `unsafe.Sizeof` / `unsafe.Alignof` in a generated Go program (linux/amd64)."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from goperf.analyzer.context import Package, SourceFile
from goperf.analyzer.passes.types import Sizer

TYPES_GO = """package sizes

import (
	"bytes"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const (
	N      = 16
	M      = N * 4
	Shift  = 1 << 3
	Mixed  = (N + 2) / 3
	Hex    = 0x10
	Under  = 1_000
	Kibi   = 1 << 10
	Modulo = Under % 7
)

const (
	KindA = iota
	KindB
	KindC
	KindD
)

const (
	_  = iota
	KB = 1 << (10 * iota)
)

const Neg = -3

type Bool bool
type Int8 int8
type Uint16 uint16
type Rune rune
type Float32 float32
type Complex64 complex64
type Complex128 complex128
type Str string
type Iface interface{ M() }
type Any any
type Err error
type Ptr *int
type Slice []byte
type Map map[string]int
type Chan chan int
type Func func(int) error
type UPtr uintptr

type Arr [N]int32
type ArrConst [M]byte
type ArrShift [Shift]uint16
type ArrExpr [Mixed + 1]int64
type ArrHex [Hex]bool
type ArrUnder [Under]byte
type ArrKibi [Kibi / 8]float64
type ArrMod [Modulo]int16
type ArrZero [0]int64
type ArrIota [KindD]uint32
type ArrIotaShift [KB / 256]byte
type ArrNeg [Neg + 5]int64
type ArrOfStruct [3]Padded
type ArrNested [2][3]Rune

type Padded struct {
	a bool
	b int64
	c bool
}
type Packed struct {
	b int64
	a bool
	c bool
}
type Small struct {
	a, b, c byte
}
type Mixed16 struct {
	a int8
	b int16
	c int8
}
type Nested struct {
	p Padded
	s Small
	x int32
}
type Empty struct{}
type TrailingZero struct {
	x int64
	z struct{}
}
type TrailingZeroArr struct {
	a int32
	z [0]int64
}
type LeadingZero struct {
	z struct{}
	x int32
}
type OnlyZero struct {
	a struct{}
	b [0]int
}
type Embedded struct {
	Padded
	*Small
	n uint8
}
type Blank struct {
	_ [0]func()
	_ int16
	v int32
}
type Anonymous struct {
	inner struct {
		a byte
		b complex64
	}
	c byte
}
type WithLocks struct {
	mu   sync.Mutex
	rw   sync.RWMutex
	wg   sync.WaitGroup
	once sync.Once
	n    atomic.Int64
	flag atomic.Bool
}
type WithTime struct {
	t time.Time
	d time.Duration
	b bool
}
type WithBuffers struct {
	buf bytes.Buffer
	sb  strings.Builder
	ok  bool
}
type Big struct {
	data [512]byte
	meta Nested
	name string
	tags []string
}
type Alias = Padded
type Defined Packed
type PtrToBig *Big
type ArrOfIface [4]Iface
type StructOfArr struct {
	a [3]byte
	b [2]uint16
	c [1]complex128
}
"""

DECL = re.compile(r"^type (\w+)", re.M)


def _names() -> list[str]:
    return DECL.findall(TYPES_GO)


def test_enough_declarations():
    assert len(_names()) >= 40


@pytest.mark.slow
def test_sizes_match_unsafe_sizeof(go: str, tmp_path: Path):
    names = _names()
    pkg_dir = tmp_path / "sizes"
    pkg_dir.mkdir()
    (pkg_dir / "types.go").write_text(TYPES_GO)
    lines = "\n".join(
        f'\tfmt.Printf("%s %d %d\\n", "{n}", unsafe.Sizeof(*new(sizes.{n})), unsafe.Alignof(*new(sizes.{n})))'
        for n in names
    )
    main = f'package main\n\nimport (\n\t"fmt"\n\t"unsafe"\n\n\t"example.com/sizes"\n)\n\nfunc main() {{\n{lines}\n}}\n'
    (tmp_path / "main.go").write_text(main)
    (tmp_path / "go.mod").write_text("module example.com\n\ngo 1.22\n")
    env = {**os.environ, "GOOS": "linux", "GOARCH": "amd64", "GOFLAGS": "-mod=mod", "GOTOOLCHAIN": "local"}
    out = subprocess.run([go, "run", "."], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    truth = {name: (int(size), int(align)) for name, size, align in (l.split() for l in out.stdout.splitlines())}

    file = SourceFile.parse("types.go", TYPES_GO.encode())
    sizer = Sizer(Package([file]))
    got = {}
    for name in names:
        layout = sizer.named(name)
        got[name] = (layout.size, layout.align) if layout is not None else None
    wrong = {n: (got[n], truth[n]) for n in names if got[n] != truth[n]}
    assert not wrong, "(goperf, compiler): " + json.dumps(wrong)
