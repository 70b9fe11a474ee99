"""A local variable the compiler moves to the heap because its address outlives the function.

## What it does
Predicts the gc compiler's "moved to heap: x" from syntax: a local variable (or parameter)
whose address is returned, stored in a package variable, in a field or element of something
reachable from outside the frame (a pointer parameter, a slice, a map), sent on a channel,
captured by reference by a closure that escapes (returned, stored, started with `go`, deferred
in a loop), passed to a function known to leak it (functions of the package, summarised, and
the standard-library table derived from the compiler), stored in a variable that outlives the
loop iteration that declared it, or larger than the compiler's 128 KiB limit for stack variables.
The message names the flow; the full flow is in the finding's explanation. With a Go toolchain,
`goperf lint --compiler` confirms or drops each finding and adds what syntax missed.

## Why is this bad?
Each call then allocates the variable on the heap (one allocation, plus GC work to free it)
instead of using a few bytes of the stack frame that vanish for free on return.

## Example
```go
func newCounter() *int {
	n := 0
	return &n
}
```

Use instead:
```go
func counter() int {
	n := 0
	return n
}
```

## Fix safety
There is no automatic fix: keeping the value on the stack means changing who owns it (return
it by value, let the caller pass a pointer to its own variable, or stop capturing it by reference).
"""

from __future__ import annotations

from typing import Iterator

from ...context import Context
from ...model import Finding, FixAvailability, Severity
from ...rule import Rule
from .common import findings


def check(ctx: Context) -> Iterator[Finding]:
    yield from findings(ctx, RULE, "moved", lambda v: f"moved to heap: {v.what} — {v.reason}")


RULE = Rule(
    id="escape/moved-to-heap",
    doc=__doc__,
    check=check,
    severity=Severity.INFO,
    fix=FixAvailability.NONE,
    status="preview",
)
