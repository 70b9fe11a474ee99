"""Generate analyzer/data/stdlib_escape.json: escape facts of common standard-library functions,
taken from the compiler's own `-gcflags=-m=2` output on those packages.

For every exported function and method (of an exported type) the table records:
- "params": one `[heap, result]` pair per parameter in order (receiver first for methods):
  the dereference level at which the argument leaks to the heap ("leaking param: p" is 0,
  "leaking param content: p" is 1) and to a result ("to result ~r0 level=N" is N), null
  where it does not;
- "iface": indexes of the parameters whose type is an interface (arguments get converted);
- "ptr_recv": whether a method has a pointer receiver (calling it takes the variable's address);
- "variadic": whether the last parameter is `...T`;
- "inline": the inlining cost if the compiler can inline it, else null;
- "sites": when inlinable, the allocation sites of its body as the compiler reports them at
  the call site once inlined: "heap" (escape whatever the caller does) or "result" (escape
  only if the caller lets the result escape);
- "seq": the first result is a function (`iter.Seq[T]`): `for x := range f()` runs a closure;
- "results": the kind of each result as syntax names kinds ("interface", "pointer", "slice", "array", "map",
  "chan", "func", "string", "int", "float", "bool", or null when it is another named type), so that
  `w := base64.NewEncoder(...)` is known to hold an interface (no allocation converting it again);
- "moved": when inlinable, its parameters and locals the compiler moves to the heap, as
  `[name, "heap" | "result"]`: once inlined, the compiler moves the caller's copies and reports
  them at the call ("moved to heap: fmt.str" at the "(" of `fmt.Sscan(...)`).

- "outside" (also under "types", for a package naming a type such as sync.Map): the compiler verdicts a package gets *in this function's package's files* when it
  calls the function: a generic function is compiled where it is instantiated, and the closures
  of an inlined function where it is inlined, both with their original positions (a package
  calling slices.Collect gets "slices/iter.go:50:35: moved to heap: slices.s"). Each entry is
  `[file relative to GOROOT/src, line, col, "moved" | "escapes", text]`.

Generic functions are never compiled in their own package, so their facts (and every
"outside" entry) are harvested from the builds of the standard-library packages that
instantiate them (--generics; the bench's held-out packages are left out of that harvest).
An "outside" verdict is kept for a callee F when it appears in at least 3 in 4 of the
harvested packages that reference F.

Usage: python scripts/gen_stdlib_escape.py [--all] [--go PATH] [--out analyzer/data/stdlib_escape.json]
       python scripts/gen_stdlib_escape.py --generics-only   # redo only the generic harvest of the table
       python scripts/gen_stdlib_escape.py --results-only    # redo only the result kinds
(--all: every public package of `go list std`, as shipped; without it, the PACKAGES list)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from goperf.analyzer.compiler.build import BuildFailed, escape_diagnostics, run_build  # noqa: E402
from goperf.analyzer.compiler.diagnostics import flow_sink  # noqa: E402
from goperf.analyzer.parsing import parse  # noqa: E402
from goperf.analyzer.passes.scopes import receiver_type_name  # noqa: E402
from goperf.analyzer.toolchain import go_path, goroot  # noqa: E402

PACKAGES = ["fmt", "strings", "strconv", "bytes", "errors", "sort", "sync", "io",
            "unicode/utf8", "bufio", "slices", "maps", "math/bits", "sync/atomic", "encoding/binary", "time", "os",
            # more of the packages most Go code imports
            "unicode", "unicode/utf16", "path", "path/filepath", "context", "math", "reflect", "iter",
            "encoding/hex", "encoding/base64", "hash/crc32", "crypto/subtle", "go/token", "io/fs", "regexp", "math/big",
            "log", "container/list", "net/netip"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--go", default=None)
    ap.add_argument("--all", action="store_true", help="every public package of the standard library (go list std)")
    ap.add_argument("--out", default=str(ROOT / "analyzer" / "data" / "stdlib_escape.json"))
    ap.add_argument("--generics-only", action="store_true", help="load --out, redo only the generic harvest, write it back")
    ap.add_argument("--results-only", action="store_true", help="load --out, redo only the result kinds, write it back")
    args = ap.parse_args()
    go = go_path(args.go)
    if args.results_only:
        data = json.loads(Path(args.out).read_text())
        PACKAGES[:] = data["packages"]
        collect_interfaces(go)
        add_result_kinds(go, data["funcs"])
        Path(args.out).write_text(json.dumps(data, indent=0, sort_keys=False) + "\n")
        return
    if args.generics_only:
        data = json.loads(Path(args.out).read_text())
        PACKAGES[:] = data["packages"]
        collect_interfaces(go)
        add_result_kinds(go, data["funcs"])
        data["types"] = harvest_generics(go, data["funcs"])
        Path(args.out).write_text(json.dumps(data, indent=0, sort_keys=False) + "\n")
        return
    if args.all:
        PACKAGES[:] = std_packages(go)
    table: dict[str, dict] = {}
    collect_interfaces(go)
    for pkg in PACKAGES:
        table.update(package_facts(pkg, go))
        print(f"{pkg}: {sum(1 for k in table if k.startswith(pkg + '.'))} functions", file=sys.stderr)
    types = harvest_generics(go, table)
    version = subprocess_version(go)
    ifaces = sorted(INTERFACE_PATHS)
    Path(args.out).write_text(json.dumps({"go": version, "packages": PACKAGES, "interfaces": ifaces,
                                          "funcs": dict(sorted(table.items())), "types": types},
                                         indent=0, sort_keys=False) + "\n")


def std_packages(go: str) -> list[str]:
    import subprocess
    out = subprocess.run([go, "list", "std"], capture_output=True, text=True, check=True).stdout.split()
    return [p for p in out if "internal" not in p.split("/") and not p.startswith(("vendor/", "cmd/"))]


def subprocess_version(go: str) -> str:
    import subprocess
    return subprocess.run([go, "env", "GOVERSION"], capture_output=True, text=True).stdout.strip()


def package_facts(pkg: str, go: str) -> dict[str, dict]:
    folder = goroot(go) / "src" / pkg
    CURRENT[0] = pkg.rsplit("/", 1)[-1]
    diags = run_build(folder, go)
    by_pos: dict[tuple[str, int, int], list] = {}
    for d in diags:
        by_pos.setdefault((Path(d.pos.file).name, d.pos.line, d.pos.col), []).append(d)
    out = {}
    for path in sorted(folder.glob("*.go")):
        if path.name.endswith("_test.go"):
            continue
        source = path.read_bytes()
        tree = parse(source)
        for fn in tree.root_node.named_children:
            if fn.type not in ("function_declaration", "method_declaration"):
                continue
            name = source[fn.child_by_field_name("name").start_byte:fn.child_by_field_name("name").end_byte].decode()
            if not name[0].isupper():
                continue
            key = f"{pkg}.{name}"
            if fn.type == "method_declaration":
                recv = receiver_type_name(fn, source)
                if not recv or not recv[0].isupper():
                    continue
                key = f"{pkg}.{recv}.{name}"
            if fn.child_by_field_name("body") is None:
                continue
            out[key] = function_facts(fn, path.name, by_pos, source)
    return out


def function_facts(fn, fname: str, by_pos, source: bytes) -> dict:
    def at(node):
        return by_pos.get((fname, node.start_point[0] + 1, node.start_point[1] + 1), [])

    params, variadic, iface = [], False, []
    lists = [fn.child_by_field_name("receiver"), fn.child_by_field_name("parameters")]
    for plist in lists:
        if plist is None:
            continue
        for decl in plist.named_children:
            if decl.type not in ("parameter_declaration", "variadic_parameter_declaration"):
                continue
            variadic = decl.type == "variadic_parameter_declaration"
            names = decl.children_by_field_name("name") or [None]
            for ident in names:
                if _is_interface(decl.child_by_field_name("type"), source):
                    iface.append(len(params))
                params.append(_leak(at(ident)) if ident is not None else [None, None])
    # the compiler places a function at the token after `func`: the receiver's "(" for methods
    name_node = fn.child_by_field_name("receiver") or fn.child_by_field_name("name")
    # min: a generic function instantiated elsewhere has a "can inline" per shape and per dictionary wrapper
    inline = min((d.detail["cost"] for d in at(name_node) if d.kind == "can-inline"), default=None)
    sites, moved = [], []
    if inline is not None:
        body = fn.child_by_field_name("body")
        lo, hi = body.start_point, body.end_point
        plo = fn.child_by_field_name("receiver") or fn.child_by_field_name("parameters")
        for (f, line, col), ds in by_pos.items():
            if f != fname:
                continue
            in_body = (lo[0] + 1, lo[1] + 1) <= (line, col) <= (hi[0] + 1, hi[1] + 1)
            in_params = (plo.start_point[0] + 1, plo.start_point[1] + 1) <= (line, col) < (lo[0] + 1, lo[1] + 1)
            for d in ds:
                if d.kind == "escapes" and in_body:
                    sites.append("heap" if flow_sink(d.flow) in ("{heap}", None) else "result")
                elif d.kind == "moved" and (in_body or in_params):
                    moved.append([d.text, "heap" if flow_sink(d.flow) in ("{heap}", None) else "result"])
    recv = fn.child_by_field_name("receiver")
    ptr_recv = recv is not None and any(
        (p.child_by_field_name("type") is not None and p.child_by_field_name("type").type == "pointer_type")
        for p in recv.named_children)
    res = fn.child_by_field_name("result")
    if res is not None and res.type == "parameter_list" and res.named_child_count:
        res = res.named_children[0].child_by_field_name("type")
    res_text = source[res.start_byte:res.end_byte].decode() if res is not None else ""
    seq = res_text.startswith(("iter.Seq", "func(", "Seq[", "Seq2["))  # ranging over the result runs a closure
    results = result_kinds(fn, source)
    return {"params": params, "variadic": variadic, "iface": iface, "ptr_recv": ptr_recv, "inline": inline,
            "sites": sorted(sites), **({"moved": sorted(moved)} if moved else {}), **({"seq": True} if seq else {}),
            **({"results": results} if any(results) else {})}


_BASIC = {**{t: "int" for t in ("int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32",
                                "uint64", "uintptr", "byte", "rune")},
          "float32": "float", "float64": "float", "string": "string", "bool": "bool", "error": "interface",
          "any": "interface"}
_LITERAL_KINDS = {"pointer_type": "pointer", "slice_type": "slice", "map_type": "map", "channel_type": "chan",
                  "function_type": "func", "interface_type": "interface", "array_type": "array"}


def add_result_kinds(go: str, table: dict[str, dict]) -> None:
    """Set "results" on the table's entries from their declarations (for --generics-only, which keeps
    the rest of an existing table)."""
    for pkg in sorted({k.split(".", 1)[0] if "/" not in k else k.rsplit("/", 1)[0] + "/" + k.rsplit("/", 1)[1].split(".", 1)[0]
                       for k in table}):
        CURRENT[0] = pkg.rsplit("/", 1)[-1]
        for path in sorted((goroot(go) / "src" / pkg).glob("*.go")):
            if path.name.endswith("_test.go"):
                continue
            source = path.read_bytes()
            for fn in parse(source).root_node.named_children:
                if fn.type not in ("function_declaration", "method_declaration") or fn.child_by_field_name("body") is None:
                    continue
                name = source[fn.child_by_field_name("name").start_byte:fn.child_by_field_name("name").end_byte].decode()
                recv = receiver_type_name(fn, source) if fn.type == "method_declaration" else None
                entry = table.get(f"{pkg}.{recv}.{name}" if recv else f"{pkg}.{name}")
                if entry is not None:
                    entry.pop("results", None)
                    results = result_kinds(fn, source)
                    if any(results):
                        entry["results"] = results


def result_kinds(fn, source: bytes) -> list:
    """The kind of each declared result (see "results" above)."""
    res = fn.child_by_field_name("result")
    if res is None:
        return []
    types = []
    if res.type == "parameter_list":
        for decl in res.named_children:
            t = decl.child_by_field_name("type")
            types.extend([t] * max(1, len(decl.children_by_field_name("name"))))
    else:
        types.append(res)
    out = []
    for t in types:
        text = source[t.start_byte:t.end_byte].decode() if t is not None else ""
        kind = _LITERAL_KINDS.get(t.type) if t is not None else None
        if kind is None and t is not None and t.type == "generic_type" and text.startswith(("iter.Seq", "Seq")):
            kind = "func"
        if kind is None:
            kind = _BASIC.get(text) or ("interface" if _is_interface(t, source) else None)
        out.append(kind)
    return out


INTERFACES: set[str] = {"any", "error"}
INTERFACE_PATHS: set[str] = set()  # "io.Reader", "database/sql/driver.Value": shipped in the table


def _is_interface(t, source: bytes) -> bool:
    if t is None:
        return False
    text = source[t.start_byte:t.end_byte].decode()
    if t.type == "variadic_parameter_declaration":
        t = t.child_by_field_name("type")
    text = text.removeprefix("...")
    return t.type == "interface_type" or text in INTERFACES or f"{CURRENT[0]}.{text}" in INTERFACES


CURRENT = [""]  # the package being read (bare interface names resolve in it)


def collect_interfaces(go: str) -> None:
    """Names of interface types of the table's packages, bare and qualified (io.Writer)."""
    for pkg in PACKAGES:
        for path in (goroot(go) / "src" / pkg).glob("*.go"):
            if path.name.endswith("_test.go"):
                continue
            source = path.read_bytes()
            for top in parse(source).root_node.named_children:
                if top.type != "type_declaration":
                    continue
                for spec in top.named_children:
                    t = spec.child_by_field_name("type")
                    if t is not None and t.type == "interface_type":
                        name = source[spec.child_by_field_name("name").start_byte:spec.child_by_field_name("name").end_byte].decode()
                        INTERFACES.add(f"{pkg.rsplit('/', 1)[-1]}.{name}")
                        INTERFACE_PATHS.add(f"{pkg}.{name}")


