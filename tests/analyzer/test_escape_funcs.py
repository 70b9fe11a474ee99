"""passes/funcs/ facts: parameter leaks, returned local addresses, inlinability, frames, stdlib table."""

from __future__ import annotations

from goperf.analyzer.context import Package, SourceFile
from goperf.analyzer.passes.funcs import package_funcs, stdlib_facts

SOURCE = b"""package p

var global *int

type buf struct{ data [512]byte }

func newBuf() *buf { return &buf{} }

func keep(p *int) { global = p }

func ident(p *int) *int { return p }

func deref(p *int) int { return *p }

func loop(n int) int {
	var t [1024]byte
	for i := 0; i < n; i++ {
		t[i%1024]++
	}
	return int(t[0])
}

func deferred() { defer keep(nil) }

func fact(n int) int {
	var scratch [64]int
	if n == 0 {
		return scratch[0]
	}
	return fact(n-1) * n
}
"""


def _funcs():
    return package_funcs(Package([SourceFile.parse("p.go", SOURCE)])).by_key


def test_parameter_leaks():
    f = _funcs()
    assert f["keep"].params == [(0, None)]  # leaking param: p
    assert f["ident"].params == [(None, 0)]  # leaking param: p to result ~r0 level=0
    # p does not escape to the heap; the load `*p` is recorded as reaching the result one dereference
    # down (syntax does not know that int carries no pointers; callers only use it for pointers)
    assert f["deref"].params[0][0] is None and f["deref"].params[0][1] == 1


def test_returns_local_address_and_inlining():
    f = _funcs()
    assert f["newBuf"].returns_local_addr and f["newBuf"].inline_cost is not None
    assert f["newBuf"].result_sites == 1
    assert not f["deref"].returns_local_addr
    assert f["deferred"].inline_cost is None  # defer: the compiler cannot inline it
    assert f["fact"].recursive and f["fact"].inline_cost is None


def test_frames():
    f = _funcs()
    assert f["loop"].frame >= 1024
    assert f["fact"].frame >= 512


def test_stdlib_table_comes_from_the_compiler():
    table = stdlib_facts()
    assert table["errors.New"]["inline"] is not None and table["errors.New"]["sites"] == ["result"]
    assert table["fmt.Sprintf"]["variadic"] and 1 in table["fmt.Sprintf"]["iface"]
    assert table["strings.Builder.WriteString"]["ptr_recv"]
    assert table["strconv.AppendInt"]["params"][0] == [None, 0]  # dst leaks to the result


GENERIC = b"""package p

import (
	"errors"
	"slices"
	"sync"
)

var cache sync.Map

var errFixed = errors.New("fixed")

var table = sync.OnceValue(build)

func build() []int { return []int{1, 2, 3} }

func collect(seq func(func(int) bool)) []int {
	return slices.Collect(seq)
}
"""


def test_generic_callees_and_package_initialisers():
    funcs = package_funcs(Package([SourceFile.parse("p.go", GENERIC)]))
    verdicts = funcs.verdicts_by_file["p.go"]
    # a package-level call runs in init and its result is stored in a package variable: the inlined
    # generic sync.OnceValue moves its `d` at the call, as `go build -gcflags=-m` reports it
    moved = {(v.what, v.node.start_point[0] + 1) for v in verdicts if v.kind == "moved" and v.at is None}
    assert ("sync.d", 13) in moved
    # errors.New of a constant is initialised statically: no code in init, no verdict on line 11
    assert not [v for v in verdicts if v.node.start_point[0] + 1 == 11]
    # slices.Collect is compiled here as an instantiation: its verdicts sit in GOROOT's slices/iter.go
    placed = {(v.at[0], v.what) for v in verdicts if v.at is not None}
    assert ("slices/iter.go", "slices.s") in placed
    # naming sync.Map makes the compiler instantiate internal/sync's generic hash-trie map here
    assert any(v.at[0] == "internal/sync/hashtriemap.go" and v.node.start_point[0] + 1 == 9
               for v in verdicts if v.at is not None)
    table = stdlib_facts()
    assert table["sync.OnceValue"]["inline"] is not None and table["sync.OnceValue"]["moved"] == [["sync.d", "heap"]]


def test_assembly_functions_leak_pointer_parameters_unless_noescape():
    src = b"""package p

func store(p *int, n int)

//go:noescape
func load(p *int) int
"""
    f = package_funcs(Package([SourceFile.parse("p.go", src)])).by_key
    assert f["store"].params == [(0, None), (None, None)] and f["store"].inline_cost is None
    assert f["load"].params == [(None, None)] and f["load"].inline_cost is None


def test_std_result_kinds_tell_interfaces_apart():
    src = b"""package p

import (
	"encoding/base64"
	"io"
	"strings"
)

func encode(s string) string {
	var buf strings.Builder
	w := base64.NewEncoder(base64.StdEncoding, &buf)
	io.WriteString(w, s)
	w.Close()
	return buf.String()
}
"""
    verdicts = package_funcs(Package([SourceFile.parse("p.go", src)])).verdicts_by_file.get("p.go", [])
    # w holds the io.WriteCloser NewEncoder returns: passing it on converts nothing
    assert not [v for v in verdicts if v.site_kind == "iface" and v.what == "w"]
    assert stdlib_facts()["encoding/base64.NewEncoder"]["results"] == ["interface"]


def test_range_over_func_costs_its_rewrite():
    src = b"""package p

import "iter"

func empty(s iter.Seq[int]) {
	for range s {
	}
}

func first(s iter.Seq[int]) (int, error) {
	for x := range s {
		if x > 3 {
			return x, nil
		}
		if x < 0 {
			return 0, nil
		}
	}
	return 0, nil
}
"""
    f = package_funcs(Package([SourceFile.parse("p.go", src)])).by_key
    # the compiler (go build -gcflags=-m=2): "can inline empty with cost 55", "first with cost 67"
    assert abs(f["empty"].inline_cost - 55) <= 5 and abs(f["first"].inline_cost - 67) <= 5


INSTANTIATING = b"""package p

import (
	"errors"
	"slices"
	"sync"
)

var errFixed = errors.New("fixed")

var table = sync.OnceValue(build)

func build() []int { return []int{1, 2, 3} }

type cache struct {
	m sync.Map
}

func collect(seq func(func(int) bool)) []int {
	var local sync.Map
	local.Store(1, 2)
	out := slices.Collect(seq)
	return out
}

func use(c *cache) int {
	x := 1
	c.m.Store("k", &x)
	return x
}
"""


def test_incremental_keeps_package_level_and_instantiation_verdicts():
    """An edit re-runs the rules on the edited declarations: the file's package-level verdicts
    (initialisers, a type naming instantiated code) must be there as after a full analysis."""
    from .test_incremental import _check

    for seed in (1, 2):
        _check("/virtual/p/p.go", INSTANTIATING, 20, seed)
