"""Scopes and declarations: which declaration does an identifier refer to.

This is a syntactic resolver: each local declaration is visible from the end of its
declaring statement to the end of its block (parameters: the function body; range
variables: the loop body), as the Go spec scopes them; names not declared locally
fall back to package level. It does not know about imports' contents.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from operator import attrgetter

from tree_sitter import Node, QueryCursor

from ..parsing import F_LEFT, F_NAME, F_RECEIVER, F_RIGHT, F_TYPE, F_VALUE, specs, text

FUNCTION_KINDS = ("function_declaration", "method_declaration", "func_literal")
BLOCK_KINDS = ("block", "statement_list")


@dataclass(frozen=True)
class Decl:
    name: str
    kind: str  # "var" | "short" | "param" | "result" | "range" | "const" | "package-var" | "package-const" | "func"
    name_node: Node
    statement: Node  # the declaring statement (or parameter declaration)
    type_node: Node | None = None  # declared type, if written
    value_node: Node | None = None  # initial value, if any


def enclosing(node: Node, kinds: tuple[str, ...]) -> Node | None:
    node = node.parent
    while node is not None and node.type not in kinds:
        node = node.parent
    return node


def enclosing_function(node: Node) -> Node | None:
    return enclosing(node, FUNCTION_KINDS)


def enclosing_function_name(node: Node, source: bytes) -> str | None:
    """"Name" or "Recv.Name" of the named function around `node` (func literals are skipped)."""
    fn = enclosing(node, ("function_declaration", "method_declaration"))
    if fn is None:
        return None
    name = text(fn.child_by_field_name("name"), source)
    if fn.type == "method_declaration":
        recv = receiver_type_name(fn, source)
        return f"{recv}.{name}" if recv else name
    return name


def receiver_type_name(method: Node, source: bytes) -> str | None:
    recv = method.child_by_field_id(F_RECEIVER)
    if recv is None:
        return None
    for param in recv.named_children:
        t = param.child_by_field_id(F_TYPE)
        while t is not None and t.type in ("pointer_type", "generic_type"):
            t = t.named_children[0] if t.type == "pointer_type" else t.child_by_field_id(F_TYPE)
        if t is not None:
            return text(t, source)
    return None


def declared_in_statement(stmt: Node, source: bytes, kind_prefix: str = "") -> list[Decl]:
    """The names a statement declares in its block (kinds "package-var"/"package-const" with
    kind_prefix="package-", for top-level declarations)."""
    out: list[Decl] = []
    if stmt.type == "short_var_declaration":
        left, right = stmt.child_by_field_id(F_LEFT), stmt.child_by_field_id(F_RIGHT)
        values = right.named_children if right is not None else []
        for i, ident in enumerate(left.named_children if left else []):
            value = values[i] if len(values) == len(left.named_children) else None
            out.append(Decl(text(ident, source), "short", ident, stmt, None, value))
    elif stmt.type in ("var_declaration", "const_declaration"):
        kind = kind_prefix + ("var" if stmt.type == "var_declaration" else "const")
        for spec in specs(stmt):
            type_node = spec.child_by_field_id(F_TYPE)
            value = spec.child_by_field_id(F_VALUE)
            values = value.named_children if value is not None else []
            names = [c for c in spec.children_by_field_id(F_NAME)]
            for i, ident in enumerate(names):
                v = values[i] if len(values) == len(names) else None
                out.append(Decl(text(ident, source), kind, ident, stmt, type_node, v))
    return out


def parameters(fn: Node, source: bytes) -> list[Decl]:
    out: list[Decl] = []
    fields = [("receiver", "param"), ("parameters", "param"), ("result", "result")]
    for field_name, kind in fields:
        plist = fn.child_by_field_name(field_name)
        if plist is None or plist.type != "parameter_list":
            continue
        for param in plist.named_children:
            if param.type not in ("parameter_declaration", "variadic_parameter_declaration"):
                continue
            type_node = param.child_by_field_id(F_TYPE)
            for ident in param.children_by_field_id(F_NAME):
                out.append(Decl(text(ident, source), kind, ident, param, type_node))
    return out


def resolve(ident: Node, source: bytes, package_decls: dict[str, Decl] | None = None) -> Decl | None:
    """The declaration `ident` (an identifier use) refers to, or None if not found."""
    name = text(ident, source)
    found = _file_scopes(ident, source).lookup(name, ident.start_byte)
    if found is _TYPE_SWITCH:
        return None  # a type-switch binding: its type differs per case
    if found is not None:
        return found
    return package_decls.get(name) if package_decls is not None else None


# The node kinds of each SCOPE_QUERY capture (queries/index.scm captures them all too).
SCOPE_KINDS = {
    "decl": ("short_var_declaration", "var_declaration", "const_declaration"),
    "func": ("function_declaration", "method_declaration", "func_literal"),
    "range": ("range_clause",),
    "typeswitch": ("type_switch_statement",),
    "receive": ("receive_statement",),
}

# A type-switch binding (`switch v := x.(type)`) shadows outer names but has no single type.
_TYPE_SWITCH = object()

SCOPE_QUERY = """
(short_var_declaration) @decl
(var_declaration) @decl
(const_declaration) @decl
(function_declaration) @func
(method_declaration) @func
(func_literal) @func
(range_clause) @range
(type_switch_statement) @typeswitch
(receive_statement) @receive
"""


class FileScopes:
    """Every local declaration of one file with the byte range where it is visible.

    Built lazily, one top-level declaration at a time: package-level vars and consts of the
    file up front (they are visible everywhere), then the locals of a declaration the first
    time a use inside it is resolved, from one query over that declaration's byte range. A use
    resolves to the visible declaration of its name that starts last (the innermost), with no
    walk up the tree per use. An editor's keystroke thus costs only the declarations it resolves in.
    """

    def __init__(self, root: Node, source: bytes):
        self.source = source
        self.root = root
        adopted = _INDEXES.get(id(source))
        # a whole-file index of this tree (Context's), sliced per declaration instead of a query each
        self._index = adopted[2] if adopted is not None and adopted[0] is source and adopted[1] == root else None
        self._package: dict[str, list[tuple[int, int, object]]] = {}
        self._tops = root.children
        self._starts = [c.start_byte for c in self._tops]
        self._local: dict[int, dict[str, list[tuple[int, int, object]]]] = {}  # top index -> name -> bindings
        self._by_name = self._package
        self._declared: set[tuple[int, str]] = set()  # (block end, name): for `a, err :=` reuse
        for top in root.named_children:
            if top.type in ("var_declaration", "const_declaration", "short_var_declaration"):
                for decl in declared_in_statement(top, source):
                    self._add(decl.name, 0, root.end_byte, decl)

    def owns(self, node: Node) -> bool:
        """Whether `node` is in this tree (nodes of different trees never compare equal)."""
        return self.root.descendant_for_byte_range(node.start_byte, node.end_byte) == node

    def lookup(self, name: str, offset: int):
        best = None
        local = self._locals(offset)
        for start, end, decl in local.get(name, ()) if local is not None else ():
            if start > offset:
                break
            if offset < end:
                best = decl  # sorted by start: the last visible one is the innermost
        if best is not None:
            return best
        for start, end, decl in self._package.get(name, ()):
            if start <= offset < end:
                best = decl
        return best

    def _locals(self, offset: int) -> dict[str, list[tuple[int, int, object]]] | None:
        i = bisect_right(self._starts, offset) - 1
        if i < 0 or offset >= self._tops[i].end_byte:
            return None
        found = self._local.get(i)
        if found is None:
            found = self._local[i] = self._build(self._tops[i])
        return found

    def _build(self, top: Node) -> dict[str, list[tuple[int, int, object]]]:
        """The local bindings of one top-level declaration."""
        from ..parsing import inline_query

        self._by_name = {}
        if self._index is not None:
            found = {capture: _within(top, [self._index.get(kind, []) for kind in kinds])
                     for capture, kinds in SCOPE_KINDS.items()}
        else:
            cursor = QueryCursor(inline_query(SCOPE_QUERY))
            cursor.set_byte_range(top.start_byte, top.end_byte)
            found = cursor.captures(top)
        inside = lambda nodes: [n for n in nodes if top.start_byte <= n.start_byte and n.end_byte <= top.end_byte]
        for node in inside(found.get("func", [])):
            self._function(node)
        for node in sorted(inside(found.get("decl", [])), key=lambda n: n.start_byte):
            if node.parent is not None and node.parent.type != "source_file":
                self._statement(node)
        for node in inside(found.get("range", [])):
            self._range(node)
        for node in inside(found.get("typeswitch", [])):
            self._type_switch(node)
        for node in inside(found.get("receive", [])):
            self._receive(node)
        for bindings in self._by_name.values():
            bindings.sort(key=lambda b: b[0])
        out, self._by_name = self._by_name, self._package
        return out

    def _add(self, name: str, start: int, end: int, decl) -> None:
        if name != "_":
            self._by_name.setdefault(name, []).append((start, end, decl))

    def _function(self, fn: Node) -> None:
        body = fn.child_by_field_name("body")
        if body is not None:
            for decl in parameters(fn, self.source):
                self._add(decl.name, body.start_byte, body.end_byte, decl)

    def _statement(self, stmt: Node) -> None:
        parent = stmt.parent
        if parent is None:
            return
        if parent.type == "source_file":  # package level: visible in the whole file
            for decl in declared_in_statement(stmt, self.source):
                self._add(decl.name, 0, parent.end_byte, decl)
            return
        if parent.type in BLOCK_KINDS:
            end = parent.end_byte
        elif parent.type == "for_clause":
            end = parent.parent.end_byte
        elif parent.type in ("if_statement", "expression_switch_statement", "type_switch_statement"):
            end = parent.end_byte
        else:
            end = parent.end_byte  # labeled statements, case clauses: the enclosing construct
        for decl in declared_in_statement(stmt, self.source):
            key = (end, decl.name)
            if stmt.type == "short_var_declaration" and key in self._declared:
                continue  # `b, err := …` reuses an err declared earlier in the same block
            self._declared.add(key)
            self._add(decl.name, stmt.end_byte, end, decl)

    def _range(self, clause: Node) -> None:
        loop = clause.parent
        body = loop.child_by_field_name("body") if loop is not None else None
        left = clause.child_by_field_name("left")
        if body is None or left is None or not _is_define(clause):
            return
        for ident in left.named_children:
            decl = Decl(text(ident, self.source), "range", ident, loop, None, clause.child_by_field_name("right"))
            self._add(decl.name, body.start_byte, body.end_byte, decl)

    def _type_switch(self, stmt: Node) -> None:
        alias = stmt.child_by_field_name("alias")
        if alias is not None:
            for ident in alias.named_children:
                self._add(text(ident, self.source), alias.end_byte, stmt.end_byte, _TYPE_SWITCH)

    def _receive(self, recv: Node) -> None:
        """`case v, ok := <-ch:` declares v and ok for the rest of the case."""
        case = recv.parent
        left = recv.child_by_field_name("left")
        if case is None or left is None or not any(c.type == ":=" for c in recv.children):
            return
        for ident in left.named_children:
            decl = Decl(text(ident, self.source), "short", ident, recv, None, recv.child_by_field_name("right"))
            self._add(decl.name, recv.end_byte, case.end_byte, decl)


def _within(top: Node, lists: list[list[Node]]) -> list[Node]:
    """The nodes of these lists (each of one file, sorted by start) that descend from `top`, in
    source order, as a query over `top` would capture them."""
    start, end = top.start_byte, top.end_byte
    out = []
    for nodes in lists:
        lo = bisect_left(nodes, start, key=_start_byte)
        hi = bisect_left(nodes, end, key=_start_byte)
        for n in nodes[lo:hi]:
            if n.end_byte > end:
                continue
            if n.start_byte == n.end_byte:  # empty: it may sit on the edge of a sibling declaration
                a = n.parent
                while a is not None and a != top:
                    a = a.parent
                if a is None:
                    continue
            out.append(n)
    if len(lists) > 1:
        out.sort(key=_start_byte)
    return out


_start_byte = attrgetter("start_byte")


# Whole-file indexes of node kinds, by source (Context.nodes adopts its own here): see FileScopes.
_INDEXES: dict[int, tuple[bytes, Node, dict[str, list[Node]]]] = {}


def adopt_index(source: bytes, root: Node, index: dict[str, list[Node]]) -> None:
    """Let scopes built later for this tree slice `index` (every node of the kinds in SCOPE_KINDS
    in the file, sorted by start) instead of querying each top-level declaration."""
    _INDEXES.pop(id(source), None)
    if len(_INDEXES) >= _MAX_CACHED_FILES:
        _INDEXES.pop(next(iter(_INDEXES)))
    _INDEXES[id(source)] = (source, root, index)


_SCOPES: dict[int, FileScopes] = {}
# Each entry keeps its tree alive. An editor makes a new tree per keystroke, so the bound
# is kept small; a package's files are analysed one after another, cross-file lookups
# (other files' declarations) rebuild cheaply, lazily per declaration.
_MAX_CACHED_FILES = 16


def _file_scopes(node: Node, source: bytes) -> FileScopes:
    """The scopes of the tree `node` belongs to (memoised per source object, bounded).

    The same bytes may be parsed into a new tree (an editor re-linting unchanged text),
    so a hit is checked to come from `node`'s own tree before it is used.
    """
    scopes = _SCOPES.get(id(source))
    if scopes is None or scopes.source is not source or not scopes.owns(node):
        root = node
        while root.parent is not None:
            root = root.parent
        scopes = FileScopes(root, source)
        _SCOPES.pop(id(source), None)
        if len(_SCOPES) >= _MAX_CACHED_FILES:
            _SCOPES.pop(next(iter(_SCOPES)))
        _SCOPES[id(source)] = scopes
    return scopes


def _is_define(range_clause: Node) -> bool:
    return any(c.type == ":=" for c in range_clause.children)


def identifiers_in(node: Node, name: str, source: bytes) -> list[Node]:
    """Identifier nodes spelling `name` inside `node` (field names of selectors excluded), in order.

    Found from where the name is spelled in `node`'s text, one descendant lookup per spelling:
    a spelling right after a letter or underscore, or right before a letter, digit or underscore,
    is inside a longer token (identifiers, keywords and numbers are lexed longest-first)."""
    if not name or "\ufffd" in name:
        return _identifiers_walk(node, name, source)
    word = name.encode()
    start, end, size = node.start_byte, node.end_byte, len(word)
    out = []
    i = source.find(word, start, end)
    while i >= 0:
        j = i + size
        if (i == 0 or source[i - 1] not in _IDENT_START) and (j >= len(source) or source[j] not in _IDENT_PART):
            n = node.descendant_for_byte_range(i, j)
            if n is not None and n.type == "identifier" and n.start_byte == i and n.end_byte == j:
                out.append(n)
        i = source.find(word, i + 1, end)
    return out


_IDENT_START = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_IDENT_PART = _IDENT_START | frozenset(b"0123456789")


def _identifiers_walk(node: Node, name: str, source: bytes) -> list[Node]:
    out = []
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type == "identifier" and text(n, source) == name:
            out.append(n)
        stack.extend(n.named_children)
    out.sort(key=lambda n: n.start_byte)
    return out
