"""Don't copy a value that contains a lock.

## What it does
Flags a copy of a value whose type contains a lock: `sync.Mutex`, `RWMutex`,
`WaitGroup`, `Once`, `Cond`, `Map`, `Pool`, the `sync/atomic` types (`atomic.Int64`,
`atomic.Bool`, `atomic.Pointer[T]`, ...; not `atomic.Value`), any type of the package
whose pointer has `Lock` and `Unlock` methods (a `noCopy` marker), standard-library
types holding one (`http.Server`, `http.Transport`, `log.Logger`, `strings.Replacer`,
`testing.T`/`B`), and structs or arrays containing any of these by value, recursively.
The copies flagged are the ones `go vet`'s copylocks analyzer reports: parameters and
receivers passed by value, range variables, assignments and `var` initialisations from
an existing value, `return` of an existing value, arguments of calls, and composite
literal elements. Fresh values (composite literals, call results) are not copies.
Types that syntax cannot see into (imported types outside the list, type parameters)
are not flagged.

## Why is this bad?
A lock's state is its memory: a copy of a locked mutex starts out locked, a copy of a
WaitGroup counts separately from the original, and two copies of a struct each guard
nothing the other sees. Besides the race this opens, passing a struct with a lock by
value copies every other field too, on every call.

## Example
```go
type Counter struct {
	mu sync.Mutex
	n  map[string]int
}

func (c Counter) Get(k string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[k]
}
```

Use instead:
```go
type Counter struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *Counter) Get(k string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[k]
}
```

## Fix safety
No automatic fix: the remedy (a pointer receiver or parameter, ranging by index, keeping
a pointer instead of a copy) changes signatures or aliasing, which needs a person to
decide.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from operator import attrgetter
from typing import Iterator

from tree_sitter import Node

from ...context import Context, Package
from ...model import Finding, FixAvailability, Severity
from ...parsing import (F_ARGUMENTS, F_BODY, F_FUNCTION, F_LEFT, F_NAME, F_OPERATOR, F_RIGHT, F_TYPE, F_VALUE,
                        inner, specs)
from ...passes import exprtypes
from ...passes.decls import package_decls
from ...passes.exprtypes import TypeRef
from ...passes.scopes import resolve
from ...rule import Rule
from .locks import import_names, qualified

SYNC_LOCKS = ("Mutex", "RWMutex", "WaitGroup", "Once", "Cond", "Map", "Pool")
ATOMIC_LOCKS = ("Bool", "Int32", "Int64", "Uint32", "Uint64", "Uintptr", "Pointer")
# Standard-library types that hold a lock by value (what `go vet` reports for them).
STD_HOLDERS = {
    ("net/http", "Server"): "atomic.Bool", ("net/http", "Transport"): "sync.Mutex",
    ("log", "Logger"): "sync.Mutex", ("strings", "Replacer"): "sync.Once",
    ("testing", "T"): "sync.RWMutex", ("testing", "B"): "sync.RWMutex",
}
IGNORED_BUILTINS = ("len", "cap", "new", "make")
COPIES = ("identifier", "selector_expression", "index_expression", "unary_expression")  # what of_value may accept
UNSAFE_SIZES = ("Sizeof", "Offsetof", "Alignof")


def check(ctx: Context) -> Iterator[Finding]:
    locks = LockTypes(ctx)
    if not locks.possible():
        return  # no lock type is nameable in this file: nothing can copy one
    yield from _check(ctx, locks)


def _check(ctx: Context, locks: "LockTypes") -> Iterator[Finding]:
    for fn in locks.nodes("function_declaration") + locks.nodes("method_declaration") + locks.nodes("func_literal"):
        yield from _params(ctx, locks, fn)
    for loop in locks.nodes("for_statement"):
        yield from _range(ctx, locks, loop)
    for stmt in locks.nodes("assignment_statement") + locks.nodes("short_var_declaration"):
        op = stmt.child_by_field_id(F_OPERATOR)
        if stmt.type == "assignment_statement" and ctx.text(op) != "=":
            continue
        left, right = stmt.child_by_field_id(F_LEFT), stmt.child_by_field_id(F_RIGHT)
        if left is None or right is None:
            continue
        lhs = left.named_children
        for i, value in enumerate(right.named_children):
            path = locks.of_value(value)
            if path:
                target = ctx.text(lhs[i]) if len(lhs) == right.named_child_count else ctx.text(left)
                yield ctx.finding(RULE, value, f"assignment copies lock value to {target}: {path}")
    for decl in locks.nodes("var_declaration"):
        for spec in specs(decl):
            value = spec.child_by_field_id(F_VALUE)
            names = spec.children_by_field_id(F_NAME)
            for i, v in enumerate(value.named_children if value is not None else []):
                path = locks.of_value(v)
                if path:
                    target = ctx.text(names[i]) if i < len(names) else "variable"
                    yield ctx.finding(RULE, v, f"variable declaration copies lock value to {target}: {path}")
    for ret in locks.nodes("return_statement"):
        values = ret.named_children[0] if ret.named_child_count else None
        for v in values.named_children if values is not None and values.type == "expression_list" else []:
            path = locks.of_value(v)
            if path:
                yield ctx.finding(RULE, v, f"return copies lock value: {path}")
    for call in locks.nodes("call_expression"):
        fn = call.child_by_field_id(F_FUNCTION)
        args = call.child_by_field_id(F_ARGUMENTS)
        if fn is None or args is None:
            continue
        values = [a for a in args.named_children if inner(a).type in COPIES]
        if not values or _ignored_call(ctx, fn):
            continue
        for a in values:
            path = locks.of_value(a)
            if path:
                yield ctx.finding(RULE, a, f"call of {_short(ctx.text(fn))} copies lock value: {path}")
    for lit in locks.nodes("composite_literal"):
        body = lit.child_by_field_id(F_BODY)
        for el in body.named_children if body is not None else []:
            value = el.child_by_field_id(F_VALUE) if el.type == "keyed_element" else el
            if value is None or value.type != "literal_element" or value.named_child_count != 1:
                continue
            path = locks.of_value(value.named_children[0])
            if path:
                yield ctx.finding(RULE, value, f"literal copies lock value from {ctx.text(value)}: {path}")


def _short(text: str) -> str:
    return text if len(text) <= 40 and "\n" not in text else text[:37] + "..."


def _ignored_call(ctx: Context, fn: Node) -> bool:
    """Builtins whose argument is not copied (len, cap, new, make, unsafe.Sizeof...),
    unless the name is shadowed by a local declaration."""
    fn = inner(fn)
    values = package_decls(ctx.package).values
    if fn.type == "identifier":
        name = ctx.text(fn)
        if resolve(fn, ctx.source, values) is not None or name in package_decls(ctx.package).funcs:
            return False
        if name in UNSAFE_SIZES:
            return "." in import_names(ctx.file, "unsafe")
        return name in IGNORED_BUILTINS
    if fn.type == "selector_expression":
        operand = fn.child_by_field_name("operand")
        return operand.type == "identifier" and ctx.text(operand) in import_names(ctx.file, "unsafe") and \
            resolve(operand, ctx.source, values) is None and ctx.text(fn.child_by_field_name("field")) in UNSAFE_SIZES
    return fn.type in ("parenthesized_type", "slice_type", "array_type", "map_type", "pointer_type")


def _params(ctx: Context, locks: "LockTypes", fn: Node) -> Iterator[Finding]:
    fields = ("receiver", "parameters") if fn.type == "method_declaration" else ("parameters",)
    for field in fields:
        plist = fn.child_by_field_name(field)
        if plist is None:
            continue
        for param in plist.named_children:
            if param.type != "parameter_declaration":
                continue
            t = param.child_by_field_id(F_TYPE)
            path = locks.of_type(TypeRef(t, ctx.file)) if t is not None else None
            if path:
                name = ctx.text(fn.child_by_field_id(F_NAME)) if fn.type != "func_literal" else "func"
                yield ctx.finding(RULE, param, f"{name} passes lock by value: {path}")


def _range(ctx: Context, locks: "LockTypes", loop: Node) -> Iterator[Finding]:
    clause = next((c for c in loop.named_children if c.type == "range_clause"), None)
    if clause is None:
        return
    left, right = clause.child_by_field_name("left"), clause.child_by_field_name("right")
    if left is None or right is None or left.named_child_count != 2:
        return
    value = left.named_children[1]
    if ctx.text(value) == "_":
        return
    elem = exprtypes.element(ctx.package, exprtypes.type_of(ctx.package, ctx.file, right))
    shape = exprtypes.underlying(ctx.package, exprtypes.type_of(ctx.package, ctx.file, right))
    if elem is None or shape is None or (not shape.wrap and shape.node.type == "qualified_type"):
        return
    path = locks.of_type(elem)
    if path:
        yield ctx.finding(RULE, value, f"range var {ctx.text(value)} copies lock: {path}")


class LockTypes:
    """Which types contain a lock, memoised per package type name."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.pkg: Package = ctx.package
        self.decls = package_decls(ctx.package)
        self._named: dict[str, str | None] = ctx.package.result("mutex.copied.named", lambda p: {})
        self._lock_spans: list[tuple[int, int]] | None = None

    def possible(self) -> bool:
        """Whether any value in this file can have a lock type: the package declares one,
        or the file imports a package that exports one."""
        paths = ("sync", "sync/atomic") + tuple({p for p, _ in STD_HOLDERS})
        if any(import_names(self.ctx.file, p) for p in paths):
            return True
        local = self.pkg.result("mutex.copied.local", lambda p: [
            name for name in self.decls.types if self._named_path(name, 0)])
        return bool(local)

    def nodes(self, kind: str) -> list[Node]:
        """ctx.nodes(kind), only inside top-level declarations that can involve a lock."""
        spans = self._spans()
        if not spans:
            return []
        nodes = self.ctx.nodes(kind)  # sorted by start byte, as the spans are
        out: list[Node] = []
        for start, end in spans:
            out.extend(nodes[bisect_left(nodes, start, key=_start_byte):bisect_left(nodes, end, key=_start_byte)])
        return out

    def may_involve(self, offset: int) -> bool:
        """Whether the top-level declaration around `offset` mentions anything through which a
        value could have a lock type: a lock-holding type (by its name), or a package function
        or variable whose declaration mentions one. A cheap text test that
        spares the type inference on the many declarations that cannot copy a lock."""
        spans = self._spans()
        i = bisect_right(spans, (offset, float("inf"))) - 1
        return i >= 0 and spans[i][0] <= offset < spans[i][1]

    def _spans(self) -> list[tuple[int, int]]:
        """The top-level declarations that spell a marker word (as \\b(?:word|…)\\b would find in
        each declaration's bytes). Only declarations holding a node _check looks at are read
        (not syscall's tables of constants), and only words all of whose dotted parts occur as
        words in their text are searched for."""
        if self._lock_spans is None:
            words = self._markers()
            tops = [t for t in self.ctx.root.children if self._examined(t)]
            if words is None:  # any text at all
                self._lock_spans = [(t.start_byte, t.end_byte) for t in tops if t.end_byte > t.start_byte]
            elif not tops or not words:
                self._lock_spans = []
            else:
                source = self.ctx.source
                text = b" ".join(source[t.start_byte:t.end_byte] for t in tops)
                present = set(text.translate(_WORDS_ONLY).split())
                occurrences = _occurrences(source, [w for w, parts in words if present.issuperset(parts)])
                starts = [o[0] for o in occurrences]
                self._lock_spans = []
                for top in tops:
                    start, end = top.start_byte, top.end_byte
                    for i in range(bisect_left(starts, start), bisect_left(starts, end)):
                        _, stop, bounded = occurrences[i]
                        if stop == end or (stop < end and bounded):
                            self._lock_spans.append((start, end))
                            break
        return self._lock_spans

    def _examined(self, top: Node) -> bool:
        """Whether a node of a kind _check reads lies in this top-level declaration."""
        if top.type in ("function_declaration", "method_declaration", "var_declaration"):
            return True
        if top.type == "comment" or top.start_byte == top.end_byte:
            return False
        start, end = top.start_byte, top.end_byte
        for kind in EXAMINED:
            nodes = self.ctx.nodes(kind)  # sorted by start byte
            i = bisect_left(nodes, start, key=_start_byte)
            if i < len(nodes) and nodes[i].start_byte < end:
                return True
        return False

    def _markers(self) -> tuple[tuple[bytes, frozenset[bytes]], ...] | None:
        """Words whose absence from a declaration proves no value in it has a lock type
        (None: any text may name a lock type), each with its dotted parts."""
        def compute(pkg: Package) -> set[str]:
            pattern, searched = None, -1
            words = {name for name in self.decls.types if self._named_path(name, 0)}
            # A value of an imported lock type is declared with the type's qualified name
            # (sync.Mutex, atomic.Int64, strings.Replacer): call results are never copies (of_value).
            holders = {"sync": SYNC_LOCKS, "sync/atomic": ATOMIC_LOCKS}
            for path, name in STD_HOLDERS:
                holders.setdefault(path, ())
                holders[path] += (name,)
            for f in pkg.files:
                for path, names in holders.items():
                    words |= {f"{local}.{name}" for local in import_names(f, path) for name in names}
            for _ in range(2):  # functions returning, and variables holding, such values
                if pattern is not None and len(words) == searched:
                    break  # the first round added no word: a second would find the same
                pattern, searched = _word_pattern(words), len(words)
                for name, (fn, f) in self.decls.funcs.items():
                    result = fn.child_by_field_name("result")
                    if result is not None and pattern.search(f.source, result.start_byte, result.end_byte):
                        words.add(name.rsplit(".", 1)[-1])
                for name, decl in self.decls.values.items():
                    f = self.decls.value_files.get(name)
                    spec = decl.name_node.parent  # its own var_spec, not the whole var ( … ) block
                    if f is not None and spec is not None and pattern.search(f.source, spec.start_byte, spec.end_byte):
                        words.add(name)
            return words
        def markers(pkg: Package) -> tuple[bytes, ...] | None:
            if any("." == n for f in pkg.files for p in ("sync", "sync/atomic") for n in import_names(f, p)):
                return None  # dot-imported sync: lock types have bare names
            return tuple((w.encode(), frozenset(w.encode().split(b"."))) for w in sorted(compute(pkg)))
        return self.pkg.result("mutex.copied.markers", markers)

    def of_value(self, expr: Node) -> str | None:
        """The lock path of an expression that copies an existing value, like vet's lockPathRhs."""
        e = inner(expr)
        if e.type in ("composite_literal", "call_expression", "func_literal", "type_conversion_expression"):
            return None
        if e.type == "unary_expression":
            op = self.ctx.text(e.child_by_field_id(F_OPERATOR))
            if op != "*" or inner(e.child_by_field_name("operand")).type == "call_expression":
                return None
        if e.type not in ("identifier", "selector_expression", "index_expression", "unary_expression"):
            return None
        if e.type == "identifier" and self.ctx.text(e) in ("nil", "_"):
            return None
        ref = exprtypes.type_of(self.pkg, self.ctx.file, e)
        return self.of_type(ref) if ref is not None else None

    def of_type(self, ref: TypeRef | None, depth: int = 0) -> str | None:
        if ref is None or ref.wrap or depth > 12:
            return None
        t = inner(ref.node)
        if t.type == "parenthesized_type" and t.named_child_count:
            return self.of_type(TypeRef(t.named_children[0], ref.file), depth + 1)
        if t.type == "generic_type":
            base = t.child_by_field_name("type")
            q = qualified(ref.file, base) if base is not None else None
            if q is not None and q == ("atomic", "Pointer"):
                return "atomic.Pointer"
            return None  # local generic types: instantiation unknown
        if t.type == "qualified_type":
            return self._qualified(ref, t)
        if t.type == "type_identifier":
            name = ref.file.text(t)
            if name in exprtypes.type_params_in_scope(t, ref.file.source):
                return None
            return self._named_path(name, depth)
        if t.type == "array_type":
            length = t.child_by_field_name("length")
            if length is not None and ref.file.text(length) == "0":
                return None
            return self.of_type(TypeRef(t.child_by_field_name("element"), ref.file), depth + 1)
        if t.type == "struct_type":
            for f in exprtypes.struct_fields(t):
                if any(c.type == "*" for c in f.children):
                    continue  # embedded pointer
                path = self.of_type(TypeRef(f.child_by_field_name("type"), ref.file), depth + 1)
                if path:
                    return path
        return None

    def _qualified(self, ref: TypeRef, t: Node) -> str | None:
        q = qualified(ref.file, t)
        if q is not None:
            pkg, name = q
            if (pkg == "sync" and name in SYNC_LOCKS) or (pkg == "atomic" and name in ATOMIC_LOCKS):
                return f"{pkg}.{name}"
            return None
        pkg_name = ref.file.text(t.child_by_field_name("package"))
        name = ref.file.text(t.child_by_field_name("name"))
        for (path, tname), inner_lock in STD_HOLDERS.items():
            if tname == name and pkg_name in import_names(ref.file, path):
                return f"{pkg_name}.{name} contains {inner_lock}"
        return None

    def _named_path(self, name: str, depth: int) -> str | None:
        if name in self._named:
            return self._named[name]
        decl = self.decls.types.get(name)
        if decl is None:
            return None
        self._named[name] = None  # cycle guard: a type cannot contain itself by value
        if self._is_locker(name):
            path = name
        else:
            inner_path = self.of_type(TypeRef(decl.type_node, decl.file), depth + 1)
            path = None
            if inner_path:
                path = inner_path if decl.is_alias else f"{name} contains {inner_path}"
        self._named[name] = path
        return path

    def _is_locker(self, name: str) -> bool:
        """*T has `Lock()` and `Unlock()` (sync.Locker), T does not: vet's rule for lock types."""
        def pointer_method(m: str) -> bool | None:
            found = self.decls.funcs.get(f"{name}.{m}")
            if found is None:
                return None
            node = found[0]
            args, result = node.child_by_field_name("parameters"), node.child_by_field_name("result")
            if result is not None or (args is not None and args.named_child_count):
                return None  # not sync.Locker's `Lock()` / `Unlock()`
            recv = node.child_by_field_name("receiver")
            params = [p for p in recv.named_children if p.type == "parameter_declaration"] if recv else []
            return bool(params) and params[0].child_by_field_name("type") is not None and \
                params[0].child_by_field_name("type").type == "pointer_type"
        return pointer_method("Lock") is True and pointer_method("Unlock") is True


