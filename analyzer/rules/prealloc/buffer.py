"""Grow a strings.Builder or bytes.Buffer before a loop whose writes can be sized.

## What it does
Flags a `strings.Builder` or `bytes.Buffer` created empty (`var b strings.Builder`,
`b := &bytes.Buffer{}`, `new(strings.Builder)`, `bytes.NewBuffer(nil)`, ...) and then
written to in a loop with a known trip count (`range` over a slice, array, string, map
or integer, or `for i := 0; i < n; i++`), when every write in the loop has a size the
analyzer can bound: string literals, `WriteByte` (1 byte), `WriteRune` (at most 4, or
exactly `len(s)` in all when ranging over the string `s`), strings and byte slices that
do not change in the loop (`len(sep)`), `strconv.Itoa` (at most 20), and `fmt.Fprintf`
with a literal format whose verbs are `%d`, `%c`, `%t` or `%s` of such strings. Buffers
that already have a capacity or a `Grow`, that are reset, read from or handed on in the
loop, loops that can `break` or `return`, and writes in nested loops are left alone.
When a write is conditional, or its size is only an upper bound (`WriteRune`,
`strconv.Itoa`, `%d`), the finding is a hint without a fix: reserving the bound could
cost more memory than the growth it saves.

## Why is this bad?
Both types keep their bytes in one slice that doubles whenever it is full: writing n
bytes into an empty builder allocates about log2(n) times and copies about 2n bytes
before the result is ready. `Grow(n)` allocates once, up front.

## Example
```go
func csvRow(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString("NULL,")
	}
	return b.String()
}
```

Use instead:
```go
func csvRow(n int) string {
	var b strings.Builder
	b.Grow(n * 5)
	for i := 0; i < n; i++ {
		b.WriteString("NULL,")
	}
	return b.String()
}
```

## Fix safety
The fix inserts `b.Grow(count * bytes)` before the loop, only when the bytes written are
known exactly. Growing never changes what the buffer holds. `Grow` panics on a negative argument, so the
fix is safe only when the count cannot be negative (a `len(...)` or a literal); a count
such as `n` in `for i := 0; i < n; i++`, which may be negative when the loop runs zero
times, makes the fix unsafe.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterator

from tree_sitter import Node

from ...context import Context
from ...costs import buffer_growth, builder_growth, grown
from ...model import Applicability, Edit, Estimate, Finding, Fix, FixAvailability, Severity
from ...parsing import inner
from ...passes import gofmt
from ...passes.fills import assigns, declared_before_in_block, innermost_loop, is_conditional, line_indent, \
    string_literal_bytes
from ...passes.loops import LOOPS, LoopInfo, constant_count
from ._shape import guarded
from ...passes.scopes import Decl, enclosing_function, resolve
from ...passes.typeof import kind_of
from ...passes.types import human_bytes
from ...passes.uses import uses
from ...rule import Rule

TYPES = {"strings.Builder": "builder", "bytes.Buffer": "buffer"}
WRITES = ("WriteString", "WriteByte", "WriteRune", "Write")
HARMLESS = ("Len", "Cap", "String")  # methods that neither write nor reset
FPRINTF = ("fmt.Fprintf",)
MARKERS = tuple(t.encode() for t in TYPES) + (b"bytes.NewBuffer",)  # what _empty_buffer matches must be spelled
VERB = re.compile(r"%[-+# 0]*(\d+|\*)?(\.(\d+|\*)?)?([a-zA-Z%])")
ITOA_MAX = 20  # len(strconv.Itoa(math.MinInt64))
NUMBER_FORMATS = ("strconv.Itoa", "strconv.FormatInt", "strconv.FormatUint")


@dataclass
class Size:
    """Bytes one iteration writes: a constant plus `len(x)` terms; `total` adds once-per-loop terms."""

    const: int = 0
    per_iter: dict[str, int] = field(default_factory=dict)  # "len(sep)" -> how many times per iteration
    total: dict[str, int] = field(default_factory=dict)  # "len(s)" -> how many times per loop
    bounded: bool = False  # some term is an upper bound, not the exact size


def check(ctx: Context) -> Iterator[Finding]:
    if not any(marker in ctx.source for marker in MARKERS):
        return  # no buffer type or constructor spelled anywhere in the file: nothing to declare one
    for loop in ctx.result(LOOPS).values():
        if loop.trip is None or loop.exits_early:
            continue
        for decl, kind, writes, written_before in _buffers_written(ctx, loop):
            finding = _check(ctx, loop, decl, kind, writes, written_before)
            if finding is not None:
                yield finding


def _buffers_written(ctx: Context, loop: LoopInfo) -> list[tuple[Decl, str, list[Node], bool]]:
    """Empty buffers declared in the loop's block before it, and their write calls in the loop."""
    out = []
    block = loop.node.parent
    if block is None:
        return out
    for stmt in block.named_children:
        if stmt.start_byte >= loop.node.start_byte:
            break
        if stmt.type not in ("short_var_declaration", "var_declaration"):
            continue
        created = _empty_buffer(ctx, stmt)
        if created is None:
            continue
        decl, kind = created
        fn = enclosing_function(loop.node)
        scope = fn.child_by_field_name("body") if fn is not None else None
        if scope is None:
            continue
        writes, ok, written_before = [], True, False
        for use in uses(decl, scope, ctx.source):
            before = decl.statement.end_byte <= use.start_byte < loop.node.start_byte
            inside = loop.node.start_byte <= use.start_byte < loop.node.end_byte
            if not (before or inside):
                continue
            what = _use_kind(ctx, use)
            if what is None or what == "grow":
                ok = False
                break
            if inside and what == "write":
                writes.append(_call_of(use))
            written_before = written_before or (before and what == "write")
        if ok and writes:
            out.append((decl, kind, writes, written_before))
    return out


