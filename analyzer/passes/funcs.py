"""Per-package function summaries (facts) and a syntactic escape analysis.

For every function and method of the package (keyed "Func" or "Recv.Method") this pass
computes, once per package, what the gc compiler's escape analysis would decide, from the
syntax tree alone:

- `params`: for each parameter (receiver first), the dereference level at which it leaks to
  the heap and to a result — the compiler's "leaking param: p", "leaking param content: p",
  "leaking param: p to result ~r0 level=0";
- `returns_local_addr`: the function returns the address of one of its locals (or of a
  `&T{}` it allocates): the caller decides whether that value lives on the heap;
- `inline_cost`: an estimate of the compiler's inlining cost (None if it cannot inline:
  over the budget of 80, `go`/`defer`/`recover`), so that what happens inside a small
  callee is reported where the compiler reports it — at the call site;
- `frame`: an estimate of the stack frame in bytes (non-escaping locals with a known size);
- `moved` / `sites`: the local variables moved to the heap and the allocation sites that
  escape, each with the flow that explains it.

The model follows cmd/compile/internal/escape: a graph of locations (variables, allocation
sites, the heap, the results) whose edges carry a dereference count (-1 for `&x`, 0 for a
copy, +1 for a load through a pointer); a location whose address reaches the heap or a
result escapes. What syntax cannot see — types of imported values, callees outside the
package and outside the standard-library table (data/stdlib_escape.json, generated from the
compiler's own output by scripts/gen_stdlib_escape.py) — is assumed not to leak, so that
predictions err towards silence.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from tree_sitter import Node

from ..context import Context, Package, Pass, SourceFile
from ..parsing import inner, specs
from .decls import PackageDecls, package_decls
from .scopes import receiver_type_name
from .types import sizer

MAX_STACK_VAR = 128 * 1024  # ir.MaxStackVarSize: explicit variables larger than this are moved to the heap
MAX_IMPLICIT_STACK_VAR = 64 * 1024  # ir.MaxImplicitStackVarSize: new/&T{}/make larger than this escape
INLINE_BUDGET = 80  # inline.inlineMaxBudget
CALL_COST = 57 + 1  # inline.inlineExtraCallCost, plus the call node itself
BYREF_CAPTURE = 128  # closures capture variables larger than this by reference

_LITERALS = frozenset({"int_literal", "float_literal", "imaginary_literal", "rune_literal", "interpreted_string_literal",
                       "raw_string_literal", "true", "false", "nil", "iota"})
_NO_OP_STATEMENTS = frozenset({"comment", "break_statement", "continue_statement", "goto_statement",
                                "fallthrough_statement", "empty_statement", "const_declaration", "type_declaration"})
_CONVERSION_CALLEES = frozenset({"slice_type", "array_type", "map_type", "pointer_type", "parenthesized_type",
                                 "channel_type", "interface_type", "function_type"})  # T(x) with T a type literal
POINTER_SHAPED = {"pointer", "pointer-to-array", "map", "chan", "func", "interface"}
INTERFACE_NAMES = {"any", "error", "interface{}"}
NOT_LEAKING_BUILTINS = {"len", "cap", "copy", "delete", "print", "println", "min", "max", "clear", "close",
                        "complex", "real", "imag", "recover", "unsafe.Sizeof", "unsafe.Alignof", "unsafe.Offsetof"}
BASIC_KINDS = {
    **{t: "int" for t in ("int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64",
                          "uintptr", "byte", "rune")},
    "float32": "float", "float64": "float", "complex64": "float", "complex128": "float",
    "string": "string", "bool": "bool", "error": "interface", "any": "interface",
}


@lru_cache(maxsize=1)
def _stdlib_data() -> dict:
    return json.loads(resources.files("goperf.analyzer").joinpath("data", "stdlib_escape.json").read_text())


def stdlib_facts() -> dict[str, dict]:
    return _stdlib_data()["funcs"]


# ---------------------------------------------------------------------------- results


@dataclass
class Step:
    """One edge of an explained flow: the value moves on because of `why` at `node`."""

    why: str
    node: Node | None


@dataclass
class Verdict:
    """A local moved to the heap ("moved") or an allocation site that escapes ("site")."""

    kind: str  # "moved" | "site"
    what: str  # variable name, or the site's description ("&T{...}", "make([]byte, n)", ...)
    node: Node  # the node whose position the compiler reports
    file: SourceFile
    function: str
    reason: str  # one line: why it escapes
    flow: list[Step] = field(default_factory=list)
    site_kind: str = ""  # "new" | "composite" | "make" | "func" | "iface" | "concat" | "conv" | "append" | "varargs" | "inlined"


@dataclass
class Summary:
    key: str  # "Func" or "Recv.Method"
    node: Node
    file: SourceFile
    params: list[tuple[int | None, int | None]]  # (heap derefs, result derefs) per parameter, receiver first
    param_names: list[str]
    variadic: bool
    iface_params: set[int]
    ptr_recv: bool
    returns_local_addr: bool
    inline_cost: int | None
    result_sites: int  # allocation sites that escape only through the results (inlined callers re-decide)
    heap_sites: int  # allocation sites that escape whatever the caller does
    frame: int
    recursive: bool
    verdicts: list[Verdict]
    # variables moved to heap (name as the compiler prints it, "heap" | "result"): once the function is
    # inlined, the compiler moves its copies at the call site ("result": only if the caller lets the result escape)
    inline_moved: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class PackageFuncs:
    by_key: dict[str, Summary]
    verdicts_by_file: dict[str, list[Verdict]]
    _by_file: dict[str, list[Summary]] | None = field(default=None, init=False, repr=False, compare=False)

    def summaries_in(self, path: str) -> list[Summary]:
        """The summaries of the functions declared in one file, in the package's order."""
        if self._by_file is None:
            self._by_file = {}
            for s in self.by_key.values():
                self._by_file.setdefault(s.file.path, []).append(s)
        return self._by_file.get(path, [])


def package_funcs(pkg: Package) -> PackageFuncs:
    return pkg.result("funcs", _analyze_package)


def _run(ctx: Context) -> PackageFuncs:
    return package_funcs(ctx.package)


FUNCS = Pass("funcs", _run)


def _analyze_package(pkg: Package) -> PackageFuncs:
    decls = package_decls(pkg)
    state = _PackageState(pkg, decls)
    for key in decls.funcs:
        state.summary(key)
    by_file: dict[str, list[Verdict]] = {}
    for s in state.done.values():
        for v in s.verdicts:
            by_file.setdefault(v.file.path, []).append(v)
    for f in pkg.files:  # package-level var initialisers
        for v in state.package_level(f):
            by_file.setdefault(f.path, []).append(v)
    return PackageFuncs(state.done, by_file)


class _PackageState:
    def __init__(self, pkg: Package, decls: PackageDecls):
        self.pkg = pkg
        self.decls = decls
        self.sizer = sizer(pkg)
        self.done: dict[str, Summary] = {}
        self.in_progress: set[str] = set()
        self.imports: dict[str, dict[str, str]] = {}  # file path -> local name -> import path
        self._var_kinds: dict[str, str | None] = {}
        self.iface_types = {name for name, t in decls.types.items() if inner(t.type_node).type == "interface_type"}
        self.field_types: dict[tuple[str, str], tuple[Node, SourceFile] | None] = {}  # (type, field) -> declared type

    def file_imports(self, f: SourceFile) -> dict[str, str]:
        if f.path not in self.imports:
            out = {}
            for top in f.tree.root_node.named_children:
                if top.type != "import_declaration":
                    continue
                stack = [top]
                while stack:
                    n = stack.pop()
                    if n.type == "import_spec":
                        path = f.text(n.child_by_field_name("path")).strip('"`')
                        name = n.child_by_field_name("name")
                        local = f.text(name) if name is not None else path.rsplit("/", 1)[-1]
                        out[local] = path
                    else:
                        stack.extend(n.named_children)
            self.imports[f.path] = out
        return self.imports[f.path]

    def summary(self, key: str) -> Summary | None:
        if key in self.done:
            return self.done[key]
        found = self.decls.funcs.get(key)
        if found is None or key in self.in_progress:
            return None
        self.in_progress.add(key)
        try:
            node, f = found
            try:
                s = _FuncAnalysis(self, node, f, key).run()
            except RecursionError:  # pathologically deep code: no facts rather than no lint
                s = Summary(key, node, f, [], [], False, set(), False, False, None, 0, 0, 0, False, [])
        finally:
            self.in_progress.discard(key)
        self.done[key] = s
        return s

    def package_var_kind(self, name: str) -> str | None:
        """The kind of a package-level variable or constant, from its type or its initial value."""
        if name in self._var_kinds:
            return self._var_kinds[name]
        self._var_kinds[name] = None
        d = self.decls.values.get(name)
        kind = None
        if d is not None:
            f = self.decls.value_files[name]
            if d.type_node is not None:
                t = inner(d.type_node)
                kinds = {"pointer_type": "pointer", "slice_type": "slice", "map_type": "map", "array_type": "array",
                         "interface_type": "interface", "function_type": "func", "channel_type": "chan",
                         "struct_type": "struct"}
                kind = kinds.get(t.type)
                text = f.text(t)
                if kind is None and (text in INTERFACE_NAMES or text in self.iface_types):
                    kind = "interface"
                elif kind is None and text in BASIC_KINDS:
                    kind = BASIC_KINDS[text]
                elif kind is None and t.type == "qualified_type":
                    pkg, _, typ = text.partition(".")
                    if f"{self.file_imports(f).get(pkg, pkg)}.{typ}" in _stdlib_ifaces():
                        kind = "interface"
            elif d.value_node is not None:
                v = inner(d.value_node)
                callee = f.text(v.child_by_field_name("function")) if v.type == "call_expression" else ""
                if callee in ("errors.New", "fmt.Errorf"):
                    kind = "interface"
                elif v.type == "unary_expression" and _op(v) == "&":
                    kind = "pointer"
                elif v.type in ("interpreted_string_literal", "raw_string_literal"):
                    kind = "string"
                elif v.type in ("int_literal", "rune_literal", "iota"):
                    kind = "int"
                elif v.type == "composite_literal" and v.child_by_field_name("type") is not None:
                    kind = {"map_type": "map", "slice_type": "slice", "array_type": "array",
                            "struct_type": "struct"}.get(inner(v.child_by_field_name("type")).type)
                elif v.type == "call_expression" and callee == "make":
                    args = v.child_by_field_name("arguments")
                    if args is not None and args.named_child_count:
                        kind = {"map_type": "map", "slice_type": "slice", "channel_type": "chan"}.get(
                            args.named_children[0].type)
        self._var_kinds[name] = kind
        return kind

    def package_level(self, f: SourceFile) -> list[Verdict]:
        """Package-level `var x = ...` initialisers: map literals are built at init on the heap."""
        out = []
        for top in f.tree.root_node.named_children:
            if top.type != "var_declaration":
                continue
            for spec in specs(top):
                value = spec.child_by_field_name("value")
                for v in value.named_children if value is not None else []:
                    v = inner(v)
                    t = v.child_by_field_name("type") if v.type == "composite_literal" else None
                    if t is not None and inner(t).type == "map_type":
                        body = v.child_by_field_name("body")
                        desc = f.text(t) + ("{}" if body is None or not body.named_child_count else "{...}")
                        out.append(Verdict("site", desc, body or v, f, "init",
                                           "a package-level map literal is built on the heap at init",
                                           [Step("package-level initialiser", v)], "composite"))
        return out


