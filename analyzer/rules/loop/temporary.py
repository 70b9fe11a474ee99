"""Hoist allocations that do not depend on the iteration out of the loop.

## What it does
Flags an allocation made afresh on every iteration of a loop although nothing about it
depends on the iteration and it does not outlive it:

- a buffer `buf := make([]T, N)` / `make([]T, 0, N)` with a constant size, declared in
  the loop body and handed to a `Read`/`Write` call through an interface or a bufio type
  (`r.Read(buf)` with `r io.Reader`, `io.ReadFull(r, buf)`, `w.Write(buf[:n])`) — those
  calls make the compiler move it to the heap — or larger than 64 KiB (always on the heap);
  a buffer the compiler can keep on the stack is left alone;
- a decoding target `v := new(T)` / `v := &T{}` passed to `json.Unmarshal`, `Decode`,
  `binary.Read`;
- a `bytes.Buffer` declared in the loop body and written to (its storage is grown again
  every iteration);
- `[]byte("constant")` passed to the `Write` method of an interface or bufio writer;
- `regexp.MustCompile` and `strings.NewReplacer` with constant arguments inside a loop,
  or at function level in a function that may run often (information when the package
  calls it from a loop; a hint, shown in editors, when it is exported or called from
  several places; never in `init`, `main` or tests): both build a matcher that could be
  built once.

The buffer cases are flagged only when every use of the value stays inside the
iteration: indexed, sliced into calls that must not retain their argument (`Read`,
`Write`, `copy`, `append(dst, buf...)`, `string(buf)`), never appended itself, stored,
returned, sent, captured by a closure or goroutine, or address-taken.

## Why is this bad?
Each iteration pays for an allocation and for zeroing the memory; the garbage collector
then pays again to reclaim it. A loop reading a file in 32 KiB chunks through a fresh
buffer allocates the size of the file twice over. A regular expression compiled inside
a function is parsed and compiled on every call, typically thousands of times slower
than matching with a compiled one.

## Example
```go
func copyAll(dst io.Writer, src io.Reader) error {
	for {
		buf := make([]byte, 32*1024)
		n, err := src.Read(buf)
		if n > 0 {
			dst.Write(buf[:n])
		}
		if err != nil {
			return err
		}
	}
}
```

Use instead:
```go
func copyAll(dst io.Writer, src io.Reader) error {
	buf := make([]byte, 32*1024)
	for {
		clear(buf)
		n, err := src.Read(buf)
		if n > 0 {
			dst.Write(buf[:n])
		}
		if err != nil {
			return err
		}
	}
}
```

## Fix safety
Buffers: the declaration moves to just before the loop and a reset takes its place, so
each iteration starts from the same state a fresh value had: `clear(buf)` for
`make([]T, N)` (needs Go 1.21), `buf = buf[:0]` for `make([]T, 0, N)`, `*v = T{}` for
`new(T)`, `b.Reset()` for a `bytes.Buffer`. Since no use lets the value outlive the
iteration, this is safe. It is not offered when the name would clash with another
declaration in the function.

`regexp.MustCompile` / `strings.NewReplacer` / `[]byte("constant")`: the expression moves
to a package-level `var` (declared just before the function) and the call site uses it.
Both types are safe for concurrent use and the arguments are constants, so the fix is
safe; the one difference is that an invalid pattern now panics when the package is
initialised instead of when the function first runs. A `[]byte` passed to `Write` is
shared between calls, which the `io.Writer` contract (must not modify the slice) allows.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import Iterator

from tree_sitter import Node

from ...context import Context
from ...model import Applicability, Edit, Finding, Fix, FixAvailability, Severity
from ...parsing import inner
from ...passes.decls import package_decls
from ...passes.scopes import declared_in_statement, enclosing_function, resolve
from ...passes.types import human_bytes
from ...passes.uses import uses
from ...rule import Rule
from ..mutex.locks import import_names
from ._buffer_uses import allocation, indentation, leaky_receiver, name_is_free, uses_stay_local
from ._package_var import (call_frequency, caches, constant_string, declaration_start, package_var_name, top_function,
                           within_loop)

STACK_LIMIT = 64 * 1024  # the compiler keeps non-escaping implicit allocations up to this size on the stack


def check(ctx: Context) -> Iterator[Finding]:
    for loop in ctx.nodes("for_statement"):
        body = loop.child_by_field_name("body")
        stmts = next((c for c in body.named_children if c.type == "statement_list"), None) if body else None
        for stmt in stmts.named_children if stmts is not None else []:
            if stmt.type not in DECLARATIONS or not _may_allocate(ctx.source, stmt):
                continue
            found = _buffer(ctx, loop, body, stmt)
            if found is not None:
                yield found
    # The call rules below look at a call only if its file spells the names they match
    # (a node's text is a slice of the source) and, for writes, if it sits in a loop's bytes.
    source = ctx.source
    if (b"MustCompile" in source and import_names(ctx.file, "regexp")) or \
            (b"NewReplacer" in source and import_names(ctx.file, "strings")):
        for call in ctx.nodes("call_expression"):
            yield from _constant_builder(ctx, call)
    if b"[]byte" in source and b"Write" in source:
        for conv in _calls_in_loops(ctx):
            found = _byte_literal_write(ctx, conv)
            if found is not None:
                yield found


def _calls_in_loops(ctx: Context) -> list[Node]:
    """The calls that lie within some for statement's bytes (a superset of those in_loop accepts)."""
    spans: list[list[int]] = []
    for loop in ctx.nodes("for_statement"):  # sorted by start: an inner loop lies in the span before it
        if spans and loop.start_byte < spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], loop.end_byte)
        else:
            spans.append([loop.start_byte, loop.end_byte])
    if not spans:
        return []
    calls = ctx.nodes("call_expression")
    starts = [c.start_byte for c in calls]
    out: list[Node] = []
    for start, end in spans:
        out.extend(calls[bisect_left(starts, start):bisect_left(starts, end)])
    return out


