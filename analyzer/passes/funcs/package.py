"""The funcs pass: one state per package, summaries computed on demand.

A function's summary is computed the first time it is asked for — by the loop over a file's
declarations when a rule asks for that file's verdicts, or by a caller being analysed — so
callees are summarised before the callers that read their facts; a call cycle reads no facts
(the callee in progress returns None), as the compiler analyses a strongly connected
component together and syntax cannot. analyzer/incremental.py subclasses _PackageState to
track those dependencies.
"""

from __future__ import annotations

from tree_sitter import Node

from ...context import Context, Package, Pass, SourceFile
from ...parsing import captures, inner, kind_query, specs
from ..decls import PackageDecls, package_decls
from ..types import sizer
from .analysis import _FuncAnalysis
from .fields import (F_ARGUMENTS, F_BODY, F_FIELD, F_FUNCTION, F_NAME, F_OPERAND, F_PACKAGE, F_PATH, F_RESULT, F_TYPE,
                     F_VALUE)
from .model import BASIC_KINDS, INTERFACE_NAMES, TYPE_LITERAL_KINDS, PackageFuncs, Step, Summary, Verdict
from .stdlib import _stdlib_ifaces, stdlib_fields, stdlib_types
from .syntax import _op


def package_funcs(pkg: Package) -> PackageFuncs:
    """The package's summaries and verdicts, each file's computed when first asked for (its functions,
    and on the way the callees whose facts they read): linting some files of a package, or only its
    files that are not generated, analyses the others' functions only as far as those calls reach."""
    return pkg.result("funcs", _on_demand)


def _run(ctx: Context) -> PackageFuncs:
    return package_funcs(ctx.package)


FUNCS = Pass("funcs", _run)


def _analyze_package(pkg: Package) -> PackageFuncs:
    """Every function's summary and every file's verdicts, now."""
    return summarize_all(_PackageState(pkg, package_decls(pkg)))


def _on_demand(pkg: Package) -> PackageFuncs:
    return _FileByFile(_PackageState(pkg, package_decls(pkg)))


def summarize_all(state: _PackageState) -> PackageFuncs:
    """Every function's summary, then the verdicts by file (package-level initialisers included).
    analyzer/incremental.py calls it with its dependency-tracking state."""
    for key in state.decls.funcs:
        state.summary(key)
    by_file: dict[str, list[Verdict]] = {}
    for s in state.done.values():
        for v in s.verdicts:
            by_file.setdefault(v.file.path, []).append(v)
    for f in state.files:  # package-level var initialisers
        for v in state.package_level(f):
            by_file.setdefault(f.path, []).append(v)
    return PackageFuncs(state.done, by_file)


class _FileByFile(PackageFuncs):
    """PackageFuncs computed as far as the files asked for need. summarize_all summarises the
    package's functions in declaration order (callees on the way); here that sequence runs only
    up to the last function of the file asked for. Any file's share is then exactly what it is in
    summarize_all's result: in a call cycle, which function reads the others' facts depends on
    which was asked for first, so the order, not just the set, must be the same."""

    def __init__(self, state: _PackageState):
        super().__init__(state.done, {})
        self._state = state
        self._roots = list(state.decls.funcs)  # summarize_all's order
        self._next = 0  # self._roots[:self._next] are summarised
        self._upto: dict[str, int] = {}  # file path -> 1 + the position of its last function
        for i, (_, f) in enumerate(state.decls.funcs.values()):
            self._upto[f.path] = i + 1
        self._summaries_by_file = {}
        self._files = {f.path: f for f in state.files}

    def complete(self) -> None:
        for path in self._files:
            self._file(path)

    def verdicts_in(self, path: str) -> list[Verdict]:
        return self._file(path)

    def summaries_in(self, path: str) -> list[Summary]:
        self._file(path)
        return self._summaries_by_file.get(path, [])

    def _advance(self, upto: int) -> None:
        while self._next < upto:
            self._state.summary(self._roots[self._next])
            self._next += 1

    def _file(self, path: str) -> list[Verdict]:
        found = self._verdicts_by_file.get(path)
        if found is not None:
            return found
        state = self._state
        self._advance(self._upto.get(path, 0))
        summaries = list(state.done_in.get(path, ()))  # in the order computed, as by_key holds them
        verdicts = [v for s in summaries for v in s.verdicts]
        f = self._files.get(path)
        if f is not None:
            found = state.initialisers(f)
            if found[1] or found[2]:  # init code is analysed, as in summarize_all, once all functions are
                self._advance(len(self._roots))
            verdicts += state.package_level(f, found)
        self._summaries_by_file[path] = summaries
        self._verdicts_by_file[path] = verdicts
        return verdicts


