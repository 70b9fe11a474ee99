"""What kind of value an expression has, as far as syntax and the package tell.

Kinds: "slice", "array", "pointer-to-array", "string", "map", "chan", "int",
"float", "bool", "func", "pointer", "struct", "interface", or None (unknown).
"""

from __future__ import annotations

from tree_sitter import Node

from ..context import Context, SourceFile
from ..parsing import inner
from .decls import package_decls
from .scopes import resolve

INT_TYPES = {"int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64",
             "uintptr", "byte", "rune"}
TYPE_KINDS = {
    "slice_type": "slice", "array_type": "array", "map_type": "map", "channel_type": "chan",
    "function_type": "func", "struct_type": "struct", "interface_type": "interface",
}
# Standard-library functions whose result kind is well known.
KNOWN_RESULTS = {
    "strings.Split": "slice", "strings.Fields": "slice", "strings.SplitN": "slice",
    "strings.SplitAfter": "slice", "bytes.Split": "slice", "bytes.Fields": "slice",
    "strings.Repeat": "string", "strings.Join": "string", "fmt.Sprintf": "string", "fmt.Sprint": "string",
    "strconv.Itoa": "string", "strings.TrimSpace": "string", "strings.ToLower": "string",
    "strings.ToUpper": "string", "os.Args": "slice", "len": "int", "cap": "int",
    "os.ReadDir": "slice", "filepath.SplitList": "slice", "sort.StringSlice": "slice",
}


def type_kind(type_node: Node | None, file: SourceFile, ctx: Context, depth: int = 0) -> str | None:
    if type_node is None or depth > 8:
        return None
    t = inner(type_node)
    if t.type in TYPE_KINDS:
        return TYPE_KINDS[t.type]
    if t.type == "pointer_type":
        elem = type_kind(t.named_children[0], file, ctx, depth + 1)
        return "pointer-to-array" if elem == "array" else "pointer"
    if t.type in ("type_identifier", "identifier"):
        name = file.text(t)
        if name in INT_TYPES:
            return "int"
        if name == "string":
            return "string"
        if name in ("float32", "float64"):
            return "float"
        if name == "bool":
            return "bool"
        if name in ("error", "any"):
            return "interface"
        decl = package_decls(ctx.package).types.get(name)
        if decl is not None:
            return type_kind(decl.type_node, decl.file, ctx, depth + 1)
    if t.type == "qualified_type" and file.text(t) in ("time.Duration", "os.FileMode"):
        return "int"
    return None


def kind_of(ctx: Context, expr: Node) -> str | None:
    """The kind of `expr` in the current file, or None if syntax cannot tell."""
    return _kind(ctx, inner(expr), 0)


def _kind(ctx: Context, e: Node, depth: int) -> str | None:
    if depth > 8:
        return None
    f = ctx.file
    if e.type in ("interpreted_string_literal", "raw_string_literal"):
        return "string"
    if e.type == "int_literal":
        return "int"
    if e.type == "composite_literal":
        return type_kind(e.child_by_field_name("type"), f, ctx)
    if e.type == "slice_expression":
        inner_kind = _kind(ctx, inner(e.child_by_field_name("operand")), depth + 1)
        return "string" if inner_kind == "string" else ("slice" if inner_kind else None)
    if e.type == "call_expression":
        return _call_kind(ctx, e, depth)
    if e.type == "type_conversion_expression":
        return type_kind(e.child_by_field_name("type"), f, ctx)
    if e.type == "identifier":
        decl = resolve(e, f.source, package_decls(ctx.package).values)
        if decl is None:
            return None
        file = package_decls(ctx.package).value_files.get(decl.name, f) if decl.kind.startswith("package") else f
        if decl.type_node is not None:
            return type_kind(decl.type_node, file, ctx)
        if decl.value_node is not None and decl.kind != "range":
            if file is not f:
                return None
            return _kind(ctx, inner(decl.value_node), depth + 1)
        return None
    if e.type == "selector_expression":
        return _field_kind(ctx, e, depth)
    if e.type == "binary_expression":
        op = f.text(e.child_by_field_name("operator"))
        if op in ("+", "-", "*", "/", "%", "<<", ">>", "&", "|", "^"):
            left = _kind(ctx, inner(e.child_by_field_name("left")), depth + 1)
            right = _kind(ctx, inner(e.child_by_field_name("right")), depth + 1)
            return left or right if (left or right) in ("int", "string", "float") else None
    return None


def _call_kind(ctx: Context, call: Node, depth: int) -> str | None:
    f = ctx.file
    fn = call.child_by_field_name("function")
    name = f.text(fn)
    if name in KNOWN_RESULTS:
        return KNOWN_RESULTS[name]
    args = call.child_by_field_name("arguments")
    if name in ("make", "new") and args is not None and args.named_child_count:
        kind = type_kind(args.named_children[0], f, ctx)
        return kind if name == "make" else ("pointer-to-array" if kind == "array" else "pointer")
    if name == "append" and args is not None and args.named_child_count:
        return "slice"
    if fn is not None and fn.type in ("identifier", "type_identifier"):
        if name in INT_TYPES:
            return "int"
        if name == "string":
            return "string"
        found = package_decls(ctx.package).funcs.get(name)
        if found is not None:
            node, file = found
            result = node.child_by_field_name("result")
            if result is not None and result.type != "parameter_list":
                return type_kind(result, file, ctx)
    return None


def _field_kind(ctx: Context, sel: Node, depth: int) -> str | None:
    """`x.f` where x's type is a struct declared in the package."""
    f = ctx.file
    operand = inner(sel.child_by_field_name("operand"))
    field_name = f.text(sel.child_by_field_name("field"))
    if f.text(sel) in KNOWN_RESULTS:
        return KNOWN_RESULTS[f.text(sel)]
    type_name = _static_type_name(ctx, operand)
    if type_name is None:
        return None
    decls = package_decls(ctx.package)
    decl = decls.types.get(type_name)
    if decl is None or inner(decl.type_node).type != "struct_type":
        return None
    for field in _fields(decl.type_node):
        if any(decl.file.text(n) == field_name for n in field.children_by_field_name("name")):
            return type_kind(field.child_by_field_name("type"), decl.file, ctx)
    return None


def _fields(struct: Node) -> list[Node]:
    lst = next((c for c in struct.named_children if c.type == "field_declaration_list"), None)
    return [c for c in lst.named_children if c.type == "field_declaration"] if lst else []


def _static_type_name(ctx: Context, operand: Node) -> str | None:
    """The package-local named type of an identifier (through one pointer)."""
    if operand.type != "identifier":
        return None
    decl = resolve(operand, ctx.source, package_decls(ctx.package).values)
    if decl is None or decl.type_node is None:
        return None
    t = inner(decl.type_node)
    if t.type == "pointer_type":
        t = t.named_children[0]
    if t.type == "generic_type":
        t = t.child_by_field_name("type")
    return ctx.file.text(t) if t is not None and t.type == "type_identifier" else None
