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
from ...passes import exprtypes
from ...passes.decls import package_decls
from ...passes.scopes import FUNCTION_KINDS, Decl, declared_in_statement, enclosing_function, identifiers_in, resolve
from ...passes.types import human_bytes, sizer
from ...passes.uses import access, uses
from ...rule import Rule
from ..mutex.locks import import_names

STACK_LIMIT = 64 * 1024  # the compiler keeps non-escaping implicit allocations up to this size on the stack
READ_WRITE_METHODS = ("Read", "ReadAt", "ReadFull", "Write", "WriteAt")
READ_FUNCS = {("io", "ReadFull"), ("io", "ReadAtLeast")}  # they call Read through io.Reader: the buffer leaks
# Receivers whose Read/Write make the buffer escape: interfaces (the call is dynamic) and the
# bufio types, which pass large buffers on to the interface they wrap. Concrete types such as
# *os.File, *bytes.Buffer or a devirtualised sha256.New() do not leak it (checked with -gcflags=-m).
LEAKY_RECEIVERS = {("io", n) for n in ("Reader", "Writer", "ReadWriter", "ReadCloser", "WriteCloser", "ReadWriteCloser",
                                         "ReaderAt", "WriterAt", "ReadSeeker", "ReadSeekCloser", "WriteSeeker")} | \
    {("net", "Conn"), ("net", "PacketConn"), ("hash", "Hash"), ("hash", "Hash32"), ("hash", "Hash64"),
     ("bufio", "Reader"), ("bufio", "Writer"), ("bufio", "ReadWriter")}
DECODE_FUNCS = {("encoding/json", "Unmarshal"), ("encoding/xml", "Unmarshal"), ("encoding/binary", "Read")}
DECODE_METHODS = ("Decode", "DecodeElement")
BUFFER_WRITES = ("Write", "WriteString", "WriteByte", "WriteRune", "ReadFrom")
BUFFER_METHODS = BUFFER_WRITES + ("Len", "Cap", "String", "Grow", "Truncate", "Reset", "WriteTo", "Available")
FPRINT = ("Fprint", "Fprintf", "Fprintln")


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
    """The calls that lie within some for statement's bytes (a superset of those _in_loop accepts)."""
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
# Every allocation _allocation accepts spells one of these: make(, new(, &T{}, bytes.Buffer.
ALLOCATION_WORDS = (b"make", b"new", b"&", b"Buffer")


def _may_allocate(source: bytes, stmt: Node) -> bool:
    text = source[stmt.start_byte:stmt.end_byte]
    return any(word in text for word in ALLOCATION_WORDS)


def _buffer(ctx: Context, loop: Node, body: Node, stmt: Node) -> Finding | None:
    decls = declared_in_statement(stmt, ctx.source) if stmt.type in DECLARATIONS else []
    if len(decls) != 1:
        return None
    decl = decls[0]
    kind, reset, size = _allocation(ctx, decl)
    if kind is None or decl.name == "_":
        return None
    found = uses(decl, body, ctx.source)
    verdict = _uses_stay_local(ctx, kind, decl, found, body)
    if verdict is None:
        return None
    heap_forced = verdict or (size is not None and size > STACK_LIMIT)
    if not heap_forced:
        return None  # the compiler keeps it on the stack: nothing to save
    what = {"slice": f"a buffer of {human_bytes(size)}" if size else "a buffer", "cap-slice": "a buffer",
            "pointer": "a decoding target", "buffer": "a bytes.Buffer"}[kind]
    fixes = ()
    if _name_is_free(ctx, decl, loop):
        anchor = loop.parent if loop.parent is not None and loop.parent.type == "labeled_statement" else loop
        indent = _indent(ctx, anchor)
        moved = ctx.text(stmt)
        edits = (Edit(anchor.start_byte, anchor.start_byte, f"{moved}\n{indent}"),
                 Edit(stmt.start_byte, stmt.end_byte, reset.format(x=decl.name)))
        fixes = (Fix(f"Hoist {decl.name} out of the loop and reset it each iteration", edits, Applicability.SAFE),)
    return ctx.finding(RULE, stmt,
                       f"{decl.name} allocates {what} on every iteration; declare it once before the loop "
                       f"and reset it with {reset.format(x=decl.name)}",
                       fixes=fixes, data={"var": decl.name, "kind": kind})


