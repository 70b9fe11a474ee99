"""Shapes of a loop body that make a trip count a poor capacity (shared by prealloc rules).

Found while judging a random sample of findings on GOROOT/src (docs/precision.md):
- an append or store guarded by an `if`/`switch` inside the body collects the few elements
  that match (unused variables, pruned locations, words of a string), not most of them;
- a loop that `continue`s past elements it puts into *another* collection partitions its
  input, so neither collection gets the trip count;
- a slice that the body also grows another way (`buf = appendUvarint(buf, x)`,
  `append(buf, 0, 0)`), or that a later loop keeps appending to, ends up larger than the count.
"""

from __future__ import annotations

from tree_sitter import Node

from ...context import Context
from ...parsing import inner

GUARDS = ("if_statement", "expression_switch_statement", "type_switch_statement", "select_statement")


def guarded(stmt: Node, body: Node) -> bool:
    """The statement sits under an if/switch/select inside the loop body (not only after a `continue`)."""
    node = stmt.parent
    while node is not None and node != body:
        if node.type in GUARDS:
            return True
        node = node.parent
    return False


def partitions(ctx: Context, stmt: Node, body: Node, name: str) -> bool:
    """A branch before `stmt` that `continue`s also appends to or stores into another variable."""
    children = body.named_children
    if len(children) == 1 and children[0].type == "statement_list":
        children = children[0].named_children
    for child in children:
        if child.start_byte >= stmt.start_byte:
            break
        if child.type != "if_statement" or not _contains(child, "continue_statement"):
            continue
        for a in _walk(child, "assignment_statement"):
            target = _collection_target(ctx, a)
            if target is not None and target != name:
                return True
    return False


def self_appends(ctx: Context, scope: Node, name: str) -> list[Node]:
    """`name = append(name, ...)` and `name = f(name, ...)` statements (any arity) in `scope`."""
    out = []
    for a in _walk(scope, "assignment_statement"):
        left, right = a.child_by_field_name("left"), a.child_by_field_name("right")
        if left is None or right is None or left.named_child_count != 1 or right.named_child_count != 1:
            continue
        if ctx.text(left.named_children[0]) != name or ctx.text(a.child_by_field_name("operator")) != "=":
            continue
        call = inner(right.named_children[0])
        if call.type != "call_expression":
            continue
        args = call.child_by_field_name("arguments")
        if args is not None and args.named_child_count and ctx.text(inner(args.named_children[0])) == name:
            out.append(a)
    return out


def assigned_in(ctx: Context, scope: Node, name: str) -> list[Node]:
    """Assignments (=, op=, ++/--) whose target is the bare identifier `name`."""
    out = []
    for a in _walk(scope, "assignment_statement", "inc_statement", "dec_statement"):
        left = a.child_by_field_name("left") if a.type == "assignment_statement" else a
        if left is None:
            continue
        if any(ctx.text(t) == name for t in left.named_children if t.type == "identifier"):
            out.append(a)
    return out


def _collection_target(ctx: Context, a: Node) -> str | None:
    left, right = a.child_by_field_name("left"), a.child_by_field_name("right")
    if left is None or right is None or left.named_child_count != 1:
        return None
    target = inner(left.named_children[0])
    if target.type == "index_expression":
        return ctx.text(target.child_by_field_name("operand"))
    if target.type == "identifier" and right.named_child_count == 1:
        call = inner(right.named_children[0])
        if call.type == "call_expression" and ctx.text(call.child_by_field_name("function")) == "append":
            return ctx.text(target)
    return None


def _contains(node: Node, kind: str) -> bool:
    return next(_walk(node, kind), None) is not None


def _walk(node: Node, *kinds: str):
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type in kinds:
            yield n
        if n.type != "func_literal":
            stack.extend(reversed(n.named_children))
