"""Small questions about the syntax tree the interpreter asks (no state, no events)."""

from __future__ import annotations

from goperf.analyzer.context import SourceFile
from goperf.analyzer.parsing import inner

from .model import round_up


def passed_to_call(decl, name: str, f: SourceFile) -> bool:
    """Whether `name` is an argument of a call (other than append's first) in the enclosing function:
    the compiler's 32-byte stack buffer for `var s []T` is used only for slices that leave by return."""
    fn = decl
    while fn.parent is not None and fn.type not in ("function_declaration", "method_declaration", "func_literal"):
        fn = fn.parent
    stack = [fn]
    while stack:
        n = stack.pop()
        if n.type == "call_expression":
            callee = f.text(n.child_by_field_name("function"))
            args = n.child_by_field_name("arguments")
            for i, a in enumerate(args.named_children if args is not None else []):
                if f.text(inner(a)) == name and not (callee == "append" and i == 0):
                    return True
        stack.extend(n.named_children)
    return False


def frame_size(summ) -> int:
    """Frame estimate (`locals=`): the funcs pass' stack-resident locals + saved BP + a spill area."""
    if summ is None:
        return 0
    return round_up(summ.frame + 8 + (16 if summ.frame else 0), 8)


def has_calls(node) -> bool:
    stack = [node.child_by_field_name("body")]
    while stack:
        n = stack.pop()
        if n is None:
            continue
        if n.type == "call_expression":
            return True
        stack.extend(n.named_children)
    return False