def _allocation(ctx: Context, decl: Decl) -> tuple[str | None, str, int | None]:
    """(kind, reset statement template, constant byte size) of a hoistable allocation."""
    value = inner(decl.value_node) if decl.value_node is not None else None
    if value is None:
        if decl.kind == "var" and decl.type_node is not None and _is_bytes_buffer(ctx, decl.type_node):
            return "buffer", "{x}.Reset()", None
        return None, "", None
    if value.type == "call_expression":
        fn = ctx.text(value.child_by_field_name("function"))
        args = value.child_by_field_name("arguments").named_children
        if fn == "make" and _builtin(ctx, value) and args and args[0].type == "slice_type":
            consts = [sizer(ctx.package).constant(a, ctx.file) for a in args[1:]]
            if not consts or any(c is None for c in consts):
                return None, "", None
            elem = sizer(ctx.package).layout(args[0].child_by_field_name("element"), ctx.file)
            size = consts[-1] * elem.size if elem is not None else None
            if len(consts) == 2 and consts[0] == 0:
                return "cap-slice", "{x} = {x}[:0]", size
            if len(consts) == 1 and consts[0] > 0:
                return "slice", "clear({x})", size
            return None, "", None
        if fn == "new" and _builtin(ctx, value) and len(args) == 1:
            return _pointer_kind(ctx, args[0])
    if value.type == "unary_expression" and ctx.text(value.child_by_field_name("operator")) == "&":
        lit = inner(value.child_by_field_name("operand"))
        body = lit.child_by_field_name("body") if lit.type == "composite_literal" else None
        if body is not None and body.named_child_count == 0:
            return _pointer_kind(ctx, lit.child_by_field_name("type"))
    if value.type == "composite_literal" and _is_bytes_buffer(ctx, value.child_by_field_name("type")):
        body = value.child_by_field_name("body")
        if body is not None and body.named_child_count == 0:
            return "buffer", "{x}.Reset()", None
    return None, "", None


def _pointer_kind(ctx: Context, t: Node | None) -> tuple[str | None, str, int | None]:
    if t is None:
        return None, "", None
    if _is_bytes_buffer(ctx, t):
        return "buffer", "{x}.Reset()", None
    if t.type == "type_identifier" and ctx.text(t) in package_decls(ctx.package).types:
        layout = sizer(ctx.package).layout(t, ctx.file)
        return "pointer", "*{x} = " + ctx.text(t) + "{{}}", layout.size if layout else None
    return None, "", None


def _is_bytes_buffer(ctx: Context, t: Node | None) -> bool:
    if t is None or t.type != "qualified_type":
        return False
    return ctx.text(t.child_by_field_name("package")) in import_names(ctx.file, "bytes") and \
        ctx.text(t.child_by_field_name("name")) == "Buffer"


def _builtin(ctx: Context, call: Node) -> bool:
    fn = call.child_by_field_name("function")
    return resolve(fn, ctx.source, package_decls(ctx.package).values) is None and \
        ctx.text(fn) not in package_decls(ctx.package).funcs


def _uses_stay_local(ctx: Context, kind: str, decl: Decl, found: list[Node], body: Node) -> bool | None:
    """None if some use lets the value escape the iteration (or is not understood);
    otherwise whether a use forces it to the heap (a Read/Write or decoding call)."""
    heap = False
    if not found:
        return None
    for use in found:
        a = access(use, body, ctx.source)
        if a.in_closure or _under_go_or_defer(use, body):
            return None
        top, parent = a.top, a.top.parent
        if kind in ("slice", "cap-slice"):
            verdict = _slice_use(ctx, kind, decl, a, top, parent)
        elif kind == "pointer":
            verdict = _pointer_use(ctx, a, top, parent)
        else:
            verdict = _buffer_use(ctx, a, top, parent)
        if verdict is None:
            return None
        heap = heap or verdict
    return heap


