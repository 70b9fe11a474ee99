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
