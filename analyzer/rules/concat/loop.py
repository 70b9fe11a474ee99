"""Build strings in loops with a strings.Builder, not `+=`.

## What it does
Flags `s += x` and `s = s + x` on a string variable inside a loop, when `s` is declared
outside that loop (so the string keeps growing across iterations) and is known to be a
string (declared `string`, initialised from a string, or `x` is a string literal).
Loops that run a small constant number of times (8 or fewer) are left alone.

## Why is this bad?
Go strings are immutable: every `s += x` allocates a new string of len(s)+len(x) bytes
and copies both halves into it. Over n iterations that is n allocations and about
n²/2 × len(x) bytes copied — quadratic. A `strings.Builder` appends into a buffer that
doubles when full: about log2(n) allocations and 2·n·len(x) bytes copied in all.

## Example
```go
func csv(fields []string) string {
	out := ""
	for _, f := range fields {
		out += f + ","
	}
	return out
}
```

Use instead:
```go
func csv(fields []string) string {
	out := ""
	var sb strings.Builder
	for _, f := range fields {
		sb.WriteString(f + ",")
	}
	out = sb.String()
	return out
}
```

## Fix safety
The fix is offered when the shape allows an exact rewrite: `s` is a local `string`
declared in the block that holds the loop, the loop only appends to it (no other read
or write of `s` inside the loop, no `goto` or labelled jumps out of it), and `s` is read
after the loop. It declares a `strings.Builder` (seeded with `s` when `s` may be
non-empty), turns each append into `WriteString`, assigns `s = sb.String()` after the
loop, and imports "strings" if needed. The result is the same string, so the fix is
safe. When `s` is also read inside the loop no fix is offered: the intermediate values
would have to be rebuilt with `sb.String()` on every read, which is no cheaper.
"""

from __future__ import annotations

from typing import Iterator

from tree_sitter import Node

from ...context import Context
from ...costs import builder_growth, slot_bytes
from ...model import Applicability, Edit, Estimate, Finding, Fix, FixAvailability, Severity
from ...parsing import F_LEFT, F_OPERATOR, F_RIGHT, inner
from ...passes.decls import package_decls
from ...passes.fills import innermost_loop, is_conditional, line_indent, string_literal_bytes
from ...passes.imports import add_import, imports, local_name, may_create_cycle
from ...passes.loops import LoopInfo
from ...passes.scopes import FUNCTION_KINDS, Decl, enclosing_function, identifiers_in, resolve
from ...passes.typeof import KNOWN_RESULTS, kind_of
from ...passes.uses import uses
from ...rule import Rule

STRING_KINDS = ("interpreted_string_literal", "raw_string_literal")
SMALL_LOOP = 8


def check(ctx: Context) -> Iterator[Finding]:
    reported = set()  # (loop, variable): one finding for all the appends of a variable in a loop
    for stmt in ctx.nodes("assignment_statement"):
        concat = _concat(ctx, stmt)
        if concat is None:
            continue
        ident, parts = concat
        loop = innermost_loop(ctx, stmt)
        if loop is None:
            continue
        decl = resolve(ident, ctx.source, package_decls(ctx.package).values)
        if decl is None or decl.kind in ("range", "const", "package-const", "func"):
            continue
        if loop.node.start_byte <= decl.name_node.start_byte < loop.node.end_byte:
            continue  # declared in this loop's body: starts afresh every iteration
        if not (_plain_string(ctx, decl) or any(inner(p).type in STRING_KINDS for p in parts)
                or kind_of(ctx, ident) == "string"):
            continue
        if loop.trip is not None and loop.trip.expr.isdigit() and int(loop.trip.expr) <= SMALL_LOOP:
            continue
        if _reassigned(ctx, loop, ctx.text(ident)):
            continue  # also truncated or replaced in the loop (path/filepath walkSymlinks): no Builder can
        key = (loop.node.id, decl.name_node.id)
        if key in reported:
            continue  # the first append's finding (and its fix) covers the others
        reported.add(key)
        yield _finding(ctx, stmt, ident, parts, loop, decl)