# ---------------------------------------------------------------------------- the flow graph


class Loc:
    __slots__ = ("name", "kind", "node", "edges", "tkind", "tname", "size", "depth", "byref", "reassigned",
                 "addr_taken", "captures", "site_kind", "desc", "report", "owner", "param_index", "escaped",
                 "type_node", "const_size", "inlined_from", "captured", "funclit")

    def __init__(self, name: str, kind: str, node: Node | None, depth: int = 0, owner: int = 0):
        self.name = name
        self.kind = kind  # "var" | "param" | "result" | "site" | "heap" | "out"
        self.node = node
        self.edges: list[tuple[Loc, int, str, Node | None]] = []  # incoming: (src, derefs, why, node) — a Step once explained
        self.tkind: str | None = None
        self.tname: str | None = None  # named type ("T", "strings.Builder") without pointer
        self.size: int | None = None
        self.depth = depth
        self.byref = False
        self.reassigned = False
        self.addr_taken = False
        self.captures: list[Loc] = []
        self.site_kind = ""
        self.desc = name
        self.report = True
        self.owner = owner
        self.param_index = -1
        self.escaped: tuple[str, list[Step]] | None = None
        self.type_node = None
        self.const_size: int | None = None
        self.inlined_from = ""  # the inlined callee this variable belongs to (reported at the call)
        self.captured = False
        self.funclit = False  # bound once to a func literal: calls through it are static (ir.StaticValue)


Flows = list  # list[tuple[Loc, int, list[Step]]]: the value is `derefs` applied to the location


