"""Small syntax-tree helpers of the escape model, and where the compiler reports a node.

go_position/go_anchor reproduce cmd/compile/internal/syntax positions (the "(" of a call,
the operator of a binary expression, ...), so that a verdict lands on the column the
compiler prints and the accuracy bench can compare them exactly.
"""

from __future__ import annotations

from tree_sitter import Node

from ...context import SourceFile
from ...parsing import inner
from .fields import F_ARGUMENTS, F_BODY, F_INDEX, F_OPERAND, F_OPERATOR


def _op(n: Node) -> str:
    """The operator token of a unary, binary or assignment node (its type is its text)."""
    o = n.child_by_field_id(F_OPERATOR)
    return o.type if o is not None else ""


def _has_call(n: Node | None) -> bool:
    if n is None:
        return False
    if n.type == "call_expression":
        return True
    return any(_has_call(c) for c in n.named_children)


def _safe_expr(n: Node) -> bool:
    """ir.SameSafeExpr's operands: names, field selections, dereferences, constant-free of calls."""
    n = inner(n)
    if n.type == "identifier":
        return True
    if n.type == "selector_expression":
        return _safe_expr(n.child_by_field_id(F_OPERAND))
    if n.type == "unary_expression":
        return n.child_by_field_id(F_OPERATOR).type == "*" and _safe_expr(n.child_by_field_id(F_OPERAND))
    if n.type == "index_expression":
        return _safe_expr(n.child_by_field_id(F_OPERAND)) and not _has_call(n.child_by_field_id(F_INDEX))
    return False


def _go_pos_node(n: Node) -> Node:
    return n


def go_position(node: Node) -> tuple[int, int]:
    """(row, byte column), 0-based, where the gc compiler places `node` (cmd/compile/internal/syntax)."""
    anchor = go_anchor(node)
    return anchor.start_point[0], anchor.start_point[1]


def go_anchor(node: Node) -> Node:
    """The token the gc compiler positions `node` at: "(" of a call, "." of a selector, "[" of an
    index, the operator of a binary expression, "{" of a composite literal, else its first token."""
    n = inner(node) if node.type == "parenthesized_expression" else node
    t = n.type
    anchor = n
    if t == "call_expression":
        anchor = n.child_by_field_id(F_ARGUMENTS) or n
    elif t in ("selector_expression", "type_assertion_expression"):
        anchor = next((c for c in n.children if c.type == "."), n)
    elif t in ("index_expression", "slice_expression"):
        anchor = next((c for c in n.children if c.type == "["), n)
    elif t == "binary_expression":
        anchor = n.child_by_field_id(F_OPERATOR) or n
    elif t == "composite_literal":
        anchor = n.child_by_field_id(F_BODY) or n
    elif t == "type_conversion_expression":
        anchor = next((c for c in n.children if c.type == "("), n)
    return anchor


def _has_pragma(fn: Node, f: SourceFile, pragma: str) -> bool:
    """Whether a comment line of the block right above the top-level declaration `fn` starts with `pragma`."""
    pragma_bytes = pragma.encode()
    source = f.source
    return any(source.startswith(pragma_bytes, start) for start in _comments_above(f).get(fn.start_byte, ()))


def _comments_above(f: SourceFile) -> dict[int, list[int]]:
    """Top-level node start byte -> start bytes of the comments directly above it, memoised on the file
    (for its tree). One pass over the file's top level: Node.prev_sibling walks the siblings from the
    first each time, quadratic over a file of many declarations."""
    cached = f.__dict__.get("_comments_above")
    if cached is not None and cached[0] is f.tree:
        return cached[1]
    out: dict[int, list[int]] = {}
    run: list[int] = []
    for child in f.tree.root_node.children:
        if child.type == "comment":
            run.append(child.start_byte)
        else:
            if run:
                out[child.start_byte] = run
            run = []
    f.__dict__["_comments_above"] = (f.tree, out)
    return out


def _fields(struct: Node) -> list[Node]:
    lst = next((c for c in inner(struct).named_children if c.type == "field_declaration_list"), None)
    return [c for c in lst.named_children if c.type == "field_declaration"] if lst else []
