"""Pass large structs and arrays by pointer, not by value.

## What it does
Flags a named parameter or receiver of a function or method whose type is a struct or
array of at least 256 bytes (threshold `large-param` in goperf.toml), with the size in
the message. Sizes are computed as the gc compiler lays types out on amd64, for types
declared in the package and common standard-library types; parameters whose size
syntax cannot know (imported or generic types) are not flagged. Unnamed and `_`
parameters are skipped (their signature is usually dictated by an interface or a
callback type), and so are function literals. Also not flagged: a parameter the function
writes to (assigns, increments, takes the address of or slices: the copy is what keeps the
caller's value intact), an accessor whose body is one statement reading fields of it (it is
inlined and the compiler loads only those fields), a wrapper whose body is one statement
passing it on to a single call (`return encode(s, f, 5)`: inlined, the caller's value is
copied straight into the callee's arguments, so a pointer saves nothing), and
`Handle(ctx, r slog.Record)` (the slog.Handler interface fixes it).

## Why is this bad?
Every call copies the whole value into the callee's arguments: a 1 KiB struct passed
down three levels of calls is 3 KiB of copying per request, and the callee's frame
grows by the same amount (which can make the goroutine's stack grow and be copied).
A pointer is 8 bytes.

## Example
```go
type Config struct {
	Name  string
	Table [64]int64
}

func checksum(c Config) int64 {
	var sum int64
	for _, v := range c.Table {
		sum += v
	}
	return sum
}
```

Use instead:
```go
type Config struct {
	Name  string
	Table [64]int64
}

func checksum(c *Config) int64 {
	var sum int64
	for _, v := range c.Table {
		sum += v
	}
	return sum
}
```

## Fix safety
No automatic fix: changing a parameter to a pointer changes the function's signature
(every caller, every interface it satisfies, every function value of its type) and
lets the callee modify the caller's value, which the copy prevented.
"""

from __future__ import annotations

from typing import Iterator

from tree_sitter import Node

from ...context import Context
from ...model import Finding, FixAvailability, Severity
from ...parsing import F_BODY, F_NAME, F_TYPE
from ...passes.exprtypes import TypeRef, underlying
from ...passes.scopes import identifiers_in
from ...passes.types import human_bytes, sizer
from ...rule import Rule


# Methods whose signature an interface of the standard library fixes: the parameter cannot
# become a pointer without the type no longer implementing the interface.
INTERFACE_PARAMS = {("Handle", "slog.Record")}


# Type nodes whose underlying type can be a struct, an array or a qualified type (the only shapes
# checked below): any other type literal is its own underlying type.
MAY_BE_LARGE = ("type_identifier", "parenthesized_type", "parenthesized_expression", "struct_type", "array_type",
                "qualified_type")


def check(ctx: Context) -> Iterator[Finding]:
    threshold = ctx.config.threshold("large-param")
    funcs = ctx.nodes("function_declaration") + ctx.nodes("method_declaration")
    for fn in funcs:
        if fn.child_by_field_id(F_BODY) is None:
            continue  # assembly-backed or linkname declarations
        for field, role in (("receiver", "receiver"), ("parameters", "parameter")):
            plist = fn.child_by_field_name(field)
            if plist is None:
                continue
            for param in plist.named_children:
                if param.type != "parameter_declaration":
                    continue
                type_node = param.child_by_field_id(F_TYPE)
                if type_node is None or type_node.type not in MAY_BE_LARGE:
                    continue  # pointers, slices, maps, funcs, interfaces, chans, generics: a word or three
                names = [n for n in param.children_by_field_id(F_NAME) if ctx.text(n) != "_"]
                if not names:
                    continue
                shape = underlying(ctx.package, TypeRef(type_node, ctx.file))
                if shape is None or shape.wrap or shape.node.type not in ("struct_type", "array_type", "qualified_type"):
                    continue
                layout = sizer(ctx.package).layout(type_node, ctx.file)
                if layout is None or layout.size < threshold:
                    continue
                if fn.type == "method_declaration" and role == "parameter" and \
                        (ctx.text(fn.child_by_field_id(F_NAME)), ctx.text(type_node)) in INTERFACE_PARAMS:
                    continue  # implements e.g. slog.Handler: the signature is not the author's to change
                body = fn.child_by_field_id(F_BODY)
                for name in names:
                    if _written(ctx, body, ctx.text(name)):
                        continue  # the function changes its copy: a pointer would change the caller's value
                    if _accessor(ctx, body, ctx.text(name)):
                        continue  # one statement reading fields: inlined, the compiler loads only those
                    yield ctx.finding(
                        RULE, name,
                        f"{role} {ctx.text(name)} copies {human_bytes(layout.size)} ({ctx.text(type_node)}) "
                        f"on every call; pass a pointer",
                        data={"bytes": layout.size, "type": ctx.text(type_node)})


