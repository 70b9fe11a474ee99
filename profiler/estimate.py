"""Static trace producer: `goperf profile estimate FILE[:FUNC] [--param n=1000 ...]`.

Synthesizes a Trace from source alone by walking the syntax tree of the chosen
function(s) as an abstract interpreter that tracks lengths, not values:

- allocation sites and their heap/stack verdict come from the analyzer's escape pass
  (`analyzer/passes/funcs.py`); sizes from Go type layouts (`analyzer/passes/types.py`);
- slices, strings.Builder and bytes.Buffer carry (len, cap) so append growth follows the
  runtime's growth rule (`analyzer/costs.py`); maps follow the Go 1.24+ swiss-table
  layout (small group, then tables that double up to 1024 slots, 7/8 load);
- loop trip counts are named parameters: `for ... range items` needs `items`
  (the length of `items`), `for i := 0; i < n; i++` needs `n`. Lengths known from the
  code (make, literals, package-level initialisers, arguments passed down the call
  graph) are used first; a `--param NAME=N` overrides; anything else takes
  `DEFAULT_LEN` and is listed in the trace's meta under `assumed`;
- the package's call graph: calls to functions of the package are followed (ENTER/EXIT
  with the funcs pass' frame estimate unless the callee is inlinable), recursion is cut
  at `depth` (a parameter, default 32);
- standard-library calls cost what `STDLIB` says (a small table measured with Go 1.27);
  calls it does not know are counted in meta `unmodelled` and cost nothing.

For a benchmark (`func BenchmarkX(b *testing.B)`), the setup before the `b.Loop()` /
`b.N` loop runs "dry" (lengths tracked, nothing emitted) and the loop body runs `ops`
times (`--param ops=N`, default 1000), so figures divided by `meta.ops` are per op, as
`-benchmem` reports them. Every allocation of one op (or one top-level call) is freed
at its end, which gives the GC a live heap of about zero, as in a benchmark loop.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from goperf.analyzer.context import Package, SourceFile
from goperf.analyzer.parsing import inner
from goperf.analyzer.passes.decls import package_decls
from goperf.analyzer.passes.funcs import package_funcs
from goperf.analyzer.passes.types import Layout, sizer

from . import schema as S
from .trace import FuncTable, Trace

DEFAULT_LEN = 100        # length/trip count nobody told us
DEFAULT_STRLEN = 8       # bytes of a string whose length is unknown
DEFAULT_OPS = 1000
DEFAULT_DEPTH = 32
MAX_EVENTS = 20_000_000
STACK_TMP_BUF = 32       # runtime tmpBuf: non-escaping concat/conversion results up to 32 B use the stack
MAP_HEADER = 48          # internal/runtime/maps.Map
MAP_TABLE = 32           # internal/runtime/maps.table
MAX_TABLE_CAP = 1024
WORD = 8

# Standard-library calls: (objects, bytes) per call as a function of the interpreter's
# length view. Measured with Go 1.27.3 (-benchmem on one call) unless noted.
#   kind "string": one pointer-free allocation of the result's length (len given by `arg`)
#   kind "fixed": a list of (size, noscan) allocations
REGEXP_COMPILE = [(64, False)] * 27 + [(96, False)] * 33      # `^[A-Z]{3}-\d{4}$`: 60 allocs, ~4.9 KB
STDLIB: dict[str, tuple[str, object]] = {
    "fmt.Sprintf": ("string", "format"), "fmt.Sprint": ("string", None), "fmt.Sprintln": ("string", None),
    "fmt.Errorf": ("fixed+string", [(16, False)]),
    "errors.New": ("fixed", [(16, False)]),
    "strconv.Itoa": ("string", 3), "strconv.FormatInt": ("string", 3), "strconv.Quote": ("string", "arg0+2"),
    "strings.ToUpper": ("string", "arg0"), "strings.ToLower": ("string", "arg0"),
    "strings.Repeat": ("string", "arg0*arg1"), "strings.ReplaceAll": ("string", "arg0"),
    "strings.Replace": ("string", "arg0"), "strings.Join": ("string", "joined"),
    "strings.Split": ("slice", "parts"), "strings.Fields": ("slice", "parts"),
    "strings.TrimSpace": ("none", None), "strings.HasPrefix": ("none", None), "strings.Contains": ("none", None),
    "strings.Index": ("none", None), "strings.EqualFold": ("none", None), "strings.TrimPrefix": ("none", None),
    "strings.TrimSuffix": ("none", None), "strings.Trim": ("none", None),
    "regexp.MustCompile": ("fixed", REGEXP_COMPILE), "regexp.Compile": ("fixed", REGEXP_COMPILE),
    "sort.Strings": ("none", None), "sort.Ints": ("none", None), "slices.Sort": ("none", None),
    "sort.Slice": ("fixed", [(24, False), (56, False)]),
    "len": ("none", None), "cap": ("none", None), "copy": ("none", None), "delete": ("none", None),
    "panic": ("none", None), "min": ("none", None), "max": ("none", None), "clear": ("none", None),
    "print": ("none", None), "println": ("none", None), "close": ("none", None),
}
# Methods on values of these types cost nothing we model (or are modelled by the receiver's state).
FREE_METHODS = {"Lock", "Unlock", "RLock", "RUnlock", "Wait", "Done", "Add", "MatchString", "Match",
                "Write", "Read", "Close", "Len", "Cap", "Reset", "Loop", "ReportAllocs", "ResetTimer",
                "StopTimer", "StartTimer", "Fatalf", "Errorf", "Helper", "Bytes", "Store", "Load"}

NOSCAN_BASIC = {"bool", "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64",
                "uintptr", "float32", "float64", "complex64", "complex128", "byte", "rune"}


class EstimateError(Exception):
    pass


@dataclass
class Val:
    """What the interpreter knows about a value: a kind and lengths."""
    kind: str = "other"                  # slice | map | string | builder | buffer | other
    length: int | None = None
    cap: int = 0
    elem: Layout | None = None           # slices: element layout
    slot: int = 24                       # maps: key + elem bytes
    mstate: dict | None = None           # maps: {"small": bool, "tables": [cap...], "used": [n...], "dir": n}
    stackbuf: bool = False               # slice may start in the compiler's 32-B stack buffer
    fields: dict | None = None           # structs/pointers: field name -> Val
    tname: str | None = None             # package type name, for method calls
    onstack: bool = False                # backing store is still the compiler's stack buffer


@dataclass
class FuncInfo:
    key: str
    name: str
    node: object
    file: SourceFile
    frame: int
    nosplit: bool
    inlined: bool


@dataclass
class Estimate:
    trace: Trace
    ops: int
    assumed: dict[str, int] = field(default_factory=dict)
    unmodelled: dict[str, int] = field(default_factory=dict)


def module_path(folder: Path) -> str:
    """Import path of the package in `folder` from the nearest go.mod (or the folder name)."""
    d = folder.resolve()
    rel = []
    while True:
        gm = d / "go.mod"
        if gm.exists():
            m = re.search(r"^module\s+(\S+)", gm.read_text(), re.M)
            if m:
                return "/".join([m.group(1), *reversed(rel)])
            break
        if d.parent == d:
            break
        rel.append(d.name)
        d = d.parent
    return folder.resolve().name


def load_package(folder: Path, sources: dict[str, bytes] | None = None) -> Package:
    if sources is None:
        sources = {str(p): p.read_bytes() for p in sorted(folder.glob("*.go"))}
    return Package([SourceFile.parse(p, s) for p, s in sources.items()])


class _Return(Exception):
    def __init__(self, val: Val | None):
        self.val = val


class Interp:
    def __init__(self, pkg: Package, import_path: str, params: dict[str, int] | None = None):
        self.pkg = pkg
        self.decls = package_decls(pkg)
        self.funcs = package_funcs(pkg)
        self.sizer = sizer(pkg)
        self.import_path = import_path
        self.params = dict(params or {})
        self.depth_limit = int(self.params.get("depth", DEFAULT_DEPTH))
        self.assumed: dict[str, int] = {}
        self.unmodelled: dict[str, int] = {}
        self.ev: dict[str, list] = {k: [] for k in ("kind", "func", "size", "goroutine", "flags")}
        self.fids: dict[str, int] = {}
        self.finfo: list[FuncInfo] = []
        self.emit_on = True
        self.goroutine = 0
        self.n_goroutines = 1
        self.stack: list[str] = []
        self.pending_free = 0
        self.sites: dict[tuple[str, int], set[str]] = {}   # (path, start byte) -> site kinds that escape
        for path, verdicts in self.funcs.verdicts_by_file.items():
            for v in verdicts:
                if v.kind == "site":
                    self.sites.setdefault((path, v.node.start_byte), set()).add(v.site_kind)
        self.sc = _slot_table()
        self.pkg_vals: dict[str, Val] = {}

    # -- events ------------------------------------------------------------------------
    def _push(self, kind, f, size=0, flags=0):
        e = self.ev
        if len(e["kind"]) >= MAX_EVENTS:
            raise EstimateError(f"more than {MAX_EVENTS} events: lower the loop parameters")
        e["kind"].append(kind); e["func"].append(f); e["size"].append(size)  # noqa: E702
        e["goroutine"].append(self.goroutine); e["flags"].append(flags)  # noqa: E702

    def cur(self) -> int:
        return self.fid(self.stack[-1]) if self.stack else -1

    def alloc(self, size: int, noscan: bool) -> None:
        if not self.emit_on or size <= 0:
            return
        self._push(S.EV_ALLOC, self.cur(), int(size), S.F_NOSCAN if noscan else 0)
        if not (noscan and size < 16):
            self.pending_free += self.slot(size, noscan)

    def slot(self, size: int, noscan: bool) -> int:
        if not noscan and 512 < size <= 32760:
            size += 8
        if size > 32760:
            return -(-size // 8192) * 8192
        return int(self.sc[(size + 7) >> 3]) if size <= 1024 else int(self.sc_big[(size - 1024 + 127) >> 7])

    def free_all(self) -> None:
        if self.emit_on and self.pending_free:
            self._push(S.EV_FREE, -1, self.pending_free)
        self.pending_free = 0

    def fid(self, key: str) -> int:
        if key not in self.fids:
            found = self.decls.funcs.get(key)
            summ = self.funcs.by_key.get(key)
            node, f = found if found else (None, None)
            frame = _frame(summ)
            calls = node is not None and _has_calls(node)
            nosplit = frame < 128 and not calls
            inlined = summ is not None and summ.inline_cost is not None
            self.fids[key] = len(self.finfo)
            self.finfo.append(FuncInfo(key, self.qualified(key), node, f, frame, nosplit, inlined))
        return self.fids[key]

    def qualified(self, key: str) -> str:
        if "." in key:
            recv, name = key.split(".", 1)
            found = self.decls.funcs.get(key)
            ptr = False
            if found:
                r = found[0].child_by_field_name("receiver")
                ptr = r is not None and "*" in found[1].text(r)
            return f"{self.import_path}.({'*' if ptr else ''}{recv}).{name}"
        return f"{self.import_path}.{key}"

    # -- parameters ----------------------------------------------------------------------
    def param(self, name: str, default: int = DEFAULT_LEN) -> int:
        for cand in (name, name.rsplit(".", 1)[-1]):
            if cand in self.params:
                return int(self.params[cand])
        self.assumed.setdefault(name, default)
        return default

    # -- functions -----------------------------------------------------------------------
    def call_func(self, key: str, env_args: dict[str, Val], recv: tuple[str, Val] | None = None) -> Val | None:
        found = self.decls.funcs.get(key)
        if found is None:
            return None
        if self.stack.count(key) >= self.depth_limit:
            return None
        node, f = found
        i = self.fid(key)
        info = self.finfo[i]
        framed = not info.inlined
        if framed:
            self._push(S.EV_ENTER, i) if self.emit_on else None
        self.stack.append(key)
        env: dict[str, Val] = dict(env_args)
        if recv is not None:
            env[recv[0]] = recv[1]
        ret = None
        try:
            body = node.child_by_field_name("body")
            if body is not None:
                self.block(body, env, f)
        except _Return as r:
            ret = r.val
        finally:
            self.stack.pop()
            if framed and self.emit_on:
                self._push(S.EV_EXIT, i)
        return ret

    def bind_args(self, key: str, args: list, env: dict, f: SourceFile) -> tuple[dict[str, Val], tuple | None]:
        node, cf = self.decls.funcs[key]
        out: dict[str, Val] = {}
        plist = node.child_by_field_name("parameters")
        k = 0
        for decl in plist.named_children if plist is not None else []:
            if decl.type not in ("parameter_declaration", "variadic_parameter_declaration"):
                continue
            t = decl.child_by_field_name("type")
            for ident in decl.children_by_field_name("name") or [None]:
                a = args[k] if k < len(args) else None
                k += 1
                if ident is None:
                    continue
                v = self.expr_value(a, env, f) if a is not None else None
                if v is None or (v.kind == "other" and t is not None):
                    v = self.val_of_type(t, cf) if t is not None else Val()
                out[cf.text(ident)] = _copy(v)
        return out, None

    # -- statements ----------------------------------------------------------------------
    def block(self, node, env: dict, f: SourceFile) -> None:
        for s in node.named_children:
            self.stmt(s, env, f)

    def stmt(self, s, env: dict, f: SourceFile) -> None:
        t = s.type
        if t in ("block", "statement_list"):
            self.block(s, env, f)
        elif t == "expression_statement":
            self.expr(s.named_children[0], env, f)
        elif t == "short_var_declaration":
            left, right = s.child_by_field_name("left"), s.child_by_field_name("right")
            vals = [self.expr(r, env, f) for r in right.named_children]
            for i, ident in enumerate(left.named_children):
                v = vals[i] if i < len(vals) and len(vals) == len(left.named_children) else None
                env[f.text(ident)] = v if v is not None else Val()
        elif t == "var_declaration":
            for spec in _specs(s):
                tn, value = spec.child_by_field_name("type"), spec.child_by_field_name("value")
                names = spec.children_by_field_name("name")
                vals = [self.expr(v, env, f) for v in value.named_children] if value is not None else []
                for i, ident in enumerate(names):
                    v = vals[i] if i < len(vals) else None
                    if v is None:
                        v = self.val_of_type(tn, f) if tn is not None else Val()
                        if v.kind == "slice":
                            v.length, v.stackbuf = 0, not _passed_to_call(s, f.text(ident), f)
                    env[f.text(ident)] = v
        elif t == "assignment_statement":
            self.assignment(s, env, f)
        elif t == "inc_statement" or t == "dec_statement":
            pass
        elif t == "return_statement":
            vals = [self.expr(c, env, f) for c in (s.named_children[0].named_children if s.named_children else [])]
            for v in vals:
                if v is not None and v.onstack and v.length:      # runtime.moveSlice at the escape
                    from goperf.analyzer.costs import roundupsize
                    el = v.elem or Layout(WORD, WORD)
                    mem = roundupsize(v.length * el.size, el.has_pointers)
                    if el.has_pointers:
                        mem = mem // el.size * el.size
                    self.alloc(mem, not el.has_pointers)
                    v.onstack = False
            raise _Return(vals[0] if vals else None)
        elif t == "if_statement":
            init = s.child_by_field_name("initializer")
            if init is not None:
                self.stmt(init, env, f)
            self.expr(s.child_by_field_name("condition"), env, f)
            cond = f.text(s.child_by_field_name("condition"))
            p = self.params.get(f"if:{cond}", 0.0 if re.search(r"\berr\b\s*!=\s*nil", cond) else 1.0)
            self.acc = getattr(self, "acc", {})
            key = (f.path, s.start_byte)
            a = self.acc.get(key, 0.0) + float(p)
            take = a >= 1.0
            self.acc[key] = a - 1.0 if take else a
            if take:
                self.stmt(s.child_by_field_name("consequence"), env, f)
            elif s.child_by_field_name("alternative") is not None:
                self.stmt(s.child_by_field_name("alternative"), env, f)
        elif t == "for_statement":
            self.for_stmt(s, env, f)
        elif t in ("expression_switch_statement", "type_switch_statement"):
            cases = [c for c in s.named_children if c.type in ("expression_case", "default_case", "type_case")]
            if cases:
                for c in cases[0].named_children:
                    if c.type not in ("expression_list",) and c.start_byte >= cases[0].start_byte:
                        if c.type.endswith("statement") or c.type in ("block",):
                            self.stmt(c, env, f)
        elif t == "defer_statement":
            call = s.named_children[0] if s.named_children else None
            if call is not None and call.type == "call_expression":
                args = call.child_by_field_name("arguments")
                for a in args.named_children if args is not None else []:
                    self.expr(a, env, f)
        elif t == "go_statement":
            self.go_stmt(s, env, f)
        elif t == "labeled_statement":
            for c in s.named_children[1:]:
                self.stmt(c, env, f)
        # send, goto, break, continue, fallthrough, empty: nothing to allocate

    def go_stmt(self, s, env, f) -> None:
        call = s.named_children[0] if s.named_children else None
        saved = self.goroutine
        g = self.n_goroutines
        self.n_goroutines += 1
        if self.emit_on:
            self._push(S.EV_GO_START, -1)
        self.goroutine = g
        # the goroutine closure/args are allocated by the creator in reality; we attribute all to the callee
        try:
            if call is not None:
                self.expr(call, env, f)
        finally:
            if self.emit_on:
                self._push(S.EV_GO_END, -1)
            self.goroutine = saved

    def assignment(self, s, env, f) -> None:
        op = f.text(s.child_by_field_name("operator"))
        left, right = s.child_by_field_name("left"), s.child_by_field_name("right")
        lhs = left.named_children
        rhs = right.named_children
        if op == "+=" and len(lhs) == 1:
            cur = self.value(lhs[0], env, f)
            if cur is not None and cur.kind == "string" or self.is_string(lhs[0], env, f):
                add = self.str_len(rhs[0], env, f)
                # concatstrings of the old value and the operands (a nested `a + b` folds into it)
                self.expr_children(rhs[0], env, f, skip_concat=True)
                base = cur.length if cur is not None and cur.length is not None else 0
                n = base + add
                self.alloc(n, True)
                env[f.text(lhs[0])] = Val("string", n)
                return
        vals = [self.expr(r, env, f) for r in rhs]
        for i, target in enumerate(lhs):
            v = vals[i] if i < len(vals) and len(vals) == len(lhs) else None
            tgt = inner(target)
            if tgt.type == "index_expression":
                base = self.value(tgt.child_by_field_name("operand"), env, f)
                self.expr(tgt.child_by_field_name("index"), env, f)
                if base is not None and base.kind == "map":
                    self.map_insert(base)
                continue
            if tgt.type == "selector_expression" and v is not None and op == "=":
                base = self.value(tgt.child_by_field_name("operand"), env, f)
                if base is not None:
                    if base.fields is None:
                        base.fields = {}
                    base.fields[f.text(tgt.child_by_field_name("field"))] = v
            elif tgt.type == "identifier" and v is not None and op == "=":
                env[f.text(tgt)] = v

    def for_stmt(self, s, env, f) -> None:
        body = s.child_by_field_name("body")
        clause = next((c for c in s.named_children if c.type in ("range_clause", "for_clause")), None)
        cond = next((c for c in s.named_children if c is not body and c is not clause), None)
        bench = False
        if clause is None and cond is not None and re.fullmatch(r"\w+\.Loop\(\)", f.text(cond)):
            bench, n = True, self.ops
        elif clause is not None and clause.type == "for_clause" and re.search(r"<\s*\w+\.N$", f.text(
                clause.child_by_field_name("condition") or clause)):
            bench, n = True, self.ops
            self.stmt(clause.child_by_field_name("initializer"), env, f) if clause.child_by_field_name(
                "initializer") else None
        elif clause is not None and clause.type == "range_clause":
            right = clause.child_by_field_name("right")
            self.expr(right, env, f)
            n = self.length(right, env, f)
            left = clause.child_by_field_name("left")
            if left is not None:
                rv = self.value(right, env, f)
                names = [f.text(x) for x in left.named_children]
                for j, name in enumerate(names):
                    if j == 1 and rv is not None and rv.kind == "slice" and rv.elem is not None:
                        env[name] = Val("other")
                    elif j == 0 and rv is not None and rv.kind == "map":
                        env[name] = Val("string", DEFAULT_STRLEN)
                    else:
                        env[name] = Val("other")
        elif clause is not None:
            init = clause.child_by_field_name("initializer")
            if init is not None:
                self.stmt(init, env, f)
            n = self.counter_trips(clause, env, f)
        elif cond is not None:
            n = self.param(f"for:{f.text(cond)}")
        else:
            n = self.param("for:{}", 1)
        if body is None:
            return
        if bench:
            was = self.emit_on
            self.free_all()
            self.emit_on = True
            self.in_bench = True
            # Run the op until two consecutive ops emit identical events, then repeat that op's
            # events for the remaining ones (state carried across ops, e.g. a slice that keeps
            # growing, makes them differ and everything is interpreted).
            done, prev = 0, None
            while done < n:
                start = len(self.ev["kind"])
                self.block(body, env, f)
                self.free_all()
                done += 1
                cur = {k: v[start:] for k, v in self.ev.items()}
                if prev is not None and cur == prev and done < n:
                    reps = n - done
                    if len(self.ev["kind"]) + reps * len(cur["kind"]) > MAX_EVENTS:
                        raise EstimateError(f"more than {MAX_EVENTS} events: lower ops or the loop parameters")
                    for k, v in cur.items():
                        self.ev[k].extend(v * reps)
                    break
                prev = cur
            self.emit_on = was
            self.in_bench = False
            return
        for _ in range(max(int(n), 0)):
            self.block(body, env, f)

    def counter_trips(self, clause, env, f) -> int:
        cond = clause.child_by_field_name("condition")
        if cond is None:
            return self.param("for:{}", 1)
        c = inner(cond)
        if c.type == "binary_expression" and f.text(c.child_by_field_name("operator")) in ("<", "<="):
            hi = c.child_by_field_name("right")
            v = self.int_value(hi, env, f)
            init = clause.child_by_field_name("initializer")
            lo = 0
            if init is not None and init.type == "short_var_declaration":
                r = init.child_by_field_name("right")
                lo = self.int_value(r.named_children[0], env, f) if r is not None and r.named_children else 0
            upd = f.text(clause.child_by_field_name("update"))
            if upd.endswith("++") or upd.endswith("+= 1"):
                return max(v - lo + (1 if f.text(c.child_by_field_name("operator")) == "<=" else 0), 0)
            m = re.search(r"\*=\s*(\d+)$", upd)
            if m and lo > 0:
                k, x = 0, lo
                while x < v:
                    x *= int(m.group(1)); k += 1  # noqa: E702
                return k
            return self.param(f"for:{f.text(cond)}")
        return self.param(f"for:{f.text(cond)}")

    def int_value(self, node, env, f) -> int:
        if node is None:
            return 0
        n = inner(node)
        c = self.sizer.constant(n, f)
        if c is not None:
            return c
        if n.type == "call_expression" and f.text(n.child_by_field_name("function")) == "len":
            args = n.child_by_field_name("arguments")
            return self.length(args.named_children[0], env, f) if args is not None and args.named_children else 0
        if n.type == "binary_expression":
            op = f.text(n.child_by_field_name("operator"))
            if op in ("+", "-", "*", "/", "<<", ">>"):
                a = self.int_value(n.child_by_field_name("left"), env, f)
                b = self.int_value(n.child_by_field_name("right"), env, f)
                return {"+": a + b, "-": a - b, "*": a * b, "/": a // b if b else 0,
                        "<<": a << b if 0 <= b < 63 else 0, ">>": a >> b if b >= 0 else 0}[op]
        v = self.value(n, env, f)
        if v is not None and v.kind == "int" and v.length is not None:
            return v.length
        return self.param(f.text(n))

    # -- values ----------------------------------------------------------------------------
    def val_of_type(self, tn, f) -> Val:
        t = inner(tn)
        if t.type == "slice_type":
            el = self.sizer.layout(t.child_by_field_name("element"), f)
            return Val("slice", None, 0, el or Layout(WORD, WORD))
        if t.type == "map_type":
            return self._mapval(t, f)
        txt = f.text(t)
        if txt == "string":
            return Val("string", None)
        if txt in ("strings.Builder", "*strings.Builder"):
            return Val("builder", 0)
        if txt in ("bytes.Buffer", "*bytes.Buffer"):
            return Val("buffer", 0)
        if txt in NOSCAN_BASIC:
            return Val("int", None)
        return Val()

    def _mapval(self, t, f) -> Val:
        k = self.sizer.layout(t.child_by_field_name("key"), f)
        v = self.sizer.layout(t.child_by_field_name("value"), f)
        slot = _round((k.size if k else 16), (v.align if v else 8)) + (v.size if v else 8)
        return Val("map", 0, slot=slot, mstate={"small": None, "tables": [], "used": [], "dir": 0})

    def value(self, node, env, f) -> Val | None:
        """What we know about an expression without evaluating its side effects."""
        if node is None:
            return None
        n = inner(node)
        key = f.text(n)
        if key in env:
            return env[key]
        if n.type == "identifier" and key in self.decls.values:
            return self.package_value(key)
        if n.type == "selector_expression":          # s.items through a struct's fields
            base = self.value(n.child_by_field_name("operand"), env, f)
            if base is not None and base.fields is not None:
                return base.fields.get(f.text(n.child_by_field_name("field")))
            return None
        return None

    def expr_value(self, node, env, f) -> Val | None:
        """value(), plus integer constants and known ints (for binding arguments; no side effects)."""
        v = self.value(node, env, f)
        if v is not None:
            return v
        c = self.sizer.constant(inner(node), f)
        if c is not None:
            return Val("int", c)
        return None

    def package_value(self, name: str) -> Val | None:
        if name in self.pkg_vals:
            return self.pkg_vals[name]
        self.pkg_vals[name] = None
        d = self.decls.values[name]
        f = self.decls.value_files[name]
        v = None
        was = self.emit_on
        self.emit_on = False                          # package init is not part of the run
        try:
            if d.value_node is not None:
                v = self.expr(d.value_node, {}, f)
            elif d.type_node is not None:
                v = self.val_of_type(d.type_node, f)
        finally:
            self.emit_on = was
        self.pkg_vals[name] = v
        return v

    def length(self, node, env, f) -> int:
        n = inner(node)
        v = self.value(n, env, f)
        if v is not None and v.length is not None:
            return int(v.length)
        c = self.sizer.constant(n, f)
        if c is not None:
            return c
        return self.param(f.text(n))

    def str_len(self, node, env, f) -> int:
        n = inner(node)
        if n.type in ("interpreted_string_literal", "raw_string_literal"):
            return max(len(f.text(n)) - 2, 0)
        if n.type == "binary_expression" and f.text(n.child_by_field_name("operator")) == "+":
            return self.str_len(n.child_by_field_name("left"), env, f) + self.str_len(
                n.child_by_field_name("right"), env, f)
        v = self.value(n, env, f)
        if v is not None and v.kind == "string" and v.length is not None:
            return v.length
        name = f.text(n)
        for cand in (name, name.rsplit(".", 1)[-1], f"len({name})"):
            if cand in self.params:
                return int(self.params[cand])
        self.assumed.setdefault(f"len({name})", DEFAULT_STRLEN)
        return DEFAULT_STRLEN

    def is_string(self, node, env, f) -> bool:
        v = self.value(node, env, f)
        return v is not None and v.kind == "string"

    def escapes(self, node, f, kind: str) -> bool:
        return kind in self.sites.get((f.path, node.start_byte), ())

    def escapes_in(self, node, f, kind: str) -> bool:
        for (p, b), kinds in self.sites.items():
            if p == f.path and node.start_byte <= b < node.end_byte and kind in kinds:
                return True
        return False

    # -- expressions -----------------------------------------------------------------------
    def expr_children(self, n, env, f, skip_concat=False) -> None:
        for c in n.named_children:
            if skip_concat and c.type == "binary_expression":
                self.expr_children(c, env, f, True)
            else:
                self.expr(c, env, f)

    def expr(self, node, env, f) -> Val | None:
        v = self._expr(node, env, f)
        self._last = v
        return v

    def _expr(self, node, env, f) -> Val | None:
        if node is None:
            return None
        n = inner(node)
        t = n.type
        if t == "literal_element" and n.named_child_count == 1:
            return self.expr(n.named_children[0], env, f)
        if t == "call_expression":
            return self.call(n, env, f)
        if t == "composite_literal":
            return self.composite(n, env, f, amp=None)
        if t == "unary_expression" and f.text(n.child_by_field_name("operator")) == "&":
            op = inner(n.child_by_field_name("operand"))
            if op.type == "composite_literal":
                return self.composite(op, env, f, amp=n)
            return self.value(op, env, f)
        if t == "binary_expression" and f.text(n.child_by_field_name("operator")) == "+" and (
                self.is_string(n.child_by_field_name("left"), env, f) or self._string_literal_in(n, f)):
            self.expr_children(n, env, f, skip_concat=True)
            size = self.str_len(n, env, f)
            if self.escapes_in(n, f, "concat") or size > STACK_TMP_BUF:
                self.alloc(size, True)
            return Val("string", size)
        if t in ("interpreted_string_literal", "raw_string_literal"):
            return Val("string", max(len(f.text(n)) - 2, 0))
        if t == "slice_expression":
            base = self.expr(n.child_by_field_name("operand"), env, f)
            lo = self.int_value(n.child_by_field_name("start"), env, f) if n.child_by_field_name("start") else 0
            if base is None or base.kind not in ("slice", "string"):
                return None
            hi_node = n.child_by_field_name("end")
            hi = self.int_value(hi_node, env, f) if hi_node is not None else (base.length or 0)
            if base.kind == "string":
                return Val("string", max(hi - lo, 0))
            return Val("slice", max(hi - lo, 0), max(base.cap - lo, 0), base.elem)
        if t == "func_literal":
            if self.escapes(n, f, "func") or self.escapes_in(n, f, "func"):
                self.alloc(16, False)
            return Val("other")
        if t in ("identifier", "selector_expression"):
            if t == "selector_expression":
                self.expr(n.child_by_field_name("operand"), env, f)
            v = self.value(n, env, f)
            return v
        for c in n.named_children:
            self.expr(c, env, f)
        return None

    def _string_literal_in(self, n, f) -> bool:
        return any(c.type in ("interpreted_string_literal", "raw_string_literal") for c in n.named_children)

    def composite(self, n, env, f, amp) -> Val:
        tn = n.child_by_field_name("type")
        body = n.child_by_field_name("body")
        elems = [c for c in body.named_children] if body is not None else []
        evald = {}
        for c in elems:
            for x in (c.named_children if c.type == "keyed_element" else [c]):
                evald[x.start_byte] = self.expr(x, env, f)
        t = inner(tn) if tn is not None else None
        if t is not None and t.type == "map_type":
            v = self._mapval(t, f)
            if self.escapes_in(n, f, "composite") or amp is not None:
                self.alloc(MAP_HEADER, False)
            for _ in elems:
                self.map_insert(v)
            return v
        if t is not None and t.type == "slice_type":
            el = self.sizer.layout(t.child_by_field_name("element"), f) or Layout(WORD, WORD)
            v = Val("slice", len(elems), len(elems), el)
            if self.escapes_in(n, f, "composite"):
                self.alloc(len(elems) * el.size, not el.has_pointers)
            return v
        lay = self.sizer.layout(tn, f) if tn is not None else None
        fields = {}
        for c in elems:
            if c.type == "keyed_element" and c.named_child_count == 2:
                k_node, v_node = c.named_children
                fv = evald.get(v_node.start_byte)
                if fv is not None:
                    fields[f.text(k_node).strip()] = fv
        if amp is not None and (self.escapes_in(amp, f, "composite") or self.escapes_in(n, f, "composite")):
            self.alloc(lay.size if lay else 16, not (lay.has_pointers if lay else True))
        if tn is not None and f.text(tn) in ("strings.Builder",):
            return Val("builder", 0)
        if tn is not None and f.text(tn) in ("bytes.Buffer",):
            return Val("buffer", 0)
        return Val("other", fields=fields, tname=f.text(tn) if tn is not None and f.text(tn) in self.decls.types else None)

    def call(self, n, env, f) -> Val | None:
        fn = n.child_by_field_name("function")
        args_node = n.child_by_field_name("arguments")
        args = list(args_node.named_children) if args_node is not None else []
        name = f.text(fn)
        if name == "make":
            for a in args[1:]:
                self.expr(a, env, f)
            return self.make(n, args, env, f)
        if name == "new":
            lay = self.sizer.layout(args[0], f) if args else None
            if self.escapes_in(n, f, "new"):
                self.alloc(lay.size if lay else 8, not (lay.has_pointers if lay else True))
            return Val("other")
        if name == "append":
            return self.append(n, args, env, f)
        if fn.type in ("slice_type", "array_type") or name in ("string", "[]byte", "[]rune"):
            for a in args:
                self.expr(a, env, f)
            size = self.str_len(args[0], env, f) if args else 0
            if size > STACK_TMP_BUF or self.escapes_in(n, f, "conv"):
                self.alloc(size if name != "[]rune" else 4 * size, True)
            return Val("string" if name == "string" else "slice", size, size, Layout(1, 1, False))
        # arguments first, as Go evaluates them
        vals = [self.expr(a, env, f) for a in args]
        for a in args:          # boxing into interface parameters (the funcs pass knows which)
            if self.escapes(a, f, "iface") or self.escapes_in(a, f, "iface"):
                v = self.value(a, env, f)
                self.alloc(16 if (v is not None and v.kind == "string") or self.is_string(a, env, f) else 8,
                           not ((v is not None and v.kind == "string") or self.is_string(a, env, f)))
        # a package function or a method of a package type
        if fn.type == "identifier" and name in self.decls.funcs:
            bound, _ = self.bind_args(name, args, env, f)
            return self.call_func(name, bound)
        if fn.type == "selector_expression":
            recv_node = fn.child_by_field_name("operand")
            meth = f.text(fn.child_by_field_name("field"))
            rtext = f.text(recv_node)
            self.expr(recv_node, env, f) if recv_node.type == "call_expression" else None
            rv = self.value(recv_node, env, f)
            if rv is not None and rv.kind in ("builder", "buffer"):
                return self.writer_method(rv, meth, args, env, f, vals)
            key = self.method_key(recv_node, meth, env, f)
            if key is not None:
                bound, _ = self.bind_args(key, args, env, f)
                recv = rv if rv is not None else Val("other", tname=key.split(".")[0])
                return self.call_func(key, bound, (self._recv_name(key), recv))
            if name in STDLIB:
                return self.stdlib(name, args, env, f)
            if meth in FREE_METHODS:
                return Val("other")
            self.unmodelled[name] = self.unmodelled.get(name, 0) + 1
            return None
        if name in STDLIB:
            return self.stdlib(name, args, env, f)
        self.unmodelled[name] = self.unmodelled.get(name, 0) + 1
        return None

    def _recv_name(self, key: str) -> str:
        node, f = self.decls.funcs[key]
        r = node.child_by_field_name("receiver")
        for p in r.named_children if r is not None else []:
            for ident in p.children_by_field_name("name"):
                return f.text(ident)
        return "_recv"

    def method_key(self, recv_node, meth, env, f) -> str | None:
        """`x.M` where x's static type is a package type: find "T.M"."""
        rtext = f.text(recv_node)
        t = self.static_type(rtext, env, recv_node, f)
        if t and f"{t}.{meth}" in self.decls.funcs:
            return f"{t}.{meth}"
        # unique method name in the package
        cands = [k for k in self.decls.funcs if k.endswith("." + meth)]
        if len(cands) == 1 and rtext.split(".")[0] not in ("fmt", "strings", "strconv", "bytes", "sort", "regexp",
                                                              "io", "os", "sync", "errors", "b", "t"):
            return cands[0]
        return None

    def static_type(self, name, env, recv_node, f) -> str | None:
        v = self.value(recv_node, env, f)
        if v is not None and v.tname:
            return v.tname
        return getattr(self, "_types", {}).get(name)

    def stdlib(self, name, args, env, f) -> Val | None:
        kind, spec = STDLIB[name]
        if kind == "none":
            return Val("other")
        if kind in ("fixed", "fixed+string"):
            for size, noscan in spec:
                self.alloc(size, noscan)
            if kind == "fixed":
                return Val("other")
            kind, spec = "string", "format"
        if kind == "string":
            if spec == "format":
                fmt_ = f.text(args[0]).strip('"`') if args else ""
                size = len(re.sub(r"%[-+# 0-9.]*[a-zA-Z]", "", fmt_)) + DEFAULT_STRLEN * max(
                    fmt_.count("%") - 2 * fmt_.count("%%"), 0)
                size = self.params.get(f"len({name})", size)
            elif spec is None:
                size = DEFAULT_STRLEN * max(len(args), 1)
            elif spec == "arg0":
                size = self.str_len(args[0], env, f) if args else 0
            elif spec == "arg0+2":
                size = (self.str_len(args[0], env, f) if args else 0) + 2
            elif spec == "arg0*arg1":
                size = (self.str_len(args[0], env, f) if args else 0) * (self.int_value(args[1], env, f) if len(args) > 1 else 1)
            elif spec == "joined":
                v = self.value(args[0], env, f) if args else None
                n_ = v.length if v is not None and v.length is not None else self.param(f.text(args[0]))
                size = n_ * DEFAULT_STRLEN + max(n_ - 1, 0) * (self.str_len(args[1], env, f) if len(args) > 1 else 0)
            else:
                size = int(spec)
                size = int(self.params.get(f"len({name})", size))
            self.alloc(size, True)
            return Val("string", size)
        if kind == "slice":
            parts = self.param(f"parts({name})", 4)
            self.alloc(parts * 16, False)
            return Val("slice", parts, parts, Layout(16, 8, True))
        return None

    def writer_method(self, v: Val, meth: str, args, env, f, vals=()) -> Val | None:
        if meth in ("WriteString", "Write"):
            k = vals[0].length if vals and vals[0] is not None and vals[0].length is not None else (
                self.str_len(args[0], env, f) if args else 0)
        elif meth == "WriteByte":
            k = 1
        elif meth == "WriteRune":
            k = 4
        elif meth == "Grow":
            k = self.int_value(args[0], env, f) if args else 0
            if v.length + k > v.cap:
                self._grow_writer(v, k, exact=True)
            return Val("other")
        elif meth == "String":
            if v.kind == "buffer":
                self.alloc(v.length, True)
            return Val("string", v.length)
        elif meth == "Reset":
            v.length = 0
            return Val("other")
        else:
            return Val("other")
        if k > 0 and v.length + k > v.cap:
            self._grow_writer(v, k)
        v.length += k
        return Val("other")

    def _grow_writer(self, v: Val, k: int, exact: bool = False) -> None:
        from goperf.analyzer.costs import SMALL_BUFFER, _next_cap, roundupsize
        if v.kind == "buffer":
            if v.cap == 0 and k <= SMALL_BUFFER:
                cap = SMALL_BUFFER
            else:
                cap = roundupsize(max(v.length + k, 2 * v.cap) if not exact else v.length + k, False)
        else:
            cap = roundupsize(_next_cap(v.length + k, v.cap) if not exact else max(v.length + k, 2 * v.cap), False)
        self.alloc(cap, True)
        v.cap = cap

    def make(self, n, args, env, f) -> Val:
        t = inner(args[0]) if args else None
        if t is None:
            return Val()
        if t.type == "map_type":
            v = self._mapval(t, f)
            hint = self.int_value(args[1], env, f) if len(args) > 1 else 0
            if self.escapes_in(n, f, "make"):
                self.alloc(MAP_HEADER, False)
            if hint > 8:
                self.map_presize(v, hint)
            return v
        if t.type == "slice_type":
            el = self.sizer.layout(t.child_by_field_name("element"), f) or Layout(WORD, WORD)
            ln = self.int_value(args[1], env, f) if len(args) > 1 else 0
            cap = self.int_value(args[2], env, f) if len(args) > 2 else ln
            size = cap * el.size
            const = all(self.sizer.constant(a, f) is not None for a in args[1:])
            heap = self.escapes_in(n, f, "make") or size > 64 * 1024 or (not const and size > STACK_TMP_BUF)
            if heap:
                self.alloc(size, not el.has_pointers)
            return Val("slice", ln, cap, el)
        if t.type == "channel_type":
            self.alloc(96, False)
        return Val()

    def append(self, n, args, env, f) -> Val | None:
        if not args:
            return None
        base = self.value(args[0], env, f)
        add = 0
        for a in args[1:]:
            if a.type == "variadic_argument":
                x = a.named_children[0]
                xv = self.expr(x, env, f) or self.value(x, env, f)
                add += xv.length if xv is not None and xv.length is not None else self.str_len(x, env, f)
            else:
                self.expr(a, env, f)
                add += 1
        if base is None or base.kind != "slice":
            base = Val("slice", 0, 0, Layout(WORD, WORD))
        if base.length is None:
            base.length = self.param(f.text(args[0]))
            base.cap = base.length
        el = base.elem or Layout(WORD, WORD)
        newlen = base.length + add
        if newlen > base.cap:
            from goperf.analyzer.costs import _next_cap, roundupsize
            noscan = not el.has_pointers
            if base.stackbuf and base.cap == 0 and el.size and STACK_TMP_BUF // el.size >= newlen:
                base.cap = STACK_TMP_BUF // el.size   # the compiler's stack buffer
                base.stackbuf = False
                base.onstack = True
            if newlen > base.cap:
                base.stackbuf = base.onstack = False
                cap = roundupsize(_next_cap(newlen, base.cap) * el.size, not noscan) // max(el.size, 1)
                self.alloc(cap * el.size, noscan)
                base.cap = cap
        base.length = newlen
        return base

    # -- maps (Go 1.24+ swiss tables) ---------------------------------------------------------
    def _groups(self, v: Val, cap: int) -> None:
        self.alloc((cap // 8) * (8 + 8 * v.slot), False)

    def _new_table(self, v: Val, cap: int) -> None:
        self.alloc(MAP_TABLE, False)
        self._groups(v, cap)

    def map_presize(self, v: Val, hint: int) -> None:
        target = hint * 8 // 7
        dirs = _pow2((target + MAX_TABLE_CAP - 1) // MAX_TABLE_CAP)
        self.alloc(dirs * WORD, False)
        cap = max(_pow2(target // dirs), 8)
        ms = v.mstate
        ms["small"] = False
        for _ in range(dirs):
            self._new_table(v, cap)
            ms["tables"].append(cap)
            ms["used"].append(0)
        ms["dir"] = dirs

    def map_insert(self, v: Val) -> None:
        ms = v.mstate
        if ms is None:
            return
        v.length = (v.length or 0) + 1
        if ms["small"] is None:
            self._groups(v, 8)
            ms["small"] = True
            ms["count"] = 1
            return
        if ms["small"]:
            ms["count"] += 1
            if ms["count"] <= 8:
                return
            self._new_table(v, 16)
            self.alloc(WORD, False)
            ms.update(small=False, tables=[16], used=[ms["count"]], dir=1)
            return
        # insert into the least-loaded table (hash spreads keys evenly)
        i = min(range(len(ms["tables"])), key=lambda j: ms["used"][j] / ms["tables"][j])
        cap = ms["tables"][i]
        if ms["used"][i] + 1 > cap * 7 // 8:
            if cap * 2 <= MAX_TABLE_CAP:
                self._new_table(v, cap * 2)
                ms["tables"][i] = cap * 2
            else:                                     # split into two tables of the same capacity
                self._new_table(v, cap)
                self._new_table(v, cap)
                half = ms["used"][i] // 2
                ms["used"][i] = half
                ms["tables"].append(cap)
                ms["used"].append(ms["used"][i])
                if len(ms["tables"]) > ms["dir"]:
                    ms["dir"] *= 2
                    self.alloc(ms["dir"] * WORD, False)
                i = min(range(len(ms["tables"])), key=lambda j: ms["used"][j] / ms["tables"][j])
        ms["used"][i] += 1


# ------------------------------------------------------------------------------- helpers


def _copy(v: Val) -> Val:
    return v   # slices/maps/builders share state with the caller (reference semantics)


def _passed_to_call(decl, name: str, f: SourceFile) -> bool:
    """Whether `name` is an argument of a call (other than append's first) in the enclosing function:
    the compiler's 32-byte stack buffer for `var s []T` is used only for slices that leave by return."""
    fn = decl
    while fn.parent is not None and fn.type not in ("function_declaration", "method_declaration", "func_literal"):
        fn = fn.parent
    stack = [fn]
    while stack:
        n = stack.pop()
        if n.type == "call_expression":
            callee = f.text(n.child_by_field_name("function"))
            args = n.child_by_field_name("arguments")
            for i, a in enumerate(args.named_children if args is not None else []):
                if f.text(inner(a)) == name and not (callee == "append" and i == 0):
                    return True
        stack.extend(n.named_children)
    return False


def _pow2(n: int) -> int:
    p = 1
    while p < n:
        p *= 2
    return p


def _round(n: int, a: int) -> int:
    return (n + a - 1) // a * a


def _frame(summ) -> int:
    """Frame estimate (`locals=`): the funcs pass' stack-resident locals + saved BP + a spill area."""
    if summ is None:
        return 0
    return _round(summ.frame + 8 + (16 if summ.frame else 0), 8)


def _has_calls(node) -> bool:
    stack = [node.child_by_field_name("body")]
    while stack:
        n = stack.pop()
        if n is None:
            continue
        if n.type == "call_expression":
            return True
        stack.extend(n.named_children)
    return False


def _specs(decl) -> list:
    out = []
    for c in decl.named_children:
        if c.type == "var_spec":
            out.append(c)
        elif c.type == "var_spec_list":
            out.extend(x for x in c.named_children if x.type == "var_spec")
    return out


def _slot_table():
    from .sizeclasses import load
    sc = load()
    small = np.array([int(sc.class_size[sc.to_class8[i]]) for i in range(len(sc.to_class8))])
    Interp.sc_big = np.array([int(sc.class_size[sc.to_class128[i]]) for i in range(len(sc.to_class128))])
    return small


def _types_of_locals(interp: Interp) -> None:
    """Static types of variables holding package types (`s := NewStore()` → Store), by name, package-wide."""
    types: dict[str, str] = {}
    for key, (node, f) in interp.decls.funcs.items():
        for plist in (node.child_by_field_name("receiver"), node.child_by_field_name("parameters")):
            for p in plist.named_children if plist is not None else []:
                t = p.child_by_field_name("type")
                if t is None:
                    continue
                tt = f.text(t).lstrip("*")
                if tt in interp.decls.types:
                    for ident in p.children_by_field_name("name"):
                        types.setdefault(f.text(ident), tt)
        res = node.child_by_field_name("result")
        if res is not None:
            rt = f.text(res).lstrip("*")
            if rt in interp.decls.types:
                types.setdefault(f"{key}()", rt)
    # `x := F()` where F returns a package type
    for key, (node, f) in interp.decls.funcs.items():
        stack = [node]
        while stack:
            n = stack.pop()
            if n.type == "short_var_declaration":
                left, right = n.child_by_field_name("left"), n.child_by_field_name("right")
                if left is not None and right is not None and left.named_child_count == right.named_child_count:
                    for l, r in zip(left.named_children, right.named_children):
                        r = inner(r)
                        if r.type == "call_expression":
                            t = types.get(f"{f.text(r.child_by_field_name('function'))}()")
                            if t:
                                types.setdefault(f.text(l), t)
                        elif r.type == "unary_expression" and r.named_child_count:
                            lit = inner(r.named_children[-1])
                            tn = lit.child_by_field_name("type") if lit.type == "composite_literal" else None
                            if tn is not None and f.text(tn) in interp.decls.types:
                                types.setdefault(f.text(l), f.text(tn))
            stack.extend(n.named_children)
    interp._types = types


def targets(interp: Interp, path: str, func: str | None) -> list[str]:
    """Function keys to run: FUNC, or the benchmarks of a _test.go file, or every function of the file."""
    if func:
        keys = [k for k in interp.decls.funcs if k == func or k.split(".")[-1] == func]
        if not keys:
            raise EstimateError(f"no function {func} in the package of {path}")
        return keys[:1]
    ap = str(Path(path).resolve())
    mine = [k for k, (n, f) in interp.decls.funcs.items() if str(Path(f.path).resolve()) == ap]
    if path.endswith("_test.go"):
        benches = [k for k in mine if k.startswith("Benchmark")]
        if benches:
            return benches
    return [k for k in mine if not k.startswith(("Test", "Example", "Fuzz"))]


def estimate(path: str, func: str | None = None, params: dict[str, int] | None = None,
             sources: dict[str, bytes] | None = None) -> Estimate:
    """Build the static trace for FILE[:FUNC] (see the module docstring)."""
    p = Path(path)
    if not p.exists() and sources is None:
        raise EstimateError(f"{path}: no such file")
    if p.suffix != ".go":
        raise EstimateError(f"{path}: not a Go file")
    pkg = load_package(p.parent, sources)
    interp = Interp(pkg, module_path(p.parent), params)
    _types_of_locals(interp)
    interp.ops = int(interp.params.get("ops", DEFAULT_OPS))
    interp.in_bench = False
    keys = targets(interp, path, func)
    bench_seen = False
    for key in keys:
        is_bench = key.startswith("Benchmark")
        bench_seen |= is_bench
        interp.emit_on = not is_bench       # benchmark setup runs dry; the b.Loop body emits
        for _ in range(1 if is_bench else interp.ops):
            bound = {}
            node, f = interp.decls.funcs[key]
            plist = node.child_by_field_name("parameters")
            for d in plist.named_children if plist is not None else []:
                t = d.child_by_field_name("type")
                for ident in d.children_by_field_name("name"):
                    bound[f.text(ident)] = interp.val_of_type(t, f) if t is not None else Val()
            recv = None
            r = node.child_by_field_name("receiver")
            if r is not None:
                for d in r.named_children:
                    for ident in d.children_by_field_name("name"):
                        recv = (f.text(ident), Val("other"))
            # a parameter slice/map takes its length from --param NAME (or the default)
            for name, v in bound.items():
                if v.kind in ("slice", "map", "string") and v.length is None:
                    v.length = interp.param(name) if v.kind != "string" else interp.str_len_param(name)
                    v.cap = v.length if v.kind == "slice" else 0
            interp.call_func(key, bound, recv)
            interp.free_all()
        interp.emit_on = True
    ops = interp.ops
    ev = interp.ev
    names = [fi.name for fi in interp.finfo]
    pos = []
    for fi in interp.finfo:
        if fi.node is not None:
            pos.append(f"{Path(fi.file.path).name}:{fi.node.start_point[0] + 1}")
        else:
            pos.append("")
    funcs = FuncTable.make(names, pos, [fi.frame for fi in interp.finfo],
                           [1 if fi.nosplit else 0 for fi in interp.finfo])
    meta = {"producer": "static", "source": str(p), "function": func, "ops": ops,
            "params": {k: v for k, v in interp.params.items()}, "assumed": dict(interp.assumed),
            "unmodelled": dict(interp.unmodelled), "n_goroutines": interp.n_goroutines,
            "targets": [interp.qualified(k) for k in keys]}
    t = Trace.from_columns(funcs, meta, **{k: np.asarray(v) for k, v in ev.items()}) if ev["kind"] else \
        Trace.from_columns(funcs, meta, kind=np.zeros(0, np.uint8))
    return Estimate(t, ops, interp.assumed, interp.unmodelled)


def _str_len_param(self, name: str) -> int:
    for cand in (name, f"len({name})"):
        if cand in self.params:
            return int(self.params[cand])
    self.assumed.setdefault(f"len({name})", DEFAULT_STRLEN)
    return DEFAULT_STRLEN


Interp.str_len_param = _str_len_param


def parse_params(items: list[str] | None) -> dict[str, float]:
    out: dict[str, float] = {}
    for it in items or []:
        if "=" not in it:
            raise ValueError(f"--param {it!r}: expected NAME=VALUE")
        k, v = it.rsplit("=", 1)
        try:
            out[k.strip()] = int(v) if re.fullmatch(r"-?\d+", v.strip()) else float(v)
        except ValueError:
            raise ValueError(f"--param {it!r}: VALUE must be a number") from None
    return out


# ------------------------------------------------------------------------- --apply-fixes

MAX_FIX_ROUNDS = 10


def fixed_sources(folder: Path, unsafe: bool = True) -> tuple[dict[str, bytes], list[str]]:
    """The package's sources after goperf's quick fixes (as `goperf lint --fix [--unsafe-fixes]`
    applies them to the non-test files: first fix of each finding, in rounds), in memory."""
    from goperf.analyzer.config import Config
    from goperf.analyzer.driver import analyze_package
    from goperf.analyzer.fixes import apply
    from goperf.analyzer.model import Applicability
    levels = {Applicability.SAFE} | ({Applicability.UNSAFE} if unsafe else set())
    sources = {str(p): p.read_bytes() for p in sorted(folder.glob("*.go"))}
    lint = {p for p in sources if not p.endswith("_test.go")}
    applied_rules: list[str] = []
    config = Config()
    for _ in range(MAX_FIX_ROUNDS):
        pkg = Package([SourceFile.parse(p, s) for p, s in sources.items()])
        findings = analyze_package(pkg, config, lint)
        chosen = [(fd, fx) for fd in findings
                  if (fx := next((x for x in fd.fixes if x.applicability in levels), None))]
        if not chosen:
            break
        sources, applied = apply(sources, chosen)
        if not applied:
            break
        applied_rules += [f"{fd.rule} {fd.function or ''}".strip() for fd, _ in applied]
    return sources, applied_rules


def module_root(folder: Path) -> Path:
    """The folder holding go.mod above `folder` (the workspace root the editor opens), else `folder`."""
    d = folder.resolve()
    for cand in (d, *d.parents):
        if (cand / "go.mod").exists():
            return cand
    return d