def _under_go_or_defer(node: Node, stop: Node) -> bool:
    n = node.parent
    while n is not None and n.id != stop.id:
        if n.type in ("go_statement", "defer_statement", "send_statement", "return_statement"):
            return True
        n = n.parent
    return False


def _slice_use(ctx: Context, kind: str, decl: Decl, a, top: Node, parent: Node) -> bool | None:
    path = a.path
    if path and path[0] == "index_expression":
        if a.kind == "addr" and len(path) == 1:
            return None  # &buf[i]
        if a.kind in ("write", "incdec", "read") or (a.kind == "call-arg" and len(path) == 1):
            return False if a.kind != "call-arg" else _nonretaining_arg(ctx, parent, top, element=True)
        return None
    if path and any(p != "slice_expression" and p != "parenthesized_expression" for p in path):
        return None
    # `buf` or `buf[a:b]`
    if a.kind == "write":
        return _self_update(ctx, kind, decl, top, parent)
    if parent.type == "range_clause" and parent.child_by_field_name("right") == top:
        return False
    if parent.type == "variadic_argument":
        call = parent.parent.parent
        if ctx.text(call.child_by_field_name("function")) == "append" and parent.parent.named_children[0] != parent:
            return False  # append(dst, buf...): copies the elements
        return None
    if a.kind == "call-arg":
        call = _call_of(parent)
        if call is not None and ctx.text(call.child_by_field_name("function")) == "append" and \
                parent.named_children[0].id == top.id and call.parent.type == "expression_list" and \
                call.parent.parent.type == "assignment_statement" and _is_self_assignment(ctx, decl, call.parent.parent):
            return False  # buf = append(buf, …)
        return _nonretaining_arg(ctx, parent, top)
    if parent.type == "type_conversion_expression" and ctx.text(parent.child_by_field_name("type")) == "string":
        return False
    if parent.type == "expression_list" and parent.parent.type == "assignment_statement" and \
            a.kind == "read" and _is_self_assignment(ctx, decl, parent.parent):
        return False  # buf = buf[:n]
    return None


def _self_update(ctx: Context, kind: str, decl: Decl, top: Node, parent: Node) -> bool | None:
    """`buf = append(buf, …)` / `buf = buf[:n]` keep reusing the same storage (cap form only)."""
    stmt = parent.parent
    if kind != "cap-slice" or top.type != "identifier" or stmt.type != "assignment_statement" or \
            not _is_self_assignment(ctx, decl, stmt):
        return None
    return False


def _is_self_assignment(ctx: Context, decl: Decl, stmt: Node) -> bool:
    left, right = stmt.child_by_field_name("left"), stmt.child_by_field_name("right")
    if left is None or right is None or left.named_child_count != 1 or right.named_child_count != 1 or \
            ctx.text(left) != decl.name or ctx.text(stmt.child_by_field_name("operator")) != "=":
        return False
    value = inner(right.named_children[0])
    if value.type == "slice_expression":
        return ctx.text(value.child_by_field_name("operand")) == decl.name
    if value.type == "call_expression" and ctx.text(value.child_by_field_name("function")) == "append":
        args = value.child_by_field_name("arguments").named_children
        return bool(args) and ctx.text(args[0]) == decl.name
    return False


def _call_of(arglist: Node) -> Node | None:
    call = arglist.parent
    return call if call is not None and call.type == "call_expression" else None


def _callee(ctx: Context, call: Node) -> tuple[str | None, str]:
    """(import path or None for a method, name) of a call's function."""
    fn = inner(call.child_by_field_name("function"))
    if fn.type == "identifier":
        return "", ctx.text(fn)
    if fn.type != "selector_expression":
        return None, ""
    operand, name = fn.child_by_field_name("operand"), ctx.text(fn.child_by_field_name("field"))
    if operand.type == "identifier" and resolve(operand, ctx.source, package_decls(ctx.package).values) is None:
        for path in ("io", "crypto/rand", "encoding/json", "encoding/xml", "encoding/binary", "fmt", "bytes",
                     "unicode/utf8"):
            if ctx.text(operand) in import_names(ctx.file, path):
                return path, name
    return None, name


