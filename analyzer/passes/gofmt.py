"""Printing small integer expressions the way gofmt does, for fixes that compose them.

Fixes build count expressions such as `len(xs)*12 + len(sep)` from pieces of the
source; gofmt's spacing of binary operators depends on the whole expression and on
where it stands (a lone call argument or one of several). This module holds a tiny
expression tree (atoms, binary operators, parentheses) and go/printer's rules for it
(`binaryExpr`, `cutoff`, `walkBinary`, `diffPrec`, `reduceDepth` in go/printer/nodes.go).
Atoms are kept as written: identifiers, literals, selectors and `len(x)`/`cap(x)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from tree_sitter import Node

from ..parsing import GO, parse

PREC = {"||": 1, "&&": 2, "==": 3, "!=": 3, "<": 3, "<=": 3, ">": 3, ">=": 3,
        "+": 4, "-": 4, "|": 4, "^": 4, "*": 5, "/": 5, "%": 5, "<<": 5, ">>": 5, "&": 5, "&^": 5}


@dataclass(frozen=True)
class Atom:
    text: str


@dataclass(frozen=True)
class Bin:
    op: str
    x: "Expr"
    y: "Expr"


@dataclass(frozen=True)
class Paren:
    x: "Expr"


Expr = Union[Atom, Bin, Paren]


def add(a: Expr | None, b: Expr | None) -> Expr | None:
    if a is None:
        return b
    if b is None:
        return a
    return Bin("+", a, _operand(b, 5))


def mul(a: Expr, b: Expr) -> Expr:
    if isinstance(a, Atom) and isinstance(b, Atom) and a.text.isdigit() and b.text.isdigit():
        return Atom(str(int(a.text) * int(b.text)))
    if a == Atom("1"):
        return b
    if b == Atom("1"):
        return a
    return Bin("*", _operand(a, 5), _operand(b, 6))


def _operand(e: Expr, prec: int) -> Expr:
    """Parenthesize `e` if it binds looser than an operand of precedence `prec` needs."""
    return Paren(e) if isinstance(e, Bin) and PREC[e.op] < prec else e


def format(e: Expr, depth: int = 1) -> str:
    """Source text of `e` as gofmt prints it; depth 1 = a statement or a lone call argument,
    2 = one of several call arguments."""
    return _expr1(e, 0, depth)


def _expr1(e: Expr, prec1: int, depth: int) -> str:
    if isinstance(e, Bin):
        depth = max(depth, 1)
        return _binary(e, prec1, _cutoff(e, depth), depth)
    if isinstance(e, Paren):
        if isinstance(e.x, Paren):  # gofmt drops doubled parentheses
            return _expr1(e.x, prec1, depth)
        return "(" + _expr1(e.x, 0, _reduce(depth)) + ")"
    return e.text


def _binary(x: Bin, prec1: int, cutoff: int, depth: int) -> str:
    prec = PREC[x.op]
    if prec < prec1:
        return "(" + _expr1(x, 0, _reduce(depth)) + ")"
    blank = " " if prec < cutoff else ""
    left = _expr1(x.x, prec, depth + _diff_prec(x.x, prec))
    right = _expr1(x.y, prec + 1, depth + 1)
    return f"{left}{blank}{x.op}{blank}{right}"


def _cutoff(e: Bin, depth: int) -> int:
    has4, has5 = _walk(e)
    if has4 and has5:
        return 5 if depth == 1 else 4
    return 6 if depth == 1 else 4


def _walk(e: Bin) -> tuple[bool, bool]:
    prec = PREC[e.op]
    has4, has5 = prec == 4, prec == 5
    if isinstance(e.x, Bin) and PREC[e.x.op] >= prec:
        h4, h5 = _walk(e.x)
        has4, has5 = has4 or h4, has5 or h5
    if isinstance(e.y, Bin) and PREC[e.y.op] > prec:
        h4, h5 = _walk(e.y)
        has4, has5 = has4 or h4, has5 or h5
    return has4, has5


def _diff_prec(e: Expr, prec: int) -> int:
    return 0 if isinstance(e, Bin) and PREC[e.op] == prec else 1


def _reduce(depth: int) -> int:
    return max(depth - 1, 1)


ATOM_CALLS = ("len", "cap")


def from_node(node: Node, source: bytes) -> Expr | None:
    """The expression tree of a syntax node, or None if it holds anything but atoms and
    arithmetic (whose formatting this module does not model)."""
    t = node.type
    if t == "binary_expression":
        op = node.child_by_field_name("operator")
        x, y = node.child_by_field_name("left"), node.child_by_field_name("right")
        if op is None or x is None or y is None:
            return None
        opt = source[op.start_byte:op.end_byte].decode()
        if opt not in ("+", "-", "*", "/", "%"):
            return None
        lx, ly = from_node(x, source), from_node(y, source)
        return Bin(opt, lx, ly) if lx is not None and ly is not None else None
    if t == "parenthesized_expression" and node.named_child_count == 1:
        inner = from_node(node.named_children[0], source)
        return Paren(inner) if inner is not None else None
    if _is_atom(node, source):
        return Atom(source[node.start_byte:node.end_byte].decode())
    return None


def _is_atom(node: Node, source: bytes) -> bool:
    t = node.type
    if t in ("identifier", "int_literal"):
        return True
    if t == "selector_expression":
        operand = node.child_by_field_name("operand")
        return operand is not None and _is_atom(operand, source) and operand.type != "int_literal"
    if t == "call_expression":
        fn, args = node.child_by_field_name("function"), node.child_by_field_name("arguments")
        if fn is None or args is None or source[fn.start_byte:fn.end_byte].decode() not in ATOM_CALLS:
            return False
        return args.named_child_count == 1 and args.named_children[0].type in ("identifier", "selector_expression") \
            and _is_atom(args.named_children[0], source)
    return False


def parse_expr(text: str) -> Expr | None:
    """The expression tree of Go expression text (as loops.TripCount.expr gives), or None."""
    src = f"package p\n\nvar _ = {text}\n".encode()
    tree = parse(src)
    if tree.root_node.has_error:
        return None
    decl = tree.root_node.named_children[-1]
    spec = decl.named_children[0] if decl.named_child_count else None
    value = spec.child_by_field_name("value") if spec is not None else None
    if value is None or value.named_child_count != 1:
        return None
    return from_node(value.named_children[0], src)


__all__ = ["Atom", "Bin", "Paren", "Expr", "add", "mul", "format", "from_node", "parse_expr", "GO"]