def _reassigned(ctx: Context, loop: LoopInfo, name: str) -> bool:
    """The loop also assigns the variable something other than itself plus more (`s = s[:i]`, `s = ""`)."""
    for a in ctx.nodes("assignment_statement"):
        if not (loop.body.start_byte <= a.start_byte < loop.body.end_byte):
            continue
        left = a.child_by_field_name("left")
        if left is None or not any(t.type == "identifier" and ctx.text(t) == name for t in left.named_children):
            continue
        if _concat(ctx, a) is None:
            return True
    return False


def _concat(ctx: Context, stmt: Node) -> tuple[Node, list[Node]] | None:
    """(s, [x...]) for `s += x` or `s = s + x + ...`."""
    operator = stmt.child_by_field_id(F_OPERATOR)
    if operator is None or operator.type not in ("+=", "="):
        return None  # (a token's text is its kind, or empty if missing: checked below)
    left, right = stmt.child_by_field_id(F_LEFT), stmt.child_by_field_id(F_RIGHT)
    if left is None or right is None or left.named_child_count != 1 or right.named_child_count != 1:
        return None
    target, value = left.named_children[0], right.named_children[0]
    if target.type != "identifier" or ctx.text(target) == "_":
        return None
    op = ctx.text(operator)
    if op == "+=":
        return target, [value]
    if op != "=":
        return None
    parts = []
    node = inner(value)
    while node.type == "binary_expression" and ctx.text(node.child_by_field_id(F_OPERATOR)) == "+":
        parts.append(node.child_by_field_id(F_RIGHT))
        node = inner(node.child_by_field_id(F_LEFT))
    if not parts or node.type != "identifier" or ctx.text(node) != ctx.text(target):
        return None
    return target, list(reversed(parts))


def _plain_string(ctx: Context, decl: Decl) -> bool:
    """Whether the variable's type is exactly `string` (not a named string type)."""
    if decl.type_node is not None:
        return ctx.text(decl.type_node) == "string"
    value = decl.value_node
    if value is None or decl.kind.startswith("package"):
        return False
    value = inner(value)
    if value.type in STRING_KINDS:
        return True
    if value.type == "binary_expression":
        return all(inner(p).type in STRING_KINDS for p in (value.child_by_field_name("left"), value.child_by_field_name("right")))
    if value.type in ("call_expression", "type_conversion_expression"):
        fn = value.child_by_field_name("function") or value.child_by_field_name("type")
        name = ctx.text(fn)
        return name == "string" or KNOWN_RESULTS.get(name) == "string"
    return False


def _finding(ctx: Context, stmt: Node, ident: Node, parts: list[Node], loop: LoopInfo, decl: Decl) -> Finding:
    name = decl.name
    appends = _appends(ctx, loop, name)
    if len(appends) > 1:
        # Several appends per iteration (`if i > 0 { s += ", " }; s += x`): a constant size only
        # when every one of them runs on every iteration and appends constants.
        lengths = [_const_length(ctx, c[1]) if not is_conditional(a, loop.body) else None
                   for a in appends if (c := _concat(ctx, a)) is not None]
        per_iter = sum(lengths) if lengths and None not in lengths else None
    else:
        per_iter = _const_length(ctx, parts)
    count = loop.trip.expr if loop.trip is not None else None
    size = f"{per_iter} byte{'' if per_iter == 1 else 's'}" if per_iter is not None \
        else "the bytes appended per iteration"
    if count is not None:
        detail = (f"over the {count} iterations of this loop that is {count} allocations and "
                  f"about {count}²/2 × {size} copied")
    else:
        detail = f"n iterations allocate n times and copy about n²/2 × {size}"
    message = (f"{name} is rebuilt on every iteration: each += allocates a new string and copies all of "
               f"{name} so far ({detail}); use a strings.Builder")
    severity = RULE.severity
    if _only_conditional(ctx, loop, name):
        severity = Severity.INFO  # may run on few iterations (a separator, a rare suffix)
        message = message.replace("is rebuilt on every iteration", "is rebuilt on the iterations that append to it")
    fixes = ()
    fix = _builder_fix(ctx, ident, loop, decl)
    if fix is not None:
        fixes = (fix,)
    return ctx.finding(RULE, stmt, message, fixes=fixes, estimate=_estimate(ctx, loop, per_iter),
                       severity=severity, data={"var": name, "count": count})


