"""The declared type of an expression, as far as syntax and the package tell.

`type_of(pkg, file, expr)` returns a `TypeRef`: a type expression node (in the file
that declares it) plus constructors applied on top of it (`&T{}` is ("ptr",) over
`T`; a variadic parameter `xs ...T` is ("slice",) over `T`). `underlying` follows
package-declared named types; `element`, `field` and `deref` step into composite
types. Everything returns None where syntax cannot tell (imports' contents, type
parameters, multi-value calls, generic instantiations).
"""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node

from ..context import Package, SourceFile
from ..parsing import F_NAME, F_OPERATOR, F_RECEIVER, F_TYPE, F_TYPE_PARAMETERS, inner
from .decls import package_decls
from .scopes import FUNCTION_KINDS, resolve


@dataclass(frozen=True)
class TypeRef:
    node: Node
    file: SourceFile
    wrap: tuple[str, ...] = ()  # outermost first: "ptr" | "slice"

    def text(self) -> str:
        base = self.file.text(self.node)
        if "\n" in base or len(base) > 60:
            base = base.split("{", 1)[0].strip() + "{…}" if "{" in base else base[:57] + "…"
        for w in reversed(self.wrap):
            base = ("*" if w == "ptr" else "[]") + base
        return base


def type_params_in_scope(node: Node, source: bytes) -> set[str]:
    """Names of type parameters visible at `node` (function and receiver type parameters)."""
    out: set[str] = set()
    n = node
    while n is not None:
        if n.type in FUNCTION_KINDS:
            tps = n.child_by_field_id(F_TYPE_PARAMETERS)
            if tps is not None:
                for decl in tps.named_children:
                    out.update(source[i.start_byte:i.end_byte].decode() for i in decl.children_by_field_id(F_NAME))
            recv = n.child_by_field_id(F_RECEIVER)
            if recv is not None:
                stack = [recv]
                while stack:
                    r = stack.pop()
                    if r.type == "type_arguments" or r.type == "type_parameter_list":
                        out.update(source[i.start_byte:i.end_byte].decode() for i in r.named_children
                                   if i.type in ("type_identifier", "identifier"))
                        for c in r.named_children:
                            stack.extend(c.named_children)
                    else:
                        stack.extend(r.named_children)
        elif n.type == "type_spec":
            tps = n.child_by_field_id(F_TYPE_PARAMETERS)
            if tps is not None:
                for decl in tps.named_children:
                    out.update(source[i.start_byte:i.end_byte].decode() for i in decl.children_by_field_id(F_NAME))
        n = n.parent
    return out


def underlying(pkg: Package, ref: TypeRef | None, depth: int = 0) -> TypeRef | None:
    """Follow package-declared named types (and parentheses) to a type literal or a qualified type."""
    if ref is None or depth > 16:
        return None
    if ref.wrap:
        return ref
    t = inner(ref.node)
    if t.type == "parenthesized_type" and t.named_child_count:
        return underlying(pkg, TypeRef(t.named_children[0], ref.file), depth + 1)
    if t.type == "type_identifier":
        name = ref.file.text(t)
        if name in type_params_in_scope(t, ref.file.source):
            return None
        decl = package_decls(pkg).types.get(name)
        if decl is None:
            return ref  # a predeclared type (int, string, error...) or unknown
        return underlying(pkg, TypeRef(decl.type_node, decl.file), depth + 1)
    return TypeRef(t, ref.file)


def named_type(pkg: Package, ref: TypeRef | None) -> str | None:
    """The package-local type name of `ref` ("T" for T, None for *T or literals)."""
    if ref is None or ref.wrap:
        return None
    t = inner(ref.node)
    if t.type == "type_identifier" and ref.file.text(t) in package_decls(pkg).types:
        return ref.file.text(t)
    return None


def deref(pkg: Package, ref: TypeRef | None) -> TypeRef | None:
    """The element type of a pointer type, or None."""
    if ref is None:
        return None
    if ref.wrap:
        return TypeRef(ref.node, ref.file, ref.wrap[1:]) if ref.wrap[0] == "ptr" else None
    u = underlying(pkg, ref)
    if u is not None and not u.wrap and u.node.type == "pointer_type":
        return TypeRef(u.node.named_children[0], u.file)
    return None


