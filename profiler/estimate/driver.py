"""`estimate()`: which functions to run, how (benchmark loop or `ops` calls), and the
trace that comes out. Static types of locals holding package types are collected here
once per package, for method calls."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from goperf.analyzer.context import Package, SourceFile
from goperf.analyzer.parsing import inner

from ..trace import FuncTable, Trace
from .interp import Interp
from .model import DEFAULT_OPS, Estimate, EstimateError, Val


def module_path(folder: Path) -> str:
    """Import path of the package in `folder` from the nearest go.mod (or the folder name)."""
    d = folder.resolve()
    rel = []
    while True:
        gm = d / "go.mod"
        if gm.exists():
            m = re.search(r"^module\s+(\S+)", gm.read_text(), re.M)
            if m:
                return "/".join([m.group(1), *reversed(rel)])
            break
        if d.parent == d:
            break
        rel.append(d.name)
        d = d.parent
    return folder.resolve().name


def load_package(folder: Path, sources: dict[str, bytes] | None = None) -> Package:
    if sources is None:
        sources = {str(p): p.read_bytes() for p in sorted(folder.glob("*.go"))}
    return Package([SourceFile.parse(p, s) for p, s in sources.items()])


def collect_local_types(interp: Interp) -> None:
    """Static types of variables holding package types (`s := NewStore()` → Store), by name, package-wide."""
    types: dict[str, str] = {}
    for key, (node, f) in interp.decls.funcs.items():
        for plist in (node.child_by_field_name("receiver"), node.child_by_field_name("parameters")):
            for p in plist.named_children if plist is not None else []:
                t = p.child_by_field_name("type")
                if t is None:
                    continue
                tt = f.text(t).lstrip("*")
                if tt in interp.decls.types:
                    for ident in p.children_by_field_name("name"):
                        types.setdefault(f.text(ident), tt)
        res = node.child_by_field_name("result")
        if res is not None:
            rt = f.text(res).lstrip("*")
            if rt in interp.decls.types:
                types.setdefault(f"{key}()", rt)
    # `x := F()` where F returns a package type
    for key, (node, f) in interp.decls.funcs.items():
        stack = [node]
        while stack:
            n = stack.pop()
            if n.type == "short_var_declaration":
                left, right = n.child_by_field_name("left"), n.child_by_field_name("right")
                if left is not None and right is not None and left.named_child_count == right.named_child_count:
                    for l, r in zip(left.named_children, right.named_children):
                        r = inner(r)
                        if r.type == "call_expression":
                            t = types.get(f"{f.text(r.child_by_field_name('function'))}()")
                            if t:
                                types.setdefault(f.text(l), t)
                        elif r.type == "unary_expression" and r.named_child_count:
                            lit = inner(r.named_children[-1])
                            tn = lit.child_by_field_name("type") if lit.type == "composite_literal" else None
                            if tn is not None and f.text(tn) in interp.decls.types:
                                types.setdefault(f.text(l), f.text(tn))
            stack.extend(n.named_children)
    interp.local_types = types


def targets(interp: Interp, path: str, func: str | None) -> list[str]:
    """Function keys to run: FUNC, or the benchmarks of a _test.go file, or every function of the file."""
    if func:
        keys = [k for k in interp.decls.funcs if k == func or k.split(".")[-1] == func]
        if not keys:
            raise EstimateError(f"no function {func} in the package of {path}")
        return keys[:1]
    ap = str(Path(path).resolve())
    mine = [k for k, (n, f) in interp.decls.funcs.items() if str(Path(f.path).resolve()) == ap]
    if path.endswith("_test.go"):
        benches = [k for k in mine if k.startswith("Benchmark")]
        if benches:
            return benches
    return [k for k in mine if not k.startswith(("Test", "Example", "Fuzz"))]


def estimate(path: str, func: str | None = None, params: dict[str, int] | None = None,
             sources: dict[str, bytes] | None = None) -> Estimate:
    """Build the static trace for FILE[:FUNC] (see the module docstring)."""
    p = Path(path)
    if not p.exists() and sources is None:
        raise EstimateError(f"{path}: no such file")
    if p.suffix != ".go":
        raise EstimateError(f"{path}: not a Go file")
    pkg = load_package(p.parent, sources)
    interp = Interp(pkg, module_path(p.parent), params)
    collect_local_types(interp)
    interp.ops = int(interp.params.get("ops", DEFAULT_OPS))
    interp.in_bench = False
    keys = targets(interp, path, func)
    bench_seen = False
    for key in keys:
        is_bench = key.startswith("Benchmark")
        bench_seen |= is_bench
        interp.emit_on = not is_bench       # benchmark setup runs dry; the b.Loop body emits
        for _ in range(1 if is_bench else interp.ops):
            bound = {}
            node, f = interp.decls.funcs[key]
            plist = node.child_by_field_name("parameters")
            for d in plist.named_children if plist is not None else []:
                t = d.child_by_field_name("type")
                for ident in d.children_by_field_name("name"):
                    bound[f.text(ident)] = interp.val_of_type(t, f) if t is not None else Val()
            recv = None
            r = node.child_by_field_name("receiver")
            if r is not None:
                for d in r.named_children:
                    for ident in d.children_by_field_name("name"):
                        recv = (f.text(ident), Val("other"))
            # a parameter slice/map takes its length from --param NAME (or the default)
            for name, v in bound.items():
                if v.kind in ("slice", "map", "string") and v.length is None:
                    v.length = interp.param(name) if v.kind != "string" else interp.str_len_param(name)
                    v.cap = v.length if v.kind == "slice" else 0
            interp.call_func(key, bound, recv)
            interp.free_all()
        interp.emit_on = True
    ops = interp.ops
    ev = interp.ev
    names = [fi.name for fi in interp.finfo]
    pos = []
    for fi in interp.finfo:
        if fi.node is not None:
            pos.append(f"{Path(fi.file.path).name}:{fi.node.start_point[0] + 1}")
        else:
            pos.append("")
    funcs = FuncTable.make(names, pos, [fi.frame for fi in interp.finfo],
                           [1 if fi.nosplit else 0 for fi in interp.finfo])
    meta = {"producer": "static", "source": str(p), "function": func, "ops": ops,
            "params": {k: v for k, v in interp.params.items()}, "assumed": dict(interp.assumed),
            "unmodelled": dict(interp.unmodelled), "n_goroutines": interp.n_goroutines,
            "targets": [interp.qualified(k) for k in keys]}
    t = Trace.from_columns(funcs, meta, **{k: np.asarray(v) for k, v in ev.items()}) if ev["kind"] else \
        Trace.from_columns(funcs, meta, kind=np.zeros(0, np.uint8))
    return Estimate(t, ops, interp.assumed, interp.unmodelled)
