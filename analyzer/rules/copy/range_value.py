"""Range by index over elements too large to copy every iteration.

## What it does
Flags `for _, v := range xs` over a slice or array whose element type is at least
128 bytes (threshold `range-value` in goperf.toml), with the bytes copied in the
message. Element sizes are computed as the gc compiler lays types out on amd64, for
types declared in the package and common standard-library types; elements whose size
syntax cannot know (imported or generic types) are not flagged, nor are maps and
channels (a map lookup per iteration costs more than the copy).

## Why is this bad?
The range value is a copy: every iteration copies the whole element into `v`, even
when the body reads one field. For a 4 KiB element over a million-element slice that
is 4 GiB of memory traffic the loop never needed. Indexing (`xs[i].f`) or taking a
pointer (`p := &xs[i]`) reads the element in place.

## Example
```go
type Record struct {
	ID      int
	Payload [512]byte
}

func count(rs []Record) int {
	n := 0
	for _, r := range rs {
		if r.ID > 0 {
			n++
		}
	}
	return n
}
```

Use instead:
```go
type Record struct {
	ID      int
	Payload [512]byte
}

func count(rs []Record) int {
	n := 0
	for i := range rs {
		if rs[i].ID > 0 {
			n++
		}
	}
	return n
}
```

## Fix safety
The fix ranges over the index (`for i := range xs`, reusing the key variable if there
is one) and replaces every use of the value with `xs[i]`. It is offered only when the
ranged expression is a variable or a field selector of one (`xs`, `s.items`), and the
value is never assigned, incremented, address-taken, used in a closure or given to a
method that may take a pointer receiver — in all of those the copy is the point. The
fix is safe when the loop body contains no function calls (other than `len`, `cap`,
`min`, `max` and conversions to basic types) and writes no memory through an index, field or pointer, and does not
assign the ranged variable: then nothing can change `xs[i]` during the iteration, so
reading it in place sees exactly what the copy held. Otherwise it is unsafe: a call or
a write in the body could modify the element that the copy would have kept unchanged.
"""

from __future__ import annotations

from typing import Iterator

from tree_sitter import Node

from ...context import Context
from ...model import Applicability, Edit, Finding, Fix, FixAvailability, Severity
from ...parsing import inner
from ...passes import exprtypes
from ...passes.decls import package_decls
from ...passes.scopes import Decl, identifiers_in
from ...passes.types import human_bytes, sizer
from ...passes.uses import access, uses
from ...rule import Rule

PURE_BUILTINS = frozenset(("len", "cap", "min", "max", "int", "int8", "int16", "int32", "int64", "uint", "uint8",
                           "uint16", "uint32", "uint64", "uintptr", "byte", "rune", "float32", "float64", "bool"))


def check(ctx: Context) -> Iterator[Finding]:
    threshold = ctx.config.threshold("range-value")
    for loop in ctx.nodes("for_statement"):
        clause = next((c for c in loop.named_children if c.type == "range_clause"), None)
        body = loop.child_by_field_name("body")
        if clause is None or body is None or not any(c.type == ":=" for c in clause.children):
            continue
        left, right = clause.child_by_field_name("left"), clause.child_by_field_name("right")
        if left is None or right is None or left.named_child_count != 2:
            continue
        value = left.named_children[1]
        if value.type != "identifier" or ctx.text(value) == "_":
            continue
        ranged = exprtypes.type_of(ctx.package, ctx.file, right)
        shape = exprtypes.underlying(ctx.package, ranged)
        if shape is None:
            continue
        if shape.wrap:
            if shape.wrap[0] != "slice" and not _pointer_to_array(ctx, shape):
                continue
        elif shape.node.type not in ("slice_type", "array_type") and not _pointer_to_array(ctx, shape):
            continue
        elem = exprtypes.element(ctx.package, ranged)
        if elem is None:
            continue
        layout = None if elem.wrap else sizer(ctx.package).layout(elem.node, elem.file)
        if layout is None or layout.size < threshold:
            continue
        size = human_bytes(layout.size)
        fixes = _fix(ctx, loop, clause, left, value, right, body)
        yield ctx.finding(RULE, value,
                          f"range value {ctx.text(value)} copies {size} per iteration ({elem.text()}); "
                          f"range over the index instead",
                          fixes=fixes, data={"bytes": layout.size, "type": elem.text()})


def _pointer_to_array(ctx: Context, shape: exprtypes.TypeRef) -> bool:
    target = exprtypes.underlying(ctx.package, exprtypes.deref(ctx.package, shape))
    return target is not None and not target.wrap and target.node.type == "array_type"


