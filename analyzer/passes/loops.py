"""Loops: nesting, exits, and whether the trip count is known before the loop starts.

A trip count is known for `range` over a slice, array, string, map or integer
whose type the resolver can see, and for `for i := a; i < n; i++` where n is not
assigned in the loop. Channels, iterator functions, scanners and loops that
can leave early (break, return, goto, labelled continue) have none.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

from tree_sitter import Node

from ..context import Context, Pass
from ..parsing import inner
from . import typeof
from .scopes import FUNCTION_KINDS, identifiers_in

LOOP_EXITS = ("break_statement", "return_statement", "goto_statement")


@dataclass(frozen=True)
class TripCount:
    expr: str  # Go expression giving the count, valid before the loop: "len(xs)", "n", "n-i0"
    kind: str  # "slice" | "array" | "string" | "map" | "int" | "counter"

    @property
    def never_negative(self) -> bool:
        """A len(...) or a literal: safe as a capacity. `n` in `for i := 0; i < n; i++` may
        be negative (the loop then runs zero times, but make/Grow would panic)."""
        return self.kind in ("slice", "array", "string", "map") or self.expr.isdigit()


def constant_count(ctx: Context, trip: TripCount) -> int | None:
    """The trip count's value when it is an integer literal or a package constant."""
    from .decls import package_decls
    from .types import sizer

    if trip.expr.isdigit():
        return int(trip.expr)
    decls = package_decls(ctx.package)
    decl = decls.values.get(trip.expr)
    if decl is None or decl.kind != "package-const" or decl.value_node is None:
        return None
    return sizer(ctx.package).constant(decl.value_node, decls.value_files[trip.expr])


class LoopInfo:
    """One loop. The trip count, early exits and depth are worked out when first read: most
    loops never get that far in any rule (no append, map fill or buffer write in them)."""

    __slots__ = ("node", "body", "_ctx", "_trip", "_exits_early", "_depth")
    _UNSET = object()

    def __init__(self, node: Node, body: Node, ctx: Context):
        self.node = node
        self.body = body
        self._ctx = weakref.ref(ctx)  # the context keeps its loops: no cycle for the collector
        self._trip = self._exits_early = self._depth = LoopInfo._UNSET

    @property
    def trip(self) -> TripCount | None:
        if self._trip is LoopInfo._UNSET:
            self._trip = trip_count(self._ctx(), self.node)
        return self._trip

    @property
    def exits_early(self) -> bool:
        """break/return/goto/labelled statements that leave the loop"""
        if self._exits_early is LoopInfo._UNSET:
            self._exits_early = exits_early(self.node)
        return self._exits_early

    @property
    def depth(self) -> int:
        """1 for an outermost loop in its function"""
        if self._depth is LoopInfo._UNSET:
            self._depth = _depth(self.node)
        return self._depth


def loop_info(ctx: Context) -> dict[int, LoopInfo]:
    """Keyed by the for_statement's start byte."""
    out = {}
    for loop in ctx.nodes("for_statement"):
        body = loop.child_by_field_name("body")
        if body is None:
            continue
        out[loop.start_byte] = LoopInfo(loop, body, ctx)
    return out


LOOPS = Pass("loops", loop_info)


def _depth(loop: Node) -> int:
    depth, node = 1, loop.parent
    while node is not None and node.type not in FUNCTION_KINDS:
        if node.type == "for_statement":
            depth += 1
        node = node.parent
    return depth


# What each way out below spells: return, goto, break, labelled continue, panic, os.Exit, log.Fatal/Panic…
EXIT_WORDS = (b"return", b"goto", b"break", b"continue", b"panic", b"Exit", b"Fatal", b"Panic")


def exits_early(loop: Node) -> bool:
    """Whether anything in the body can leave this loop before its trip count runs out."""
    body = loop.child_by_field_name("body")
    if body is None:
        return False
    text = body.text  # (None only for a tree parsed without its source)
    if text is not None and not any(word in text for word in EXIT_WORDS):
        return False
    stack = list(body.named_children)
    while stack:
        n = stack.pop()
        if n.type in FUNCTION_KINDS:
            continue
        if n.type == "return_statement" or n.type == "goto_statement":
            return True
        if n.type == "break_statement":
            if n.named_child_count:  # labelled: may target this or an outer loop
                return True
            if _breaks_target(n, loop):
                return True
        if n.type == "continue_statement" and n.named_child_count:
            return True  # labelled continue of an outer loop skips the rest of this one
        if n.type == "call_expression" and _is_panic_or_exit(n):
            return True
        stack.extend(n.named_children)
    return False


def _breaks_target(brk: Node, loop: Node) -> bool:
    node = brk.parent
    while node is not None and node != loop:
        if node.type in ("for_statement", "expression_switch_statement", "type_switch_statement", "select_statement"):
            return False
        node = node.parent
    return True


