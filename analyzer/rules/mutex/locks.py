"""Shared by the mutex/ rules: which import names mean "sync" and "sync/atomic", and
gofmt-aware removal of one line from an aligned block."""

from __future__ import annotations

from tree_sitter import Node

from ...context import SourceFile
from ...parsing import inner, specs

ZERO_READY = ("Mutex", "RWMutex", "WaitGroup", "Once")
SYNC_LOCKS = ("Mutex", "RWMutex", "WaitGroup", "Once", "Cond", "Map", "Pool")
ATOMIC_TYPES = ("Bool", "Int32", "Int64", "Uint32", "Uint64", "Uintptr", "Value", "Pointer")


def import_names(file: SourceFile, path: str) -> frozenset[str]:
    """Local names under which `file` imports `path` (empty if it does not)."""
    cache = file.__dict__.get("_goperf_imports")
    if cache is None:
        cache = file.__dict__["_goperf_imports"] = _import_names(file)
    return cache.get(path, _NONE)


_NONE: frozenset[str] = frozenset()


def _import_names(file: SourceFile) -> dict[str, frozenset[str]]:
    """{import path: local names} for every import of the file, read once."""
    out: dict[str, set[str]] = {}
    root = file.tree.root_node
    for decl in root.named_children:
        if decl.type != "import_declaration":
            continue
        for spec in specs(decl):
            path = file.text(spec.child_by_field_name("path")).strip('"`')
            names = out.setdefault(path, set())
            name = spec.child_by_field_name("name")
            if name is None:
                names.add(path.rsplit("/", 1)[-1])
            elif file.text(name) != "_":  # "." for a dot import
                names.add(file.text(name))
    return {path: frozenset(names) for path, names in out.items()}


def qualified(file: SourceFile, node: Node | None) -> tuple[str, str] | None:
    """("sync", "Mutex") for a qualified type naming sync.Mutex through any import name."""
    if node is None:
        return None
    node = inner(node)
    if node.type not in ("qualified_type", "selector_expression"):
        return None
    pkg = node.child_by_field_name("package") or node.child_by_field_name("operand")
    name = node.child_by_field_name("name") or node.child_by_field_name("field")
    if pkg is None or name is None:
        return None
    pkg_text = file.text(pkg)
    if pkg_text in import_names(file, "sync"):
        return "sync", file.text(name)
    if pkg_text in import_names(file, "sync/atomic"):
        return "atomic", file.text(name)
    return None


def line_span(source: bytes, node: Node) -> tuple[int, int] | None:
    """Byte range of the whole line(s) `node` occupies, if nothing else is on them."""
    start = source.rfind(b"\n", 0, node.start_byte) + 1
    end = source.find(b"\n", node.end_byte)
    end = len(source) if end < 0 else end + 1
    before = source[start:node.start_byte]
    after = source[node.end_byte:end].strip()
    if before.strip() or after not in (b"", b","):
        return None
    return start, end