# --- buffers declared in the loop body ------------------------------------------------------


DECLARATIONS = ("short_var_declaration", "var_declaration")
# Every allocation allocation accepts spells one of these: make(, new(, &T{}, bytes.Buffer.
ALLOCATION_WORDS = (b"make", b"new", b"&", b"Buffer")


def _may_allocate(source: bytes, stmt: Node) -> bool:
    text = source[stmt.start_byte:stmt.end_byte]
    return any(word in text for word in ALLOCATION_WORDS)


def _buffer(ctx: Context, loop: Node, body: Node, stmt: Node) -> Finding | None:
    decls = declared_in_statement(stmt, ctx.source) if stmt.type in DECLARATIONS else []
    if len(decls) != 1:
        return None
    decl = decls[0]
    kind, reset, size = allocation(ctx, decl)
    if kind is None or decl.name == "_":
        return None
    found = uses(decl, body, ctx.source)
    verdict = uses_stay_local(ctx, kind, decl, found, body)
    if verdict is None:
        return None
    heap_forced = verdict or (size is not None and size > STACK_LIMIT)
    if not heap_forced:
        return None  # the compiler keeps it on the stack: nothing to save
    what = {"slice": f"a buffer of {human_bytes(size)}" if size else "a buffer", "cap-slice": "a buffer",
            "pointer": "a decoding target", "buffer": "a bytes.Buffer"}[kind]
    fixes = ()
    if name_is_free(ctx, decl, loop):
        anchor = loop.parent if loop.parent is not None and loop.parent.type == "labeled_statement" else loop
        indent = indentation(ctx, anchor)
        moved = ctx.text(stmt)
        edits = (Edit(anchor.start_byte, anchor.start_byte, f"{moved}\n{indent}"),
                 Edit(stmt.start_byte, stmt.end_byte, reset.format(x=decl.name)))
        fixes = (Fix(f"Hoist {decl.name} out of the loop and reset it each iteration", edits, Applicability.SAFE),)
    return ctx.finding(RULE, stmt,
                       f"{decl.name} allocates {what} on every iteration; declare it once before the loop "
                       f"and reset it with {reset.format(x=decl.name)}",
                       fixes=fixes, data={"var": decl.name, "kind": kind})



# --- regexp.MustCompile / strings.NewReplacer with constant arguments ----------------------------