def _is_panic_or_exit(call: Node) -> bool:
    fn = call.child_by_field_name("function")
    if fn is None:
        return False
    name = fn.text.decode() if fn.text else ""
    return name in ("panic", "os.Exit", "log.Fatal", "log.Fatalf", "log.Panic", "log.Panicf")


def trip_count(ctx: Context, loop: Node) -> TripCount | None:
    clause = next((c for c in loop.named_children if c.type in ("range_clause", "for_clause")), None)
    if clause is None:
        return None
    if clause.type == "range_clause":
        return _range_count(ctx, loop, clause)
    return _counter_count(ctx, loop, clause)


def _range_count(ctx: Context, loop: Node, clause: Node) -> TripCount | None:
    right = clause.child_by_field_name("right")
    if right is None:
        return None
    right = inner(right)
    if not is_pure(right, ctx):
        return None
    if right.type == "int_literal":
        return TripCount(ctx.text(right), "int")
    kind = typeof.kind_of(ctx, right)
    # range evaluates its operand once, before the first iteration, so the count
    # is fixed even if the body reassigns the variable.
    if kind in ("slice", "string", "map", "array"):
        return TripCount(f"len({ctx.text(right)})", kind)
    if kind == "pointer-to-array":
        return TripCount(f"len({ctx.text(right)})", "array")
    if kind == "int":
        return TripCount(ctx.text(right), "int")
    return None


def _counter_count(ctx: Context, loop: Node, clause: Node) -> TripCount | None:
    """`for i := a; i < n; i++` (or `i <= n`, `n > i`), i and n untouched in the body."""
    init = clause.child_by_field_name("initializer")
    cond = clause.child_by_field_name("condition")
    update = clause.child_by_field_name("update")
    if init is None or cond is None or update is None or init.type != "short_var_declaration":
        return None
    left, right = init.child_by_field_name("left"), init.child_by_field_name("right")
    if left is None or right is None or left.named_child_count != 1 or right.named_child_count != 1:
        return None
    var, start = ctx.text(left.named_children[0]), right.named_children[0]
    if update.type != "inc_statement" or ctx.text(update.named_children[0]) != var:
        return None
    cond = inner(cond)
    if cond.type != "binary_expression":
        return None
    op = ctx.text(cond.child_by_field_name("operator"))
    a, b = cond.child_by_field_name("left"), cond.child_by_field_name("right")
    if op in (">", ">=") :
        a, b, op = b, a, {">": "<", ">=": "<="}[op]
    if op not in ("<", "<=") or ctx.text(a) != var or not is_pure(b, ctx) or not is_pure(start, ctx):
        return None
    body = loop.child_by_field_name("body")
    if body is None or assigns(ctx, body, var) or any(assigns(ctx, body, ctx.text(i)) for i in _idents(b)):
        return None
    bound = ctx.text(b)
    if not _is_simple(b):
        bound = f"({bound})"
    start_text = ctx.text(start)
    expr = bound if start_text == "0" else f"{bound}-{start_text if _is_simple(start) else '(' + start_text + ')'}"
    if op == "<=":
        expr = f"{expr}+1"
    return TripCount(expr, "counter")


def _is_simple(node: Node) -> bool:
    return node.type in ("identifier", "int_literal", "selector_expression", "call_expression")


def _idents(node: Node) -> list[Node]:
    out, stack = [], [node]
    while stack:
        n = stack.pop()
        if n.type == "identifier":
            out.append(n)
        stack.extend(n.named_children)
    return out


def is_pure(node: Node, ctx: Context) -> bool:
    """No calls other than len/cap, no receives: safe to evaluate twice, before the loop."""
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type == "call_expression":
            fn = n.child_by_field_name("function")
            if fn is None or ctx.text(fn) not in ("len", "cap"):
                return False
        if n.type == "unary_expression" and ctx.text(n.child_by_field_name("operator")) == "<-":
            return False
        if n.type in ("func_literal", "composite_literal", "type_conversion_expression"):
            return False
        stack.extend(n.named_children)
    return True


def assigns(ctx: Context, node: Node, name: str) -> bool:
    """Whether `name` is assigned, incremented, redeclared or has its address taken in `node`."""
    for ident in identifiers_in(node, name, ctx.source):
        parent = ident.parent
        if parent.type == "expression_list" and parent.parent is not None:
            stmt = parent.parent
            if stmt.type in ("assignment_statement", "short_var_declaration") and stmt.child_by_field_name("left") == parent:
                return True
            if stmt.type == "range_clause" and stmt.child_by_field_name("left") == parent:
                return True
        if parent.type in ("inc_statement", "dec_statement"):
            return True
        if parent.type == "unary_expression" and ctx.text(parent.child_by_field_name("operator")) == "&":
            return True
    return False