def _empty_buffer(ctx: Context, stmt: Node) -> tuple[Decl, str] | None:
    """The declaration and kind ("builder"/"buffer") if `stmt` creates one empty buffer."""
    from ...passes.scopes import declared_in_statement

    decls = declared_in_statement(stmt, ctx.source)
    if len(decls) != 1:
        return None
    decl = decls[0]
    if decl.value_node is None:
        t = ctx.text(decl.type_node) if decl.type_node is not None else ""
        return (decl, TYPES[t]) if t in TYPES else None
    value = inner(decl.value_node)
    if value.type == "unary_expression" and ctx.text(value.child_by_field_name("operator")) == "&":
        value = inner(value.child_by_field_name("operand"))
    if value.type == "composite_literal":
        t, body = ctx.text(value.child_by_field_name("type")), value.child_by_field_name("body")
        if t in TYPES and body is not None and body.named_child_count == 0:
            return decl, TYPES[t]
        return None
    if value.type == "call_expression":
        fn = ctx.text(value.child_by_field_name("function"))
        args = value.child_by_field_name("arguments")
        items = args.named_children if args is not None else []
        arg = ctx.text(items[0]) if len(items) == 1 else None
        if fn == "new" and arg in TYPES:
            return decl, TYPES[arg]
        if (fn, arg) in (("bytes.NewBuffer", "nil"), ("bytes.NewBufferString", '""')):
            return decl, "buffer"
    return None


def _call_of(use: Node) -> Node:
    node = use.parent
    while node.type != "call_expression":
        node = node.parent
    return node


