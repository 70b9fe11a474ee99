"""Static producer (`profile estimate`): lengths, growth rules, call graph and frames, against the
analyzer's cost arithmetic and the runtime figures measured for examples/inventory."""

from pathlib import Path

import pytest

from goperf.analyzer import costs
from goperf.profiler.estimate import EstimateError, estimate, parse_params
from goperf.profiler.replay import replay

ROOT = Path(__file__).resolve().parents[2]
INVENTORY = ROOT / "examples" / "inventory" / "inventory_test.go"


def per_op(path, func=None, params=None, sources=None):
    e = estimate(str(path), func, params, sources=sources)
    t = replay(e.trace).totals()
    return t["heap_bytes"] / e.ops, t["objects"] / e.ops, e, t


def write(tmp_path, code, name="x.go"):
    (tmp_path / "go.mod").write_text("module example.com/x\n\ngo 1.27\n")
    p = tmp_path / name
    p.write_text(code)
    return p


# -benchmem of `go test -bench . -benchtime=300x` in examples/inventory (Go 1.27.3), the same
# figures bench/static_vs_recorded.py prints; exact where the model has everything it needs.
@pytest.mark.parametrize("bench,b_op,allocs", [
    ("BenchmarkSKUs", 18800, 10),          # append growth of 500 strings, no stack buffer (passed to sort)
    ("BenchmarkValidSKUs", 494016, 6006),  # 100 regexp compiles (table) + append with the 32-B buffer
])
def test_inventory_exact(bench, b_op, allocs):
    b, o, e, _ = per_op(INVENTORY, bench, {"ops": 50})
    assert (b, o) == (b_op, allocs)
    assert not e.unmodelled


def test_inventory_map_growth_within_1pct():
    b, o, _, _ = per_op(INVENTORY, "BenchmarkIndex", {"ops": 20})
    assert abs(b - 54152) / 54152 < 0.01            # runtime: 54152 B/op, 15 allocs/op
    assert 15 <= o <= 17


def test_append_loop_follows_growslice(tmp_path):
    p = write(tmp_path, """package x
func Build(n int) []int {
	var out []int
	for i := 0; i < n; i++ {
		out = append(out, i)
	}
	return out
}
""")
    for n in (1, 5, 100, 1000):
        b, o, e, _ = per_op(p, "Build", {"n": n, "ops": 4})   # even: tiny blocks pair up
        allocs, nbytes = costs.append_growth(n, 8, False, costs.STACK_APPEND_BUFFER)
        assert (o, b) == (allocs, nbytes), n
        assert "n" not in e.assumed


def test_unknown_lengths_default_and_are_listed(tmp_path):
    p = write(tmp_path, """package x
func Sum(xs []int) []int {
	out := make([]int, 0, len(xs))
	for _, x := range xs {
		out = append(out, x)
	}
	return out
}
""")
    _, o, e, _ = per_op(p, "Sum", {"ops": 2})
    assert e.assumed == {"xs": 100} and o == 1
    b, o, e, _ = per_op(p, "Sum", {"ops": 2, "xs": 1000})
    assert not e.assumed and (o, b) == (1, 8192)


def test_builder_and_concat(tmp_path):
    p = write(tmp_path, """package x
import "strings"
func Cat(parts []string) string {
	s := ""
	for _, x := range parts {
		s += x
	}
	return s
}
func Build(parts []string) string {
	var sb strings.Builder
	for _, x := range parts {
		sb.WriteString(x)
	}
	return sb.String()
}
""")
    _, o, _, _ = per_op(p, "Cat", {"parts": 50, "len(x)": 10, "ops": 2})
    assert o == 50
    b, o, _, _ = per_op(p, "Build", {"parts": 50, "len(x)": 10, "ops": 2})
    assert (o, b) == costs.builder_growth([10] * 50)


def test_recursion_frames_and_morestack(tmp_path):
    p = write(tmp_path, """package x
func Rec(d int) int {
	var buf [800]byte
	buf[d%800] = 1
	if d == 0 {
		return int(buf[0])
	}
	return Rec(d-1) + int(buf[1])
}
""")
    e = estimate(str(p), "Rec", {"depth": 40, "ops": 1, "if:d == 0": 0})
    r = replay(e.trace)
    name = [str(n) for n in e.trace.funcs.name].index("example.com/x.Rec")
    assert e.trace.funcs.frame[name] >= 800
    assert r.out[name][5] >= 4            # 40 frames of > 800 B: 2K -> 64K takes several growths
    assert r.totals()["stack_copy_bytes"] > 0


def test_param_parsing_and_errors(tmp_path):
    assert parse_params(["n=5", "if:x > 0=0.5"]) == {"n": 5, "if:x > 0": 0.5}
    with pytest.raises(ValueError):
        parse_params(["n"])
    p = write(tmp_path, "package x\nfunc F() {}\n")
    with pytest.raises(EstimateError):
        estimate(str(p), "Missing")
    with pytest.raises(EstimateError):
        estimate(str(tmp_path / "nope.go"))