def _appends(ctx: Context, loop: LoopInfo, name: str) -> list[Node]:
    """The appends (`name += x`, `name = name + x`) directly in this loop."""
    return [a for a in ctx.nodes("assignment_statement")
            if loop.body.start_byte <= a.start_byte < loop.body.end_byte and innermost_loop(ctx, a) is loop
            and (c := _concat(ctx, a)) is not None and ctx.text(c[0]) == name]


def _only_conditional(ctx: Context, loop: LoopInfo, name: str) -> bool:
    """Every append to `name` directly in this loop sits under an if/switch or after a continue."""
    stmts = _appends(ctx, loop, name)
    return bool(stmts) and all(is_conditional(a, loop.body) for a in stmts)


def _const_length(ctx: Context, parts: list[Node]) -> int | None:
    total = 0
    for p in parts:
        n = string_literal_bytes(inner(p), ctx.source)
        if n is None:
            return None
        total += n
    return total


def _estimate(ctx: Context, loop: LoopInfo, per_iter: int | None) -> Estimate | None:
    """With a constant count and constant appends: the strings += allocates vs a Builder's growth."""
    if loop.trip is None or not loop.trip.expr.isdigit() or not per_iter:
        return None
    n = int(loop.trip.expr)
    if n > 1 << 16:
        return None
    objects = n
    nbytes = sum(slot_bytes(i * per_iter, False) for i in range(1, n + 1))
    b_objects, b_bytes = builder_growth([per_iter] * n)
    return Estimate(objects, nbytes, per="call", saved_objects=objects - b_objects - 1,
                    saved_bytes=nbytes - b_bytes - slot_bytes(n * per_iter, False))


def _builder_fix(ctx: Context, ident: Node, loop_of_stmt: LoopInfo, decl: Decl) -> Fix | None:
    if decl.kind not in ("short", "var") or not _plain_string(ctx, decl):
        return None
    block = decl.statement.parent
    loop = _loop_in_block(ident, block)
    if loop is None or loop.start_byte < decl.statement.end_byte or _jumps_out(loop):
        return None
    fn = enclosing_function(loop)
    scope = fn.child_by_field_name("body") if fn is not None else None
    if scope is None:
        return None
    concats, between, after = [], False, False
    for use in uses(decl, scope, ctx.source):
        if use.start_byte < loop.start_byte:
            between = between or use.start_byte >= decl.statement.end_byte
            continue
        if use.start_byte >= loop.end_byte:
            after = True
            continue
        stmt = _concat_statement(ctx, use)
        if stmt is None:
            return None  # read or written some other way inside the loop
        if stmt.id not in {s.id for s in concats}:
            concats.append(stmt)
    if not concats or not after:
        return None
    if any(c.has_error for c in concats):
        return None
    strings_name = local_name(ctx.root, ctx.source, "strings")
    edits = []
    if strings_name is None:
        if _name_taken(ctx, fn, "strings"):
            return None
        files = ctx.package.files
        if may_create_cycle([f.tree.root_node for f in files], [f.source for f in files], "strings"):
            return None  # a package strings itself may depend on (runtime, sync, ...)
        imp = add_import(ctx.root, ctx.source, "strings")
        if imp is None:
            return None
        edits.append(imp)
        strings_name = "strings"
    sb = _fresh_name(ctx, fn, _loops_before(ctx, fn, loop))
    indent = line_indent(ctx.source, loop.start_byte)
    seed = between or not _empty_initially(ctx, decl)
    prelude = f"var {sb} {strings_name}.Builder\n{indent}"
    if seed:
        prelude += f"{sb}.WriteString({decl.name})\n{indent}"
    edits.append(Edit(loop.start_byte, loop.start_byte, prelude))
    for stmt in concats:
        _, parts = _concat(ctx, stmt)
        stmt_indent = line_indent(ctx.source, stmt.start_byte)
        text = f"\n{stmt_indent}".join(f"{sb}.WriteString({ctx.text(p)})" for p in parts)
        edits.append(Edit(stmt.start_byte, stmt.end_byte, text))
    edits.append(Edit(loop.end_byte, loop.end_byte, f"\n{indent}{decl.name} = {sb}.String()"))
    return Fix(f"Build {decl.name} with a strings.Builder", tuple(edits), Applicability.SAFE)


