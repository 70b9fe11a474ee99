"""Preallocate a slice that a loop with a known trip count appends to.

## What it does
Flags a slice declared without capacity (`var s []T`, `s := []T{}`, `s := make([]T, 0)`)
that a loop appends one element to per iteration, when the loop's trip count is known
before it starts: `range` over a slice, array, string, map or integer, or
`for i := 0; i < n; i++` with `n` unchanged in the loop. Loops over channels, iterator
functions or scanners, and loops that can `break` or `return`, are not flagged. When
the append is conditional the finding has no fix and a lower severity ("up to n"):
information after a `continue` that skips some elements, a hint (shown in editors,
and on the command line with `--min-severity hint`) inside an `if` or `switch`, where
the loop often collects only the few elements that match.

## Why is this bad?
`append` on a full slice allocates a new backing array about 1.25–2× larger and copies
every element into it. Filling n elements from empty costs about log2(n) allocations
and copies 2n elements in total; with the capacity given up front it costs one
allocation and no copies.

## Example
```go
func squares(xs []int) []int {
	var out []int
	for _, x := range xs {
		out = append(out, x*x)
	}
	return out
}
```

Use instead:
```go
func squares(xs []int) []int {
	out := make([]int, 0, len(xs))
	for _, x := range xs {
		out = append(out, x*x)
	}
	return out
}
```

## Fix safety
The fix replaces the declaration with `make([]T, 0, count)`. It is safe when the count is
a `len(...)` or a non-negative constant. It is unsafe when the count is a variable such as
`n` in `for i := 0; i < n; i++`: a negative `n` runs the loop zero times but makes `make`
panic. It is also unsafe when a `var s []T` that stayed nil when the loop ran zero times
would become an empty non-nil slice and the function compares the slice with nil or
hands it to an encoder or `reflect.DeepEqual`, where that difference shows.
"""

from __future__ import annotations

import re
from typing import Iterator

from tree_sitter import Node

from ...context import Context
from ...model import Applicability, Edit, Finding, Fix, FixAvailability, Severity
from ...parsing import inner
from ...passes.appends import LoopAppend, single_appends, used_between
from ._shape import assigned_in, guarded, partitions, self_appends
from ...passes import gofmt
from ...passes.fills import count_valid_at
from ...passes.loops import constant_count
from ...passes.scopes import enclosing_function, identifiers_in
from ...rule import Rule

NIL_OBSERVERS = re.compile(r"(Marshal|Encode|DeepEqual)\w*$")


def check(ctx: Context) -> Iterator[Finding]:
    appends = single_appends(ctx)
    for app in appends:
        trip = app.loop.trip
        if trip is None or app.loop.exits_early:
            continue
        declared = _capacityless_declaration(ctx, app)
        if declared is None:
            continue
        if any(a != app.statement for a in assigned_in(ctx, app.loop.node, app.name)):
            continue  # also grown (or reset) another way in the loop: the count is not the length
        later = _later_loops(ctx, app, appends)
        if later is None:
            continue  # a later loop keeps appending an unknown number: the count is not the length
        elem_type, replace_node = declared
        if app.conditional:
            if trip.kind == "string" or later or partitions(ctx, app.statement, app.loop.body, app.name):
                continue  # words of a string's bytes, or input split between collections
            # Under an if/switch the append often collects only the few elements that match:
            # a hint (editors only by default); after a `continue` that skips a few, information.
            yield ctx.finding(RULE, app.statement,
                              f"{app.name} grows by append up to {trip.expr} times in this loop; "
                              f"consider make([]{elem_type}, 0, {trip.expr}) if most iterations append",
                              severity=Severity.HINT if guarded(app.statement, app.loop.body) else Severity.INFO)
            continue
        loops = [app.loop] + [a.loop for a in later]
        count = " + ".join(_term(lp.trip.expr, len(loops) > 1) for lp in loops)
        parsed = gofmt.parse_expr(count)  # as gofmt prints it: one of make's several arguments
        make = f"make([]{elem_type}, 0, {gofmt.format(parsed, 2) if parsed is not None else count})"
        fixes = ()
        if all(count_valid_at(ctx, lp.node, app.decl.statement) for lp in loops):
            new_text = f"{app.name} := {make}" if replace_node.type == "var_declaration" else make
            values = [constant_count(ctx, lp.trip) for lp in loops]
            may_panic = not all(lp.trip.never_negative or (v is not None and v >= 0) for lp, v in zip(loops, values))
            applicability = Applicability.UNSAFE if may_panic or _nil_observed(ctx, app) else Applicability.SAFE
            fixes = (Fix(f"Preallocate with {make}", (Edit(replace_node.start_byte, replace_node.end_byte, new_text),),
                         applicability),)
        where = f"a loop that runs {trip.expr} times" if not later else \
            f"{len(loops)} loops that run {count} times in all"
        yield ctx.finding(RULE, app.statement,
                          f"preallocate {app.name}: it grows by append once per iteration of {where}; use {make}",
                          fixes=fixes, data={"count": count, "var": app.name})


