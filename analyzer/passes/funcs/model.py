"""What the funcs pass computes and the node of its flow graph.

The results (Step, Verdict, Summary, PackageFuncs) are what rules, the incremental
re-analysis and the profiler's estimator read; Loc is one location of a function's flow graph
(a variable, an allocation site, the heap or the results). The constants are the gc
compiler's own limits (cmd/compile/internal/ir and inline), named here once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tree_sitter import Node

from ...context import SourceFile

MAX_STACK_VAR = 128 * 1024  # ir.MaxStackVarSize: explicit variables larger than this are moved to the heap
MAX_IMPLICIT_STACK_VAR = 64 * 1024  # ir.MaxImplicitStackVarSize: new/&T{}/make larger than this escape
INLINE_BUDGET = 80  # inline.inlineMaxBudget
CALL_COST = 57 + 1  # inline.inlineExtraCallCost, plus the call node itself
PARAM_CALL_COST = 17 + 1  # inline.inlineParamCallCost: calling a parameter or a captured variable
# a closure called through the variable it is bound to inlines within twice the budget, or ten times
# when that is its only call (inline.inlineCostOK, inlineClosureCalledOnceCost); the enclosing
# function's cost counts the closure's cost for such a call when within twice the budget, else a call's
CLOSURE_INLINE_BUDGET = 2 * INLINE_BUDGET
CLOSURE_CALLED_ONCE_BUDGET = 10 * INLINE_BUDGET
BYREF_CAPTURE = 128  # closures capture variables larger than this by reference
# `for x := range f`: besides the body's closure (15), the compiler's rewrite costs the function about this
# much, plus this per `return` in the body (calibrated on `go build -gcflags=-m=2`: an empty loop costs 55,
# one with two returns 67)
RANGE_FUNC_COST = 40
RANGE_FUNC_RETURN_COST = 4

# a type literal's node -> its kind (pointer types are "pointer-to-array" too: see kinds.type_kind)
TYPE_LITERAL_KINDS = {"pointer_type": "pointer", "slice_type": "slice", "array_type": "array", "map_type": "map",
                      "channel_type": "chan", "function_type": "func", "interface_type": "interface",
                      "struct_type": "struct"}
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
    # a verdict the compiler places in another package's file (file relative to GOROOT/src, line, column):
    # the code of a generic callee instantiated, or of an inlined callee's closure compiled, for `node`'s call
    at: tuple[str, int, int] | None = None


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
    # variables moved to heap (name as the compiler prints it, "heap" | "result", size if known): once the
    # function is inlined, the compiler moves its copies at the call site ("result": only if the caller lets
    # the result escape; if not, the copy stays in the caller's frame)
    inline_moved: list[tuple[str, str, int | None]] = field(default_factory=list)
    # the inlining costs of the func literals the function returns (None: that one cannot inline), for
    # iterators: `return func(yield ...) {...}` (statements.inlined_iterator)
    returned_closures: tuple[int | None, ...] = ()


class PackageFuncs:
    """The summaries (by key) and verdicts (by file) of a package's functions, all of them computed.
    Rules ask for one file's share (verdicts_in, summaries_in), which package.py's on-demand variant
    computes only when asked; by_key and verdicts_by_file are everything."""

    def __init__(self, by_key: dict[str, Summary], verdicts_by_file: dict[str, list[Verdict]]):
        self._by_key = by_key
        self._verdicts_by_file = verdicts_by_file
        self._summaries_by_file: dict[str, list[Summary]] | None = None

    @property
    def by_key(self) -> dict[str, Summary]:
        self.complete()
        return self._by_key

    @property
    def verdicts_by_file(self) -> dict[str, list[Verdict]]:
        self.complete()
        return self._verdicts_by_file

    def complete(self) -> None:
        """Compute what is left to compute (nothing, here)."""

    def verdicts_in(self, path: str) -> list[Verdict]:
        return self.verdicts_by_file.get(path, [])

    def summaries_in(self, path: str) -> list[Summary]:
        """The summaries of the functions declared in one file, in the order they were computed."""
        if self._summaries_by_file is None:
            self._summaries_by_file = {}
            for s in self.by_key.values():
                self._summaries_by_file.setdefault(s.file.path, []).append(s)
        return self._summaries_by_file.get(path, [])


class BoundClosure:
    """A func literal bound once to a local variable (`read := func(...) {...}`). The compiler inlines
    calls through such a variable like calls of a small function (ir.StaticValue), so what happens in
    the body is reported at each call, and not in the body unless the variable is also used as a value."""

    __slots__ = ("site", "params", "variadic", "cost", "calls", "value_uses")

    def __init__(self, site: Loc, params: list[tuple[Loc | None, bool]], variadic: bool, cost: int | None):
        self.site = site  # the func literal's allocation site
        self.params = params  # (location, declared as an interface) per parameter
        self.variadic = variadic
        self.cost = cost  # the literal's inlining cost (None: cannot inline)
        self.calls: list[Node] = []  # the argument lists of the direct calls
        self.value_uses = 0  # uses other than a direct call (passed, stored, deferred, captured)

    def inlined(self) -> bool:
        """Whether the compiler inlines the direct calls (then none of them is compiled as a call)."""
        return self.cost is not None and bool(self.calls) and (
            self.cost <= CLOSURE_INLINE_BUDGET or (len(self.calls) == 1 and self.cost <= CLOSURE_CALLED_ONCE_BUDGET))


class Loc:
    __slots__ = ("name", "kind", "node", "edges", "tkind", "tname", "size", "depth", "byref", "reassigned",
                 "addr_taken", "captures", "site_kind", "desc", "report", "owner", "param_index", "escaped",
                 "type_node", "const_size", "inlined_from", "captured", "funclit", "rkind")

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
        self.rkind: str | None = None  # bound to a std call's result of this kind (table "results")


Flows = list  # list[tuple[Loc, int]]: the value is `derefs` applied to the location