def _loop_in_block(node: Node, block: Node) -> Node | None:
    """The for statement, a direct child of `block`, that contains `node`."""
    n = node
    while n.parent is not None and n.parent != block:
        if n.type in FUNCTION_KINDS:
            return None
        n = n.parent
    return n if n.parent == block and n.type == "for_statement" else None


def _jumps_out(loop: Node) -> bool:
    stack = [loop.child_by_field_name("body")]
    while stack:
        n = stack.pop()
        if n is None or n.type == "func_literal":
            continue
        if n.type == "goto_statement":
            return True
        if n.type in ("break_statement", "continue_statement") and n.named_child_count:
            return True
        stack.extend(n.named_children)
    return False


def _concat_statement(ctx: Context, use: Node) -> Node | None:
    """The `s += x` / `s = s + x` statement `use` takes part in as s (target or first operand)."""
    n = use
    while n.parent is not None and n.parent.type in ("expression_list", "binary_expression", "parenthesized_expression"):
        n = n.parent
    stmt = n.parent
    if stmt is None or stmt.type != "assignment_statement":
        return None
    concat = _concat(ctx, stmt)
    if concat is None or ctx.text(concat[0]) != ctx.text(use):
        return None
    left = stmt.child_by_field_name("left")
    if left.start_byte <= use.start_byte < left.end_byte:
        return stmt
    # the first operand of `s = s + ...`: the leftmost identifier of the right-hand side
    node = inner(stmt.child_by_field_name("right").named_children[0])
    while node.type == "binary_expression":
        node = inner(node.child_by_field_name("left"))
    if node.id == use.id and all(not identifiers_in(p, ctx.text(use), ctx.source) for p in concat[1]):
        return stmt
    return None


def _empty_initially(ctx: Context, decl: Decl) -> bool:
    if decl.value_node is None:
        return True
    return ctx.text(inner(decl.value_node)) in ('""', "``")


def _name_taken(ctx: Context, fn: Node, name: str) -> bool:
    if any((local or path.rsplit("/", 1)[-1]) == name for path, local in imports(ctx.root, ctx.source).items()):
        return True
    return bool(identifiers_in(fn, name, ctx.source)) or name in package_decls(ctx.package).values \
        or name in package_decls(ctx.package).funcs or name in package_decls(ctx.package).types


def _loops_before(ctx: Context, fn: Node, loop: Node) -> int:
    """How many loops of the function start before `loop` and hold a concatenation: fixes of
    one function applied together must each pick a different builder name."""
    starts = set()
    for stmt in ctx.nodes("assignment_statement"):
        if fn.start_byte <= stmt.start_byte < loop.start_byte and _concat(ctx, stmt) is not None:
            n = stmt.parent
            while n is not None and n != fn:
                if n.type == "for_statement" and n.end_byte <= loop.start_byte:
                    starts.add(n.start_byte)
                n = n.parent
    return len(starts)


def _fresh_name(ctx: Context, fn: Node, skip: int = 0) -> str:
    """The skip-th (from 0) builder name not in use in the function."""
    candidates = ["sb", "b", "buf", "builder"] + [f"sb{i}" for i in range(2, 1000)]
    free = (c for c in candidates if not _name_taken(ctx, fn, c))
    for _ in range(skip):
        next(free)
    return next(free)


RULE = Rule(
    id="concat/loop",
    doc=__doc__,
    check=check,
    severity=Severity.WARNING,
    fix=FixAvailability.SOMETIMES,
    peers=("perfsprint", "gocritic"),
)
