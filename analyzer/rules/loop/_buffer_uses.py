"""loop/temporary's buffer cases: which loop-body allocations it recognises, and whether every
use of the value stays inside the iteration (so that one value, reset, can serve them all).

A use keeps the buffer local when it is indexed, sliced into a call that does not retain its
argument, or written to as a bytes.Buffer; it escapes the iteration when it is stored, returned,
sent, appended itself, captured or address-taken. The Read/Write receivers that make the
compiler move the buffer to the heap are listed here too (LEAKY_RECEIVERS).
"""

from __future__ import annotations

from tree_sitter import Node

from ...context import Context
from ...parsing import inner
from ...passes import exprtypes
from ...passes.decls import package_decls
from ...passes.scopes import Decl, enclosing_function, identifiers_in, resolve
from ...passes.types import sizer
from ...passes.uses import access, uses
from ..mutex.locks import import_names

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


def allocation(ctx: Context, decl: Decl) -> tuple[str | None, str, int | None]:
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


def uses_stay_local(ctx: Context, kind: str, decl: Decl, found: list[Node], body: Node) -> bool | None:
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
        return leaky_receiver(ctx, call)
    if (path, name) in READ_FUNCS:
        return True
    if path == "bytes" and name in ("Equal", "Compare", "HasPrefix", "HasSuffix", "Contains", "Index",
                                    "IndexByte", "Count", "LastIndex", "EqualFold"):
        return False
    if path == "unicode/utf8" and name in ("DecodeRune", "DecodeLastRune", "Valid", "RuneCount", "FullRune"):
        return False
    return None


def leaky_receiver(ctx: Context, call: Node) -> bool:
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


def name_is_free(ctx: Context, decl: Decl, loop: Node) -> bool:
    """No other identifier in the function spells the name (hoisting cannot shadow or clash)."""
    fn = enclosing_function(loop)
    if fn is None:
        return False
    body = loop.child_by_field_name("body")
    ours = {u.id for u in uses(decl, body, ctx.source)} | {decl.name_node.id}
    return all(i.id in ours for i in identifiers_in(fn, decl.name, ctx.source))


def indentation(ctx: Context, node: Node) -> str:
    line_start = ctx.source.rfind(b"\n", 0, node.start_byte) + 1
    prefix = ctx.source[line_start:node.start_byte].decode()
    return prefix if not prefix.strip() else ""