def _fix(ctx: Context, loop: Node, clause: Node, left: Node, value: Node, right: Node, body: Node) -> tuple[Fix, ...]:
    right = inner(right)
    if not _is_path(right) or _redeclared(ctx, body, _root(right)):
        return ()
    decl = Decl(ctx.text(value), "range", value, loop, None, right)
    found = uses(decl, body, ctx.source)
    if not found:
        return ()
    for use in found:
        a = access(use, body, ctx.source)
        if a.in_closure or a.kind in ("write", "incdec", "addr"):
            return ()
        if use.parent is not None and use.parent.type == "literal_element":
            return ()
        if a.kind == "method" and not _value_method(ctx, a, use):
            return ()
    if _writes_through(ctx, body, _root(right)):
        return ()  # the body changes the elements: the copy keeps the old value on purpose
    key = left.named_children[0]
    index = ctx.text(key) if key.type == "identifier" and ctx.text(key) != "_" else _fresh_index(ctx, loop)
    if index is None:
        return ()
    base = ctx.text(right)
    edits = [Edit(left.start_byte, left.end_byte, index)]
    edits += [Edit(u.start_byte, u.end_byte, f"{base}[{index}]") for u in found]
    safe = _body_is_quiet(ctx, body, right)
    return (Fix(f"Range over the index and use {base}[{index}]", tuple(edits),
                Applicability.SAFE if safe else Applicability.UNSAFE),)


def _root(node: Node) -> str:
    while node.type == "selector_expression":
        node = inner(node.child_by_field_name("operand"))
    return node.text.decode() if node.text else ""


def _is_path(node: Node) -> bool:
    """`xs`, `s.items`, `a.b.c`: no calls, indexes or dereferences."""
    while node.type == "selector_expression":
        node = inner(node.child_by_field_name("operand"))
    return node.type == "identifier"


def _value_method(ctx: Context, a, use: Node) -> bool:
    """`v.M()` where M is declared in the package with a value receiver on v's named type."""
    if a.path != ("selector_expression",):
        return False
    recv_type = exprtypes.type_of(ctx.package, ctx.file, use)
    name = exprtypes.named_type(ctx.package, recv_type)
    if name is None:
        return False
    method = ctx.text(a.top.child_by_field_name("field"))
    found = package_decls(ctx.package).funcs.get(f"{name}.{method}")
    if found is None:
        return False
    node, _ = found
    recv = node.child_by_field_name("receiver")
    return recv is not None and all(
        (p.child_by_field_name("type") is not None and p.child_by_field_name("type").type != "pointer_type")
        for p in recv.named_children if p.type == "parameter_declaration")


def _writes_through(ctx: Context, body: Node, root: str) -> bool:
    """`xs[j].f = …`, `xs[j]++`, `p := &xs[j]` in the body, where xs is the ranged variable."""
    for ident in identifiers_in(body, root, ctx.source):
        a = access(ident, body, ctx.source)
        if a.path and a.kind in ("write", "incdec", "addr", "method"):
            return True
    return False


def _fresh_index(ctx: Context, loop: Node) -> str | None:
    for name in ("i", "j", "k", "idx", "n", "i2", "i3"):
        if not identifiers_in(loop, name, ctx.source):
            return name
    return None


def _redeclared(ctx: Context, body: Node, name: str) -> bool:
    """Whether the body declares `name` (so a replacement text naming it would change meaning)."""
    for ident in identifiers_in(body, name, ctx.source):
        p = ident.parent
        if p.type in ("var_spec", "const_spec", "parameter_declaration", "variadic_parameter_declaration"):
            return True
        if p.type == "expression_list" and p.parent is not None and \
                p.parent.type in ("short_var_declaration", "range_clause") and p.parent.child_by_field_name("left") == p:
            return True
    return False


def _shadowed(ctx: Context, ident: Node) -> bool:
    from ...passes.scopes import resolve
    return resolve(ident, ctx.source, package_decls(ctx.package).values) is not None or \
        ctx.text(ident) in package_decls(ctx.package).funcs


def _body_is_quiet(ctx: Context, body: Node, ranged: Node) -> bool:
    """No calls (beyond pure builtins), no memory writes, ranged variables not assigned."""
    roots = {_root(ranged)}
    stack = [body]
    while stack:
        n = stack.pop()
        if n.type == "call_expression":
            fn = n.child_by_field_name("function")
            if fn is None or fn.type != "identifier" or ctx.text(fn) not in PURE_BUILTINS or _shadowed(ctx, fn):
                return False
        if n.type in ("go_statement", "defer_statement", "func_literal"):
            return False
        if n.type in ("assignment_statement", "inc_statement", "dec_statement", "short_var_declaration"):
            targets = n.child_by_field_name("left")
            targets = targets.named_children if targets is not None else n.named_children[:1]
            for t in targets:
                t = inner(t)
                if t.type != "identifier" and n.type != "short_var_declaration":
                    return False  # a write through an index, field or pointer
                if t.type == "identifier" and ctx.text(t) in roots and n.type != "short_var_declaration":
                    return False
        stack.extend(n.named_children)
    return True


RULE = Rule(
    id="copy/range-value",
    doc=__doc__,
    check=check,
    severity=Severity.INFO,
    fix=FixAvailability.SOMETIMES,
    peers=("gocritic",),
)
