"""A function whose stack frame is large, or a recursive function with a sizeable frame.

## What it does
Estimates each function's frame from the locals that stay on the stack (those the escape
analysis of passes/funcs/ does not move to the heap): arrays, structs and scalars whose
size syntax can compute (types.py lays them out as the gc compiler does on amd64), plus
constant-size `make`/`new` storage that does not escape. It flags frames that reach the
`large-frame` threshold (4096 bytes by default, where the compiler switches to its big-frame
stack check; the estimate leaves out spill slots and temporaries, so a frame of locals that
reach it is over it) and directly recursive functions whose frame reaches `recursive-frame` (512 bytes).

## Why is this bad?
Goroutines start with a 2 KiB stack. A call whose frame does not fit makes the runtime
allocate a stack twice as large (repeatedly, until it fits) and copy the old stack into it;
a recursive function multiplies its frame by its depth. Large frames in goroutine-heavy code
cost memory and stack copies.

## Example
```go
func checksum(data []byte) byte {
	var table [8192]byte
	for i := range table {
		table[i] = byte(i)
	}
	var sum byte
	for _, b := range data {
		sum ^= table[b]
	}
	return sum
}
```

Use instead:
```go
var table = func() (t [8192]byte) {
	for i := range t {
		t[i] = byte(i)
	}
	return
}()

func checksum(data []byte) byte {
	var sum byte
	for _, b := range data {
		sum ^= table[b]
	}
	return sum
}
```

## Fix safety
There is no automatic fix: moving a buffer to a package variable, a sync.Pool or the heap
changes its lifetime and sharing.
"""

from __future__ import annotations

from typing import Iterator

from ...context import Context
from ...model import Finding, FixAvailability, Severity
from ...passes.funcs import package_funcs
from ...passes.types import human_bytes
from ...rule import Rule


def check(ctx: Context) -> Iterator[Finding]:
    limit = ctx.config.threshold("large-frame")
    recursive_limit = ctx.config.threshold("recursive-frame")
    for s in package_funcs(ctx.package).summaries_in(ctx.path):
        name = s.node.child_by_field_name("name")
        if s.frame >= limit:  # the estimate leaves out spills and temporaries: a frame of `limit` is over it
            yield ctx.finding(RULE, name, f"{s.key} has a stack frame of about {human_bytes(s.frame)} "
                              f"(over {human_bytes(limit)}): calling it can grow the goroutine stack",
                              data={"frame": s.frame})
        elif s.recursive and s.frame >= recursive_limit:
            yield ctx.finding(RULE, name, f"recursive {s.key} has a stack frame of about {human_bytes(s.frame)} "
                              f"per call (at least {human_bytes(recursive_limit)}): deep recursion grows the stack",
                              data={"frame": s.frame})


RULE = Rule(
    id="stack/large-frame",
    doc=__doc__,
    check=check,
    severity=Severity.INFO,
    fix=FixAvailability.NONE,
    status="preview",
)