class _PackageState:
    def __init__(self, pkg: Package, decls: PackageDecls):
        self.files = pkg.files  # not the package: its results hold this state (no reference cycle)
        self.decls = decls
        self.sizer = sizer(pkg)
        self.done: dict[str, Summary] = {}
        self.done_in: dict[str, list[Summary]] = {}  # file path -> its functions' summaries, in done's order
        self.in_progress: set[str] = set()
        self.imports: dict[str, dict[str, str]] = {}  # file path -> local name -> import path
        self._var_kinds: dict[str, str | None] = {}
        self._var_tnames: dict[str, str | None] = {}
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
                        path = f.text(n.child_by_field_id(F_PATH)).strip('"`')
                        name = n.child_by_field_id(F_NAME)
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
        self.done_in.setdefault(f.path, []).append(s)
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
                kind = TYPE_LITERAL_KINDS.get(t.type)
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
                callee = f.text(v.child_by_field_id(F_FUNCTION)) if v.type == "call_expression" else ""
                if callee in ("errors.New", "fmt.Errorf"):
                    kind = "interface"
                elif v.type == "unary_expression" and _op(v) == "&":
                    kind = "pointer"
                elif v.type in ("interpreted_string_literal", "raw_string_literal"):
                    kind = "string"
                elif v.type in ("int_literal", "rune_literal", "iota"):
                    kind = "int"
                elif v.type == "composite_literal" and v.child_by_field_id(F_TYPE) is not None:
                    kind = TYPE_LITERAL_KINDS.get(inner(v.child_by_field_id(F_TYPE)).type)
                elif v.type == "call_expression" and callee == "make":
                    args = v.child_by_field_id(F_ARGUMENTS)
                    if args is not None and args.named_child_count:
                        kind = TYPE_LITERAL_KINDS.get(args.named_children[0].type)
                elif v.type == "selector_expression":  # `ErrInvalid = fs.ErrInvalid`: another package's variable
                    operand = inner(v.child_by_field_id(F_OPERAND))
                    path = self.file_imports(f).get(f.text(operand)) if operand.type == "identifier" else None
                    found = stdlib_fields()["vars"].get(f"{path}.{f.text(v.child_by_field_id(F_FIELD))}") if path else None
                    kind = found[0] if found is not None else None
        self._var_kinds[name] = kind
        return kind

    def package_var_type(self, name: str) -> tuple[Node, SourceFile] | None:
        """The type node of a package-level variable declared with a type or a composite literal's
        (`var Typ = []*Basic{...}`), and its file."""
        d = self.decls.values.get(name)
        if d is None or d.kind not in ("var", "package-var"):
            return None
        f = self.decls.value_files[name]
        if d.type_node is not None:
            return d.type_node, f
        v = inner(d.value_node) if d.value_node is not None else None
        if v is not None and v.type == "composite_literal" and v.child_by_field_id(F_TYPE) is not None:
            return v.child_by_field_id(F_TYPE), f
        return None

    def package_var_tname(self, name: str) -> str | None:
        """The named type of a package-level variable (`var std = New(...)`, `var x T`, `var p = &T{}`),
        as static_type names types: "T" for the package's own, "path.T" for another package's."""
        if name in self._var_tnames:
            return self._var_tnames[name]
        self._var_tnames[name] = None
        d = self.decls.values.get(name)
        t = f = None
        if d is not None and d.kind in ("var", "package-var"):
            f = self.decls.value_files[name]
            if d.type_node is not None:
                t = d.type_node
            elif d.value_node is not None:
                v = inner(d.value_node)
                if v.type == "unary_expression" and _op(v) == "&":
                    v = inner(v.child_by_field_id(F_OPERAND))
                if v.type == "composite_literal":
                    t = v.child_by_field_id(F_TYPE)
                elif v.type == "call_expression":
                    fn = inner(v.child_by_field_id(F_FUNCTION))
                    found = self.decls.funcs.get(f.text(fn)) if fn.type == "identifier" else None
                    res = found[0].child_by_field_id(F_RESULT) if found is not None else None
                    if res is not None and res.type == "parameter_list":
                        res = res.named_children[0].child_by_field_id(F_TYPE) if res.named_child_count == 1 else None
                    if res is not None:
                        t, f = res, found[1]
        while t is not None and t.type in ("pointer_type", "parenthesized_type", "generic_type"):
            t = t.child_by_field_id(F_TYPE) if t.type == "generic_type" else t.named_children[0]
        tname = None
        if t is not None and t.type == "type_identifier" and f.text(t) in self.decls.types:
            tname = f.text(t)
        elif t is not None and t.type == "qualified_type":
            pkg, _, typ = f.text(t).partition(".")
            tname = f"{self.file_imports(f).get(pkg, pkg)}.{typ}"
        self._var_tnames[name] = tname
        return tname

    def initialisers(self, f: SourceFile) -> tuple[list[Verdict], list[tuple[Node, Node]], list[Node]]:
        """The file's package-level map literals (as verdicts), initialiser calls (spec, call) that
        leave code in init, and the func literals the variables hold (compiled as functions of their
        own, init.funcN: `var h = func() {...}`, `[]test{{f: func(l *slog.Logger) {...}}}`)."""
        out: list[Verdict] = []
        calls: list[tuple[Node, Node]] = []
        literals: list[Node] = []
        for top in f.tree.root_node.named_children:
            if top.type != "var_declaration":
                continue
            for spec in specs(top):
                value = spec.child_by_field_id(F_VALUE)
                for v in value.named_children if value is not None else []:
                    v = inner(v)
                    t = v.child_by_field_id(F_TYPE) if v.type == "composite_literal" else None
                    if t is not None and inner(t).type == "map_type":
                        body = v.child_by_field_id(F_BODY)
                        desc = f.text(t) + ("{}" if body is None or not body.named_child_count else "{...}")
                        out.append(Verdict("site", desc, body or v, f, "init",
                                           "a package-level map literal is built on the heap at init",
                                           [Step("package-level initialiser", v)], "composite"))
                    if v.type == "composite_literal":  # `var cases = []test{{f: hasAttr("a")}}`
                        nested_calls, nested_literals = _nested(v, f)
                        calls.extend((spec, c) for c in nested_calls if not self._is_conversion(c, f)
                                     and not _literal_args(c))
                        literals.extend(nested_literals)
                    elif v.type == "call_expression" and not self._is_conversion(v, f) and not _literal_args(v):
                        calls.append((spec, v))
                    elif v.type == "func_literal":
                        literals.append(v)
        return out, calls, literals

    def package_level(self, f: SourceFile,
                      found: tuple[list[Verdict], list[tuple[Node, Node]], list[Node]] | None = None) -> list[Verdict]:
        """Package-level `var x = ...` initialisers: map literals are built at init on the heap, and calls
        run in the package's init function, where what they return is stored in a package variable
        (literals and constants are laid out statically instead: no code, no verdict). `found`: what
        initialisers(f) returned, if already asked."""
        maps, calls, literals = found if found is not None else self.initialisers(f)
        out = list(maps)
        out.extend(self.type_instantiations(f))
        for lit in literals:  # what the compiler reports in init.funcN
            try:
                out.extend(_FuncAnalysis(self, lit, f, "init").run().verdicts)
            except RecursionError:
                pass
        if calls:
            try:
                out.extend(_FuncAnalysis(self, f.tree.root_node, f, "init").run_init(calls))
            except RecursionError:
                pass
        return out

    def type_instantiations(self, f: SourceFile) -> list[Verdict]:
        """The verdicts the compiler places in another package's files because this file names a type
        (sync.Map): reported once per file, at the type's first mention."""
        table = stdlib_types()
        imports = self.file_imports(f)
        # only files that mention such a type (`sync.Map`) pay for the query
        if not any(f"{local}.{key.rsplit('.', 1)[1]}".encode() in f.source for local, path in imports.items()
                   for key in _types_by_package(table).get(path, ())):
            return []
        found = captures(kind_query("qualified_type"), f.tree.root_node).get("qualified_type", [])
        out: list[Verdict] = []
        done: set[str] = set()
        for node in sorted(found, key=lambda n: n.start_byte):
            pkg, name = node.child_by_field_id(F_PACKAGE), node.child_by_field_id(F_NAME)
            if pkg is None or name is None:
                continue
            key = f"{imports.get(f.text(pkg), f.text(pkg))}.{f.text(name)}"
            entry = table.get(key)
            if entry is None or key in done:
                continue
            done.add(key)
            short = key.rsplit("/", 1)[-1]
            for rel, line, col, kind, text in entry["outside"]:
                why = f"in the code {short} needs, which the compiler builds into this package ({rel}:{line}:{col})"
                out.append(Verdict("moved" if kind == "moved" else "site", text, node, f, "init", why, [Step(why, node)],
                                   "" if kind == "moved" else "instantiated", at=(rel, line, col)))
        return out

    def _is_conversion(self, call: Node, f: SourceFile) -> bool:
        """`T(x)` with T a type: a conversion of a constant is laid out statically, with no init code."""
        fn = inner(call.child_by_field_id(F_FUNCTION))
        if fn.type not in ("identifier", "qualified_type", "selector_expression", "generic_type", "index_expression"):
            return True  # []byte(...), (*T)(...), func literals called in place are rare at package level
        name = f.text(fn)
        return name in BASIC_KINDS or name in self.decls.types