def _nonretaining_arg(ctx: Context, arglist: Node, arg: Node, element: bool = False) -> bool | None:
    """True: a call that must not retain the slice but makes it escape (Read/Write);
    False: a call that neither retains nor moves it (copy, len...); None: unknown."""
    call = _call_of(arglist)
    if call is None:
        return None
    path, name = _callee(ctx, call)
    if element:
        return False  # buf[i] passed by value
    if path == "":
        if name in ("copy", "len", "cap") and _builtin(ctx, call):
            return False
        return None
    if path is None:
        if name not in READ_WRITE_METHODS:
            return None
        return _leaky_receiver(ctx, call)
    if (path, name) in READ_FUNCS:
        return True
    if path == "bytes" and name in ("Equal", "Compare", "HasPrefix", "HasSuffix", "Contains", "Index",
                                    "IndexByte", "Count", "LastIndex", "EqualFold"):
        return False
    if path == "unicode/utf8" and name in ("DecodeRune", "DecodeLastRune", "Valid", "RuneCount", "FullRune"):
        return False
    return None


def _leaky_receiver(ctx: Context, call: Node) -> bool:
    """`r.Read(buf)` where r's declared type makes buf escape (an interface, a bufio type)."""
    fn = inner(call.child_by_field_name("function"))
    ref = exprtypes.type_of(ctx.package, ctx.file, fn.child_by_field_name("operand"))
    if ref is None or ref.wrap:
        return False
    t = inner(ref.node)
    if t.type == "pointer_type":
        t = t.named_children[0]
    if t.type == "qualified_type":
        pkg = ref.file.text(t.child_by_field_name("package"))
        name = ref.file.text(t.child_by_field_name("name"))
        return any(pkg in import_names(ref.file, p) for p, n in LEAKY_RECEIVERS if n == name)
    u = exprtypes.underlying(ctx.package, exprtypes.TypeRef(t, ref.file))
    return u is not None and not u.wrap and u.node.type == "interface_type"


def _pointer_use(ctx: Context, a, top: Node, parent: Node) -> bool | None:
    if a.path and a.path[0] == "selector_expression":
        if a.kind in ("read", "write", "incdec"):
            return False
        if a.kind == "call-arg" and len(a.path) >= 1:
            return False  # a field's value passed on (copied)
        return None
    if a.path:
        return None
    if a.kind == "call-arg":
        call = _call_of(parent)
        if call is None:
            return None
        path, name = _callee(ctx, call)
        args = parent.named_children
        if path is None and name in DECODE_METHODS and len(args) == 1:
            return True
        if path is not None and (path, name) in DECODE_FUNCS and args and args[-1].id == top.id:
            return True
        return None
    if parent.type == "unary_expression" and ctx.text(parent.child_by_field_name("operator")) == "*":
        return False  # *v read (copied)
    return None


def _buffer_use(ctx: Context, a, top: Node, parent: Node) -> bool | None:
    if a.kind == "method":
        method = ctx.text(top.child_by_field_name("field"))
        if len(a.path) != 1:
            return None
        if method in BUFFER_METHODS:
            return method in BUFFER_WRITES
        if method == "Bytes":
            call = top.parent
            outer = call.parent
            if outer.type == "argument_list":
                return None if _nonretaining_arg(ctx, outer, call) is None else False
            if outer.type == "type_conversion_expression":
                return False
            if outer.type == "variadic_argument":
                c = outer.parent.parent
                return False if ctx.text(c.child_by_field_name("function")) == "append" and \
                    outer.parent.named_children[0] != outer else None
        return None
    if a.path:
        return None
    writer = parent if parent.type != "unary_expression" else parent.parent
    if parent.type == "unary_expression" and ctx.text(parent.child_by_field_name("operator")) != "&":
        return None
    target = top if parent.type != "unary_expression" else parent
    if writer.type == "argument_list" and writer.named_children and writer.named_children[0].id == target.id:
        call = _call_of(writer)
        path, name = _callee(ctx, call) if call is not None else (None, "")
        if (path == "fmt" and name in FPRINT) or (path == "io" and name == "Copy"):
            return True  # a write
    return None