class _FuncAnalysis:
    def __init__(self, state: _PackageState, fn: Node, f: SourceFile, key: str):
        self.st = state
        self.fn = fn
        self.f = f
        self.key = key
        self.heap = Loc("{heap}", "heap", None)
        self.out = Loc("~r", "out", None)  # the function's results
        self.locs: list[Loc] = []
        self.scopes: list[dict[str, Loc]] = [{}]  # declared in each open block
        self.visible: dict[str, list[Loc]] = {}  # name -> its declarations in open blocks, innermost last
        self.loop_depth = 0
        self.owner_stack: list[Loc | None] = [None]  # enclosing func literal sites
        self.result_types: list[Node | None] = []
        self.named_results: list[Loc] = []
        self.calls: int = 0
        self.cost = 0
        self.not_inlinable = False
        self.recursive = False
        self.imports = state.file_imports(f)
        self.names: dict[int, str] = {}  # token start byte -> text (see name())

    # -- helpers -------------------------------------------------------------------------
    def text(self, n: Node | None) -> str:
        if n is None:
            return ""
        raw = self.f.source[n.start_byte:n.end_byte]
        try:
            return raw.decode()
        except UnicodeDecodeError:
            return raw.decode("utf-8", "replace")

    def name(self, token: Node) -> str:
        """The text of a token of this function (identifier, field name): decoded once. Tokens never
        share a start byte, so it keys the cache (only ever for nodes of the function's own file)."""
        if token is None:
            return ""
        start = token.start_byte
        s = self.names.get(start)
        if s is None:
            raw = self.f.source[start:token.end_byte]
            try:
                s = raw.decode()
            except UnicodeDecodeError:
                s = raw.decode("utf-8", "replace")
            self.names[start] = s
        return s

    def new_loc(self, name: str, kind: str, node: Node | None) -> Loc:
        loc = Loc(name, kind, node, self.loop_depth, id(self.owner_stack[-1]))
        self.locs.append(loc)
        return loc

    def declare(self, ident: Node, kind: str = "var", type_node: Node | None = None) -> Loc | None:
        name = self.name(ident)
        if name == "_":
            return None
        loc = self.new_loc(name, kind, ident)
        if type_node is not None:
            self.set_type(loc, type_node)
        scope = self.scopes[-1]
        if name in scope:
            self.visible[name][-1] = loc
        else:
            self.visible.setdefault(name, []).append(loc)
        scope[name] = loc
        return loc

    def set_type(self, loc: Loc, type_node: Node, f: SourceFile | None = None) -> None:
        if f is not None and f is not self.f:  # a type written in another file of the package
            saved = self.f, self.imports
            self.f, self.imports = f, self.st.file_imports(f)
            try:
                loc.tkind, loc.tname = self.type_kind(type_node)
            finally:
                self.f, self.imports = saved
            return
        loc.type_node = type_node
        loc.tkind, loc.tname = self.type_kind(type_node)
        try:
            layout = self.st.sizer.layout(type_node, self.f)
        except RecursionError:
            layout = None
        loc.size = layout.size if layout is not None else None

    def type_kind(self, t: Node | None, depth: int = 0) -> tuple[str | None, str | None]:
        if t is None or depth > 6:
            return None, None
        t = inner(t)
        ty = t.type
        if ty == "pointer_type":
            k, name = self.type_kind(t.named_children[0], depth + 1)
            return ("pointer-to-array" if k == "array" else "pointer"), name
        if ty in ("slice_type",):
            return "slice", None
        if ty == "array_type":
            return "array", None
        if ty == "map_type":
            return "map", None
        if ty == "channel_type":
            return "chan", None
        if ty == "function_type":
            return "func", None
        if ty == "interface_type":
            return "interface", None
        if ty == "struct_type":
            return "struct", None
        if ty == "generic_type":
            return self.type_kind(t.child_by_field_name("type"), depth + 1)
        if ty in ("type_identifier", "identifier"):
            name = self.text(t)
            if name in BASIC_KINDS:
                return BASIC_KINDS[name], None
            decl = self.st.decls.types.get(name)
            if decl is not None:
                k, _ = self.type_kind(decl.type_node, depth + 1) if decl.file is self.f else _kind_elsewhere(self, decl)
                return (k or "struct"), name
            return None, name
        if ty == "qualified_type":
            name = self.text(t)
            pkg, _, typ = name.partition(".")
            path = self.imports.get(pkg, pkg)
            if f"{path}.{typ}" in _stdlib_ifaces():
                return "interface", f"{path}.{typ}"
            if f"{path}.{typ}" in ("iter.Seq", "iter.Seq2"):
                return "func", None
            return "struct", f"{path}.{typ}"
        return None, None

    def lookup(self, name: str) -> Loc | None:
        found = self.visible.get(name)
        return found[-1] if found else None

    def push_scope(self) -> None:
        self.scopes.append({})

    def pop_scope(self) -> None:
        visible = self.visible
        for name in self.scopes.pop():
            visible[name].pop()

    def use(self, ident: Node) -> Loc | None:
        found = self.visible.get(self.name(ident))
        if not found:
            return None
        loc = found[-1]
        owner = self.owner_stack[-1]
        if owner is not None and loc.owner != id(owner):
            self.capture(loc)
        return loc

    def capture(self, loc: Loc) -> None:
        """`loc`, used inside a closure, belongs to an enclosing function."""
        # captured from an enclosing function: every closure between them captures it
        outermost = None
        for site in reversed(self.owner_stack[1:]):
            if site is None or loc.owner == id(site):
                break
            outermost = site
            if loc not in site.captures:
                site.captures.append(loc)
        if not loc.captured and outermost is not None:
            loc.captured = True
            # escape.go: reassignments in straight-line code before the first capture do not
            # count (the closure still captures by value); later ones, in or after it, do
            if loc.depth == outermost.depth:
                loc.reassigned = False

    def flow(self, dst: Loc, srcs: Flows, why: str, node: Node | None) -> None:
        for src, derefs, _ in srcs:
            if src is dst and derefs >= 0:
                continue
            dst.edges.append((src, derefs, why, node))
            if derefs < 0 and dst.kind in ("var", "param", "result") and dst.depth < src.depth and src.kind in ("var", "site") \
                    and src.escaped is None and src.site_kind not in ("append", "inlined"):
                src.escaped = ("outlives", [Step(f"its address is stored in {dst.name}, which outlives the loop", node)])

    def to_heap(self, srcs: Flows, why: str, node: Node | None) -> None:
        self.flow(self.heap, srcs, why, node)

    def site(self, kind: str, node: Node, report_node: Node, desc: str) -> Loc:
        loc = self.new_loc(desc, "site", report_node)
        loc.site_kind = kind
        loc.desc = desc
        return loc

    # -- the walk -----------------------------------------------------------------------
    def run(self) -> Summary:
        fn, f = self.fn, self.f
        params: list[Loc | None] = []
        names: list[str] = []
        variadic = False
        iface_params: set[int] = set()
        ptr_recv = False
        recv = fn.child_by_field_name("receiver") if fn.type == "method_declaration" else None
        for plist, is_recv in ((recv, True), (fn.child_by_field_name("parameters"), False)):
            if plist is None:
                continue
            for decl in plist.named_children:
                if decl.type not in ("parameter_declaration", "variadic_parameter_declaration"):
                    continue
                t = decl.child_by_field_name("type")
                if is_recv and t is not None and t.type == "pointer_type":
                    ptr_recv = True
                variadic = decl.type == "variadic_parameter_declaration"
                idents = decl.children_by_field_name("name") or [None]
                for ident in idents:
                    if t is not None and self.is_interface_type(t):
                        iface_params.add(len(params))
                    loc = self.declare(ident, "param") if ident is not None else None
                    if loc is not None:
                        if variadic:
                            loc.tkind = "slice"
                        elif t is not None:
                            self.set_type(loc, t)
                        loc.param_index = len(params)
                    params.append(loc)
                    names.append(self.text(ident) if ident is not None else "_")
        result = fn.child_by_field_name("result")
        if result is not None:
            if result.type == "parameter_list":
                for decl in result.named_children:
                    t = decl.child_by_field_name("type")
                    idents = decl.children_by_field_name("name")
                    for ident in idents or [None]:
                        self.result_types.append(t)
                        if ident is not None:
                            loc = self.declare(ident, "result", t)
                            if loc is not None:
                                self.named_results.append(loc)
                                self.out.edges.append((loc, 0, "returned", ident))
            else:
                self.result_types.append(result)
        body = fn.child_by_field_name("body")
        if body is not None:
            self.block(body)
        self.finish_closures()
        self.solve()
        return self.summarize(params, names, variadic, iface_params, ptr_recv)

    def is_interface_type(self, t: Node | None) -> bool:
        if t is None:
            return False
        t = inner(t)
        if t.type == "interface_type":
            return True
        if t.type not in ("type_identifier", "identifier", "qualified_type"):
            return False  # no other type's text is an interface name
        name = self.text(t)
        if name in INTERFACE_NAMES or name in self.st.iface_types:
            return True
        if t.type == "qualified_type":
            pkg, _, typ = name.partition(".")
            return f"{self.imports.get(pkg, pkg)}.{typ}" in _stdlib_ifaces()
        return False

    def block(self, node: Node) -> None:
        scope: dict[str, Loc] = {}
        self.scopes.append(scope)
        stmt = self.stmt
        for s in node.named_children:
            stmt(s)
        self.scopes.pop()
        visible = self.visible
        for name in scope:
            visible[name].pop()

    def stmt(self, s: Node) -> None:
        t = s.type
        self.cost += 1
        if t == "statement_list" or t == "block":
            self.block(s)
        elif t in _NO_OP_STATEMENTS:
            pass
        elif t == "short_var_declaration":
            self.short_var(s)
        elif t == "var_declaration":
            for spec in specs(s):
                self.var_spec(spec)
        elif t == "const_declaration" or t == "type_declaration":
            pass
        elif t == "assignment_statement":
            self.assignment(s)
        elif t == "expression_statement":
            for c in s.named_children:
                self.ev(c)
        elif t == "return_statement":
            self.ret(s)
        elif t == "go_statement":
            self.not_inlinable = True
            call = s.named_children[0] if s.named_child_count else None
            if call is not None:
                self.escaping_call(call, "started as a goroutine (`go`)")
        elif t == "defer_statement":
            self.not_inlinable = True
            call = s.named_children[0] if s.named_child_count else None
            if call is not None:
                if self.loop_depth > 0:
                    self.escaping_call(call, "deferred in a loop")
                else:
                    self.call(call, deferred=True)
        elif t == "send_statement":
            self.ev(s.child_by_field_name("channel"))
            self.to_heap(self.ev(s.child_by_field_name("value")), "sent on a channel", s)
        elif t == "if_statement":
            self.push_scope()
            for name in ("initializer", "condition"):
                c = s.child_by_field_name(name)
                if c is not None:
                    (self.stmt if name == "initializer" else self.ev)(c)
            for name in ("consequence", "alternative"):
                c = s.child_by_field_name(name)
                if c is not None:
                    self.stmt(c)
            self.pop_scope()
        elif t == "for_statement":
            self.for_stmt(s)
        elif t in ("expression_switch_statement", "type_switch_statement", "select_statement"):
            self.switch(s)
        elif t == "labeled_statement":
            for c in s.named_children:
                if c.type != "label_name":
                    self.stmt(c)
        elif t in ("inc_statement", "dec_statement"):
            target = inner(s.named_children[0]) if s.named_child_count else None
            if target is not None and target.type == "identifier":
                loc = self.use(target)
                if loc is not None:
                    loc.reassigned = True
            elif target is not None:
                self.ev(target)
        elif t in ("break_statement", "continue_statement", "goto_statement", "fallthrough_statement",
                   "empty_statement", "comment"):
            pass
        else:
            for c in s.named_children:
                if c.type.endswith("statement") or c.type in ("block", "statement_list"):
                    self.stmt(c)
                else:
                    self.ev(c)

    def short_var(self, s: Node) -> None:
        left, right = s.child_by_field_name("left"), s.child_by_field_name("right")
        lhs = left.named_children if left is not None else []
        rhs = right.named_children if right is not None else []
        values = [self.ev(r) for r in rhs]
        for i, ident in enumerate(lhs):
            name = self.name(ident)
            if name == "_":
                continue
            existing = self.scopes[-1].get(name)
            loc = existing if existing is not None else self.declare(ident)
            if existing is not None:
                existing.reassigned = True
                existing.funclit = False
            if loc is None:
                continue
            if len(rhs) == len(lhs):
                self.flow(loc, values[i], "assigned", s)
                if existing is None:
                    self.infer(loc, rhs[i])
            elif len(rhs) == 1:
                self.flow(loc, [(l, d, st) for l, d, st in values[0] if getattr(l, "kind", "") != "site"] if i else values[0],
                          "assigned", s)
                if existing is None:
                    self.infer_multi(loc, inner(rhs[0]), i)

    def infer(self, loc: Loc, value: Node) -> None:
        """The variable's type kind from its initial value."""
        v = inner(value)
        if v.type == "composite_literal":
            t = v.child_by_field_name("type")
            if t is not None:
                self.set_type(loc, t)
        elif v.type == "unary_expression" and _op(v) == "&":
            loc.tkind = "pointer"
            op = inner(v.child_by_field_name("operand"))
            if op.type == "composite_literal":
                _, loc.tname = self.type_kind(op.child_by_field_name("type"))
            elif op.type == "identifier":
                src = self.lookup(self.text(op))
                if src is not None:
                    loc.tname = src.tname
        elif v.type in ("interpreted_string_literal", "raw_string_literal"):
            loc.tkind = "string"
        elif v.type in ("int_literal", "rune_literal"):
            loc.tkind = "int"
        elif v.type == "float_literal":
            loc.tkind = "float"
        elif v.type in ("true", "false"):
            loc.tkind = "bool"
        elif v.type == "func_literal":
            loc.tkind = "func"
            loc.funclit = True
        elif v.type == "identifier":
            src = self.lookup(self.name(v))
            if src is not None:
                loc.tkind, loc.tname, loc.size, loc.type_node = src.tkind, src.tname, src.size, src.type_node
        elif v.type == "call_expression":
            fn = v.child_by_field_name("function")
            name = self.name(fn) if fn is not None and fn.type == "identifier" else ""  # builtins and types are names
            args = v.child_by_field_name("arguments")
            if name in ("make",) and args is not None and args.named_child_count:
                loc.tkind, loc.tname = self.type_kind(args.named_children[0])
            elif name == "new" and args is not None and args.named_child_count:
                loc.tkind = "pointer"
                _, loc.tname = self.type_kind(args.named_children[0])
            elif name == "append":
                loc.tkind = "slice"
            elif name in BASIC_KINDS:
                loc.tkind = BASIC_KINDS[name]
            elif name in self.st.decls.types:
                self.set_type(loc, fn)
            elif fn is not None and fn.type in ("slice_type", "array_type", "map_type", "parenthesized_type",
                                                 "pointer_type", "qualified_type"):
                pass
            else:
                res = self.callee_result_type(v)
                if res is not None:
                    self.set_type(loc, res[0], res[1])
        elif v.type == "type_conversion_expression":
            self.set_type(loc, v.child_by_field_name("type"))
        elif v.type == "binary_expression":
            if self.is_string(v):
                loc.tkind = "string"
        elif v.type == "slice_expression":
            src = self.kind_of(v.child_by_field_name("operand"))
            loc.tkind = "string" if src == "string" else "slice"

    def infer_multi(self, loc: Loc, value: Node, i: int) -> None:
        """`v, ok := x.(T)`, `a, b := f()`: the i-th variable's type."""
        if value.type == "type_assertion_expression":
            if i == 0:
                self.set_type(loc, value.child_by_field_name("type"))
            else:
                loc.tkind = "bool"
        elif value.type == "call_expression":
            types = self.callee_result_types(value)
            if i < len(types) and types[i] is not None:
                t, f = types[i]
                self.set_type(loc, t, f)
            elif self.text(value.child_by_field_name("function")).rsplit(".", 1)[-1] and i == 1 and \
                    self.text(loc.node) == "err":
                loc.tkind = "interface"
        if self.text(loc.node) == "err" and loc.tkind is None:
            loc.tkind = "interface"

    def callee_result_types(self, call: Node) -> list[tuple[Node, SourceFile] | None]:
        fn = inner(call.child_by_field_name("function"))
        found = None
        if fn.type == "identifier" and self.lookup(self.name(fn)) is None:
            found = self.st.decls.funcs.get(self.name(fn))
        elif fn.type == "selector_expression":
            tname = self.static_type(inner(fn.child_by_field_name("operand")))
            if tname is not None and "." not in tname:
                found = self.st.decls.funcs.get(f"{tname}.{self.name(fn.child_by_field_name('field'))}")
        if found is None:
            return []
        res = found[0].child_by_field_name("result")
        if res is None:
            return []
        if res.type != "parameter_list":
            return [(res, found[1])]
        out = []
        for decl in res.named_children:
            t = decl.child_by_field_name("type")
            for _ in decl.children_by_field_name("name") or [None]:
                out.append((t, found[1]) if t is not None else None)
        return out

    def callee_result_type(self, call: Node) -> tuple[Node, SourceFile] | None:
        """The declared type of the first result of a function or method of the package."""
        types = self.callee_result_types(call)
        return types[0] if types else None

    def var_spec(self, spec: Node) -> None:
        t = spec.child_by_field_name("type")
        value = spec.child_by_field_name("value")
        values = value.named_children if value is not None else []
        idents = spec.children_by_field_name("name")
        evs = []
        for v in values:
            if t is not None and self.is_interface_type(t):
                evs.append(self.convert_iface(v))
            else:
                evs.append(self.ev(v))
        for i, ident in enumerate(idents):
            loc = self.declare(ident, "var", t)
            if loc is None:
                continue
            if len(values) == len(idents):
                self.flow(loc, evs[i], "assigned", spec)
                if t is None:
                    self.infer(loc, values[i])
            elif len(values) == 1:
                self.flow(loc, evs[0], "assigned", spec)

    def assignment(self, s: Node) -> None:
        op = _op(s)
        left, right = s.child_by_field_name("left"), s.child_by_field_name("right")
        lhs = left.named_children if left is not None else []
        rhs = right.named_children if right is not None else []
        values = [self.convert_iface(r) if len(rhs) == len(lhs) and op == "=" and self.iface_target(lhs[i])
                  else self.ev(r) for i, r in enumerate(rhs)]
        for i, target in enumerate(lhs):
            if len(rhs) == len(lhs):
                value = values[i]
            elif len(rhs) == 1:
                value = values[0]
            else:
                value = []
            if op == "=" and len(rhs) == len(lhs) and self.self_assign(lhs[i], rhs[i]):
                continue  # `b.buf = b.buf[n:]`: no new pointer is stored (escape.isSelfAssign)
            if op == "+=" and inner(rhs[i]).type == "binary_expression" and self.is_string(rhs[i]):
                pass  # `s += a + b`: the compiler concatenates s, a and b at the inner `+`, assigned to s
            elif op != "=":
                value = []  # `s += x`: no new pointers flow
            self.assign(target, value, s)

    def assign(self, target: Node, value: Flows, stmt: Node) -> None:
        target = inner(target)
        t = target.type
        if t == "identifier":
            name = self.name(target)
            if name == "_":
                return
            loc = self.use(target)
            if loc is None:
                if name in self.st.decls.values:
                    self.to_heap(value, f"stored in the package variable {name}", stmt)
                else:
                    self.to_heap(value, f"stored in {name}", stmt)
                return
            loc.reassigned = True
            loc.funclit = False
            self.flow(loc, value, "assigned", stmt)
        elif t == "selector_expression":
            base = inner(target.child_by_field_name("operand"))
            loc = self.addressable_local(base)
            if loc is not None:
                self.flow(loc, value, "stored in a field", stmt)
            else:
                self.ev(base)
                self.to_heap(value, f"stored in {self.text(target)}, reachable from outside the frame", stmt)
        elif t == "index_expression":
            base = inner(target.child_by_field_name("operand"))
            self.ev(target.child_by_field_name("index"))
            k = self.kind_of(base)
            if k == "array":
                loc = self.addressable_local(base)
                if loc is not None:
                    self.flow(loc, value, "stored in an array element", stmt)
                    return
            self.ev(base)
            where = "a map" if k == "map" else "a slice element" if k in ("slice", None) else self.text(base)
            self.to_heap(value, f"stored in {where} ({self.text(target)})", stmt)
        elif t == "unary_expression":  # *p = v
            self.ev(target.child_by_field_name("operand"))
            self.to_heap(value, f"stored through the pointer {self.text(target.child_by_field_name('operand'))}", stmt)
        else:
            self.ev(target)

    def self_assign(self, dst: Node, src: Node) -> bool:
        """cmd/compile/internal/escape isSelfAssign: `*p = (*p)[i:]`, `x.buf = x.buf[i:j]`,
        `v.x = v.y`, `v.x[i] = v.y[j]` store no pointer that was not already there."""
        dst, src = inner(dst), inner(src)
        if src.type == "slice_expression" and dst.type in ("unary_expression", "selector_expression"):
            base = inner(src.child_by_field_name("operand"))
            dx, bx = self._deref_name(dst), self._deref_name(base)
            return dx is not None and dx == bx and self.kind_of(base) != "array"
        if dst.type != src.type or dst.type not in ("selector_expression", "index_expression"):
            return False
        if dst.type == "index_expression":
            if any(_has_call(n.child_by_field_name("index")) for n in (dst, src)):
                return False
        a, b = dst.child_by_field_name("operand"), src.child_by_field_name("operand")
        return _safe_expr(a) and self.text(a) == self.text(b)

    def _deref_name(self, n: Node) -> str | None:
        """x for `*x` or `x.f` (x a pointer variable): the name an ODEREF/ODOTPTR applies to."""
        if n.type == "unary_expression" and _op(n) == "*":
            x = inner(n.child_by_field_name("operand"))
        elif n.type == "selector_expression":
            x = inner(n.child_by_field_name("operand"))
            if self.kind_of(x) != "pointer":
                return None
        else:
            return None
        return self.text(x) if x.type == "identifier" else None

    def iface_target(self, target: Node) -> bool:
        """Whether assigning to `target` converts the value to an interface (an interface-typed variable)."""
        target = inner(target)
        if target.type != "identifier":
            return False
        loc = self.lookup(self.text(target))
        if loc is not None:
            return loc.tkind == "interface" and loc.type_node is not None
        d = self.st.decls.values.get(self.text(target))
        if d is not None and d.type_node is not None and self.st.decls.value_files.get(d.name) is self.f:
            return self.is_interface_type(d.type_node)
        return False

    def addressable_local(self, base: Node) -> Loc | None:
        """The local variable `base` names if it is held by value (struct or array), not through a pointer."""
        base = inner(base)
        if base.type == "identifier":
            loc = self.use(base)
            if loc is not None and loc.tkind in ("struct", "array"):
                return loc
            return None
        if base.type == "selector_expression":
            if self.kind_of(base) not in ("struct", "array"):
                return None  # a field reached through a pointer (or of an unknown type): not in the frame
            return self.addressable_local(base.child_by_field_name("operand"))
        if base.type == "index_expression" and self.kind_of(base.child_by_field_name("operand")) == "array":
            return self.addressable_local(base.child_by_field_name("operand"))
        return None

    def ret(self, s: Node) -> None:
        exprs = []
        for c in s.named_children:
            exprs.extend(c.named_children if c.type == "expression_list" else [c])
        if len(exprs) == 1 and len(self.result_types) > 1:
            self.flow(self.out, self.ev(exprs[0]), "returned", s)
            return
        for i, e in enumerate(exprs):
            rt = self.result_types[i] if i < len(self.result_types) else None
            value = self.convert_iface(e) if rt is not None and self.is_interface_type(rt) else self.ev(e)
            self.flow(self.named_results[i] if i < len(self.named_results) and self.owner_stack[-1] is None
                      else self.out, value, "returned", s)

    def for_stmt(self, s: Node) -> None:
        self.push_scope()
        body = s.child_by_field_name("body")
        rof = None
        clause = next((c for c in s.named_children if c.type in ("for_clause", "range_clause")), None)
        cond = next((c for c in s.named_children if c != body and c != clause), None)  # Nodes compare by ==
        if clause is not None and clause.type == "for_clause":
            init = clause.child_by_field_name("initializer")
            if init is not None:
                self.stmt(init)
            self.loop_depth += 1
            for name in ("condition", "update"):
                c = clause.child_by_field_name(name)
                if c is not None:
                    (self.ev if name == "condition" else self.stmt)(c)
        elif clause is not None:
            right = clause.child_by_field_name("right")
            rv = self.ev(right) if right is not None else []
            rk = self.kind_of(right) if right is not None else None
            self.loop_depth += 1
            if rk == "func":
                rof = self.range_func_begin(s, self.inlined_iterator(right))
            left = clause.child_by_field_name("left")
            define = any(c.type == ":=" for c in clause.children)
            if left is not None:
                for i, ident in enumerate(left.named_children):
                    if i == 0 or rk in ("string", "int", "chan", "func"):
                        elem = []
                    else:
                        elem = [(l, d + (0 if rk == "array" else 1), st) for l, d, st in rv]
                    if define and ident.type == "identifier":
                        loc = self.declare(ident)
                        if loc is not None:
                            if i == 0 and rk in ("slice", "array", "string", "int"):
                                loc.tkind = "int"
                            elif i == 1 and right is not None:
                                self.range_elem_type(loc, right)
                            self.flow(loc, elem, "range value", clause)
                    else:
                        self.assign(ident, elem, clause)
        else:
            self.loop_depth += 1
            if cond is not None:
                self.ev(cond)
        if body is not None:
            self.block(body)
        if rof is not None:
            self.range_func_end(s, *rof)
        self.loop_depth -= 1
        self.pop_scope()

    def inlined_iterator(self, right: Node) -> bool:
        """`range strings.SplitSeq(s, ",")`: an inlinable standard-library iterator, whose closure the
        compiler then calls directly, so that yield (the loop body) does not escape."""
        right = inner(right)
        if right.type != "call_expression":
            return False
        facts, _, _ = self.resolve_callee_quiet(inner(right.child_by_field_name("function")))
        return isinstance(facts, dict) and facts.get("inline") is not None

    def range_func_begin(self, s: Node, inlined: bool = False) -> tuple:
        """`for x := range f`: the compiler turns the body into a closure (the yield function) passed
        to f, with a state variable `#stateN` it assigns, captured by reference. Syntax cannot see
        whether f keeps yield: assume it does (the compiler's verdict for iterators that are not
        fully inlined), so the body's closure escapes, and with it #state and what it reassigns."""
        site = self.site("func", s, s, "func literal")
        state = self.new_loc("#state", "var", s)
        state.reassigned = state.captured = True
        site.captures.append(state)
        self.owner_stack.append(site)
        saved = self.loop_depth, self.cost, self.not_inlinable, self.recursive
        self.loop_depth = 0
        return site, saved, inlined

    def range_func_end(self, s: Node, site: Loc, saved: tuple, inlined: bool) -> None:
        self.owner_stack.pop()
        self.loop_depth, self.cost, self.not_inlinable, self.recursive = saved
        self.cost += 15
        if not inlined:
            self.to_heap([(site, -1, [])], "the loop body of a range over a function, passed to the iterator as yield", s)

    def type_node_of(self, e: Node) -> tuple[Node, SourceFile] | None:
        """The declared type of a variable or field expression."""
        e = inner(e)
        if e.type == "identifier":
            loc = self.lookup(self.text(e))
            return (loc.type_node, self.f) if loc is not None and loc.type_node is not None else None
        if e.type == "selector_expression":
            return self.field_type(e)
        return None

    def range_elem_type(self, loc: Loc, right: Node) -> None:
        found = self.type_node_of(right)
        if found is None:
            return
        t, f = found
        t = inner(t)
        if t.type in ("slice_type", "array_type"):
            elem = t.child_by_field_name("element")
        elif t.type == "map_type":
            elem = t.child_by_field_name("value")
        else:
            return
        if elem is not None:
            self.set_type(loc, elem, f)

    def switch(self, s: Node) -> None:
        self.push_scope()
        init = s.child_by_field_name("initializer")
        if init is not None:
            self.stmt(init)
        value = s.child_by_field_name("value")
        vv = self.ev(value) if value is not None else []
        alias = s.child_by_field_name("alias") if s.type == "type_switch_statement" else None
        for case in s.named_children:
            if case.type not in ("expression_case", "type_case", "default_case", "communication_case"):
                continue
            self.push_scope()
            if alias is not None:
                for ident in alias.named_children:
                    loc = self.declare(ident)
                    if loc is not None:
                        self.flow(loc, [(l, d + 1, st) for l, d, st in vv], "type switch", case)
            for c in case.named_children:
                if c.type == "statement_list":
                    self.stmt(c)
                elif case.type == "communication_case" and c.type.endswith("statement"):
                    self.stmt(c)
                elif case.type == "communication_case" and c.type == "receive_statement":
                    self.receive(c)
                elif case.type == "expression_case":
                    self.ev(c)
            self.pop_scope()
        self.pop_scope()

    def receive(self, c: Node) -> None:
        left = c.child_by_field_name("left")
        right = c.child_by_field_name("right")
        if right is not None:
            self.ev(right)
        define = any(x.type == ":=" for x in c.children)
        if left is not None and define:
            for ident in left.named_children:
                self.declare(ident)

    # -- expressions ---------------------------------------------------------------------
    def ev(self, e: Node | None) -> Flows:
        """What the value of `e` points to: [(location, derefs, steps)]."""
        if e is None:
            return []
        self.cost += 1
        t = e.type
        if t == "parenthesized_expression":
            e = inner(e)
            t = e.type
        if t == "identifier":
            found = self.visible.get(self.name(e))
            if not found:
                return []
            loc = found[-1]
            owner = self.owner_stack[-1]
            if owner is not None and loc.owner != id(owner):
                self.capture(loc)
            return [(loc, 0, [])]
        if t in _LITERALS:
            return []
        if t == "unary_expression":
            op = _op(e)
            operand = inner(e.child_by_field_name("operand"))
            if op == "&":
                return self.address_of(operand, e)
            if op == "*":
                return [(l, d + 1, st) for l, d, st in self.ev(operand)]
            self.ev(operand)
            return []
        if t == "call_expression":
            return self.call(e)
        if t == "selector_expression":
            operand = inner(e.child_by_field_name("operand"))
            if operand.type == "identifier":
                found = self.visible.get(self.name(operand))
                if not found:
                    return []  # pkg.Name or a package-level value
                loc = found[-1]  # x.f: kind_of(x), then ev(x), inlined
                k = loc.tkind
                self.cost += 1
                owner = self.owner_stack[-1]
                if owner is not None and loc.owner != id(owner):
                    self.capture(loc)
                return [(loc, 1 if k in ("pointer", None) else 0, [])]
            k = self.kind_of(operand)
            return [(l, d + (1 if k in ("pointer", None) else 0), st) for l, d, st in self.ev(operand)]
        if t == "index_expression":
            operand = inner(e.child_by_field_name("operand"))
            self.ev(e.child_by_field_name("index"))
            k = self.kind_of(operand)
            vals = self.ev(operand)
            if k in ("map", "string"):
                return []
            return [(l, d + (0 if k == "array" else 1), st) for l, d, st in vals]
        if t == "slice_expression":
            operand = inner(e.child_by_field_name("operand"))
            for name in ("start", "end", "capacity"):
                self.ev(e.child_by_field_name(name))
            if self.kind_of(operand) == "array":
                return self.address_of(operand, e)
            return self.ev(operand)
        if t == "composite_literal":
            return self.composite(e, None)
        if t == "func_literal":
            return self.func_literal(e)
        if t == "binary_expression":
            left, right = e.child_by_field_name("left"), e.child_by_field_name("right")
            self.ev(left)
            self.ev(right)
            if _op(e) == "+" and self.is_string(e):
                site = self.site("concat", e, e.child_by_field_name("operator"), self.text(e))
                return [(site, -1, [])]
            return []
        if t == "type_assertion_expression":
            vals = self.ev(e.child_by_field_name("operand"))
            k, _ = self.type_kind(e.child_by_field_name("type"))
            return [(l, d + (0 if k in POINTER_SHAPED else 1), st) for l, d, st in vals]
        if t == "type_conversion_expression":
            return self.conversion(e.child_by_field_name("type"), e.child_by_field_name("operand"), e)
        if t in ("expression_list", "parenthesized_expression", "literal_element", "argument_list"):
            out = []
            for c in e.named_children:
                out.extend(self.ev(c))
            return out
        for c in e.named_children:
            self.ev(c)
        return []

    def address_of(self, operand: Node, at: Node) -> Flows:
        operand = inner(operand)
        if operand.type == "composite_literal":
            return self.composite(operand, at)
        if operand.type == "identifier":
            loc = self.use(operand)
            if loc is None:
                return []
            loc.addr_taken = True
            return [(loc, -1, [])]
        if operand.type == "selector_expression":
            base = inner(operand.child_by_field_name("operand"))
            loc = self.addressable_local(base)
            if loc is not None:
                loc.addr_taken = True
                return [(loc, -1, [])]
            return [(l, d, st) for l, d, st in self.ev(operand) for _ in [0]] and \
                [(l, d - 1, st) for l, d, st in self.ev(operand)]
        if operand.type == "index_expression":
            base = inner(operand.child_by_field_name("operand"))
            self.ev(operand.child_by_field_name("index"))
            if self.kind_of(base) == "array":
                loc = self.addressable_local(base)
                if loc is not None:
                    loc.addr_taken = True
                    return [(loc, -1, [])]
            return self.ev(base)
        return [(l, d - 1, st) for l, d, st in self.ev(operand)]

    def composite(self, e: Node, amp: Node | None) -> Flows:
        t = e.child_by_field_name("type")
        body = e.child_by_field_name("body")
        k, _ = self.type_kind(t)
        elems = body.named_children if body is not None else []
        if amp is not None or k in ("slice", "map"):
            report = amp if amp is not None else body
            desc = ("&" if amp is not None else "") + self.text(t) + ("{}" if not elems else "{...}")
            site = self.site("composite", e, report, desc)
            if amp is not None:
                layout = self.st.sizer.layout(t, self.f) if t is not None else None
                site.const_size = layout.size if layout is not None else None
            iface_elems = k == "slice" and t is not None and self.is_interface_type(t.child_by_field_name("element"))
            for el in elems:
                if k == "map":
                    self.to_heap(self.element(el, False), "stored in a map literal", el)
                else:
                    self.flow(site, self.element(el, iface_elems), "element of the literal", el)
            return [(site, -1, [])]
        out = []
        for el in elems:
            out.extend(self.element(el, False))
        return out

    def element(self, el: Node, iface: bool) -> Flows:
        if el.type == "keyed_element":
            kids = el.named_children
            out = []
            if len(kids) == 2:
                key = kids[0]
                if key.type == "literal_element" and key.named_child_count and key.named_children[0].type != "identifier":
                    out.extend(self.ev(key))
                out.extend(self.value_of(kids[1], iface))
            return out
        return self.value_of(el, iface)

    def value_of(self, el: Node, iface: bool) -> Flows:
        if el.type == "literal_element" and el.named_child_count:
            el = el.named_children[0]
        if el.type == "literal_value":  # elided type: T{...} inside []T{...}
            out = []
            for c in el.named_children:
                out.extend(self.element(c, False))
            return out
        return self.convert_iface(el) if iface else self.ev(el)

    def func_literal(self, e: Node) -> Flows:
        site = self.site("func", e, e, "func literal")
        self.not_inlinable = self.not_inlinable  # closures are inlinable since Go 1.16 (cost 15)
        self.cost += 15
        self.owner_stack.append(site)
        self.push_scope()
        saved_depth, saved_results, saved_named = self.loop_depth, self.result_types, self.named_results
        self.loop_depth = 0
        params = e.child_by_field_name("parameters")
        for decl in params.named_children if params is not None else []:
            t = decl.child_by_field_name("type")
            for ident in decl.children_by_field_name("name"):
                loc = self.declare(ident, "var", t)
                if loc is not None:
                    loc.owner = id(site)
        result = e.child_by_field_name("result")
        self.result_types, self.named_results = [], []
        if result is not None:
            if result.type == "parameter_list":
                for decl in result.named_children:
                    for _ in decl.children_by_field_name("name") or [None]:
                        self.result_types.append(decl.child_by_field_name("type"))
            else:
                self.result_types.append(result)
        body = e.child_by_field_name("body")
        # the closure is a function of its own: its body costs the enclosing function nothing
        # (inlining it counts only the literal), and its defer/go/recover do not stop that inlining
        saved_cost = self.cost, self.not_inlinable, self.recursive
        if body is not None:
            self.block(body)
        self.cost, self.not_inlinable, self.recursive = saved_cost
        self.pop_scope()
        self.owner_stack.pop()
        self.loop_depth, self.result_types, self.named_results = saved_depth, saved_results, saved_named
        return [(site, -1, [])]

    def finish_closures(self) -> None:
        for site in self.locs:
            if site.kind != "site" or site.site_kind != "func":
                continue
            for cap in site.captures:
                byref = cap.reassigned or cap.addr_taken or (cap.size is not None and cap.size > BYREF_CAPTURE)
                cap.byref = cap.byref or byref
                site.edges.append((cap, -1 if byref else 0,
                                   f"{cap.name} captured {'by reference ' if byref else ''}by a closure", site.node))

    def convert_iface(self, e: Node) -> Flows:
        """`e` converted to an interface: a new allocation unless the value is pointer-shaped."""
        e = inner(e)
        if e.type == "nil":
            return []
        k = self.kind_of(e)
        if k in POINTER_SHAPED or (k is None and self.probably_interface(e)):
            return self.ev(e)
        vals = self.ev(e)
        site = self.site("iface", e, e, self.text(e))
        self.flow(site, vals, "converted to an interface", e)
        return [(site, -1, [])]

    def probably_interface(self, e: Node) -> bool:
        """Unknown types: errors and values produced by calls are usually interfaces or pointers."""
        text = self.text(e)
        if e.type == "identifier" and (text == "err" or text.endswith("Err") or text.startswith("err")):
            return True
        if e.type == "call_expression":
            fn = self.text(e.child_by_field_name("function"))
            tail = fn.rsplit(".", 1)[-1]
            if tail in ("Error", "String", "Sprintf", "Sprint", "Itoa", "FormatInt", "Quote") or fn in BASIC_KINDS:
                return tail == "Error" and False
            return True
        if e.type in ("selector_expression",):
            field = self.text(e.child_by_field_name("field"))
            if field.lower().endswith("err"):
                return True
            operand = inner(e.child_by_field_name("operand"))
            if field.startswith("Err") and operand.type == "identifier" and self.lookup(self.text(operand)) is None \
                    and self.text(operand) in self.imports:
                return True  # io.EOF-style sentinel errors of another package: io.ErrUnexpectedEOF
            if field == "EOF" and self.text(operand) == "io":
                return True
        return False

    def conversion(self, type_node: Node, operand: Node, e: Node) -> Flows:
        if inner(operand).type == "nil":
            return []
        k, _ = self.type_kind(type_node)
        if k == "interface":
            return self.convert_iface(operand)
        src = self.kind_of(operand)
        tt = self.text(type_node).replace(" ", "")
        if tt in ("[]byte", "[]rune") and src != "slice":
            self.ev(operand)
            return [(self.site("conv", e, _go_pos_node(operand), f"({tt})({self.text(operand)})"), -1, [])]
        if tt == "string" and src not in ("string",):
            if src in ("int",):
                self.ev(operand)
                return [(self.site("conv", e, _go_pos_node(operand), f"string({self.text(operand)})"), -1, [])]
            self.ev(operand)
            return [(self.site("conv", e, _go_pos_node(operand), f"string({self.text(operand)})"), -1, [])]
        return self.ev(operand)

    # -- calls ---------------------------------------------------------------------------
    def call(self, e: Node, deferred: bool = False) -> Flows:
        callee = e.child_by_field_name("function")
        if callee is None:  # half-typed code: `defer (` parses as a call with no callee
            return []
        fn = inner(callee)
        args_node = e.child_by_field_name("arguments")
        args = [a for a in args_node.named_children if a.type != "comment"] if args_node is not None else []
        paren = args_node if args_node is not None else e
        ft = fn.type
        if ft in _CONVERSION_CALLEES and len(args) == 1:
            return self.conversion(fn, args[0], e)
        name = self.name(fn) if ft == "identifier" else None
        if ft == "selector_expression":
            pkg = fn.child_by_field_name("operand")
            if pkg.type == "identifier" and self.imports.get(self.name(pkg)) == "unsafe" and \
                    self.lookup(self.name(pkg)) is None:
                return self.unsafe_builtin(self.name(fn.child_by_field_name("field")), args)
        if name is not None and self.lookup(name) is None:
            if name == "new":
                site = self.site("new", e, paren, self.text(e))
                layout = self.st.sizer.layout(args[0], self.f) if args else None
                site.const_size = layout.size if layout is not None else None
                return [(site, -1, [])]
            if name == "make":
                return self.make(e, args, paren)
            if name == "append":
                return self.append(e, args, paren)
            if name == "panic":
                self.cost += 1
                for a in args:
                    self.to_heap(self.convert_iface(a), "passed to panic", e)
                return []
            if name in NOT_LEAKING_BUILTINS:
                for a in args:
                    self.ev(a)
                return []
            if name in BASIC_KINDS and len(args) == 1:
                return self.conversion(fn, args[0], e)
            if name in self.st.decls.types and len(args) == 1:
                return self.conversion(fn, args[0], e)
        if ft == "func_literal":
            self.cost += 1
            vals_fn = self.func_literal(fn)  # called in place: the closure itself stays on the stack
            for l, _, _ in vals_fn:
                l.report = False
            for a in args:
                self.ev(a)
            return []
        facts, recv_node, key = self.resolve_callee(fn, name)
        if facts is None:
            return self.unknown_call(fn, args, e)
        return self.apply_facts(facts, recv_node, args, e, paren, key)

    def unsafe_builtin(self, name: str, args: list[Node]) -> Flows:
        """unsafe.Pointer/String/Slice/SliceData/StringData/Add are builtins of the compiler (one node each,
        no call cost) whose result points where their first argument points; Sizeof & co. are constants."""
        self.cost += 1
        vals = [self.ev(a) for a in args]
        if name in ("Pointer", "String", "Slice", "SliceData", "StringData", "Add") and vals:
            return vals[0]
        return []

    def resolve_callee(self, fn: Node, name: str | None = None) -> tuple[dict | Summary | None, Node | None, str]:
        """The callee's facts (a Summary of this package, or a stdlib table entry), its receiver node."""
        if fn.type == "identifier":
            if name is None:
                name = self.name(fn)
            if self.lookup(name) is not None:
                return None, None, name
            if name == self.key:
                self.recursive = True
            s = self.st.summary(name)
            return s, None, name
        if fn.type == "selector_expression":
            operand = inner(fn.child_by_field_name("operand"))
            method = self.name(fn.child_by_field_name("field"))
            if operand.type == "identifier" and self.lookup(self.name(operand)) is None:
                path = self.imports.get(self.name(operand))
                if path is not None:
                    return stdlib_facts().get(f"{path}.{method}"), None, f"{path}.{method}"
                return None, None, ""
            tname = self.static_type(operand)
            if tname is not None:
                if "." in tname:
                    return stdlib_facts().get(f"{tname}.{method}"), operand, f"{tname}.{method}"
                key = f"{tname}.{method}"
                if key == self.key:
                    self.recursive = True
                return self.st.summary(key), operand, key
        if fn.type == "generic_type" or fn.type == "index_expression":
            return self.resolve_callee(inner(fn.child_by_field_name("type") or fn.child_by_field_name("operand")))
        return None, None, ""

    def static_type(self, operand: Node) -> str | None:
        operand = inner(operand)
        if operand.type == "identifier":
            loc = self.lookup(self.name(operand))
            return loc.tname if loc is not None else None
        if operand.type == "selector_expression":
            field = self.field_type(operand)
            if field is None:
                return None
            t, f = field
            while t is not None and t.type in ("pointer_type", "parenthesized_type"):
                t = t.named_children[0]
            if t is None:
                return None
            if t.type == "type_identifier":
                return f.text(t)
            if t.type == "qualified_type":
                pkg, _, typ = f.text(t).partition(".")
                return f"{self.st.file_imports(f).get(pkg, pkg)}.{typ}"
            return None
        if operand.type == "composite_literal":
            return self.type_kind(operand.child_by_field_name("type"))[1]
        return None

    def field_type(self, sel: Node) -> tuple[Node, SourceFile] | None:
        """The declared type of the field `x.f` names, when x's type is a struct of this package."""
        tname = self.static_type(inner(sel.child_by_field_name("operand")))
        if tname is None or "." in tname:
            return None
        key = (tname, self.name(sel.child_by_field_name("field")))
        cache = self.st.field_types
        if key not in cache:
            cache[key] = self._field_type(tname, key[1])
        return cache[key]

    def _field_type(self, tname: str, fname: str) -> tuple[Node, SourceFile] | None:
        decl = self.st.decls.types.get(tname)
        if decl is None or inner(decl.type_node).type != "struct_type":
            return None
        for fld in _fields(decl.type_node):
            names = fld.children_by_field_name("name")
            t = fld.child_by_field_name("type")
            if any(decl.file.text(n) == fname for n in names):
                return t, decl.file
            if not names and t is not None and decl.file.text(t).lstrip("*").rsplit(".", 1)[-1] == fname:
                return t, decl.file  # embedded field
        return None

    def apply_facts(self, facts, recv_node: Node | None, args: list[Node], e: Node, paren: Node, key: str) -> Flows:
        if isinstance(facts, Summary):
            params, variadic, ifaces, ptr_recv = facts.params, facts.variadic, facts.iface_params, facts.ptr_recv
            inline, sites = facts.inline_cost, ["heap"] * facts.heap_sites + ["result"] * facts.result_sites
            is_method = facts.node.type == "method_declaration"
            moved = facts.inline_moved
        else:
            params, variadic, ifaces, ptr_recv, inline, sites, is_method, moved = _table_facts(
                facts, key, key.count(".") >= 2 and recv_node is not None)
        self.cost += (inline if inline is not None else CALL_COST) + len(args)
        result: Flows = []
        actuals: list[tuple[Flows, int]] = []  # (value, param index)
        offset = 0
        if is_method and recv_node is not None:
            offset = 1
            if ptr_recv:
                recv_val = self.address_of(recv_node, recv_node) if self.kind_of(recv_node) not in (
                    "pointer", None) or self.addressable_local(recv_node) is not None else self.ev(recv_node)
            else:
                recv_val = self.ev(recv_node)
            actuals.append((recv_val, 0))
        spread = variadic and any(a.type == "variadic_argument" for a in args)  # f(xs...)
        nparams = len(params)
        last = nparams - 1
        varargs_vals: Flows = []
        for i, a in enumerate(args):
            pi = i + offset
            if variadic and pi >= last and not spread:
                val = self.convert_iface(a) if last in ifaces else self.ev(a)
                varargs_vals.extend(val)
                continue
            if a.type == "variadic_argument":
                val = self.ev(a.named_children[0]) if a.named_child_count else []
            else:
                val = self.convert_iface(a) if pi in ifaces else self.ev(a)
            actuals.append((val, pi))
        if variadic and len(args) + offset > last and not spread:
            va = self.site("varargs", e, paren, "... argument")
            self.flow(va, varargs_vals, "element of the ... slice", e)
            actuals.append(([(va, -1, [])], last))
        short = key.rsplit("/", 1)[-1]
        for val, pi in actuals:
            heap_d, res_d = params[pi] if pi < nparams else (None, None)
            if heap_d is not None:
                self.to_heap([(l, d + heap_d, st) for l, d, st in val], f"passed to {short}, which leaks it", e)
            if res_d is not None:
                result.extend((l, d + res_d, st) for l, d, st in val)
        if inline is not None:
            for kind in sites:
                s = self.site("inlined", e, paren, f"allocation inside inlined {short}")
                if kind == "heap":
                    self.to_heap([(s, -1, [])], f"allocated inside the inlined {short}", e)
                else:
                    result.append((s, -1, []))
            for name, kind in moved:  # the inlined body's variables, placed by the compiler at the call
                v = self.new_loc(name, "var", paren)
                v.inlined_from = short
                if kind == "heap":
                    self.to_heap([(v, -1, [])], f"{name} is a variable of {short}, inlined here, whose address escapes", e)
                else:
                    self.out_via_result(v, result, e, short)
        return result

    def out_via_result(self, v: Loc, result: Flows, e: Node, short: str) -> None:
        result.append((v, -1, [Step(f"{v.name} is a variable of {short}, inlined here, whose address {short} returns", e)]))

    def unknown_call(self, fn: Node, args: list[Node], e: Node) -> Flows:
        """A callee syntax cannot see: an interface method, a func value, or another package's function."""
        self.cost += CALL_COST + len(args)
        dynamic = False
        if fn.type == "identifier":
            loc = self.lookup(self.text(fn))
            # a func-typed variable; one bound once to a func literal is a static call of that closure,
            # whose parameters syntax does not summarise: assume they do not leak
            dynamic = loc is not None and not loc.funclit
        elif fn.type == "selector_expression":
            operand = inner(fn.child_by_field_name("operand"))
            k = self.kind_of(operand)
            recv = self.ev(operand)
            if k == "interface":
                dynamic = True
                # an interface method call: the receiver is a parameter of an unknown function, it leaks
                self.to_heap(recv, f"the receiver of {self.text(fn)}, an interface method call syntax cannot see", e)
            elif k == "func":
                dynamic = True
        else:
            self.ev(fn)
        for a in args:
            if a.type == "variadic_argument":
                val = self.ev(a.named_children[0]) if a.named_child_count else []
            else:
                val = self.ev(a)
            if dynamic:
                self.to_heap(val, f"passed to {self.text(fn)}, which syntax cannot see (dynamic call)", e)
        return []

    def escaping_call(self, call: Node, why: str) -> None:
        """`go f(x)` / a deferred call in a loop: the function value and its arguments outlive the frame."""
        fn = inner(call.child_by_field_name("function")) if call.type == "call_expression" else None
        if fn is None:
            self.ev(call)
            return
        args_node = call.child_by_field_name("arguments")
        args = args_node.named_children if args_node is not None else []
        if fn.type == "func_literal":
            self.to_heap(self.func_literal(fn), why, call)
        elif fn.type == "selector_expression":
            self.to_heap(self.ev(fn.child_by_field_name("operand")), why, call)
        for a in args:
            self.to_heap(self.ev(a), why, call)

    def make(self, e: Node, args: list[Node], paren: Node) -> Flows:
        for a in args[1:]:
            self.ev(a)
        t = args[0] if args else None
        site = self.site("make", e, paren, self.text(e))
        k, _ = self.type_kind(t)
        if k == "slice" and t is not None:
            n = self.st.sizer.constant(args[-1], self.f) if len(args) >= 2 else None
            elem = self.st.sizer.layout(t.child_by_field_name("element"), self.f) if t.type == "slice_type" else None
            if n is not None and elem is not None:
                site.const_size = n * elem.size
            elif n is None:
                site.const_size = -1  # non-constant: on the stack only if it does not escape and is small
        return [(site, -1, [])]

    def append(self, e: Node, args: list[Node], paren: Node) -> Flows:
        if not args:
            return []
        base = self.ev(args[0])
        for a in args[1:]:
            if a.type == "variadic_argument":
                val = [(l, d + 1, st) for l, d, st in (self.ev(a.named_children[0]) if a.named_child_count else [])]
            else:
                val = self.ev(a)
            self.to_heap(val, "appended to a slice", e)
        site = self.site("append", e, paren, "append")
        return base + [(site, -1, [])]

    # -- types of expressions ------------------------------------------------------------
    def kind_of(self, e: Node | None) -> str | None:
        if e is None:
            return None
        t = e.type
        if t == "parenthesized_expression":
            e = inner(e)
            t = e.type
        if t == "identifier":
            name = self.name(e)
            found = self.visible.get(name)
            if found:
                return found[-1].tkind
            return self.st.package_var_kind(name)
        if t in ("interpreted_string_literal", "raw_string_literal"):
            return "string"
        if t in ("int_literal", "rune_literal"):
            return "int"
        if t == "float_literal":
            return "float"
        if t in ("true", "false"):
            return "bool"
        if t == "composite_literal":
            return self.type_kind(e.child_by_field_name("type"))[0]
        if t == "func_literal":
            return "func"
        if t == "unary_expression":
            op = _op(e)
            if op == "&":
                return "pointer"
            if op in ("!",):
                return "bool"
            if op in ("-", "+", "^"):
                return self.kind_of(e.child_by_field_name("operand"))
            return None
        if t == "binary_expression":
            op = _op(e)
            if op in ("==", "!=", "<", ">", "<=", ">=", "&&", "||"):
                return "bool"
            if op == "+" and self.is_string(e):
                return "string"
            lk = self.kind_of(e.child_by_field_name("left"))
            return lk or self.kind_of(e.child_by_field_name("right")) or "int"
        if t == "slice_expression":
            k = self.kind_of(e.child_by_field_name("operand"))
            return "string" if k == "string" else "slice"
        if t == "call_expression":
            fn = inner(e.child_by_field_name("function"))
            name = self.text(fn)
            if name in ("len", "cap", "copy"):
                return "int"
            if name == "recover" and self.lookup(name) is None:
                return "interface"
            if name in BASIC_KINDS:
                return BASIC_KINDS[name]
            if name in ("make", "new"):
                args = e.child_by_field_name("arguments")
                if args is not None and args.named_child_count:
                    k = self.type_kind(args.named_children[0])[0]
                    return k if name == "make" else "pointer"
            if name == "append":
                return "slice"
            if fn.type in ("slice_type", "array_type", "map_type", "pointer_type", "qualified_type"):
                return self.type_kind(fn)[0]
            if name in self.st.decls.types:
                return self.type_kind(fn)[0]
            res = self.callee_result_type(e)
            if res is not None:
                return self.kind_in(*res)
            facts, _, _ = self.resolve_callee_quiet(fn)
            if isinstance(facts, dict) and facts.get("seq"):
                return "func"
            known = {"strings.Join": "string", "fmt.Sprintf": "string", "fmt.Sprint": "string", "strconv.Itoa": "string",
                     "strconv.Quote": "string", "strings.Repeat": "string", "strconv.FormatInt": "string",
                     "errors.New": "interface", "fmt.Errorf": "interface", "strings.TrimSpace": "string",
                     "strings.ToLower": "string", "strings.ToUpper": "string", "strings.TrimPrefix": "string",
                     "strings.TrimSuffix": "string", "strings.Replace": "string", "strings.ReplaceAll": "string"}
            if name in known:
                return known[name]
            if fn.type == "selector_expression" and self.text(fn.child_by_field_name("field")) in ("String", "Error"):
                return "string"
            return None
        if t == "type_conversion_expression":
            return self.type_kind(e.child_by_field_name("type"))[0]
        if t == "type_assertion_expression":
            return self.type_kind(e.child_by_field_name("type"))[0]
        if t == "selector_expression":
            found = self.field_type(e)
            if found is None:
                return None
            ft, f = found
            if f is self.f:
                return self.type_kind(ft)[0]
            saved = self.f, self.imports
            self.f, self.imports = f, self.st.file_imports(f)
            try:
                return self.type_kind(ft)[0]
            finally:
                self.f, self.imports = saved
        if t == "index_expression":
            found = self.type_node_of(e.child_by_field_name("operand"))
            if found is None:
                return None
            ct, f = found
            ct = inner(ct)
            elem = ct.child_by_field_name("element") if ct.type in ("slice_type", "array_type") else \
                ct.child_by_field_name("value") if ct.type == "map_type" else None
            return self.kind_in(elem, f) if elem is not None else None
        return None

    def kind_in(self, t: Node, f: SourceFile) -> str | None:
        """The kind of type `t` written in file `f` of the package."""
        if f is self.f:
            return self.type_kind(t)[0]
        saved = self.f, self.imports
        self.f, self.imports = f, self.st.file_imports(f)
        try:
            return self.type_kind(t)[0]
        finally:
            self.f, self.imports = saved

    def resolve_callee_quiet(self, fn: Node):
        """resolve_callee for a table lookup only: no recursion marks, no summaries computed."""
        if fn.type == "selector_expression":
            operand = inner(fn.child_by_field_name("operand"))
            method = self.text(fn.child_by_field_name("field"))
            if operand.type == "identifier" and self.lookup(self.text(operand)) is None:
                path = self.imports.get(self.text(operand))
                return (stdlib_facts().get(f"{path}.{method}") if path else None), None, ""
            tname = self.static_type(operand)
            if tname is not None and "." in tname:
                return stdlib_facts().get(f"{tname}.{method}"), operand, ""
        return None, None, ""

    def is_string(self, e: Node) -> bool:
        e = inner(e)
        if e.type in ("interpreted_string_literal", "raw_string_literal"):
            return True
        if e.type == "binary_expression" and _op(e) == "+":
            return self.is_string(e.child_by_field_name("left")) or self.is_string(e.child_by_field_name("right"))
        return self.kind_of(e) == "string"

    # -- solving -------------------------------------------------------------------------
    def solve(self) -> None:
        """Walk back from the heap and from the results; a location reached with derefs < 0 escapes."""
        self.reach_heap = self.walk(self.heap)
        self.reach_out = self.walk(self.out)
        for loc in self.locs:
            if loc.escaped is not None:
                continue
            if loc in self.reach_heap and self.reach_heap[loc][0] < 0:
                loc.escaped = ("heap", self.reach_heap[loc][1])
            elif loc in self.reach_out and self.reach_out[loc][0] < 0:
                loc.escaped = ("out", self.reach_out[loc][1])
        # escaped locations are heap roots themselves: what their contents point to escapes too
        extra = [l for l in self.locs if l.escaped is not None and l.escaped[0] == "outlives"]
        for root in extra:
            for loc, (d, path) in self.walk(root).items():
                if d < 0 and loc.escaped is None and loc is not root:
                    loc.escaped = ("heap", path + root.escaped[1])

    def walk(self, root: Loc) -> dict[Loc, tuple[int, list[Step]]]:
        best: dict[Loc, tuple[int, list[Step]]] = {root: (0, [])}
        todo = [root]
        while todo:
            loc = todo.pop()
            d, path = best[loc]
            if d < 0:
                d = 0
            for src, k, why, node in loc.edges:
                nd = d + k
                old = best.get(src)
                if old is None or nd < old[0]:
                    best[src] = (nd, [Step(why, node)] + path)
                    todo.append(src)
        return best

    def summarize(self, params, names, variadic, iface_params, ptr_recv) -> Summary:
        verdicts: list[Verdict] = []
        inline_moved: list[tuple[str, str]] = []
        heap_sites = result_sites = 0
        frame = 0
        returns_local = False
        fname = self.key
        for loc in self.locs:
            too_big = loc.kind in ("var", "param", "result") and loc.size is not None and loc.size > MAX_STACK_VAR
            if loc.kind == "site":
                too_big = loc.const_size is not None and loc.const_size > MAX_IMPLICIT_STACK_VAR
            if loc.escaped is None and not too_big:
                if loc.kind in ("var",) and loc.size:
                    frame += loc.size
                elif loc.kind == "site" and loc.const_size and loc.const_size > 0:
                    frame += loc.const_size
                continue
            how, path = loc.escaped if loc.escaped is not None else ("big", [])
            if too_big and loc.escaped is None:
                path = [Step("too large for the stack", loc.node)]
            if how == "out":
                returns_local = True
            # what happens inside a closure is decided with the closure, wherever the function is inlined
            in_closure = loc.owner != id(None)
            if loc.kind == "site":
                if in_closure:
                    pass
                elif how == "out" and loc.site_kind != "inlined":
                    result_sites += 1
                elif how != "out":
                    heap_sites += 1
                if not loc.report:
                    continue
                if loc.site_kind == "make" and loc.const_size == -1 and how == "big":
                    continue
                verdicts.append(Verdict("site", loc.desc, loc.node, self.f, fname, _reason(how, path, self.f), path,
                                        loc.site_kind))
            elif loc.kind in ("var", "param", "result"):
                if not in_closure:
                    inline_moved.append((loc.name, "result" if how == "out" else "heap"))
                verdicts.append(Verdict("moved", loc.name, loc.node, self.f, fname, _reason(how, path, self.f, True), path))
        out_params: list[tuple[int | None, int | None]] = []
        for p in params:
            if p is None:
                out_params.append((None, None))
                continue
            h = self.reach_heap.get(p)
            r = self.reach_out.get(p)
            hd = max(h[0], 0) if h is not None else None
            rd = max(r[0], 0) if r is not None else None
            if p.escaped is not None:
                hd = 0
            out_params.append((hd, rd))
        inline = None
        if not self.not_inlinable and not self.recursive and self.cost <= INLINE_BUDGET:
            inline = self.cost
        if _has_pragma(self.fn, self.f, "//go:noinline"):
            inline = None
        return Summary(self.key, self.fn, self.f, out_params, names, variadic, iface_params, ptr_recv, returns_local,
                       inline, result_sites, heap_sites, frame, self.recursive, verdicts, inline_moved)


