"""Appends inside loops to slices declared before the loop: shared by prealloc and concat rules."""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node

from ..context import Context
from ..parsing import inner
from .fills import is_conditional
from .loops import LOOPS, LoopInfo
from .scopes import Decl, enclosing_function, identifiers_in, resolve

@dataclass(frozen=True)
class LoopAppend:
    loop: LoopInfo
    statement: Node  # the `x = append(x, e)` assignment
    name: str
    decl: Decl
    conditional: bool  # inside an if/switch in the body, or after a `continue`


def single_appends(ctx: Context) -> list[LoopAppend]:
    """`x = append(x, one)` statements, one per variable per loop, with x declared in the same function."""
    out = []
    loops = ctx.result(LOOPS)
    for info in loops.values():
        by_name: dict[str, list[Node]] = {}
        for stmt in _assignments_in(info.body):
            name = _self_append_target(ctx, stmt)
            if name is not None:
                by_name.setdefault(name, []).append(stmt)
        for name, stmts in by_name.items():
            if len(stmts) != 1 or _loop_of(stmts[0]) != info.node:
                continue
            decl = resolve(_target_ident(stmts[0]), ctx.source)
            if decl is None or enclosing_function(decl.name_node) != enclosing_function(info.node):
                continue
            out.append(LoopAppend(info, stmts[0], name, decl, is_conditional(stmts[0], info.body)))
    return out


def _assignments_in(body: Node) -> list[Node]:
    out, stack = [], [body]
    while stack:
        n = stack.pop()
        if n.type == "assignment_statement":
            out.append(n)
        if n.type != "func_literal":
            stack.extend(n.named_children)
    return out


def _self_append_target(ctx: Context, stmt: Node) -> str | None:
    left, right = stmt.child_by_field_name("left"), stmt.child_by_field_name("right")
    if ctx.text(stmt.child_by_field_name("operator")) != "=" or left is None or right is None:
        return None
    if left.named_child_count != 1 or right.named_child_count != 1:
        return None
    target, call = left.named_children[0], inner(right.named_children[0])
    if target.type != "identifier" or call.type != "call_expression":
        return None
    if ctx.text(call.child_by_field_name("function")) != "append":
        return None
    args = call.child_by_field_name("arguments")
    if args is None or args.named_child_count != 2 or any(c.type == "..." for c in args.children):
        return None
    first = inner(args.named_children[0])
    if first.type != "identifier" or ctx.text(first) != ctx.text(target):
        return None
    return ctx.text(target)


def _target_ident(stmt: Node) -> Node:
    return stmt.child_by_field_name("left").named_children[0]


def _loop_of(node: Node) -> Node | None:
    node = node.parent
    while node is not None and node.type not in ("for_statement", "func_literal"):
        node = node.parent
    return node


def used_between(ctx: Context, name: str, start: int, end: int, scope: Node) -> bool:
    """Whether `name` appears in `scope` between byte offsets start and end."""
    return any(start <= i.start_byte < end for i in identifiers_in(scope, name, ctx.source))