def _use_kind(ctx: Context, use: Node) -> str | None:
    """"write", "grow" or "harmless" for the uses this rule understands, else None."""
    parent = use.parent
    if parent.type == "unary_expression" and ctx.text(parent.child_by_field_name("operator")) == "&":
        parent = parent.parent  # fmt.Fprintf(&b, ...)
        arg = use.parent
    else:
        arg = use
    if parent.type == "argument_list" and parent.named_children and parent.named_children[0] == arg:
        call = parent.parent
        if ctx.text(call.child_by_field_name("function")) in FPRINTF:
            return "write"
        return None
    if parent.type == "selector_expression" and parent.child_by_field_name("operand") == use:
        method = ctx.text(parent.child_by_field_name("field"))
        call = parent.parent
        if call is None or call.type != "call_expression" or call.child_by_field_name("function") != parent:
            return None
        if method in WRITES:
            return "write"
        if method == "Grow":
            return "grow"
        if method in HARMLESS:
            return "harmless"
    return None


def _check(ctx: Context, loop: LoopInfo, decl: Decl, kind: str, writes: list[Node],
           written_before: bool) -> Finding | None:
    if not declared_before_in_block(decl, loop.node):
        return None
    size, conditional, guarded_write = Size(), False, False
    for call in writes:
        if innermost_loop(ctx, call) is None or innermost_loop(ctx, call).node != loop.node:
            return None  # in a nested loop: written an unknown number of times
        if not _add_write_size(ctx, call, loop, size):
            return None
        conditional = conditional or is_conditional(_statement_of(call), loop.body)
        guarded_write = guarded_write or guarded(_statement_of(call), loop.body)
    if conditional and any(_exclusive(a, b) for i, a in enumerate(writes) for b in writes[i + 1:]):
        return None  # writes in alternative branches: their sum is no estimate of what one iteration writes
    if size.const == 0 and not size.per_iter and not size.total:
        return None
    count = gofmt.parse_expr(loop.trip.expr)
    if count is None:
        return None
    const_per_iter, has_terms = (None if size.bounded else size.const), bool(size.per_iter or size.total)
    if size.const and not size.per_iter:  # count * const joins the once-per-loop terms: len(s) + len(s) -> len(s)*2
        size.total[loop.trip.expr] = size.total.get(loop.trip.expr, 0) + size.const
        size.const = 0
    per_iter = None
    for term, times in size.per_iter.items():
        per_iter = gofmt.add(per_iter, gofmt.mul(gofmt.parse_expr(term), gofmt.Atom(str(times))))
    if size.const:
        per_iter = gofmt.add(per_iter, gofmt.Atom(str(size.const)))
    total = gofmt.mul(count, per_iter) if per_iter is not None else None
    for term, times in size.total.items():
        total = gofmt.add(total, gofmt.mul(gofmt.parse_expr(term), gofmt.Atom(str(times))))
    grow_arg = gofmt.format(total, 1)
    name = decl.name
    type_name = "strings.Builder" if kind == "builder" else "bytes.Buffer"
    bound = "at most " if size.bounded else ""
    if conditional:
        return ctx.finding(RULE, writes[0],
                           f"{name} ({type_name}) grows as this loop writes up to {grow_arg} bytes; "
                           f"consider {name}.Grow({grow_arg}) before the loop if most iterations write",
                           # under an if: a hint (editors), as for prealloc/slice and map
                           severity=Severity.HINT if guarded_write else Severity.INFO,
                           data={"var": name, "grow": grow_arg})
    if size.bounded:  # an upper bound (numbers, runes) would reserve memory the loop may never use
        return ctx.finding(RULE, writes[0],
                           f"{name} ({type_name}) grows by doubling while this loop writes at most {grow_arg} bytes; "
                           f"if typical writes come close to that bound, call {name}.Grow before the loop",
                           severity=Severity.INFO, data={"var": name, "grow": grow_arg})
    indent = line_indent(ctx.source, loop.node.start_byte)
    value = constant_count(ctx, loop.trip)
    safe = loop.trip.never_negative or (value is not None and value >= 0)
    fix = Fix(f"Call {name}.Grow({grow_arg}) before the loop",
              (Edit(loop.node.start_byte, loop.node.start_byte, f"{name}.Grow({grow_arg})\n{indent}"),),
              Applicability.SAFE if safe else Applicability.UNSAFE)
    estimate = None if written_before else _estimate(value, const_per_iter, kind, has_terms)
    detail = ""
    if estimate is not None:
        detail = (f" ({estimate.objects:g} allocations, {human_bytes(estimate.bytes)}; "
                  f"Grow makes it 1 allocation)")
    return ctx.finding(RULE, writes[0],
                       f"{name} ({type_name}) grows by doubling while this loop writes {bound}{grow_arg} bytes"
                       f"{detail}; call {name}.Grow({grow_arg}) before the loop",
                       fixes=(fix,), estimate=estimate, data={"var": name, "grow": grow_arg})