def _name_is_free(ctx: Context, decl: Decl, loop: Node) -> bool:
    """No other identifier in the function spells the name (hoisting cannot shadow or clash)."""
    fn = enclosing_function(loop)
    if fn is None:
        return False
    body = loop.child_by_field_name("body")
    ours = {u.id for u in uses(decl, body, ctx.source)} | {decl.name_node.id}
    return all(i.id in ours for i in identifiers_in(fn, decl.name, ctx.source))


def _indent(ctx: Context, node: Node) -> str:
    line_start = ctx.source.rfind(b"\n", 0, node.start_byte) + 1
    prefix = ctx.source[line_start:node.start_byte].decode()
    return prefix if not prefix.strip() else ""


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
    if not args or not all(_constant_string(ctx, a) for a in args):
        return
    if what == "strings.NewReplacer" and len(args) % 2:
        return
    top = _top_function(call)
    if top is None or _caches(ctx, call):
        return
    fn_name = ctx.text(top.child_by_field_name("name"))
    in_loop = _in_loop(call)
    frequency = "loop" if in_loop else _call_frequency(ctx, fn_name)
    if frequency is None or (not in_loop and (fn_name in ("init", "main")
                                              or re.match(r"(Test|Benchmark|Example|Fuzz)", fn_name))):
        return  # runs once, or as far as the package shows, rarely
    var = _package_var_name(ctx, call, top, suffix)
    fixes = ()
    if var is not None:
        start = _declaration_start(ctx, top)
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


def _call_frequency(ctx: Context, name: str) -> str | None:
    """"called-in-loop", "maybe" (exported or called from two places), or None (rarely)."""
    sites = _call_sites(ctx.package, name)
    if any(_in_loop(c) for c in sites):
        return "called-in-loop"
    if name[:1].isupper() or len(sites) >= 2:
        return "maybe"
    return None


def _call_sites(pkg, name: str) -> list[Node]:
    """Calls of `name` (as f(...) or x.f(...)) in the package's files, memoised per package and
    name: found from where the name is spelled in each file's text (a descendant lookup each)."""
    cache = pkg.result("loop.temporary.calls", lambda p: {})
    if name not in cache:
        word, out = name.encode(), []
        for f in pkg.files:
            i = f.source.find(word)
            root = f.tree.root_node if i >= 0 else None
            while i >= 0:
                n = root.descendant_for_byte_range(i, i + len(word))
                if n is not None and n.start_byte == i and n.end_byte == i + len(word) and _names_callee(n):
                    out.append(n)
                i = f.source.find(word, i + 1)
        cache[name] = out
    return cache[name]


def _names_callee(n: Node) -> bool:
    """`n` is the function of a call: f in f(...), or the field f in x.f(...)."""
    parent = n.parent
    if parent is None:
        return False
    if n.type == "identifier":
        return parent.type == "call_expression" and parent.child_by_field_name("function") == n
    if n.type == "field_identifier" and parent.type == "selector_expression" and \
            parent.child_by_field_name("field") == n:
        call = parent.parent
        return call is not None and call.type == "call_expression" and call.child_by_field_name("function") == parent
    return False


def _constant_string(ctx: Context, node: Node) -> bool:
    node = inner(node)
    if node.type in ("interpreted_string_literal", "raw_string_literal"):
        return True
    if node.type == "binary_expression" and ctx.text(node.child_by_field_name("operator")) == "+":
        return _constant_string(ctx, node.child_by_field_name("left")) and \
            _constant_string(ctx, node.child_by_field_name("right"))
    if node.type == "identifier":
        decl = resolve(node, ctx.source, package_decls(ctx.package).values)
        return decl is not None and decl.kind in ("const", "package-const") and _package_level(decl)
    return False