# ---------------------------------------------------------------------------- helpers


def _reason(how: str, path: list[Step], f: SourceFile, moved: bool = False) -> str:
    if how == "big":
        return "too large for the stack"
    if how == "outlives" and path:
        return f"{path[0].why} (line {path[0].node.start_point[0] + 1})" if path[0].node is not None else path[0].why
    last = path[-1] if path else None
    if last is None:
        return "its value outlives the function"
    line = f" at line {last.node.start_point[0] + 1}" if last.node is not None else ""
    why = last.why
    if how == "out" and why in ("returned", "assigned"):
        why = "its address is returned" if moved else "returned"
    captured = next((s for s in path if "captured" in s.why), None)
    if moved and captured is not None:
        return f"captured by reference by a closure that is {why.removeprefix('its address is ')}{line}"
    return f"{why}{line}"


_TABLE_FACTS: dict[tuple[str, bool], tuple] = {}


def _table_facts(facts: dict, key: str, is_method: bool) -> tuple:
    """A standard-library table entry as apply_facts reads it (normalised once per process)."""
    cached = _TABLE_FACTS.get((key, is_method))
    if cached is None or cached[0] is not facts:
        pkgname = _package_name(key, is_method)
        cached = (facts, ([tuple(p) for p in facts["params"]], facts["variadic"], set(facts["iface"]), facts["ptr_recv"],
                          facts["inline"], facts["sites"], is_method,
                          [(n if "." in n else f"{pkgname}.{n}", k) for n, k in facts.get("moved", ())]))
        _TABLE_FACTS[(key, is_method)] = cached
    return cached[1]