def _exclusive(a: Node, b: Node) -> bool:
    """Whether two nodes sit in different branches of one if/switch/select."""
    ancestors = set()
    n = a.parent
    while n is not None:
        ancestors.add(n.id)
        n = n.parent
    n = b.parent
    while n is not None and n.id not in ancestors:
        n = n.parent
    return n is not None and n.type in ("if_statement", "expression_switch_statement", "type_switch_statement",
                                        "select_statement")


def _statement_of(call: Node) -> Node:
    node = call
    while node.parent is not None and node.parent.type not in ("block", "statement_list"):
        node = node.parent
    return node


def _estimate(n: int | None, const: int | None, kind: str, has_terms: bool) -> Estimate | None:
    """Allocations without and with Grow, when the count and the sizes are constants
    (each iteration's writes are modelled as one write of their total)."""
    if n is None or const is None or has_terms:
        return None
    if n <= 0 or n > 1 << 20:
        return None
    writes = [const] * n
    objects, nbytes = (builder_growth if kind == "builder" else buffer_growth)(writes)
    g_objects, g_bytes = grown(const * n, kind == "buffer")
    return Estimate(objects, nbytes, per="call", saved_objects=objects - g_objects, saved_bytes=nbytes - g_bytes)


def _add_write_size(ctx: Context, call: Node, loop: LoopInfo, size: Size) -> bool:
    fn = call.child_by_field_name("function")
    args = call.child_by_field_name("arguments")
    items = args.named_children if args is not None else []
    if any(c.type == "..." for c in (args.children if args is not None else [])):
        return False
    if ctx.text(fn) in FPRINTF:
        return _fprintf_size(ctx, items[1:], loop, size)
    method = ctx.text(fn.child_by_field_name("field"))
    if len(items) != 1:
        return False
    arg = inner(items[0])
    if method == "WriteByte":
        size.const += 1
        return True
    if method == "WriteRune":
        if arg.type == "rune_literal":
            size.const += len(_rune_value(ctx.text(arg)).encode("utf-8", "surrogatepass"))
            return True
        ranged = _ranged_string(ctx, arg, loop)
        if ranged is not None:
            size.total[f"len({ranged})"] = size.total.get(f"len({ranged})", 0) + 1
            return True
        size.const += 4
        size.bounded = True
        return True
    if method == "WriteString":
        return _string_size(ctx, arg, loop, size)
    if method == "Write":
        if arg.type == "type_conversion_expression" or (arg.type == "call_expression" and ctx.text(arg.child_by_field_name("function")) == "[]byte"):
            inner_args = arg.child_by_field_name("arguments")
            operand = arg.child_by_field_name("operand")
            src = operand if operand is not None else (inner_args.named_children[0] if inner_args is not None and inner_args.named_child_count == 1 else None)
            return src is not None and _string_size(ctx, inner(src), loop, size)
        if arg.type == "identifier" and _invariant(ctx, arg, loop) and kind_of(ctx, arg) == "slice":
            size.per_iter[f"len({ctx.text(arg)})"] = size.per_iter.get(f"len({ctx.text(arg)})", 0) + 1
            return True
    return False


