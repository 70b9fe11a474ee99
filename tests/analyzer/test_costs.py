"""costs.py against the runtime: `go test -bench -benchmem` must print exactly the
B/op and allocs/op that `append_growth` and `preallocated` predict.

One generated Go package holds a benchmark per (element type, n, way of filling):
- "global": append n elements to a nil slice held in a package variable, so every
  growslice allocates on the heap (the canonical growth sequence);
- "return": a local nil slice appended to and returned, which the Go >= 1.26 compiler
  backs with a 32-byte stack buffer until it outgrows it (`stack_buffer=32`);
- "make": make([]T, 0, n) filled and returned (one allocation).

Background allocations only add, so each benchmark runs twice and the smaller figure
counts. Benchmarks run a fixed b.N that is a multiple of every tiny-block share (16 // size),
so the tiny allocator's shared 16-byte blocks divide evenly and B/op is exact.
"""

from __future__ import annotations

import re
import subprocess

import pytest

from goperf.analyzer.costs import STACK_APPEND_BUFFER, append_growth, buffer_growth, builder_growth, grown, preallocated

# name: (Go type, size, has pointers, a Go expression of that type that does not allocate)
TYPES = {
    "Byte": ("byte", 1, False, "1"),
    "Int32": ("int32", 4, False, "1"),
    "Int": ("int", 8, False, "1"),
    "Five": ("[5]byte", 5, False, "[5]byte{}"),
    "Twelve": ("struct{ a, b, c int32 }", 12, False, "struct{ a, b, c int32 }{}"),
    "Forty": ("[5]int64", 40, False, "[5]int64{}"),
    "Hundred": ("[100]byte", 100, False, "[100]byte{}"),
    "Ptr": ("*int", 8, True, "nil"),
    "String": ("string", 16, True, '"x"'),
    "Slice": ("[]int", 24, True, "nil"),
    "Mixed": ("struct {\n\tp *int\n\ta [8]int64\n}", 72, True, "struct {\n\tp *int\n\ta [8]int64\n}{}"),
}
COUNTS = (1, 2, 3, 5, 17, 100, 513, 1000, 3000)
# strings.Builder / bytes.Buffer: n writes of k bytes each, with and without Grow(n*k).
WRITE_SIZES = (1, 5, 30)
WRITE_COUNTS = (1, 10, 100, 3000)
# A multiple of 16 // size for every tiny size (16, 8, 5, 4, 3, 2, 1).
RUNS = 480


def _program() -> str:
    # The first benchmark of a run absorbs the testing package's own lazy set-up.
    out = ["package costs", "", "import (\n\t\"bytes\"\n\t\"strings\"\n\t\"testing\"\n)", "",
           "func BenchmarkAWarmup(b *testing.B) {", "\tfor i := 0; i < b.N; i++ {\n\t\tsinkByte = make([]byte, 64<<10)\n\t}", "}", ""]
    for name, (gotype, _, _, value) in TYPES.items():
        out += [f"type t{name} = {gotype}", "", f"var sink{name} []t{name}", f"var val{name} t{name} = {value}", ""]
        out += [
            "//go:noinline",
            f"func global{name}(n int) {{",
            f"\tsink{name} = nil",
            "\tfor i := 0; i < n; i++ {",
            f"\t\tsink{name} = append(sink{name}, val{name})",
            "\t}",
            "}",
            "",
            "//go:noinline",
            f"func returned{name}(n int) []t{name} {{",
            f"\tvar s []t{name}",
            "\tfor i := 0; i < n; i++ {",
            f"\t\ts = append(s, val{name})",
            "\t}",
            "\treturn s",
            "}",
            "",
            "//go:noinline",
            f"func made{name}(n int) []t{name} {{",
            f"\ts := make([]t{name}, 0, n)",
            "\tfor i := 0; i < n; i++ {",
            f"\t\ts = append(s, val{name})",
            "\t}",
            "\treturn s",
            "}",
            "",
        ]
        for n in COUNTS:
            out += [
                f"func BenchmarkGlobal_{name}_{n}(b *testing.B) {{",
                f"\tfor i := 0; i < b.N; i++ {{\n\t\tglobal{name}({n})\n\t}}",
                "}",
                "",
                f"func BenchmarkReturn_{name}_{n}(b *testing.B) {{",
                f"\tfor i := 0; i < b.N; i++ {{\n\t\tsink{name} = returned{name}({n})\n\t}}",
                "}",
                "",
                f"func BenchmarkMake_{name}_{n}(b *testing.B) {{",
                f"\tfor i := 0; i < b.N; i++ {{\n\t\tsink{name} = made{name}({n})\n\t}}",
                "}",
                "",
            ]
    out += ["var sinkStr string", "", "var sinkBuf []byte", ""]
    for k in WRITE_SIZES:
        lit = '"' + "x" * k + '"'
        out += [
            "//go:noinline",
            f"func builder{k}(n int, grow bool) string {{",
            "\tvar b strings.Builder",
            "\tif grow {",
            f"\t\tb.Grow(n * {k})",
            "\t}",
            "\tfor i := 0; i < n; i++ {",
            f"\t\tb.WriteString({lit})",
            "\t}",
            "\treturn b.String()",
            "}",
            "",
            "//go:noinline",
            f"func buffer{k}(n int, grow bool) []byte {{",
            "\tvar b bytes.Buffer",
            "\tif grow {",
            f"\t\tb.Grow(n * {k})",
            "\t}",
            "\tfor i := 0; i < n; i++ {",
            f"\t\tb.WriteString({lit})",
            "\t}",
            "\treturn b.Bytes()",
            "}",
            "",
        ]
        for n in WRITE_COUNTS:
            for way, fn, sink in (("Builder", "builder", "sinkStr"), ("Buffer", "buffer", "sinkBuf")):
                for grow in (False, True):
                    label = way + ("Grow" if grow else "")
                    out += [f"func Benchmark{label}_W{k}_{n}(b *testing.B) {{",
                            f"\tfor i := 0; i < b.N; i++ {{\n\t\t{sink} = {fn}{k}({n}, {str(grow).lower()})\n\t}}", "}", ""]
    return "\n".join(out)