def _op(n: Node) -> str:
    """The operator token of a unary, binary or assignment node (its type is its text)."""
    o = n.child_by_field_name("operator")
    return o.type if o is not None else ""


def _has_call(n: Node | None) -> bool:
    if n is None:
        return False
    if n.type == "call_expression":
        return True
    return any(_has_call(c) for c in n.named_children)


def _safe_expr(n: Node) -> bool:
    """ir.SameSafeExpr's operands: names, field selections, dereferences, constant-free of calls."""
    n = inner(n)
    if n.type == "identifier":
        return True
    if n.type == "selector_expression":
        return _safe_expr(n.child_by_field_name("operand"))
    if n.type == "unary_expression":
        return n.child_by_field_name("operator").type == "*" and _safe_expr(n.child_by_field_name("operand"))
    if n.type == "index_expression":
        return _safe_expr(n.child_by_field_name("operand")) and not _has_call(n.child_by_field_name("index"))
    return False


def _package_name(key: str, is_method: bool) -> str:
    """The package name the compiler prefixes an inlined callee's variables with: "fmt" for
    "fmt.Sscan", "json" for "encoding/json/v2.JoinOptions"."""
    path = key.rsplit(".", 2 if is_method else 1)[0]
    parts = path.split("/")
    if len(parts) > 1 and parts[-1][:1] == "v" and parts[-1][1:].isdigit():
        return parts[-2]
    return parts[-1]


