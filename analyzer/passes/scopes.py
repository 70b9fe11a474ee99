"""Scopes and declarations: which declaration does an identifier refer to.

This is a syntactic resolver: it walks outward through the enclosing blocks of a
use and looks for the declaring statement before it, then at the function's
parameters, then at package level. It does not know about imports' contents.
"""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node

from ..parsing import text

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
    recv = method.child_by_field_name("receiver")
    if recv is None:
        return None
    for param in recv.named_children:
        t = param.child_by_field_name("type")
        while t is not None and t.type in ("pointer_type", "generic_type"):
            t = t.named_children[0] if t.type == "pointer_type" else t.child_by_field_name("type")
        if t is not None:
            return text(t, source)
    return None


def declared_in_statement(stmt: Node, source: bytes) -> list[Decl]:
    """The names a statement declares in its block."""
    out: list[Decl] = []
    if stmt.type == "short_var_declaration":
        left, right = stmt.child_by_field_name("left"), stmt.child_by_field_name("right")
        values = right.named_children if right is not None else []
        for i, ident in enumerate(left.named_children if left else []):
            value = values[i] if len(values) == len(left.named_children) else None
            out.append(Decl(text(ident, source), "short", ident, stmt, None, value))
    elif stmt.type in ("var_declaration", "const_declaration"):
        kind = "var" if stmt.type == "var_declaration" else "const"
        for spec in _specs(stmt):
            type_node = spec.child_by_field_name("type")
            value = spec.child_by_field_name("value")
            values = value.named_children if value is not None else []
            names = [c for c in spec.children_by_field_name("name")]
            for i, ident in enumerate(names):
                v = values[i] if len(values) == len(names) else None
                out.append(Decl(text(ident, source), kind, ident, stmt, type_node, v))
    return out


def _specs(decl: Node) -> list[Node]:
    specs = []
    for child in decl.named_children:
        if child.type in ("var_spec", "const_spec"):
            specs.append(child)
        elif child.type in ("var_spec_list", "const_spec_list"):
            specs.extend(c for c in child.named_children if c.type in ("var_spec", "const_spec"))
    return specs


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
            type_node = param.child_by_field_name("type")
            for ident in param.children_by_field_name("name"):
                out.append(Decl(text(ident, source), kind, ident, param, type_node))
    return out


def resolve(ident: Node, source: bytes, package_decls: dict[str, Decl] | None = None) -> Decl | None:
    """The declaration `ident` (an identifier use) refers to, or None if not found."""
    name = text(ident, source)
    node = ident
    while node.parent is not None:
        parent = node.parent
        if parent.type in BLOCK_KINDS or parent.type == "source_file":
            # Declaring statements before `node` in this block, nearest first.
            for start, decls in reversed(_block_decls(parent, source)):
                if start >= node.start_byte:
                    continue
                for decl in decls:
                    if decl.name == name:
                        return decl
        elif parent.type == "for_statement":
            decl = _loop_variable(parent, name, source)
            if decl is not None and node.type == "block":
                return decl
        elif parent.type in FUNCTION_KINDS:
            for decl in parameters(parent, source):
                if decl.name == name:
                    return decl
        elif parent.type in ("type_switch_statement",) and node.type != "expression_list":
            alias = parent.child_by_field_name("alias")
            if alias is not None and any(text(a, source) == name for a in alias.named_children):
                return None  # a type-switch binding: type differs per case
        if parent.type in ("if_statement", "expression_switch_statement", "type_switch_statement"):
            # `if x := f(); cond {…}`: the initializer's names are visible in the rest of the statement.
            init = parent.child_by_field_name("initializer")
            if init is not None and init != node and node.start_byte >= init.end_byte:
                for decl in declared_in_statement(init, source):
                    if decl.name == name:
                        return decl
        node = parent
    if package_decls is not None:
        return package_decls.get(name)
    return None


_DECLARING = ("short_var_declaration", "var_declaration", "const_declaration")
_BLOCK_CACHE: dict[tuple, list[tuple[int, list[Decl]]]] = {}


def _block_decls(block: Node, source: bytes) -> list[tuple[int, list[Decl]]]:
    """(start byte, declarations) of the declaring statements directly in `block`, in order;
    memoised, since resolving every identifier of a file walks the same blocks again and again."""
    key = (block.id, block.start_byte, block.end_byte, len(source), hash(source))
    found = _BLOCK_CACHE.get(key)
    if found is None:
        found = [(stmt.start_byte, declared_in_statement(stmt, source))
                 for stmt in block.named_children if stmt.type in _DECLARING]
        if len(_BLOCK_CACHE) >= 2048:  # bounded: cached nodes keep their tree alive
            for old in list(_BLOCK_CACHE)[:512]:
                del _BLOCK_CACHE[old]
        _BLOCK_CACHE[key] = found
    return found


def _statements_before(block: Node, child: Node) -> list[Node]:
    out = []
    for stmt in block.named_children:
        if stmt.start_byte >= child.start_byte:
            break
        out.append(stmt)
    return out


def _loop_variable(loop: Node, name: str, source: bytes) -> Decl | None:
    for clause in loop.named_children:
        if clause.type == "range_clause":
            left = clause.child_by_field_name("left")
            if left is not None and _is_define(clause):
                for ident in left.named_children:
                    if text(ident, source) == name:
                        return Decl(name, "range", ident, loop, None, clause.child_by_field_name("right"))
        elif clause.type == "for_clause":
            init = clause.child_by_field_name("initializer")
            if init is not None:
                for decl in declared_in_statement(init, source):
                    if decl.name == name:
                        return decl
    return None


def _is_define(range_clause: Node) -> bool:
    return any(c.type == ":=" for c in range_clause.children)


def identifiers_in(node: Node, name: str, source: bytes) -> list[Node]:
    """Identifier nodes spelling `name` inside `node` (field names of selectors excluded)."""
    out = []
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type == "identifier" and text(n, source) == name:
            out.append(n)
        stack.extend(n.named_children)
    out.sort(key=lambda n: n.start_byte)
    return out
