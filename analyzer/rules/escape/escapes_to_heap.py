"""A value the compiler allocates on the heap because it outlives the function.

## What it does
Predicts the gc compiler's "... escapes to heap" from syntax, at the position the compiler
reports: `&T{}` and `new(T)` whose pointer outlives the frame, slice and map literals and `make`
calls whose storage is returned or stored beyond the frame (or, for a constant `make`, larger
than the compiler's 64 KiB limit), `append` whose grown backing array escapes, values converted
to an interface that escapes (arguments of `fmt.Print*`/`Sprintf`/`Errorf`, `panic`, interface
results, `any` variables), string concatenations and `string`/`[]byte` conversions whose result
escapes, escaping func literals, the implicit `...` slice of a variadic call, and — because the
compiler reports what happens inside an inlined callee at the call site — the allocations of
small same-package functions and standard-library functions (`errors.New`, `strings.Builder`
methods, ...) at their call sites. With a Go toolchain, `goperf lint --compiler` confirms or
drops each finding and adds what syntax missed.

## Why is this bad?
Every heap allocation costs the allocator's time and the garbage collector's: in a hot path,
escaping values are often the main source of GC cycles.

## Example
```go
type point struct{ x, y int }

var last *point

func remember(x, y int) {
	last = &point{x, y}
}
```

Use instead:
```go
type point struct{ x, y int }

var last point

func remember(x, y int) {
	last = point{x, y}
}
```

## Fix safety
There is no automatic fix: avoiding the allocation changes ownership or types (store values
instead of pointers, preallocate and reuse buffers, avoid interfaces on hot paths).
"""

from __future__ import annotations

from typing import Iterator

from ...context import Context
from ...model import Finding, FixAvailability, Severity
from ...rule import Rule
from .common import findings


def _message(v) -> str:
    what = v.what if len(v.what) <= 60 else v.what[:57] + "..."
    what = " ".join(what.split())
    return f"{what} escapes to heap — {v.reason}"


def check(ctx: Context) -> Iterator[Finding]:
    yield from findings(ctx, RULE, "site", _message)


RULE = Rule(
    id="escape/escapes-to-heap",
    doc=__doc__,
    check=check,
    severity=Severity.INFO,
    fix=FixAvailability.NONE,
    status="preview",
)