def _go_pos_node(n: Node) -> Node:
    return n


def go_position(node: Node) -> tuple[int, int]:
    """(row, byte column), 0-based, where the gc compiler places `node` (cmd/compile/internal/syntax)."""
    anchor = go_anchor(node)
    return anchor.start_point[0], anchor.start_point[1]


def go_anchor(node: Node) -> Node:
    """The token the gc compiler positions `node` at: "(" of a call, "." of a selector, "[" of an
    index, the operator of a binary expression, "{" of a composite literal, else its first token."""
    n = inner(node) if node.type == "parenthesized_expression" else node
    t = n.type
    anchor = n
    if t == "call_expression":
        anchor = n.child_by_field_name("arguments") or n
    elif t in ("selector_expression", "type_assertion_expression"):
        anchor = next((c for c in n.children if c.type == "."), n)
    elif t in ("index_expression", "slice_expression"):
        anchor = next((c for c in n.children if c.type == "["), n)
    elif t == "binary_expression":
        anchor = n.child_by_field_name("operator") or n
    elif t == "composite_literal":
        anchor = n.child_by_field_name("body") or n
    elif t == "type_conversion_expression":
        anchor = next((c for c in n.children if c.type == "("), n)
    return anchor


def _has_pragma(fn: Node, f: SourceFile, pragma: str) -> bool:
    prev = fn.prev_sibling
    pragma_bytes = pragma.encode()
    while prev is not None and prev.type == "comment":
        if f.source.startswith(pragma_bytes, prev.start_byte):
            return True
        prev = prev.prev_sibling
    return False