RULE = Rule(
    id="mutex/copied",
    doc=__doc__,
    check=check,
    severity=Severity.WARNING,
    fix=FixAvailability.NONE,
    peers=("govet", "copylocks"),
)


_start_byte = attrgetter("start_byte")
WORD_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")  # \\w of a bytes pattern
_WORDS_ONLY = bytes(c if c in WORD_BYTES else 0x20 for c in range(256))  # translate table: the rest to spaces
# The node kinds _check reads (through LockTypes.nodes).
EXAMINED = ("function_declaration", "method_declaration", "func_literal", "for_statement", "assignment_statement",
            "short_var_declaration", "var_declaration", "return_statement", "call_expression", "composite_literal")


def _occurrences(source: bytes, words: list[bytes]) -> list[tuple[int, int, bool]]:
    """(start, end, whether a word boundary follows) of each occurrence of a word that starts at a
    word boundary, sorted. A search ending at `end` also has a boundary there (regex endpos)."""
    out = []
    n = len(source)
    for w in words:
        i = source.find(w)
        while i >= 0:
            if i == 0 or source[i - 1] not in WORD_BYTES:
                j = i + len(w)
                out.append((i, j, j == n or source[j] not in WORD_BYTES))
            i = source.find(w, i + 1)
    out.sort()
    return out


def _word_pattern(words: set[str]) -> "re.Pattern[bytes]":
    if not words:
        return re.compile(rb"(?!)")  # matches nothing
    alternatives = b"|".join(re.escape(w.encode()) for w in sorted(words, key=len, reverse=True))
    return re.compile(rb"\b(?:" + alternatives + rb")\b")