def element(pkg: Package, ref: TypeRef | None) -> TypeRef | None:
    """The element type of a slice, array, pointer to array, or the value type of a map."""
    if ref is None:
        return None
    if ref.wrap:
        if ref.wrap[0] == "slice":
            return TypeRef(ref.node, ref.file, ref.wrap[1:])
        arr = underlying(pkg, deref(pkg, ref))
        if arr is not None and not arr.wrap and arr.node.type == "array_type":
            return TypeRef(arr.node.child_by_field_name("element"), arr.file)
        return None
    u = underlying(pkg, ref)
    if u is None or u.wrap:
        return None
    if u.node.type in ("slice_type", "array_type"):
        return TypeRef(u.node.child_by_field_name("element"), u.file)
    if u.node.type == "map_type":
        return TypeRef(u.node.child_by_field_name("value"), u.file)
    if u.node.type == "pointer_type":
        arr = underlying(pkg, TypeRef(u.node.named_children[0], u.file))
        if arr is not None and not arr.wrap and arr.node.type == "array_type":
            return TypeRef(arr.node.child_by_field_name("element"), arr.file)
    return None


def struct_fields(struct: Node) -> list[Node]:
    lst = next((c for c in struct.named_children if c.type == "field_declaration_list"), None)
    return [c for c in lst.named_children if c.type == "field_declaration"] if lst else []


def field(pkg: Package, ref: TypeRef | None, name: str) -> TypeRef | None:
    """The type of field `name` of a struct (through one pointer), directly declared or promoted one level."""
    if ref is None:
        return None
    base = deref(pkg, ref) or ref
    u = underlying(pkg, base)
    if u is None or u.wrap or u.node.type != "struct_type":
        return None
    found, complete = _fields(pkg, u)
    hit = found.get(name)
    if hit is None and not complete:
        raise AttributeError("embedded field without a type")  # as reading the broken field would
    return hit


def _fields(pkg: Package, u: TypeRef) -> tuple[dict[str, TypeRef], bool]:
    """A struct type's fields by name, the first declaration of a name winning (embedded ones by
    their type's name), read once per struct; and False if a broken embedded field (no type)
    stopped the reading there."""
    cache = pkg.result("exprtypes.fields", lambda p: {})
    key = (id(u.file.source), u.node.start_byte, u.node.end_byte)
    hit = cache.get(key)
    if hit is not None and hit[0] is u.file.source:
        return hit[1], hit[2]
    found: dict[str, TypeRef] = {}
    complete = True
    for f in struct_fields(u.node):
        names = f.children_by_field_name("name")
        t = f.child_by_field_name("type")
        if not names:
            if t is None:
                complete = False
                break
            emb_name = u.file.text(t.child_by_field_name("name") if t.type == "qualified_type" else t)
            found.setdefault(emb_name, TypeRef(t, u.file, ("ptr",) if any(c.type == "*" for c in f.children) else ()))
        else:
            for n in names:
                found.setdefault(u.file.text(n), TypeRef(t, u.file))
    cache[key] = (u.file.source, found, complete)  # holding the source keeps its id from being reused
    return found, complete


def type_of(pkg: Package, file: SourceFile, expr: Node, depth: int = 0) -> TypeRef | None:
    """The type of `expr` (a node of `file`), or None."""
    if expr is None or depth > 12:
        return None
    e = inner(expr)
    k = e.type
    if k == "identifier":
        return _ident_type(pkg, file, e, depth)
    if k == "composite_literal":
        t = e.child_by_field_id(F_TYPE)
        return TypeRef(t, file) if t is not None else None
    if k == "unary_expression":
        op = file.text(e.child_by_field_id(F_OPERATOR))
        operand = type_of(pkg, file, e.child_by_field_name("operand"), depth + 1)
        if operand is None:
            return None
        if op == "&":
            return TypeRef(operand.node, operand.file, ("ptr",) + operand.wrap)
        if op == "*":
            return deref(pkg, operand)
        return None
    if k == "selector_expression":
        operand = e.child_by_field_name("operand")
        return field(pkg, type_of(pkg, file, operand, depth + 1), file.text(e.child_by_field_name("field")))
    if k == "index_expression":
        return element(pkg, type_of(pkg, file, e.child_by_field_name("operand"), depth + 1))
    if k == "call_expression":
        return _call_type(pkg, file, e, depth)
    if k == "type_conversion_expression":
        t = e.child_by_field_id(F_TYPE)
        return TypeRef(t, file) if t is not None else None
    return None


