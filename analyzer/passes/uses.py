"""How a local variable is used: every use of one declaration and what each use does to it.

`uses(decl, scope, source)` finds the identifiers in `scope` that resolve to `decl`.
`access(use)` climbs the selector/index/slice/paren chain a use starts (`v.a.b[i]`)
and says what the outermost expression of that chain is doing: written, address
taken, method called on it, read. Rules use it to decide whether a value is mutated
or can escape.
"""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node

from ..parsing import text
from .scopes import FUNCTION_KINDS, Decl, identifiers_in, resolve

CHAIN = ("selector_expression", "index_expression", "slice_expression", "parenthesized_expression")


@dataclass(frozen=True)
class Access:
    use: Node  # the identifier
    top: Node  # the outermost node of the chain starting at `use` (`v.a[i]` for `v`)
    path: tuple[str, ...]  # node kinds climbed, innermost first
    kind: str  # "write" | "incdec" | "addr" | "method" | "call-arg" | "read"
    in_closure: bool  # inside a func literal nested in the searched scope


def uses(decl: Decl, scope: Node, source: bytes) -> list[Node]:
    """Identifiers in `scope` (after the declaration) that resolve to `decl`."""
    out = []
    for ident in identifiers_in(scope, decl.name, source):
        if ident.start_byte == decl.name_node.start_byte:
            continue
        if ident.parent is not None and ident.parent.type == "literal_element" and _is_key(ident.parent):
            out.append(ident)  # a struct-literal key that may or may not be the variable: callers bail
            continue
        d = resolve(ident, source)
        if d is not None and d.name_node.start_byte == decl.name_node.start_byte:
            out.append(ident)
    return out


def _is_key(element: Node) -> bool:
    parent = element.parent
    return parent is not None and parent.type == "keyed_element" and parent.child_by_field_name("key") == element


def access(use: Node, scope: Node, source: bytes) -> Access:
    node, path = use, []
    while node.parent is not None and node.parent.type in CHAIN:
        parent = node.parent
        operand = parent.child_by_field_name("operand") if parent.type != "parenthesized_expression" else node
        if operand is None or operand.id != node.id:
            break  # `xs[v]`: the use is an index, not the base of the chain
        path.append(parent.type)
        node = parent
    top, parent = node, node.parent
    kind = "read"
    if parent is not None:
        if parent.type == "expression_list" and parent.parent is not None and \
                parent.parent.type in ("assignment_statement", "short_var_declaration", "range_clause") and \
                parent.parent.child_by_field_name("left") == parent:
            kind = "write"
        elif parent.type in ("inc_statement", "dec_statement"):
            kind = "incdec"
        elif parent.type == "unary_expression" and text(parent.child_by_field_name("operator"), source) == "&":
            kind = "addr"
        elif path and path[-1] == "selector_expression" and parent.type == "call_expression" and \
                parent.child_by_field_name("function") == top:
            kind = "method"
        elif parent.type == "argument_list":
            kind = "call-arg"
    closure = False
    n = use.parent
    while n is not None and n.id != scope.id:
        if n.type in FUNCTION_KINDS:
            closure = True
            break
        n = n.parent
    return Access(use, top, tuple(path), kind, closure)
