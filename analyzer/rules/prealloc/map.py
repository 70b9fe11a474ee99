"""Give a map a size hint when a loop with a known trip count fills it.

## What it does
Flags a map created without a size hint (`m := map[K]V{}`, `m := make(map[K]V)`,
`var m = make(map[K]V)`) right before a loop that stores one key per iteration
(`m[k] = v`, with k depending on the iteration) when the loop's trip count is known
before it starts: `range` over a slice, array, map or integer, or
`for i := 0; i < n; i++` with n unchanged in the loop. Loops that can `break` or
`return`, loops over channels, iterator functions or strings (whose runes repeat),
maps the loop also reads, deletes from or passes on, fills whose value reads the
map (`m[k] = append(m[k], v)`, counting), and loops that also look the same key up with
comma-ok in another local map or delete it from one (grouping or dedup: keys repeat) are
not flagged. When the store is
conditional (inside an `if`, or after a `continue`) the finding is a lower-severity
hint ("up to n") without a fix.

## Why is this bad?
A map without a hint starts with room for 8 entries. Each time it fills up (at 7/8
load) the runtime allocates a table twice as large and rehashes every entry into it,
so n inserts cost about log2(n/8) table allocations, each copying all entries so far.
`make(map[K]V, n)` allocates the tables for n entries once and never rehashes.

## Example
```go
func index(names []string) map[string]int {
	pos := map[string]int{}
	for i, name := range names {
		pos[name] = i
	}
	return pos
}
```

Use instead:
```go
func index(names []string) map[string]int {
	pos := make(map[string]int, len(names))
	for i, name := range names {
		pos[name] = i
	}
	return pos
}
```

## Fix safety
The fix replaces the map's creation by `make(map[K]V, count)`, where the count is the
loop's trip count, evaluated where the map is created (the fix is offered only when
its variables hold the same values there). A size hint never changes what the map
holds, so the fix is safe; when keys repeat it reserves more room than needed.
"""

from __future__ import annotations

from typing import Iterator

from tree_sitter import Node

from ...context import Context
from ...model import Applicability, Edit, Finding, Fix, FixAvailability, Severity
from ...parsing import F_LEFT, F_OPERATOR, F_RIGHT, inner
from ...passes import gofmt
from ...passes.fills import count_valid_at, declared_before_in_block, innermost_loop, is_conditional
from ...passes.scopes import Decl, enclosing_function, resolve
from ...passes.uses import uses
from ...rule import Rule
from ._shape import guarded, partitions


def check(ctx: Context) -> Iterator[Finding]:
    fills: dict[tuple[int, int], list[Node]] = {}  # (loop, declaration) -> fill statements
    found: dict[tuple[int, int], tuple] = {}
    for stmt in ctx.nodes("assignment_statement"):
        target = _fill_target(ctx, stmt)
        if target is None:
            continue
        ident, key = target
        loop = innermost_loop(ctx, stmt)
        if loop is None or loop.trip is None or loop.exits_early or loop.trip.kind == "string":
            continue
        decl = resolve(ident, ctx.source)
        if decl is None or decl.kind not in ("short", "var") or not declared_before_in_block(decl, loop.node):
            continue
        k = (loop.node.start_byte, decl.name_node.start_byte)
        fills.setdefault(k, []).append(stmt)
        found[k] = (loop, decl, ident, key, stmt)
    for k, stmts in fills.items():
        if len(stmts) != 1:
            continue  # several stores per iteration: the count is not the trip count
        loop, decl, ident, key, stmt = found[k]
        finding = _check_fill(ctx, loop, decl, ident, key, stmt)
        if finding is not None:
            yield finding


def _fill_target(ctx: Context, stmt: Node) -> tuple[Node, Node] | None:
    """(map identifier, key) of `m[k] = v`."""
    left = stmt.child_by_field_id(F_LEFT)
    if left is None or left.named_child_count != 1:
        return None
    target = inner(left.named_children[0])
    if target.type != "index_expression":
        return None
    right = stmt.child_by_field_id(F_RIGHT)
    if ctx.text(stmt.child_by_field_id(F_OPERATOR)) != "=" or right is None or right.named_child_count != 1:
        return None
    operand, key = target.child_by_field_name("operand"), target.child_by_field_name("index")
    if operand is None or key is None or operand.type != "identifier":
        return None
    return operand, key


