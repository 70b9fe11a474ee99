"""Call order by instrumentation: a temporary copy of a package whose functions open a
`runtime/trace` user region on entry, as `go test -cover` rewrites source to count.

Each function or method declaration with a body gets, as its first statement,

    defer __goperf_trace.StartRegion(__goperf_ctx.Background(), "import/path.Func").End()

with the two imports added as their own import declaration; the result is gofmt-clean.
Run with GODEBUG=traceallocfree=1 and -trace, the copy puts RegionBegin/RegionEnd on the
same goroutine and clock as HeapObjectAlloc and GoroutineStackAlloc/Free, which gives the
order of calls, allocations and stack growths per goroutine (see `record_calls.py`).

The defer and StartRegion change frames and inlining, and StartRegion allocates one
`runtime/trace.Region` per call: the copy is used for order only. Function literals are
not instrumented (their work is charged to the enclosing function).
"""

from __future__ import annotations

import difflib
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from ..analyzer.parsing import parse

TRACE_ALIAS = "__goperf_trace"
CTX_ALIAS = "__goperf_ctx"
REGION_TYPE = "runtime/trace.Region"
IMPORTS = f'import (\n\t{CTX_ALIAS} "context"\n\t{TRACE_ALIAS} "runtime/trace"\n)\n'


class InstrumentError(Exception):
    pass


@dataclass
class Instrumented:
    root: Path                                   # copy of the module
    pkg_dir: Path                                # the package inside the copy
    functions: list[str] = field(default_factory=list)
    line_maps: dict[str, dict[int, int]] = field(default_factory=dict)   # file -> {new line: old line}


def _receiver_type(node, src: bytes) -> str:
    """`(*T)` / `T` as the runtime names methods (type parameters written `[...]`)."""
    params = node.child_by_field_name("receiver")
    t = ""
    for ch in params.named_children if params else []:
        if ch.type == "parameter_declaration":
            tn = ch.child_by_field_name("type")
            t = src[tn.start_byte:tn.end_byte].decode() if tn else ""
    ptr = t.startswith("*")
    t = t.lstrip("*").strip()
    t = re.sub(r"\[.*\]$", "[...]", t)
    return f"(*{t})" if ptr else t


def function_name(node, src: bytes, import_path: str) -> str:
    name = src[node.child_by_field_name("name").start_byte:node.child_by_field_name("name").end_byte].decode()
    if node.type == "method_declaration":
        return f"{import_path}.{_receiver_type(node, src)}.{name}"
    return f"{import_path}.{name}"


def rewrite(source: bytes, import_path: str) -> tuple[bytes, list[str]]:
    """Instrument one file; returns the new source and the region names it opens."""
    tree = parse(source)
    root = tree.root_node
    pkg = next((c for c in root.children if c.type == "package_clause"), None)
    if pkg is None:
        raise InstrumentError("no package clause")
    edits: list[tuple[int, int, bytes]] = []
    names = []
    for node in root.children:
        if node.type not in ("function_declaration", "method_declaration"):
            continue
        body = node.child_by_field_name("body")
        if body is None:
            continue
        fname = function_name(node, source, import_path)
        names.append(fname)
        line_start = source.rfind(b"\n", 0, node.start_byte) + 1
        indent = re.match(rb"[ \t]*", source[line_start:node.start_byte]).group(0)
        stmt = (f'defer {TRACE_ALIAS}.StartRegion({CTX_ALIAS}.Background(), {json.dumps(fname)}).End()'
                ).encode()
        lbrace = body.start_byte                 # "{"
        one_line = body.start_point[0] == body.end_point[0]
        if one_line:
            inner = source[lbrace + 1:body.end_byte - 1].strip()
            new = b"{\n" + indent + b"\t" + stmt + b"\n"
            if inner:
                new += indent + b"\t" + inner + b"\n"
            new += indent + b"}"
            edits.append((lbrace, body.end_byte, new))
        else:
            edits.append((lbrace + 1, lbrace + 1, b"\n" + indent + b"\t" + stmt))
    if not names:
        return source, []
    edits.append((pkg.end_byte, pkg.end_byte, b"\n\n" + IMPORTS.encode().rstrip(b"\n")))
    out = source
    for a, b, new in sorted(edits, key=lambda e: e[0], reverse=True):
        out = out[:a] + new + out[b:]
    return out, names


def line_map(old: bytes, new: bytes) -> dict[int, int]:
    """1-based line of the instrumented file -> line of the original (unchanged lines only)."""
    a, b = old.decode(errors="replace").splitlines(), new.decode(errors="replace").splitlines()
    out = {}
    for blk in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks():
        for k in range(blk.size):
            out[blk.b + k + 1] = blk.a + k + 1
    return out


def module_root(pkg_dir: Path) -> Path:
    d = pkg_dir.resolve()
    for p in (d, *d.parents):
        if (p / "go.mod").exists():
            return p
    raise InstrumentError(f"{pkg_dir}: no go.mod above the package")


def instrument(pkg_dir: str | Path, import_path: str, dest: str | Path,
               include_tests: bool = True) -> Instrumented:
    """Copy the module holding `pkg_dir` to `dest` and instrument the package's files."""
    pkg_dir = Path(pkg_dir).resolve()
    mod = module_root(pkg_dir)
    dest = Path(dest)
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(mod, dest, ignore=shutil.ignore_patterns(".git", "*.test", "*.out", "*.pprof"))
    target = dest / pkg_dir.relative_to(mod)
    res = Instrumented(dest, target)
    for f in sorted(target.glob("*.go")):
        if f.name.endswith("_test.go") and not include_tests:
            continue
        src = f.read_bytes()
        if b"//go:build ignore" in src[:200]:
            continue
        new, names = rewrite(src, import_path)
        if names:
            f.write_bytes(new)
            res.functions += names
            res.line_maps[f.name] = line_map(src, new)
    return res