LINE = re.compile(r"^Benchmark(\w+?)_(\w+?)_(\d+)(?:-\d+)?\s+\d+\s+[\d.]+ ns/op\s+(\d+) B/op\s+(\d+) allocs/op", re.M)


@pytest.fixture(scope="module")
def measured(tmp_path_factory, go: str) -> dict[tuple[str, str, int], tuple[int, int]]:
    work = tmp_path_factory.mktemp("costs")
    (work / "go.mod").write_text("module example.com/costs\n\ngo 1.24\n")
    (work / "costs_test.go").write_text(_program())
    run = subprocess.run([go, "test", "-run", "^$", "-bench", ".", "-benchmem", f"-benchtime={RUNS}x", "-count=2"],
                         cwd=work, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    # Background work (the runtime, the testing package) only ever adds allocations:
    # keep the smaller of two runs.
    rows: dict[tuple[str, str, int], tuple[int, int]] = {}
    for m in LINE.finditer(run.stdout):
        key, row = (m[1], m[2], int(m[3])), (int(m[4]), int(m[5]))
        rows[key] = min(rows.get(key, row), row)
    assert len(rows) == 3 * len(TYPES) * len(COUNTS) + 4 * len(WRITE_SIZES) * len(WRITE_COUNTS), run.stdout
    return rows


def _cases(way: str):
    return [pytest.param(way, name, n, id=f"{way}-{name}-{n}") for name in TYPES for n in COUNTS]


def _per_op(allocs: int, total: float) -> tuple[int, int]:
    return int(total), allocs  # -benchmem prints floor(ΔTotalAlloc / N) and floor(ΔMallocs / N)


def _matches(predicted: tuple[int, int], measured: tuple[int, int]) -> bool:
    """Exact, except that a background allocation of the runtime or the testing package during the
    timed loop (seen in both of two runs, once in CI-like runs) can lift floor(ΔTotalAlloc / N) by 1."""
    return measured[1] == predicted[1] and measured[0] - predicted[0] in (0, 1)


@pytest.mark.slow
@pytest.mark.parametrize("way,name,n", _cases("Global") + _cases("Return") + _cases("Make"))
def test_costs_match_benchmem(measured, way: str, name: str, n: int):
    _, size, pointers, _ = TYPES[name]
    if way == "Global":
        predicted = append_growth(n, size, pointers)
    elif way == "Return":
        predicted = append_growth(n, size, pointers, stack_buffer=STACK_APPEND_BUFFER)
    else:
        predicted = preallocated(n, size, pointers)
    assert _matches(_per_op(*predicted), measured[(way, name, n)]), (
        f"{way} {TYPES[name][0]} n={n}: costs.py says {predicted[1]} B, {predicted[0]} allocs; "
        f"benchmem says {measured[(way, name, n)]}")


@pytest.mark.slow
@pytest.mark.parametrize("way", ["Builder", "BuilderGrow", "Buffer", "BufferGrow"])
@pytest.mark.parametrize("k", WRITE_SIZES)
@pytest.mark.parametrize("n", WRITE_COUNTS)
def test_builder_costs_match_benchmem(measured, way: str, k: int, n: int):
    if way == "Builder":
        predicted = builder_growth([k] * n)
    elif way == "Buffer":
        predicted = buffer_growth([k] * n)
    else:
        predicted = grown(n * k, buffer=way == "BufferGrow")
    assert _matches(_per_op(*predicted), measured[(way, f"W{k}", n)]), (
        f"{way} {n} writes of {k} B: costs.py says {predicted}, benchmem says {measured[(way, f'W{k}', n)]}")


def test_append_growth_shape():
    """Quick checks that need no toolchain (numbers from the runtime, see above)."""
    assert append_growth(100, 1, False) == (5, 248)  # 8 16 32 64 128
    assert append_growth(1000, 8, True, stack_buffer=32) == (8, 17472)  # header pushes 1024 to 1152
    assert preallocated(3, 1, False) == (1, 3.2)  # five 3-byte objects share a tiny block
    assert preallocated(12, 1, False) == (1, 16)  # a 12-byte tiny object fills its block alone