def _uses(ctx: Context, body: Node, name: str) -> list[Node]:
    return identifiers_in(body, name, ctx.source)


def _written(ctx: Context, body: Node, name: str) -> bool:
    """`name`, `name[i]`, `name.f`… assigned, incremented, address taken or (an array) sliced."""
    for use in _uses(ctx, body, name):
        node, parent = use, use.parent
        while parent is not None and parent.type in ("selector_expression", "index_expression",
                                                     "parenthesized_expression") \
                and parent.named_children and parent.named_children[0] == node:
            node, parent = parent, parent.parent
        if parent is None:
            continue
        if parent.type == "slice_expression" and parent.named_children[0] == node:
            return True
        if parent.type == "unary_expression" and ctx.text(parent.child_by_field_name("operator")) == "&":
            return True
        if parent.type in ("inc_statement", "dec_statement"):
            return True
        if parent.type == "expression_list" and parent.parent is not None \
                and parent.parent.type == "assignment_statement" \
                and parent.parent.child_by_field_name("left") == parent:
            return True
    return False


def _accessor(ctx: Context, body: Node, name: str) -> bool:
    """A body of one statement that uses `name` only as `name.field` (not indexed), or passes it
    whole to the statement's only call (a forwarding wrapper)."""
    stmts = body.named_children
    if len(stmts) == 1 and stmts[0].type == "statement_list":
        stmts = stmts[0].named_children
    if len(stmts) != 1 or stmts[0].type not in ("return_statement", "expression_statement"):
        return False
    uses = _uses(ctx, body, name)
    for use in uses:
        parent = use.parent
        if parent is not None and parent.type == "argument_list" and _one_call(ctx, stmts[0]):
            continue  # a wrapper forwarding it: inlined, the caller's value goes straight to the callee
        if parent is None or parent.type != "selector_expression" or parent.named_children[0] != use:
            return False
        if parent.parent is not None and parent.parent.type in ("index_expression", "slice_expression", "call_expression") \
                and parent.parent.named_children[0] == parent:
            return False  # r.arr[i], r.method(): may need the whole value in memory
    return bool(uses)


BUILTINS = {"len", "cap", "min", "max", "real", "imag", "complex"}


def _one_call(ctx: Context, stmt: Node) -> bool:
    """`stmt` makes a single call besides cheap builtins: small enough for the gc inliner
    (each call to a function that is not inlined costs 57 of its budget of 80)."""
    calls, stack = 0, [stmt]
    while stack:
        n = stack.pop()
        if n.type == "func_literal":
            return False
        if n.type == "call_expression":
            fn = n.child_by_field_name("function")
            if fn is None or ctx.text(fn) not in BUILTINS:
                calls += 1
        stack.extend(n.named_children)
    return calls == 1


RULE = Rule(
    id="copy/large-param",
    doc=__doc__,
    check=check,
    severity=Severity.INFO,
    fix=FixAvailability.NONE,
    peers=("gocritic",),
)