def harvest_generics(go: str, table: dict[str, dict]) -> dict[str, dict]:
    """Facts of generic functions, and every function's "outside" verdicts, from the builds of the
    standard-library packages (held-out packages of bench/escape_accuracy.py excluded). Returns the
    "outside" verdicts of types (a package naming sync.Map gets internal/sync's instantiations)."""
    sys.path.insert(0, str(ROOT / "bench"))
    from escape_accuracy import HELD_OUT

    src = (goroot(go) / "src").resolve()
    diags_in: dict[str, dict[tuple, object]] = {}  # file (GOROOT/src-relative) -> {(line, col, kind, text): diag}
    harvested: list[tuple[set[str], set[tuple]]] = []  # per package: (std functions referenced, outside verdicts)
    inlined_moves: dict[str, dict[str, int]] = {}  # generic callee as the compiler names it -> variable -> calls ("": all)
    for pkg in std_packages(go):
        if pkg in HELD_OUT:
            continue
        folder = src / pkg
        try:
            diags = escape_diagnostics(folder, go)
        except BuildFailed:
            continue
        verdicts = set()
        at_calls: dict[tuple, list] = {}  # a position in the package's own files -> its diagnostics
        for d in diags:
            if d.pos.file.startswith("<"):
                continue
            path = Path(d.pos.file)
            path = (path if path.is_absolute() else folder / path).resolve()
            if path.parent == folder:
                at_calls.setdefault((str(path), d.pos.line, d.pos.col), []).append(d)
                continue
            if not path.is_relative_to(src):
                continue
            rel = str(path.relative_to(src))
            diags_in.setdefault(rel, {}).setdefault((d.pos.line, d.pos.col, d.kind, d.text), d)
            if d.kind in ("moved", "escapes"):
                verdicts.add((rel, d.pos.line, d.pos.col, d.kind, d.text))
        harvested.append((references(folder, go), verdicts))
        for ds in at_calls.values():  # what an inlined generic callee moves at its call: "moved to heap: sync.d"
            callee = next((d.text for d in ds if d.kind == "inlining"), None)
            if callee is None or "[" not in callee:
                continue
            callee = callee.split("[", 1)[0]
            counts = inlined_moves.setdefault(callee, {})
            counts[""] = counts.get("", 0) + 1
            for d in ds:
                if d.kind == "moved" and "." in d.text:
                    counts[d.text] = counts.get(d.text, 0) + 1
    generic = 0
    for rel, ds in diags_in.items():
        pkg = str(Path(rel).parent)
        source = (src / rel).read_bytes()
        by_pos: dict[tuple[str, int, int], list] = {}
        for (line, col, _, _), d in ds.items():
            by_pos.setdefault((Path(rel).name, line, col), []).append(d)
        CURRENT[0] = pkg.rsplit("/", 1)[-1]
        for fn in parse(source).root_node.named_children:
            if fn.type not in ("function_declaration", "method_declaration") or fn.child_by_field_name("body") is None:
                continue
            name = source[fn.child_by_field_name("name").start_byte:fn.child_by_field_name("name").end_byte].decode()
            recv = receiver_type_name(fn, source) if fn.type == "method_declaration" else None
            recv_node = fn.child_by_field_name("receiver")
            is_generic = fn.child_by_field_name("type_parameters") is not None or (
                recv_node is not None and b"[" in source[recv_node.start_byte:recv_node.end_byte])
            if not is_generic or not name[0].isupper() or (recv is not None and not recv[0].isupper()):
                continue
            facts = function_facts(fn, Path(rel).name, by_pos, source)
            if facts["inline"] is None and all(p == [None, None] for p in facts["params"]):
                continue  # never instantiated in the harvested builds
            if all(p == [None, None] for p in facts["params"]):
                # inlined everywhere, so the compiler never printed its parameters' leaks: goperf's own
                # syntax analysis of the generic body (atomic.Pointer[T].Store leaks val, as StorePointer does)
                own = own_summaries(pkg, go).get(f"{recv}.{name}" if recv else name)
                if own is not None and len(own.params) == len(facts["params"]):
                    facts["params"] = [list(p) for p in own.params]
            # what it moves once inlined, from its inlined calls (its out-of-line body's flows say "to the
            # result" for variables a caller's inlined copy keeps on the stack): "heap" if at every call
            counts = inlined_moves.get(f"{pkg.rsplit('/', 1)[-1]}.{f'(*{recv}).' if recv else ''}{name}", {})
            facts.pop("moved", None)
            moved = [[v, "heap" if n == counts[""] else "result"] for v, n in counts.items() if v and n * 2 >= counts[""]]
            if moved:
                facts["moved"] = sorted(moved)
            table[f"{pkg}.{recv}.{name}" if recv else f"{pkg}.{name}"] = facts
            generic += 1
    uses: dict[str, int] = {}
    seen: dict[tuple[str, tuple], int] = {}
    for refs, verdicts in harvested:
        for f in refs:
            uses[f] = uses.get(f, 0) + 1
            is_type = f.startswith("type ")
            fpkg = f.removeprefix("type ").rsplit(".", 1)[0]
            for v in verdicts:
                vpkg = str(Path(v[0]).parent)
                # a function's own package; a type's methods may be built on an internal package
                # (sync.Map on internal/sync.HashTrieMap, whose generic methods are instantiated here)
                if vpkg == fpkg or (is_type and "internal" in vpkg.split("/")):
                    seen[(f, v)] = seen.get((f, v), 0) + 1
    outside: dict[str, list] = {}
    for (f, v), n in seen.items():
        if n * 4 >= uses[f] * 3 and (f in table or (f.startswith("type ") and n >= 2)):
            outside.setdefault(f, []).append(list(v))
    for f, entry in table.items():
        entry.pop("outside", None)
        if f in outside:
            entry["outside"] = sorted(outside[f])
    types = {}
    for f, vs in sorted(outside.items()):
        if f.startswith("type "):
            tpkg = f.removeprefix("type ").rsplit(".", 1)[0]
            deps = direct_imports(tpkg, go) | {tpkg}
            vs = [v for v in vs if str(Path(v[0]).parent) in deps]  # only packages the type's own package imports
            if vs:
                types[f.removeprefix("type ")] = {"outside": sorted(vs)}
    print(f"generic functions: {generic}; functions with outside verdicts: {len(outside) - len(types)}; "
          f"types: {len(types)}", file=sys.stderr)
    return types