def _package_level(decl: Decl) -> bool:
    return decl.kind.startswith("package") or (decl.statement.parent is not None and
                                                decl.statement.parent.type == "source_file")


def _top_function(node: Node) -> Node | None:
    n = node.parent
    top = None
    while n is not None:
        if n.type in ("function_declaration", "method_declaration"):
            top = n
        n = n.parent
    return top


def _in_loop(node: Node) -> bool:
    n = node.parent
    while n is not None and n.type not in ("function_declaration", "method_declaration", "func_literal"):
        if n.type == "for_statement":
            return True
        n = n.parent
    return False


def _caches(ctx: Context, call: Node) -> bool:
    """The result is stored somewhere longer-lived (a package var, a field), or the call sits in a
    func literal (often a sync.Once or lazy initialiser)."""
    fn = enclosing_function(call)
    if fn is None or fn.type == "func_literal":
        return True
    parent = call.parent
    if parent.type == "expression_list" and parent.parent.type == "assignment_statement":
        for target in parent.parent.child_by_field_name("left").named_children:
            target = inner(target)
            if target.type != "identifier":
                return True
            decl = resolve(target, ctx.source, package_decls(ctx.package).values)
            if decl is None or _package_level(decl):
                return True
    return False


def _package_var_name(ctx: Context, call: Node, top: Node, suffix: str) -> str | None:
    fn_name = ctx.text(top.child_by_field_name("name"))
    base = fn_name[0].lower() + fn_name[1:]
    parent = call.parent
    if parent.type == "expression_list" and parent.parent.type == "short_var_declaration":
        local = ctx.text(parent.parent.child_by_field_name("left").named_children[0])
        if local.lower().endswith(suffix.lower()):
            local = local[: -len(suffix)]
        if len(local) > 2:  # `re`, `r`, `rx` say nothing the suffix does not
            base = f"{base}{local[0].upper()}{local[1:]}"
    taken = _package_words(ctx)
    for n in range(1, 10):
        name = f"{base}{suffix}" + (str(n) if n > 1 else "")
        if name not in taken:
            taken.add(name)  # two findings in one function get distinct names
            return name
    return None


def _package_words(ctx: Context) -> set[str]:
    return ctx.package.result("loop.temporary.words", lambda pkg: {
        w.decode() for f in pkg.files for w in re.findall(rb"[A-Za-z_][A-Za-z0-9_]*", f.source)})


def _declaration_start(ctx: Context, top: Node) -> int:
    """Start of the line where the function's doc comment (or the function) begins."""
    start = top
    prev = top.prev_sibling
    while prev is not None and prev.type == "comment" and prev.end_point[0] + 1 >= start.start_point[0]:
        start = prev
        prev = prev.prev_sibling
    return ctx.source.rfind(b"\n", 0, start.start_byte) + 1


# --- []byte("constant") written -------------------------------------------------------------


def _byte_literal_write(ctx: Context, call: Node) -> Finding | None:
    fn = inner(call.child_by_field_name("function"))
    if fn.type != "selector_expression" or ctx.text(fn.child_by_field_name("field")) != "Write" or not _in_loop(call):
        return None
    args = call.child_by_field_name("arguments").named_children
    if len(args) != 1:
        return None
    conv = inner(args[0])
    if conv.type != "type_conversion_expression" or ctx.text(conv.child_by_field_name("type")) != "[]byte":
        return None
    operand = conv.child_by_field_name("operand")
    if operand is None or not _constant_string(ctx, operand) or not _leaky_receiver(ctx, call):
        return None  # through a concrete Write the conversion stays on the stack
    top = _top_function(call)
    fn = enclosing_function(call)
    if top is None or fn is None or fn.type == "func_literal":
        return None
    var = _package_var_name(ctx, call, top, "Bytes")
    fixes = ()
    if var is not None:
        start = _declaration_start(ctx, top)
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
