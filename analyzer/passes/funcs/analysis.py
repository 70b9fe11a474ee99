"""One function's analysis: scopes, locations, captures and flow edges.

The model follows cmd/compile/internal/escape: a graph of locations whose edges carry a
dereference count (-1 for `&x`, 0 for a copy, +1 for a load through a pointer). This module
holds the state of one walk — the open scopes, the enclosing closures (a variable used in a
closure it was not declared in is captured), the inlining cost so far — and the primitives
the statement, expression and call walkers (mixins in their own modules) build edges with.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tree_sitter import Node

from ...context import SourceFile
from .calls import _Calls
from .expressions import _Expressions
from .fields import F_BODY, F_PARAMETERS, F_RECEIVER, F_RESULT, F_TYPE
from .kinds import _Kinds
from .model import POINTER_SHAPED, BoundClosure, Flows, Loc, Step, Summary, Verdict
from .statements import _Statements
from .syntax import _has_pragma
from .verdicts import _Verdicts

if TYPE_CHECKING:
    from .package import _PackageState


class _FuncAnalysis(_Statements, _Expressions, _Calls, _Kinds, _Verdicts):
    """One function's escape analysis: walks its body once, building the flow graph, then solves it."""

    def __init__(self, state: _PackageState, fn: Node, f: SourceFile, key: str):
        self.st = state
        self.fn = fn
        self.f = f
        self.source = f.source  # the function's own file (self.f changes while a type of another file is read)
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
        self.returns = 0  # return statements walked (those of closures not counted)
        self.not_inlinable = False
        self.recursive = False
        self.imports = state.file_imports(f)
        self.imports_unsafe = "unsafe" in self.imports.values()
        self.names: dict[int, str] = {}  # token start byte -> text (see name())
        self.instantiated: list[tuple[list, Node, str]] = []  # (table "outside" verdicts, call, callee)
        self.closure_cost: int | None = None  # of the func literal walked last (None: cannot inline)
        self.returned_closures: list[int | None] = []  # costs of the func literals the function returns
        self.literals: dict[Loc, BoundClosure] = {}  # func literal site -> its parameters and cost
        self.bound: dict[Loc, BoundClosure] = {}  # variable bound once to a func literal -> that literal
        self.closure_params: set[Loc] = set()  # the parameters of func literals (declared as variables)
        self.inplace_literals: set[int] = set()  # ids of the func literal sites called where they stand
        self.inlined_frame = 0  # bytes the inlined callees keep on this function's stack

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
            raw = self.source[start:token.end_byte]
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


    def bind_closure(self, var: Loc, value: Flows) -> None:
        """`var := func(...) {...}`: calls through var may be inlined (see BoundClosure)."""
        for loc, _ in value:
            literal = self.literals.get(loc)
            if literal is not None:
                self.bound[var] = literal
                return

    def closure_value_use(self, var: Loc) -> None:
        """A variable bound to a func literal read other than to call it: the literal is compiled on its own."""
        literal = self.bound.get(var)
        if literal is not None:
            literal.value_uses += 1

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
        if loc.funclit:
            self.closure_value_use(loc)
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
        for src, derefs in srcs:
            if src is dst and derefs >= 0:
                continue
            dst.edges.append((src, derefs, why, node))
            if derefs < 0 and dst.kind in ("var", "param", "result") and dst.depth < src.depth and src.kind in ("var", "site") \
                    and src.escaped is None and src.site_kind not in ("append", "inlined"):
                src.escaped = ("outlives", [Step(f"its address is stored in {dst.name}, which outlives the loop", node)])

    def to_heap(self, srcs: Flows, why: str, node: Node | None) -> None:
        self.flow(self.heap, srcs, why, node)

    def site(self, kind: str, node: Node, report_node: Node, desc: str | tuple[str, Node | None, str]) -> Loc:
        """A new allocation site; its description is (prefix, node, suffix) until a verdict needs the text."""
        loc = self.new_loc(kind, "site", report_node)
        loc.site_kind = kind
        loc.desc = desc
        return loc

    def run(self) -> Summary:
        fn, f = self.fn, self.f
        params: list[Loc | None] = []
        names: list[str] = []
        variadic = False
        iface_params: set[int] = set()
        ptr_recv = False
        recv = fn.child_by_field_id(F_RECEIVER) if fn.type == "method_declaration" else None
        for plist, is_recv in ((recv, True), (fn.child_by_field_id(F_PARAMETERS), False)):
            if plist is None:
                continue
            for decl in plist.named_children:
                if decl.type not in ("parameter_declaration", "variadic_parameter_declaration"):
                    continue
                t = decl.child_by_field_id(F_TYPE)
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
        result = fn.child_by_field_id(F_RESULT)
        if result is not None:
            if result.type == "parameter_list":
                for decl in result.named_children:
                    t = decl.child_by_field_id(F_TYPE)
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
        body = fn.child_by_field_id(F_BODY)
        if body is not None:
            self.block(body)
        elif fn.type == "function_declaration":
            self.not_inlinable = True  # no body to inline
        if body is None and fn.type == "function_declaration" and not _has_pragma(fn, f, "//go:noescape"):
            # an assembly function: the compiler assumes its pointer parameters leak (escape.go paramTag)
            for loc in params:
                if loc is not None and (loc.tkind in POINTER_SHAPED or loc.tkind in ("slice", "string")
                                        or loc.tname == "unsafe.Pointer"):
                    self.to_heap([(loc, 0)], "passed to an assembly function (no body, no //go:noescape)", fn)
        self.finish_closures()
        self.solve()
        summary = self.summarize(params, names, variadic, iface_params, ptr_recv)
        self.release()
        return summary

    def run_init(self, calls: list[tuple[Node, Node]]) -> list[Verdict]:
        """The verdicts of package-level initialiser calls, as the compiler's init function: each value
        is stored in a package variable, i.e. on the heap."""
        for spec, call in calls:
            names = ", ".join(self.name(n) for n in spec.children_by_field_name("name"))
            t = spec.child_by_field_id(F_TYPE)
            value = self.convert_iface(call) if t is not None and self.is_interface_type(t) else self.ev(call)
            self.to_heap(value, f"stored in the package variable {names}", spec)
        self.finish_closures()
        self.solve()
        verdicts = self.summarize([], [], False, set(), False).verdicts
        self.release()
        return verdicts

    def release(self) -> None:
        """Drop the flow graph once solved: its cycles (`x = y; y = x`, a closure and what it captures)
        would otherwise keep it alive until the cyclic collector runs, not free it by reference counting."""
        for loc in self.locs:
            loc.edges.clear()
            loc.captures.clear()
        self.heap.edges.clear()
        self.out.edges.clear()