_BY_PACKAGE: list = [None, {}]  # (the table it was built from, import path -> its type keys)


def _types_by_package(table: dict) -> dict[str, list[str]]:
    if _BY_PACKAGE[0] is not table:
        out: dict[str, list[str]] = {}
        for key in table:
            out.setdefault(key.rsplit(".", 1)[0], []).append(key)
        _BY_PACKAGE[:] = [table, out]
    return _BY_PACKAGE[1]


def _literal_args(call: Node) -> bool:
    """`errors.New("x")`: the compiler initialises an inlinable call of constants statically
    (staticinit inlines it at compile time), so it leaves no code in init — and no verdict."""
    args = call.child_by_field_id(F_ARGUMENTS)
    return all(a.type in _LITERAL_ARGS for a in (args.named_children if args is not None else ()))


_LITERAL_ARGS = frozenset({"interpreted_string_literal", "raw_string_literal", "int_literal", "float_literal",
                           "rune_literal", "true", "false", "nil", "comment"})


def _nested(literal: Node, f: SourceFile) -> tuple[list[Node], list[Node]]:
    """The calls and the func literals among a composite literal's elements at any depth, outside
    calls and func literals: a call runs in the package's init function, its result stored in the
    variable's static data; a func literal is compiled as a function of its own."""
    calls: list[Node] = []
    literals: list[Node] = []
    if b"(" not in f.source[literal.start_byte:literal.end_byte]:
        return calls, literals  # a table of constants (unicode's): nothing to walk
    stack = [literal.child_by_field_id(F_BODY)]
    while stack:
        n = stack.pop()
        if n is None:
            continue
        if n.type == "call_expression":
            calls.append(n)
        elif n.type == "func_literal":
            literals.append(n)
        else:
            stack.extend(reversed(n.named_children))
    return calls, literals