def _term(expr: str, several: bool) -> str:
    return expr if not several or re.fullmatch(r"[\w.()\[\]]+", expr) else f"({expr})"


def _later_loops(ctx: Context, app: LoopAppend, appends: list[LoopAppend]) -> list[LoopAppend] | None:
    """Loops after this one that append to the same slice: [] if none; their appends when each is
    a sibling loop of the same block appending once per iteration, unconditionally, with a known
    count (their counts add up); None when some other later loop appends to it."""
    fn = enclosing_function(app.loop.node)
    body = fn.child_by_field_name("body") if fn is not None else None
    if body is None:
        return []
    out: list[LoopAppend] = []
    for stmt in self_appends(ctx, body, app.name):
        if stmt.start_byte < app.loop.node.end_byte:
            continue
        if not _in_loop(stmt, body):
            continue  # a few appends after the loop: at most one more growth
        sibling = next((a for a in appends if a.statement == stmt), None)
        if (sibling is None or sibling.decl != app.decl or sibling.conditional or sibling.loop.trip is None
                or sibling.loop.exits_early or sibling.loop.node.parent != app.loop.node.parent
                or any(a != stmt for a in assigned_in(ctx, sibling.loop.node, app.name))):
            return None
        out.append(sibling)
    return out


def _in_loop(node: Node, stop: Node) -> bool:
    n = node.parent
    while n is not None and n != stop:
        if n.type in ("for_statement", "func_literal"):
            return True
        n = n.parent
    return False


def _capacityless_declaration(ctx: Context, app: LoopAppend) -> tuple[str, Node] | None:
    """(element type, node to replace) if the slice starts empty with no capacity, in the loop's block."""
    decl = app.decl
    stmt = decl.statement
    if stmt.parent is None or stmt.parent != app.loop.node.parent:
        return None  # the loop must follow the declaration in the same block
    if used_between(ctx, app.name, decl.name_node.end_byte, app.loop.node.start_byte, stmt.parent):
        return None
    if decl.kind == "var":
        spec_names = [d for d in stmt.named_children]
        if len(spec_names) != 1 or spec_names[0].type != "var_spec" or len(spec_names[0].children_by_field_name("name")) != 1:
            return None
        if decl.value_node is None:
            if decl.type_node is None or decl.type_node.type != "slice_type":
                return None
            return ctx.text(decl.type_node.child_by_field_name("element")), stmt
        if decl.type_node is not None:
            return None
    elif decl.kind != "short":
        return None
    value = inner(decl.value_node) if decl.value_node is not None else None
    if value is None:
        return None
    if value.type == "composite_literal":
        t, body = value.child_by_field_name("type"), value.child_by_field_name("body")
        if t is not None and t.type == "slice_type" and body is not None and body.named_child_count == 0:
            return ctx.text(t.child_by_field_name("element")), value
    if value.type == "call_expression" and ctx.text(value.child_by_field_name("function")) == "make":
        args = value.child_by_field_name("arguments").named_children
        if len(args) == 2 and args[0].type == "slice_type" and ctx.text(args[1]) == "0":
            return ctx.text(args[0].child_by_field_name("element")), value
    return None


def _nil_observed(ctx: Context, app: LoopAppend) -> bool:
    if app.decl.kind != "var":
        return False  # `[]T{}` and `make([]T, 0)` were never nil
    fn = enclosing_function(app.statement)
    for use in identifiers_in(fn, app.name, ctx.source):
        parent = use.parent
        if parent.type == "binary_expression" and "nil" in (ctx.text(parent.child_by_field_name("left")),
                                                           ctx.text(parent.child_by_field_name("right"))):
            return True
        if parent.type == "argument_list":
            callee = ctx.text(parent.parent.child_by_field_name("function"))
            if NIL_OBSERVERS.search(callee):
                return True
    return False


RULE = Rule(
    id="prealloc/slice",
    doc=__doc__,
    check=check,
    severity=Severity.WARNING,
    fix=FixAvailability.SOMETIMES,
    peers=("prealloc",),
)