def _check_fill(ctx: Context, loop, decl: Decl, ident: Node, key: Node, stmt: Node) -> Finding | None:
    created = _hintless_map(ctx, decl)
    if created is None:
        return None
    map_type, replace_node = created
    fn = enclosing_function(loop.node)
    if fn is None:
        return None
    scope = fn.child_by_field_name("body")
    for use in uses(decl, scope, ctx.source):
        if decl.statement.end_byte <= use.start_byte < loop.node.start_byte:
            return None  # filled or handed on before the loop: the count is not the size
        if loop.node.start_byte <= use.start_byte < loop.node.end_byte and use.id != ident.id:
            return None  # read, deleted from, reassigned or passed on inside the loop
        if use.start_byte >= loop.node.end_byte and _stored_into(ctx, use):
            return None  # filled again later: the trip count is not the final size
    if not _varies_per_iteration(ctx, key, loop.node):
        return None  # the same key every iteration
    if _key_repeats(ctx, key, stmt, loop.body):
        return None  # the loop expects keys to repeat: fewer keys than iterations
    count = loop.trip.expr
    name = decl.name
    hint = f"make({map_type}, {count})"
    if is_conditional(stmt, loop.body):
        if partitions(ctx, stmt, loop.body, name):
            return None  # splits the input with another collection: neither gets the count
        # Under an if/switch the store often keeps only the few keys that match: a hint
        # (editors only by default); after a `continue` that skips a few, information.
        return ctx.finding(RULE, stmt,
                           f"{name} may get a new key on each of up to {count} iterations of this loop; "
                           f"consider {hint} if most iterations store one",
                           severity=Severity.HINT if guarded(stmt, loop.body) else Severity.INFO,
                           data={"count": count, "var": name})
    fixes = ()
    count_expr = gofmt.parse_expr(count)
    if count_expr is not None and count_valid_at(ctx, loop.node, decl.statement):
        hint = f"make({map_type}, {gofmt.format(count_expr, 2)})"
        fixes = (Fix(f"Give {name} a size hint: {hint}", (Edit(replace_node.start_byte, replace_node.end_byte, hint),),
                     Applicability.SAFE),)
    return ctx.finding(RULE, stmt,
                       f"preallocate {name}: it gets a new key on each of the {count} iterations of this loop "
                       f"and rehashes as it grows; use {hint}",
                       fixes=fixes, data={"count": count, "var": name})


def _hintless_map(ctx: Context, decl: Decl) -> tuple[str, Node] | None:
    """(map type text, value node to replace) if the declaration creates a map with no size hint."""
    stmt = decl.statement
    if decl.kind == "var":
        specs = [c for c in stmt.named_children]
        if len(specs) != 1 or specs[0].type != "var_spec" or len(specs[0].children_by_field_name("name")) != 1:
            return None
    elif len(stmt.child_by_field_name("left").named_children) != 1:
        return None
    if decl.value_node is None:
        return None  # a nil map: storing into it panics, not our business
    value = inner(decl.value_node)
    if value.type == "composite_literal":
        t, body = value.child_by_field_name("type"), value.child_by_field_name("body")
        if t is not None and t.type == "map_type" and body is not None and body.named_child_count == 0:
            return ctx.text(t), value
    if value.type == "call_expression" and ctx.text(value.child_by_field_name("function")) == "make":
        args = value.child_by_field_name("arguments")
        items = args.named_children if args is not None else []
        if items and items[0].type == "map_type" and (len(items) == 1 or (len(items) == 2 and ctx.text(items[1]) == "0")):
            return ctx.text(items[0]), value
    return None


def _stored_into(ctx: Context, use: Node) -> bool:
    """`m[k] = v` (or `m[k] op= v`, `m[k]++`) with `use` as m."""
    index = use.parent
    if index is None or index.type != "index_expression" or index.child_by_field_name("operand") != use:
        return False
    parent = index.parent
    if parent is not None and parent.type in ("inc_statement", "dec_statement"):
        return True
    if parent is not None and parent.type == "expression_list" and parent.parent is not None:
        stmt = parent.parent
        return stmt.type == "assignment_statement" and stmt.child_by_field_name("left") == parent
    return False


def _varies_per_iteration(ctx: Context, key: Node, loop: Node) -> bool:
    """The key mentions a variable declared by the loop or in its body."""
    stack = [key]
    while stack:
        n = stack.pop()
        if n.type == "identifier":
            decl = resolve(n, ctx.source)
            if decl is not None and loop.start_byte <= decl.name_node.start_byte < loop.end_byte:
                return True
        if n.type == "selector_expression":
            stack.append(n.child_by_field_name("operand"))
        else:
            stack.extend(n.named_children)
    return False


def _key_repeats(ctx: Context, key: Node, store: Node, body: Node) -> bool:
    """The loop also looks the same key up with comma-ok in a local map (`i, ok := groups[k]`) or
    deletes it from a map: it expects keys to repeat (grouping, dedup), so the trip count overstates the
    number of keys (internal/runtime/gc/scan/mkasm.go in docs/precision.md)."""
    text = ctx.text(key)
    stack = [body]
    while stack:
        n = stack.pop()
        stack.extend(n.named_children)
        if n.type == "call_expression" and ctx.text(n.child_by_field_name("function")) == "delete":
            args = n.child_by_field_name("arguments")
            if args is not None and args.named_child_count == 2 and ctx.text(args.named_children[1]) == text:
                return True
        if n.type != "index_expression" or n.start_byte == store.start_byte or \
                store.start_byte <= n.start_byte < store.end_byte:
            continue
        index, operand = n.child_by_field_name("index"), n.child_by_field_name("operand")
        if index is None or ctx.text(index) != text or operand is None or operand.type != "identifier":
            continue  # a field's map (`mods.highest[path]`, cmd/go modload): state kept across calls
        right = inner(n).parent
        while right is not None and right.type == "parenthesized_expression":
            right = right.parent
        if right is None or right.type != "expression_list" or right.named_child_count != 1:
            continue
        assign = right.parent
        if assign is not None and assign.type in ("short_var_declaration", "assignment_statement") and \
                assign.child_by_field_name("right") == right:
            left = assign.child_by_field_name("left")
            if left is not None and left.named_child_count == 2:
                return True
    return False


RULE = Rule(
    id="prealloc/map",
    doc=__doc__,
    check=check,
    severity=Severity.WARNING,
    fix=FixAvailability.SOMETIMES,
    peers=("prealloc",),
)
