"""Generate analyzer/data/stdlib_fields.json: the kinds of the standard library's exported types,
of their structs' exported fields and of its exported variables, as go/types sees them.

The escape pass knows a package's own types from its declarations; a value of another package's
type (`e.Sel` with `e *ast.SelectorExpr`, a `time.Duration`) it knew only by name. Whether such a
value is pointer-shaped decides whether boxing it into an interface allocates. The table:

- "types": {"go/ast.SelectorExpr": "struct", "time.Duration": "int", "net/http.HandlerFunc": "func", ...}
- "fields": {"go/ast.SelectorExpr": {"X": ["interface", "go/ast.Expr"], "Sel": ["pointer", "go/ast.Ident"]}, ...}
- "vars": the exported package-level variables, {"io.Discard": ["interface", "io.Writer"], "os.Stdout": ["pointer", "os.File"]}

Kinds are the ones syntax mode names (model.py): pointer, slice, map, chan, func, interface,
array, struct, string, int, float, bool; the second item of a field is the named type it holds
(through one pointer), for chains like `r.URL.Path`, or null.

It type-checks every public standard-library package from source with go/types (a small Go
program run with the toolchain), so the kinds are the compiler's.

Usage: python scripts/gen_stdlib_fields.py [--go PATH] [--out analyzer/data/stdlib_fields.json]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

PROGRAM = r'''package main

import (
	"encoding/json"
	"go/importer"
	"go/token"
	"go/types"
	"os"
	"strings"
)

func kind(t types.Type) string {
	switch u := t.Underlying().(type) {
	case *types.Pointer:
		return "pointer"
	case *types.Slice:
		return "slice"
	case *types.Map:
		return "map"
	case *types.Chan:
		return "chan"
	case *types.Signature:
		return "func"
	case *types.Interface:
		return "interface"
	case *types.Array:
		return "array"
	case *types.Struct:
		return "struct"
	case *types.Basic:
		switch {
		case u.Kind() == types.UnsafePointer:
			return "pointer"
		case u.Info()&types.IsString != 0:
			return "string"
		case u.Info()&types.IsBoolean != 0:
			return "bool"
		case u.Info()&(types.IsFloat|types.IsComplex) != 0:
			return "float"
		case u.Info()&types.IsInteger != 0:
			return "int"
		}
	}
	return ""
}

// named: "path.Name" of t, or of what it points to.
func named(t types.Type) *string {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	if n, ok := t.(*types.Named); ok && n.Obj().Pkg() != nil {
		s := n.Obj().Pkg().Path() + "." + n.Obj().Name()
		return &s
	}
	return nil
}

func main() {
	imp := importer.ForCompiler(token.NewFileSet(), "source", nil)
	kinds := map[string]string{}
	fields := map[string]map[string][2]*string{}
	vars := map[string][2]*string{}
	for _, path := range os.Args[1:] {
		pkg, err := imp.Import(path)
		if err != nil {
			continue // a package that does not type-check on this platform: left out
		}
		scope := pkg.Scope()
		for _, name := range scope.Names() {
			if v, ok := scope.Lookup(name).(*types.Var); ok && v.Exported() {
				if k := kind(v.Type()); k != "" {
					vars[path+"."+name] = [2]*string{&k, named(v.Type())}
				}
				continue
			}
			tn, ok := scope.Lookup(name).(*types.TypeName)
			if !ok || !tn.Exported() {
				continue
			}
			key := path + "." + name
			if k := kind(tn.Type()); k != "" {
				kinds[key] = k
			}
			st, ok := tn.Type().Underlying().(*types.Struct)
			if !ok {
				continue
			}
			fs := map[string][2]*string{}
			for i := 0; i < st.NumFields(); i++ {
				f := st.Field(i)
				if !f.Exported() || strings.HasPrefix(f.Name(), "_") {
					continue
				}
				k := kind(f.Type())
				if k == "" {
					continue
				}
				fs[f.Name()] = [2]*string{&k, named(f.Type())}
			}
			if len(fs) > 0 {
				fields[key] = fs
			}
		}
	}
	json.NewEncoder(os.Stdout).Encode(map[string]any{"types": kinds, "fields": fields, "vars": vars})
}
'''


def public_packages(go: str) -> list[str]:
    out = subprocess.run([go, "list", "std"], capture_output=True, text=True, check=True).stdout.split()
    return [p for p in out if not any(part in ("internal", "vendor") for part in p.split("/"))
            and not p.startswith("cmd/")]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--go", default=shutil.which("go"), help="the go command")
    ap.add_argument("--out", type=Path, default=REPO / "analyzer" / "data" / "stdlib_fields.json")
    args = ap.parse_args()
    if args.go is None:
        sys.exit("no go command: pass --go")
    packages = public_packages(args.go)
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "go.mod").write_text("module gen\n\ngo 1.24\n")
        (Path(tmp) / "main.go").write_text(PROGRAM)
        run = subprocess.run([args.go, "run", ".", *packages], cwd=tmp, capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(run.stderr)
    data = json.loads(run.stdout)
    data = {"types": dict(sorted(data["types"].items())),
            "fields": {t: dict(sorted(fs.items())) for t, fs in sorted(data["fields"].items())},
            "vars": dict(sorted(data["vars"].items()))}
    args.out.write_text(json.dumps(data, separators=(",", ":")) + "\n")
    print(f"{args.out}: {len(data['types'])} types, {sum(map(len, data['fields'].values()))} fields "
          f"of {len(data['fields'])} structs, {len(data['vars'])} variables, from {len(packages)} packages")


if __name__ == "__main__":
    main()