def _ident_type(pkg: Package, file: SourceFile, ident: Node, depth: int) -> TypeRef | None:
    decls = package_decls(pkg)
    decl = resolve(ident, file.source, decls.values)
    if decl is None:
        return None
    dfile = decls.value_files.get(decl.name, file) if decl.kind.startswith("package") else file
    # The type is the declaration's: infer it once per declaration, not once per use.
    cache = pkg.result("exprtypes.decl_types", lambda p: {})
    key = (id(dfile.source), decl.name_node.start_byte, decl.name)
    hit = cache.get(key)
    if hit is not None and hit[0] is dfile.source:
        return hit[1]
    result = _decl_type(pkg, file, dfile, decl, depth)
    cache[key] = (dfile.source, result)  # holding the source keeps its id from being reused
    return result


def _decl_type(pkg: Package, file: SourceFile, dfile: SourceFile, decl, depth: int) -> TypeRef | None:
    if decl.kind == "range":
        clause = decl.name_node.parent.parent if decl.name_node.parent is not None else None
        left = clause.child_by_field_name("left") if clause is not None else None
        if left is None or clause.type != "range_clause":
            return None
        position = [c.id for c in left.named_children].index(decl.name_node.id)
        ranged = type_of(pkg, file, decl.value_node, depth + 1)
        if position == 1:
            return element(pkg, ranged)
        return None
    if decl.type_node is not None:
        if decl.statement.type == "variadic_parameter_declaration":
            return TypeRef(decl.type_node, dfile, ("slice",))
        return TypeRef(decl.type_node, dfile)
    if decl.value_node is not None and decl.kind in ("short", "var", "package-var"):
        return type_of(pkg, dfile, decl.value_node, depth + 1)
    return None


def _call_type(pkg: Package, file: SourceFile, call: Node, depth: int) -> TypeRef | None:
    fn = inner(call.child_by_field_name("function"))
    args = call.child_by_field_name("arguments")
    name = file.text(fn)
    decls = package_decls(pkg)
    if fn.type == "identifier" and args is not None and args.named_child_count:
        if name == "new" and resolve(fn, file.source, decls.values) is None and name not in decls.funcs:
            return TypeRef(args.named_children[0], file, ("ptr",))
        if name == "make" and resolve(fn, file.source, decls.values) is None and name not in decls.funcs:
            return TypeRef(args.named_children[0], file)
    found = None
    if fn.type == "identifier":
        if resolve(fn, file.source, None) is not None:
            return None  # a local func value
        found = decls.funcs.get(name)
        if found is None and name in decls.types:
            return TypeRef(fn, file)  # conversion T(x) parsed as a call
    elif fn.type == "selector_expression":
        recv = type_of(pkg, file, fn.child_by_field_name("operand"), depth + 1)
        base = deref(pkg, recv) or recv
        tname = named_type(pkg, base)
        if tname is not None:
            found = decls.funcs.get(f"{tname}.{file.text(fn.child_by_field_name('field'))}")
    if found is None:
        return None
    node, ffile = found
    result = node.child_by_field_name("result")
    if result is None:
        return None
    if result.type == "parameter_list":
        params = [p for p in result.named_children if p.type == "parameter_declaration"]
        if len(params) != 1 or len(params[0].children_by_field_name("name")) > 1:
            return None
        result = params[0].child_by_field_name("type")
    return TypeRef(result, ffile)
