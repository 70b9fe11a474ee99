"""Appends inside loops to slices declared before the loop: shared by prealloc and concat rules."""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node

from ..context import Context
from ..parsing import F_ARGUMENTS, F_FUNCTION, F_LEFT, F_OPERATOR, F_RIGHT, inner
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
    """`x = append(x, one)` statements, one per variable per loop, with x declared in the same function.

    A loop's appends are those in its body, nested loops included, function literals not: each
    self-append of the file (from the index) is counted for every loop around it up to the
    nearest function literal, and kept when it is the only one to its variable in its innermost loop."""
    loops = ctx.result(LOOPS)
    if not loops:
        return []
    counted: dict[tuple[int, str], list[Node]] = {}
    innermost: dict[int, Node | None] = {}  # statement start -> its nearest for_statement (or None)
    for stmt in ctx.nodes("assignment_statement"):
        name = _self_append_target(ctx, stmt)
        if name is None:
            continue
        start = stmt.start_byte
        n, first = stmt.parent, None
        while n is not None and n.type != "func_literal":
            if n.type == "for_statement":
                if first is None:
                    first = n
                info = loops.get(n.start_byte)
                if info is not None and info.body.start_byte <= start < info.body.end_byte:
                    counted.setdefault((n.start_byte, name), []).append(stmt)
            n = n.parent
        innermost[start] = first
    out = []
    order = {key: i for i, key in enumerate(loops)}
    for (key, name), stmts in sorted(counted.items(), key=lambda kv: (order[kv[0][0]], kv[1][0].start_byte)):
        info = loops[key]
        if len(stmts) != 1 or innermost[stmts[0].start_byte] != info.node:
            continue
        decl = resolve(_target_ident(stmts[0]), ctx.source)
        if decl is None or enclosing_function(decl.name_node) != enclosing_function(info.node):
            continue
        out.append(LoopAppend(info, stmts[0], name, decl, is_conditional(stmts[0], info.body)))
    return out


def _self_append_target(ctx: Context, stmt: Node) -> str | None:
    right = stmt.child_by_field_id(F_RIGHT)
    if right is None or right.named_child_count != 1:
        return None
    call = inner(right.named_children[0])
    if call.type != "call_expression":
        return None
    fn = call.child_by_field_id(F_FUNCTION)
    if fn is None or fn.type != "identifier" or ctx.text(fn) != "append":
        return None
    left, op = stmt.child_by_field_id(F_LEFT), stmt.child_by_field_id(F_OPERATOR)
    if ctx.text(op) != "=" or left is None or left.named_child_count != 1:
        return None
    target = left.named_children[0]
    if target.type != "identifier":
        return None
    args = call.child_by_field_id(F_ARGUMENTS)
    if args is None or args.named_child_count != 2 or any(c.type == "..." for c in args.children):
        return None
    first = inner(args.named_children[0])
    if first.type != "identifier" or ctx.text(first) != ctx.text(target):
        return None
    return ctx.text(target)


def _target_ident(stmt: Node) -> Node:
    return stmt.child_by_field_name("left").named_children[0]


def used_between(ctx: Context, name: str, start: int, end: int, scope: Node) -> bool:
    """Whether `name` appears in `scope` between byte offsets start and end."""
    return any(start <= i.start_byte < end for i in identifiers_in(scope, name, ctx.source))
