"""Sizes and alignments of Go types as the gc compiler lays them out on amd64.

Works from type expressions in the syntax tree: basic types, arrays, structs and
named types declared anywhere in the package, the standard-library types people
use most (a table generated from `unsafe.Sizeof`, see scripts/gen_stdlib_sizes.py),
pointers, slices, strings, maps, channels, funcs and interfaces.
Returns None where the size is unknowable from syntax (type parameters, unknown
imported types, non-constant array lengths).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from tree_sitter import Node

from ..context import Package, SourceFile
from ..parsing import inner
from .decls import package_decls

WORD = 8

BASIC = {
    "bool": (1, 1), "int8": (1, 1), "uint8": (1, 1), "byte": (1, 1),
    "int16": (2, 2), "uint16": (2, 2),
    "int32": (4, 4), "uint32": (4, 4), "rune": (4, 4), "float32": (4, 4),
    "int": (8, 8), "uint": (8, 8), "int64": (8, 8), "uint64": (8, 8), "uintptr": (8, 8),
    "float64": (8, 8), "complex64": (8, 4), "complex128": (16, 8),
    "string": (16, 8), "error": (16, 8), "any": (16, 8),
}
WORD_KINDS = ("pointer_type", "map_type", "channel_type", "function_type")


@dataclass(frozen=True)
class Layout:
    size: int
    align: int
    has_pointers: bool = True


@lru_cache(maxsize=1)
def stdlib_sizes() -> dict[str, dict]:
    """{"sync.Mutex": {"size": 8, "align": 4, "pointers": false}, ...} from the generated table."""
    data = resources.files("goperf.analyzer").joinpath("data", "stdlib_sizes.json").read_text()
    return json.loads(data)


class Sizer:
    """Computes layouts within one package, memoising named types."""

    def __init__(self, pkg: Package):
        self.decls = package_decls(pkg)  # not the package: it holds this Sizer among its results
        self._named: dict[str, Layout | None] = {}
        self._in_progress: set[str] = set()

    def layout(self, type_node: Node | None, file: SourceFile) -> Layout | None:
        if type_node is None:
            return None
        t = inner(type_node)
        kind = t.type
        if kind in ("type_identifier", "identifier"):
            return self.named(file.text(t))
        if kind == "qualified_type":
            return self.qualified(file.text(t))
        if kind in WORD_KINDS:
            return Layout(WORD, WORD)
        if kind == "slice_type":
            return Layout(3 * WORD, WORD)
        if kind == "interface_type":
            return Layout(2 * WORD, WORD)
        if kind == "array_type":
            return self._array(t, file)
        if kind == "struct_type":
            return self._struct(t, file)
        if kind == "parenthesized_type":
            return self.layout(t.named_children[0], file)
        return None  # generic instantiations, type parameters, ...

    def named(self, name: str) -> Layout | None:
        if name in self._named:
            return self._named[name]
        decl = self.decls.types.get(name)
        if decl is None:
            if name in BASIC:
                size, align = BASIC[name]
                return Layout(size, align, name in ("string", "error", "any"))
            return None
        if name in self._in_progress:  # a recursive type through a value: invalid Go
            return None
        self._in_progress.add(name)
        try:
            result = self.layout(decl.type_node, decl.file)
        finally:
            self._in_progress.discard(name)
        self._named[name] = result
        return result

    def qualified(self, name: str) -> Layout | None:
        entry = stdlib_sizes().get(name)
        if entry is None:
            return None
        return Layout(entry["size"], entry["align"], entry["pointers"])

    def _local_constant(self, ident: Node, file: SourceFile) -> int | None:
        """A constant declared in a block around `ident`, before it (`const n = 64; var buf [n]byte`)."""
        name = file.text(ident)
        block, inside = ident.parent, ident
        while block is not None and block.type not in ("function_declaration", "method_declaration", "source_file"):
            if block.type in ("block", "statement_list"):
                for stmt in block.named_children:
                    if stmt.start_byte >= inside.start_byte:
                        break
                    if stmt.type != "const_declaration":
                        continue
                    for spec in stmt.named_children:
                        names = [file.text(n) for n in spec.children_by_field_name("name")]
                        value = spec.child_by_field_name("value")
                        if name in names and value is not None and len(value.named_children) == len(names):
                            return self.constant(value.named_children[names.index(name)], file)
            block, inside = block.parent, block
        return None

    def _array(self, t: Node, file: SourceFile) -> Layout | None:
        length = self.constant(t.child_by_field_name("length"), file)
        elem = self.layout(t.child_by_field_name("element"), file)
        if length is None or elem is None:
            return None
        return Layout(length * elem.size, elem.align, elem.has_pointers and length > 0)

    def _struct(self, t: Node, file: SourceFile) -> Layout | None:
        offset, align, pointers = 0, 1, False
        last_zero = False
        field_list = next((c for c in t.named_children if c.type == "field_declaration_list"), None)
        for field in field_list.named_children if field_list else []:
            if field.type != "field_declaration":
                continue
            names = field.children_by_field_name("name")
            if embedded_pointer(field):  # `*T` embedded: the `*` is outside the type node
                ft = Layout(WORD, WORD)
            else:
                ft = self.layout(field.child_by_field_name("type"), file)
            if ft is None:
                return None
            for _ in range(max(1, len(names))):  # an embedded field counts once
                offset = _round(offset, ft.align) + ft.size
                align = max(align, ft.align)
                pointers = pointers or ft.has_pointers
                last_zero = ft.size == 0
        if last_zero and offset > 0:
            offset += 1  # a final zero-size field would point past the object
        return Layout(_round(offset, align), align, pointers)

    def constant(self, node: Node | None, file: SourceFile, iota: int | None = None) -> int | None:
        """Value of an integer constant expression, or None."""
        if node is None:
            return None
        node = inner(node)
        if node.type == "int_literal":
            try:
                return int(file.text(node).replace("_", ""), 0)
            except ValueError:
                return None
        if node.type == "iota":
            return iota
        if node.type == "identifier":
            if file.text(node) == "iota":
                return iota
            decl = self.decls.values.get(file.text(node))
            if decl is not None and decl.kind == "package-const":
                return self._package_constant(decl)
            return self._local_constant(node, file)
        if node.type == "unary_expression":
            v = self.constant(node.child_by_field_name("operand"), file, iota)
            op = file.text(node.child_by_field_name("operator"))
            return None if v is None else {"-": -v, "+": v, "^": ~v}.get(op)
        if node.type == "binary_expression":
            a = self.constant(node.child_by_field_name("left"), file, iota)
            b = self.constant(node.child_by_field_name("right"), file, iota)
            op = file.text(node.child_by_field_name("operator"))
            if a is None or b is None:
                return None
            ops = {"+": a + b, "-": a - b, "*": a * b, "<<": a << b if 0 <= b < 64 else None,
                   "/": _quo(a, b) if b else None, "%": a - b * _quo(a, b) if b else None,
                   ">>": a >> b if b >= 0 else None, "&": a & b, "|": a | b, "^": a ^ b, "&^": a & ~b}
            return ops.get(op)
        return None

    def _package_constant(self, decl) -> int | None:
        """A package constant's value, following implicit repetition and iota in const blocks."""
        file = self.decls.value_files[decl.name]
        spec = decl.name_node.parent
        if spec is None or spec.type != "const_spec":
            return self.constant(decl.value_node, file) if decl.value_node is not None else None
        specs = [c for c in spec.parent.named_children if c.type == "const_spec"]
        index = specs.index(spec) if spec in specs else 0
        position = [file.text(n) for n in spec.children_by_field_name("name")].index(decl.name)
        for source_spec in reversed(specs[: index + 1]):  # `b` in `a = iota; b` repeats a's expression
            value = source_spec.child_by_field_name("value")
            if value is not None:
                exprs = value.named_children
                if position >= len(exprs):
                    return None
                return self.constant(exprs[position], file, index)
        return None


def _quo(a: int, b: int) -> int:
    """Go's integer division: truncated toward zero."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def embedded_pointer(field: Node) -> bool:
    """Whether a field_declaration embeds `*T` (the grammar leaves the `*` outside the type node)."""
    return any(c.type == "*" for c in field.children)


def _round(n: int, align: int) -> int:
    return (n + align - 1) // align * align


def sizer(pkg: Package) -> Sizer:
    return pkg.result("sizer", Sizer)


def human_bytes(n: int | float) -> str:
    if n >= 1 << 20:
        return f"{n / (1 << 20):.1f} MiB"
    if n >= 1 << 10:
        return f"{n / (1 << 10):.1f} KiB"
    return f"{int(n)} B"