def _constant_builder(ctx: Context, call: Node) -> Iterator[Finding]:
    fn = inner(call.child_by_field_name("function"))
    if fn.type != "selector_expression":
        return
    operand, name = fn.child_by_field_name("operand"), ctx.text(fn.child_by_field_name("field"))
    pkg = ctx.text(operand)
    if name == "MustCompile" and (pkg in import_names(ctx.file, "regexp")):
        what, suffix = "regexp.MustCompile", "Re"
    elif name == "NewReplacer" and pkg in import_names(ctx.file, "strings"):
        what, suffix = "strings.NewReplacer", "Replacer"
    else:
        return
    if resolve(operand, ctx.source, package_decls(ctx.package).values) is not None:
        return
    args = call.child_by_field_name("arguments").named_children
    if not args or not all(constant_string(ctx, a) for a in args):
        return
    if what == "strings.NewReplacer" and len(args) % 2:
        return
    top = top_function(call)
    if top is None or caches(ctx, call):
        return
    fn_name = ctx.text(top.child_by_field_name("name"))
    in_loop = within_loop(call)
    frequency = "loop" if in_loop else call_frequency(ctx, fn_name)
    if frequency is None or (not in_loop and (fn_name in ("init", "main")
                                              or re.match(r"(Test|Benchmark|Example|Fuzz)", fn_name))):
        return  # runs once, or as far as the package shows, rarely
    var = package_var_name(ctx, call, top, suffix)
    fixes = ()
    if var is not None:
        start = declaration_start(ctx, top)
        edits = (Edit(start, start, f"var {var} = {ctx.text(call)}\n\n"),
                 Edit(call.start_byte, call.end_byte, var))
        fixes = (Fix(f"Move {what} to a package-level var {var}", edits, Applicability.SAFE),)
    where = "on every iteration" if in_loop else "on every call"
    yield ctx.finding(RULE, call,
                      f"{what} with constant arguments runs {where}; build it once in a package-level var",
                      severity=FREQUENCY_SEVERITY[frequency], fixes=fixes,
                      data={"call": what, "loop": in_loop})


# A constant matcher built inside a loop is a warning; in a function the package calls
# from a loop, information; in one that may merely run more than once (exported, or
# called from two places), a hint: many such functions run once per process.
FREQUENCY_SEVERITY = {"loop": Severity.WARNING, "called-in-loop": Severity.INFO, "maybe": Severity.HINT}



# --- []byte("constant") written -------------------------------------------------------------


def _byte_literal_write(ctx: Context, call: Node) -> Finding | None:
    fn = inner(call.child_by_field_name("function"))
    if fn.type != "selector_expression" or ctx.text(fn.child_by_field_name("field")) != "Write" or not within_loop(call):
        return None
    args = call.child_by_field_name("arguments").named_children
    if len(args) != 1:
        return None
    conv = inner(args[0])
    if conv.type != "type_conversion_expression" or ctx.text(conv.child_by_field_name("type")) != "[]byte":
        return None
    operand = conv.child_by_field_name("operand")
    if operand is None or not constant_string(ctx, operand) or not leaky_receiver(ctx, call):
        return None  # through a concrete Write the conversion stays on the stack
    top = top_function(call)
    fn = enclosing_function(call)
    if top is None or fn is None or fn.type == "func_literal":
        return None
    var = package_var_name(ctx, call, top, "Bytes")
    fixes = ()
    if var is not None:
        start = declaration_start(ctx, top)
        edits = (Edit(start, start, f"var {var} = {ctx.text(conv)}\n\n"), Edit(conv.start_byte, conv.end_byte, var))
        fixes = (Fix(f"Convert once, in a package-level var {var}", edits, Applicability.SAFE),)
    return ctx.finding(RULE, conv,
                       f"{ctx.text(conv)} allocates on every iteration (Write makes it escape); "
                       f"convert it once in a package-level var",
                       fixes=fixes, data={"call": "[]byte"})


RULE = Rule(
    id="loop/temporary",
    doc=__doc__,
    check=check,
    severity=Severity.WARNING,
    fix=FixAvailability.SOMETIMES,
    peers=(),
)
