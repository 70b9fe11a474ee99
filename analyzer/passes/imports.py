"""A file's imports, and the edit that adds one the way gofmt and goimports lay it out."""

from __future__ import annotations

from tree_sitter import Node

from ..model import Edit
from ..parsing import specs as decl_specs


def imports(root: Node, source: bytes) -> dict[str, str]:
    """{path: local name} for the file's imports (name "" when not renamed)."""
    out = {}
    for spec in _specs(root):
        path, name = spec.child_by_field_name("path"), spec.child_by_field_name("name")
        if path is not None:
            out[_path(path, source)] = source[name.start_byte:name.end_byte].decode() if name is not None else ""
    return out


def local_name(root: Node, source: bytes, path: str) -> str | None:
    """The name the file refers to an imported package by, or None if not (usably) imported."""
    got = imports(root, source)
    if path not in got:
        return None
    name = got[path]
    if name in ("_", "."):
        return None
    return name or path.rsplit("/", 1)[-1]


# `go list -deps strings` (Go 1.27, GOEXPERIMENT=simd): a package that imports only these
# may itself be one of strings' dependencies, where importing strings would be a cycle.
STRINGS_DEPS = frozenset("""
internal/goarch unsafe internal/abi internal/unsafeheader internal/cpu internal/bytealg internal/byteorder
internal/chacha8rand internal/coverage/rtcov internal/godebugs internal/goexperiment internal/goos
internal/profilerecord internal/runtime/atomic internal/runtime/syscall/linux math/bits internal/strconv
internal/runtime/cgroup internal/runtime/exithook internal/runtime/gc internal/runtime/sys
internal/runtime/gc/scan internal/asan internal/msan internal/race internal/runtime/math simd/archsimd
internal/runtime/maps internal/runtime/pprof/label internal/stringslite internal/trace/tracev2 runtime
internal/reflectlite errors sync/atomic internal/sync internal/synctest sync io iter unicode unicode/utf8
strings""".split())
DEPS = {"strings": STRINGS_DEPS}


def may_create_cycle(roots: list[Node], sources: list[bytes], path: str) -> bool:
    """Whether importing `path` into the package with these files might close an import cycle:
    the package imports nothing outside `path`'s own dependencies (so it may be one of them)."""
    deps = DEPS.get(path)
    if deps is None:
        return True
    return all(p in deps or p == "C" for root, src in zip(roots, sources) for p in imports(root, src))


def add_import(root: Node, source: bytes, path: str) -> Edit | None:
    """An insertion that imports `path` (a standard-library path), keeping gofmt's sorted groups.
    None if the file's import layout is one this does not handle (cgo preambles, comments)."""
    decls = [c for c in root.named_children if c.type == "import_declaration"]
    quoted = f'"{path}"'
    if not decls:
        pkg = next((c for c in root.named_children if c.type == "package_clause"), None)
        if pkg is None:
            return None
        return Edit(pkg.end_byte, pkg.end_byte, f"\n\nimport {quoted}")
    decl = decls[0]
    if any(_path(s.child_by_field_name("path"), source) == "C" for d in decls for s in decl_specs(d)):
        return None
    lst = next((c for c in decl.named_children if c.type == "import_spec_list"), None)
    if lst is None:  # import "fmt"  ->  import (\n\t"fmt"\n\t"strings"\n)
        spec = next((c for c in decl.named_children if c.type == "import_spec"), None)
        if spec is None or any(c.type == "comment" for c in decl.named_children):
            return None
        old = source[spec.start_byte:spec.end_byte].decode()
        lines = sorted([old, quoted], key=lambda s: s.split('"')[1])
        return Edit(decl.start_byte, decl.end_byte, "import (\n" + "".join(f"\t{x}\n" for x in lines) + ")")
    if any(c.type == "comment" for c in lst.named_children):
        return None
    specs = [c for c in lst.named_children if c.type == "import_spec"]
    if not specs:
        return Edit(lst.start_byte + 1, lst.start_byte + 1, f"\n\t{quoted}")
    groups, current = [], [specs[0]]
    for prev, spec in zip(specs, specs[1:]):
        if spec.start_point[0] - prev.end_point[0] > 1:  # a blank line starts a new group
            groups.append(current)
            current = []
        current.append(spec)
    groups.append(current)
    std = next((g for g in groups if all("." not in _path(s.child_by_field_name("path"), source).split("/")[0] for s in g)), None)
    if std is None:  # only third-party groups: a standard-library group goes first
        first = specs[0]
        start = _line_start(source, first.start_byte)
        return Edit(start, start, f"\t{quoted}\n\n")
    for spec in std:
        if _path(spec.child_by_field_name("path"), source) > path:
            start = _line_start(source, spec.start_byte)
            return Edit(start, start, f"\t{quoted}\n")
    last = std[-1]
    end = _line_end(source, last.end_byte)
    return Edit(end, end, f"\n\t{quoted}")


def _specs(root: Node) -> list[Node]:
    out = []
    for decl in root.named_children:
        if decl.type == "import_declaration":
            out.extend(decl_specs(decl))
    return out


def _path(node: Node | None, source: bytes) -> str:
    if node is None:
        return ""
    return source[node.start_byte:node.end_byte].decode().strip('"`')


def _line_start(source: bytes, offset: int) -> int:
    return source.rfind(b"\n", 0, offset) + 1


def _line_end(source: bytes, offset: int) -> int:
    end = source.find(b"\n", offset)
    return len(source) if end < 0 else end
