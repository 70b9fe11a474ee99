"""The Go grammar, the parser and compiled queries (each compiled once per process)."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import tree_sitter_go
from tree_sitter import Language, Node, Parser, Query, QueryCursor, Tree

GO = Language(tree_sitter_go.language())

# Field ids for the hottest child lookups: child_by_field_id(F_LEFT) skips the name-to-id search
# that child_by_field_name("left") makes on every call.
F_ARGUMENTS = GO.field_id_for_name("arguments")
F_BODY = GO.field_id_for_name("body")
F_FUNCTION = GO.field_id_for_name("function")
F_LEFT = GO.field_id_for_name("left")
F_NAME = GO.field_id_for_name("name")
F_OPERATOR = GO.field_id_for_name("operator")
F_PARAMETERS = GO.field_id_for_name("parameters")
F_RECEIVER = GO.field_id_for_name("receiver")
F_RESULT = GO.field_id_for_name("result")
F_RIGHT = GO.field_id_for_name("right")
F_TYPE = GO.field_id_for_name("type")
F_TYPE_PARAMETERS = GO.field_id_for_name("type_parameters")
F_VALUE = GO.field_id_for_name("value")


def parse(source: bytes, old_tree: Tree | None = None) -> Tree:
    parser = Parser(GO)
    return parser.parse(source, old_tree) if old_tree is not None else parser.parse(source)


@lru_cache(maxsize=None)
def query(name: str) -> Query:
    """Compile `queries/<name>.scm` (package data) once."""
    text = resources.files(__package__).joinpath("queries", f"{name}.scm").read_text()
    return Query(GO, text)


@lru_cache(maxsize=None)
def indexed_kinds() -> frozenset[str]:
    """The capture names of queries/index.scm (node kinds, one query run per file)."""
    q = query("index")
    return frozenset(q.capture_name(i) for i in range(q.capture_count))


@lru_cache(maxsize=None)
def kind_query(kind: str) -> Query | None:
    """`(kind) @kind`, or None if the grammar has no such node kind."""
    if not kind.replace("_", "").isalnum() or GO.id_for_node_kind(kind, True) is None:
        return None
    return Query(GO, f"({kind}) @{kind}")


@lru_cache(maxsize=None)
def inline_query(text: str) -> Query:
    return Query(GO, text)


def captures(q: Query, node: Node) -> dict[str, list[Node]]:
    return QueryCursor(q).captures(node)


def captures_in(q: Query, node: Node, start: int, end: int) -> dict[str, list[Node]]:
    """Captures of nodes lying wholly inside [start, end) (the cursor itself yields intersecting ones)."""
    cursor = QueryCursor(q)
    cursor.set_byte_range(start, end)
    return {name: [n for n in nodes if start <= n.start_byte and n.end_byte <= end]
            for name, nodes in cursor.captures(node).items()}


def text(node: Node | None, source: bytes) -> str:
    if node is None:
        return ""
    return source[node.start_byte : node.end_byte].decode("utf-8", "replace")


def inner(node: Node) -> Node:
    """Unwrap parentheses."""
    while node.type == "parenthesized_expression" and node.named_child_count == 1:
        node = node.named_children[0]
    return node


def specs(decl: Node) -> list[Node]:
    """The `*_spec` children of a var, const, type or import declaration, whether written
    as one spec or as a parenthesised list."""
    out = []
    for child in decl.named_children:
        if child.type.endswith("_spec") or child.type == "type_alias":
            out.append(child)
        elif child.type.endswith("_spec_list"):
            out.extend(c for c in child.named_children if c.type.endswith("_spec") or c.type == "type_alias")
    return out
