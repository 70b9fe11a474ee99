"""loop/temporary's constant cases: where a value built from constants can move to a
package-level var, what that var is called, and how often the function that builds it runs.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from ...context import Context
from ...parsing import inner
from ...passes.decls import package_decls
from ...passes.scopes import Decl, enclosing_function, resolve


def call_frequency(ctx: Context, name: str) -> str | None:
    """"called-in-loop", "maybe" (exported or called from two places), or None (rarely)."""
    sites = _call_sites(ctx.package, name)
    if any(within_loop(c) for c in sites):
        return "called-in-loop"
    if name[:1].isupper() or len(sites) >= 2:
        return "maybe"
    return None


def _call_sites(pkg, name: str) -> list[Node]:
    """Calls of `name` (as f(...) or x.f(...)) in the package's files, memoised per package and
    name: found from where the name is spelled in each file's text (a descendant lookup each)."""
    cache = pkg.result("loop.temporary.calls", lambda p: {})
    if name not in cache:
        word, out = name.encode(), []
        for f in pkg.files:
            i = f.source.find(word)
            root = f.tree.root_node if i >= 0 else None
            while i >= 0:
                n = root.descendant_for_byte_range(i, i + len(word))
                if n is not None and n.start_byte == i and n.end_byte == i + len(word) and _names_callee(n):
                    out.append(n)
                i = f.source.find(word, i + 1)
        cache[name] = out
    return cache[name]


def _names_callee(n: Node) -> bool:
    """`n` is the function of a call: f in f(...), or the field f in x.f(...)."""
    parent = n.parent
    if parent is None:
        return False
    if n.type == "identifier":
        return parent.type == "call_expression" and parent.child_by_field_name("function") == n
    if n.type == "field_identifier" and parent.type == "selector_expression" and \
            parent.child_by_field_name("field") == n:
        call = parent.parent
        return call is not None and call.type == "call_expression" and call.child_by_field_name("function") == parent
    return False


def constant_string(ctx: Context, node: Node) -> bool:
    node = inner(node)
    if node.type in ("interpreted_string_literal", "raw_string_literal"):
        return True
    if node.type == "binary_expression" and ctx.text(node.child_by_field_name("operator")) == "+":
        return constant_string(ctx, node.child_by_field_name("left")) and \
            constant_string(ctx, node.child_by_field_name("right"))
    if node.type == "identifier":
        decl = resolve(node, ctx.source, package_decls(ctx.package).values)
        return decl is not None and decl.kind in ("const", "package-const") and _package_level(decl)
    return False


def _package_level(decl: Decl) -> bool:
    return decl.kind.startswith("package") or (decl.statement.parent is not None and
                                                decl.statement.parent.type == "source_file")


def top_function(node: Node) -> Node | None:
    n = node.parent
    top = None
    while n is not None:
        if n.type in ("function_declaration", "method_declaration"):
            top = n
        n = n.parent
    return top


def within_loop(node: Node) -> bool:
    n = node.parent
    while n is not None and n.type not in ("function_declaration", "method_declaration", "func_literal"):
        if n.type == "for_statement":
            return True
        n = n.parent
    return False


def caches(ctx: Context, call: Node) -> bool:
    """The result is stored somewhere longer-lived (a package var, a field), or the call sits in a
    func literal (often a sync.Once or lazy initialiser)."""
    fn = enclosing_function(call)
    if fn is None or fn.type == "func_literal":
        return True
    parent = call.parent
    if parent.type == "expression_list" and parent.parent.type == "assignment_statement":
        for target in parent.parent.child_by_field_name("left").named_children:
            target = inner(target)
            if target.type != "identifier":
                return True
            decl = resolve(target, ctx.source, package_decls(ctx.package).values)
            if decl is None or _package_level(decl):
                return True
    return False


def package_var_name(ctx: Context, call: Node, top: Node, suffix: str) -> str | None:
    fn_name = ctx.text(top.child_by_field_name("name"))
    base = fn_name[0].lower() + fn_name[1:]
    parent = call.parent
    if parent.type == "expression_list" and parent.parent.type == "short_var_declaration":
        local = ctx.text(parent.parent.child_by_field_name("left").named_children[0])
        if local.lower().endswith(suffix.lower()):
            local = local[: -len(suffix)]
        if len(local) > 2:  # `re`, `r`, `rx` say nothing the suffix does not
            base = f"{base}{local[0].upper()}{local[1:]}"
    taken = _package_words(ctx)
    for n in range(1, 10):
        name = f"{base}{suffix}" + (str(n) if n > 1 else "")
        if name not in taken:
            taken.add(name)  # two findings in one function get distinct names
            return name
    return None


def _package_words(ctx: Context) -> set[str]:
    return ctx.package.result("loop.temporary.words", lambda pkg: {
        w.decode() for f in pkg.files for w in re.findall(rb"[A-Za-z_][A-Za-z0-9_]*", f.source)})


def declaration_start(ctx: Context, top: Node) -> int:
    """Start of the line where the function's doc comment (or the function) begins."""
    start = top
    prev = top.prev_sibling
    while prev is not None and prev.type == "comment" and prev.end_point[0] + 1 >= start.start_point[0]:
        start = prev
        prev = prev.prev_sibling
    return ctx.source.rfind(b"\n", 0, start.start_byte) + 1