def _string_size(ctx: Context, arg: Node, loop: LoopInfo, size: Size) -> bool:
    n = string_literal_bytes(arg, ctx.source)
    if n is not None:
        size.const += n
        return True
    if arg.type == "identifier" and _invariant(ctx, arg, loop):
        decl = resolve(arg, ctx.source)
        if decl is not None and decl.kind == "const" and decl.value_node is not None:
            n = string_literal_bytes(inner(decl.value_node), ctx.source)
            if n is not None:
                size.const += n
                return True
        if kind_of(ctx, arg) == "string":
            size.per_iter[f"len({ctx.text(arg)})"] = size.per_iter.get(f"len({ctx.text(arg)})", 0) + 1
            return True
        return False
    if arg.type == "call_expression" and ctx.text(arg.child_by_field_name("function")) in NUMBER_FORMATS:
        args = arg.child_by_field_name("arguments")
        if ctx.text(arg.child_by_field_name("function")) == "strconv.Itoa" or (
                args is not None and args.named_child_count == 2 and ctx.text(args.named_children[1]) == "10"):
            size.const += ITOA_MAX
            size.bounded = True
            return True
    return False


def _fprintf_size(ctx: Context, items: list[Node], loop: LoopInfo, size: Size) -> bool:
    if not items or items[0].type not in ("interpreted_string_literal", "raw_string_literal"):
        return False
    fmt_node, args = items[0], items[1:]
    raw = ctx.text(fmt_node)
    if "\\" in raw and fmt_node.type == "interpreted_string_literal":
        return False  # escapes: count via the literal's bytes only when there are none
    text = raw[1:-1]
    const = len(text.encode())
    arg_i = 0
    for m in VERB.finditer(text):
        const -= len(m.group(0).encode())
        if m.group(1) or m.group(2):
            return False  # widths and precisions: skip
        verb = m.group(4)
        if verb == "%":
            const += 1
            continue
        if arg_i >= len(args):
            return False
        arg = inner(args[arg_i])
        arg_i += 1
        if verb == "d":
            const += ITOA_MAX
            size.bounded = True
        elif verb == "c":
            const += 4
            size.bounded = True
        elif verb == "t":
            const += 5
            size.bounded = True
        elif verb in ("s", "v") and kind_of(ctx, arg) == "string":
            if not _string_size(ctx, arg, loop, size):
                return False
        else:
            return False
    if arg_i != len(args):
        return False
    size.const += const
    return True


def _invariant(ctx: Context, ident: Node, loop: LoopInfo) -> bool:
    """A local or parameter declared before the loop and not assigned inside it."""
    decl = resolve(ident, ctx.source)
    if decl is None or decl.kind in ("range",) or decl.name_node.start_byte >= loop.node.start_byte:
        return False
    return not assigns(ctx, loop.node, ctx.text(ident))


def _ranged_string(ctx: Context, arg: Node, loop: LoopInfo) -> str | None:
    """`s` if `arg` is the value variable of this loop's `for _, r := range s` over a string."""
    clause = next((c for c in loop.node.named_children if c.type == "range_clause"), None)
    if clause is None or loop.trip.kind != "string" or arg.type != "identifier":
        return None
    left = clause.child_by_field_name("left")
    names = left.named_children if left is not None else []
    if len(names) != 2 or ctx.text(names[1]) != ctx.text(arg) or assigns(ctx, loop.body, ctx.text(arg)):
        return None
    right = inner(clause.child_by_field_name("right"))
    return ctx.text(right) if right.type in ("identifier", "selector_expression") else None


def _rune_value(lit: str) -> str:
    body = lit[1:-1]
    if not body.startswith("\\"):
        return body
    if body[1] in "xuU":
        return chr(int(body[2:], 16))
    if body[1] in "01234567":
        return chr(int(body[1:], 8))
    return "a"  # \n, \t, ...: one byte


RULE = Rule(
    id="prealloc/buffer",
    doc=__doc__,
    check=check,
    severity=Severity.WARNING,
    fix=FixAvailability.SOMETIMES,
    peers=("prealloc",),
)
