"""Helpers for rules about a local value filled inside a loop (maps, buffers, strings).

Shared by prealloc/map, prealloc/buffer and concat/loop: the innermost loop of a
statement, whether a statement runs on every iteration, whether a loop's count
expression means the same thing at an earlier point, the indentation of a line,
and the byte length of Go string literals.
"""

from __future__ import annotations

from tree_sitter import Node

from ..context import Context
from .loops import LOOPS, LoopInfo, assigns  # noqa: F401  (assigns: re-exported for the fill rules)
from .scopes import FUNCTION_KINDS, Decl, resolve

CONDITIONAL_KINDS = ("if_statement", "expression_switch_statement", "type_switch_statement",
                     "select_statement", "for_statement", "func_literal", "labeled_statement")


def innermost_loop(ctx: Context, node: Node) -> LoopInfo | None:
    """The loop whose body holds `node` most closely, not crossing a function literal."""
    n = node.parent
    while n is not None and n.type not in FUNCTION_KINDS:
        if n.type == "for_statement":
            body = n.child_by_field_name("body")
            if body is not None and body.start_byte <= node.start_byte < body.end_byte:
                return ctx.result(LOOPS).get(n.start_byte)
        n = n.parent
    return None


def is_conditional(stmt: Node, body: Node) -> bool:
    """Whether `stmt` may be skipped on some iterations of the loop with this body:
    it sits under an if/switch/select/inner loop, or a `continue` comes before it."""
    node = stmt.parent
    while node is not None and node != body:
        if node.type in CONDITIONAL_KINDS:
            return True
        node = node.parent
    stack = list(body.named_children)
    while stack:
        n = stack.pop()
        if n.start_byte >= stmt.start_byte or n.type in ("func_literal", "for_statement"):
            continue
        if n.type == "continue_statement":
            return True
        stack.extend(n.named_children)
    return False


def loop_operand_idents(loop: Node) -> list[Node]:
    """Identifiers the loop's count depends on: the range operand, or the counter's start and bound."""
    clause = next((c for c in loop.named_children if c.type in ("range_clause", "for_clause")), None)
    if clause is None:
        return []
    parts = [clause.child_by_field_name("right")] if clause.type == "range_clause" else [
        clause.child_by_field_name("condition"), clause.child_by_field_name("initializer")]
    out: list[Node] = []
    for part in parts:
        stack = [part] if part is not None else []
        while stack:
            n = stack.pop()
            if n.type == "identifier":
                out.append(n)
            elif n.type == "short_var_declaration":
                stack.append(n.child_by_field_name("right"))
                continue
            if n.type == "selector_expression":
                stack.append(n.child_by_field_name("operand"))
            else:
                stack.extend(n.named_children)
    return out


def count_valid_at(ctx: Context, loop: Node, stmt: Node) -> bool:
    """Whether the loop's count expression has the same value just after `stmt` (which
    precedes the loop in the same block): every variable in it is declared before `stmt`
    and none is assigned between `stmt` and the loop."""
    block = loop.parent
    between = [s for s in block.named_children if stmt.end_byte <= s.start_byte < loop.start_byte] if block else []
    for ident in loop_operand_idents(loop):
        decl = resolve(ident, ctx.source)
        if decl is not None and loop.start_byte <= decl.name_node.start_byte < loop.end_byte:
            continue  # the loop's own counter
        if decl is not None and decl.kind not in ("param", "result") and not decl.kind.startswith("package"):
            if decl.statement.start_byte >= stmt.start_byte:
                return False
        name = ctx.text(ident)
        if any(assigns(ctx, s, name) for s in between):
            return False
    return True


def declared_before_in_block(decl: Decl, loop: Node) -> bool:
    """The declaration is a statement of the loop's own block, before the loop."""
    stmt = decl.statement
    return stmt.parent is not None and stmt.parent == loop.parent and stmt.end_byte <= loop.start_byte


def line_indent(source: bytes, offset: int) -> str:
    start = source.rfind(b"\n", 0, offset) + 1
    end = start
    while end < len(source) and source[end] in b" \t":
        end += 1
    return source[start:end].decode()


def string_literal_bytes(node: Node, source: bytes) -> int | None:
    """Byte length of the value of a Go string literal node, or None if it is not one."""
    raw = source[node.start_byte:node.end_byte]
    if node.type == "raw_string_literal":
        return len(raw[1:-1].replace(b"\r", b""))
    if node.type != "interpreted_string_literal":
        return None
    body = raw[1:-1].decode("utf-8", "replace")
    n, i = 0, 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            n += len(c.encode())
            i += 1
            continue
        kind = body[i + 1] if i + 1 < len(body) else ""
        if kind == "x":
            n, i = n + 1, i + 4
        elif kind == "u":
            n, i = n + len(chr(int(body[i + 2:i + 6], 16)).encode("utf-8", "surrogatepass")), i + 6
        elif kind == "U":
            n, i = n + len(chr(min(int(body[i + 2:i + 10], 16), 0x10FFFF)).encode("utf-8", "surrogatepass")), i + 10
        elif kind in "01234567":
            n, i = n + 1, i + 4
        else:
            n, i = n + 1, i + 2
    return n