_OWN: dict[str, dict] = {}


def own_summaries(pkg: str, go: str) -> dict:
    """goperf's syntax-mode summaries of a standard-library package (by "Func" / "Recv.Method")."""
    if pkg not in _OWN:
        from escape_accuracy import compiled_files

        from goperf.analyzer.context import Package, SourceFile
        from goperf.analyzer.passes.funcs import package_funcs

        folder = goroot(go) / "src" / pkg
        files = [SourceFile.parse(str(p), p.read_bytes()) for p in compiled_files(folder, go)]
        _OWN[pkg] = package_funcs(Package(files)).by_key
    return _OWN[pkg]


def direct_imports(pkg: str, go: str) -> set[str]:
    import subprocess
    proc = subprocess.run([go, "list", "-f", "{{join .Imports \" \"}}", pkg], capture_output=True, text=True)
    return set(proc.stdout.split()) if proc.returncode == 0 else set()


def references(folder: Path, go: str) -> set[str]:
    """The standard-library functions and types a package names as `pkg.F` / `pkg.T` (import path + name)."""
    sys.path.insert(0, str(ROOT / "bench"))
    from escape_accuracy import compiled_files

    out = set()
    for path in compiled_files(folder, go):
        source = path.read_bytes()
        root = parse(source).root_node
        imports = {}
        stack = [root]
        while stack:
            n = stack.pop()
            if n.type == "import_spec":
                ipath = source[n.child_by_field_name("path").start_byte:n.child_by_field_name("path").end_byte].decode()
                ipath = ipath.strip('"`')
                local = n.child_by_field_name("name")
                imports[source[local.start_byte:local.end_byte].decode() if local is not None
                        else ipath.rsplit("/", 1)[-1]] = ipath
                continue
            if n.type == "selector_expression":
                op = n.child_by_field_name("operand")
                if op is not None and op.type == "identifier":
                    local = source[op.start_byte:op.end_byte].decode()
                    field = n.child_by_field_name("field")
                    out.add((local, source[field.start_byte:field.end_byte].decode()))
            elif n.type == "qualified_type":
                pkg, name = n.child_by_field_name("package"), n.child_by_field_name("name")
                if pkg is not None and name is not None:
                    out.add((source[pkg.start_byte:pkg.end_byte].decode(), "type " + source[name.start_byte:name.end_byte].decode()))
            stack.extend(n.named_children)
        out = {x for x in out if isinstance(x, str)} | {
            f"type {imports[l]}.{f.removeprefix('type ')}" if f.startswith("type ") else f"{imports[l]}.{f}"
            for l, f in (x for x in out if isinstance(x, tuple)) if l in imports}
    return out


def _leak(diags) -> list:
    heap = result = None
    for d in diags:
        if d.kind == "moved":
            heap = 0
        if d.kind != "leak":
            continue
        if d.detail["result"] is None:
            level = 1 if d.detail["content"] else 0
            heap = level if heap is None else min(heap, level)
        else:
            level = d.detail["level"] + (1 if d.detail["content"] else 0)
            result = level if result is None else min(result, level)
    return [heap, result]


if __name__ == "__main__":
    main()