def _fields(struct: Node) -> list[Node]:
    lst = next((c for c in inner(struct).named_children if c.type == "field_declaration_list"), None)
    return [c for c in lst.named_children if c.type == "field_declaration"] if lst else []


def _kind_elsewhere(fa: "_FuncAnalysis", decl) -> tuple[str | None, None]:
    t = inner(decl.type_node)
    kinds = {"struct_type": "struct", "interface_type": "interface", "slice_type": "slice", "map_type": "map",
             "array_type": "array", "pointer_type": "pointer", "function_type": "func", "channel_type": "chan"}
    if t.type in kinds:
        return kinds[t.type], None
    if t.type in ("type_identifier",):
        name = decl.file.text(t)
        if name in BASIC_KINDS:
            return BASIC_KINDS[name], None
    return None, None


@lru_cache(maxsize=1)
def _stdlib_ifaces() -> frozenset[str]:
    return frozenset(_stdlib_data().get("interfaces", ())) | _IFACES


_IFACES = frozenset({"io.Reader", "io.Writer", "io.ReadWriter", "io.Closer", "io.ReadCloser", "io.WriteCloser",
                      "io.ReaderAt", "io.WriterTo", "io.ReaderFrom", "io.ByteReader", "io.ByteWriter", "io.RuneReader",
                      "io.Seeker", "io.ReadSeeker", "io.StringWriter", "fmt.Stringer", "fmt.State", "fmt.Formatter",
                      "sort.Interface", "sync.Locker", "context.Context", "error", "reflect.Type", "hash.Hash",
                      "hash.Hash32", "hash.Hash64", "net.Conn", "net.Listener", "net.Addr", "io/fs.FS", "io/fs.FileInfo",
                      "io/fs.File", "os.FileInfo", "os.Signal", "encoding.BinaryMarshaler", "cipher.Block", "crypto/cipher.Block",
                      "crypto/cipher.Stream", "crypto/cipher.AEAD", "crypto.Signer", "crypto.PublicKey", "crypto.PrivateKey",
                      "image.Image", "image/color.Color", "image/color.Model", "go/ast.Node", "go/ast.Expr", "go/ast.Stmt",
                      "go/ast.Decl", "go/ast.Spec", "go/types.Type", "go/types.Object", "net/http.Handler",
                      "net/http.ResponseWriter", "encoding/json.Marshaler", "text/template/parse.Node"})
