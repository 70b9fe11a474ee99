"""Escape accuracy: syntax mode against the gc compiler, per package and overall.

For each package (default: 48 GOROOT/src packages of different kinds, 22 tuned on and 26 held
out) the compiler's `-m=2` verdicts are the truth: the set of positions (file:line:col) where
it reports "moved to heap: x", and the set where it reports "... escapes to heap". Syntax mode's
escape/moved-to-heap and escape/escapes-to-heap findings are compared by exact position; a
verdict the compiler places in another package's file (the code of a generic callee
instantiated here, slices/iter.go:50:35) is predicted there too (`Verdict.at`), from the
standard-library table, whose harvest leaves the held-out packages out.

    python bench/escape_accuracy.py              # the default set, tuned and held-out printed apart
    python bench/escape_accuracy.py strconv ./mypkg
    python bench/escape_accuracy.py --misses 15  # list more of the worst misses by pattern
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from goperf.analyzer.compiler.build import BuildFailed, escape_diagnostics, package_files
from goperf.analyzer.context import Package, SourceFile
from goperf.analyzer.passes.funcs import go_position, package_funcs
from goperf.analyzer.toolchain import go_path, goroot

# Packages the heuristics were tuned on while developing ...
TUNED = ["strconv", "strings", "bytes", "errors", "sort", "bufio", "container/list", "container/heap",
         "encoding/csv", "text/tabwriter", "go/scanner", "net/url", "encoding/hex", "crypto/hmac", "path", "flag",
         # inspected once for moved-to-heap misses (range element and field types came from them)
         "text/template/parse", "regexp", "mime", "compress/flate", "encoding/json", "log"]
# ... and packages they were never looked at on (held out).
HELD_OUT = ["encoding/xml", "encoding/base64", "encoding/binary", "encoding/pem", "go/parser",
            "go/printer", "text/scanner", "regexp/syntax", "container/ring",
            "net/textproto", "net/mail", "crypto/sha256", "crypto/aes", "crypto/cipher",
            "archive/tar", "html", "math/big", "image/png", "unicode/utf16", "io/fs",
            "go/ast", "go/doc", "net/http/cookiejar", "encoding/asn1", "crypto/x509/pkix", "hash/crc32"]

KINDS = ("moved", "escapes")


def truth(package_dir: Path, go: str) -> dict[str, dict[tuple, str]]:
    """{"moved": {(file, line, col): text}, "escapes": {...}} from the compiler; `file` is relative to
    the package folder ("../../slices/iter.go" for a position in another package's file)."""
    out: dict[str, dict[tuple, str]] = {k: {} for k in KINDS}
    for d in escape_diagnostics(package_dir, go):
        if d.kind in KINDS and not d.pos.file.startswith("<"):
            out[d.kind].setdefault((_rel(d.pos.file, package_dir), d.pos.line, d.pos.col), d.text)
    return out


def _rel(path: str, package_dir: Path) -> str:
    return os.path.relpath(path, Path(package_dir).resolve())


def outside(pos: tuple) -> bool:
    """A position in a file of another package: the compiler places the variables and allocations of
    a generic callee instantiated here (slices.Values, sync.OnceValue) in the callee's own source."""
    return pos[0].startswith("..")


def compiled_files(package_dir: Path, go: str) -> list[Path]:
    """The files the compiler builds (build constraints applied), as `go list` reports them."""
    proc = subprocess.run([go, "list", "-f", "{{range .GoFiles}}{{.}} {{end}}{{range .CgoFiles}}{{.}} {{end}}", "."],
                          cwd=package_dir, capture_output=True, text=True)
    names = proc.stdout.split()
    return [package_dir / n for n in names] if proc.returncode == 0 and names else package_files(package_dir)


def predicted(package_dir: Path, go: str) -> tuple[dict[str, dict[tuple, tuple]], float]:
    files = [SourceFile.parse(str(p), p.read_bytes()) for p in compiled_files(package_dir, go)]
    t0 = time.perf_counter()
    funcs = package_funcs(Package(files))
    elapsed = time.perf_counter() - t0
    out: dict[str, dict[tuple, tuple]] = {k: {} for k in KINDS}
    for path, verdicts in funcs.verdicts_by_file.items():
        for v in verdicts:
            kind = "moved" if v.kind == "moved" else "escapes"
            if v.at is not None:  # placed in another package's file (a generic callee instantiated here)
                pos = (_rel(str(goroot(go) / "src" / v.at[0]), package_dir), v.at[1], v.at[2])
            else:
                row, col = go_position(v.node)
                pos = (_rel(path, package_dir), row + 1, col + 1)
            out[kind].setdefault(pos, (v.site_kind or "var", v.what, v.reason))
    return out, elapsed


def score(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def pattern_of(text: str) -> str:
    """A coarse pattern for a compiler verdict text: "&T{...}", "make", "func literal", "iface", ..."""
    if text.startswith("&"):
        return "&T{...}"
    for prefix in ("make(", "new(", "append", "func literal", "... argument", "string(", "([]byte)", "([]rune)"):
        if text.startswith(prefix):
            return prefix.rstrip("(")
    if "{...}" in text or text.endswith("{}"):
        return "composite literal"
    if " + " in text:
        return "string concat"
    return "interface conversion / other"


def moved_pattern(name: str, pos: tuple | None = None) -> str:
    if pos is not None and outside(pos):
        return "in another package's file (generic instantiation)"
    if name.startswith(("#", ".")) or "#" in name:
        return "compiler temporary (#state, .autotmp)"
    if "." in name:
        return "variable of an inlined callee (pkg.x)"
    return "source variable"


def measure(packages: list[str], go: str, show: int) -> dict:
    root = goroot(go) / "src"
    totals = {k: collections.Counter() for k in KINDS}
    misses: dict[str, collections.Counter] = {k: collections.Counter() for k in KINDS}
    extras: dict[str, collections.Counter] = {k: collections.Counter() for k in KINDS}
    examples: dict[tuple, list] = collections.defaultdict(list)
    per_pkg = {}
    syntax_time = 0.0
    for name in packages:
        folder = Path(name) if name.startswith((".", "/")) else root / name
        try:
            want = truth(folder, go)
        except BuildFailed as e:
            print(f"{name}: skipped ({e})", file=sys.stderr)
            continue
        got, elapsed = predicted(folder, go)
        syntax_time += elapsed
        row = {}
        for k in KINDS:
            w, g = set(want[k]), set(got[k])
            tp, fp, fn = len(w & g), len(g - w), len(w - g)
            totals[k].update(tp=tp, fp=fp, fn=fn, fn_outside=sum(1 for pos in w - g if outside(pos)))
            row[k] = (tp, fp, fn)
            for pos in w - g:
                pat = moved_pattern(want[k][pos], pos) if k == "moved" else \
                    "in another package's file (generic instantiation)" if outside(pos) else pattern_of(want[k][pos])
                misses[k][pat] += 1
                examples[(k, "miss", pat)].append(f"{name}/{pos[0]}:{pos[1]}:{pos[2]} {want[k][pos]}")
            for pos in g - w:
                pat = got[k][pos][0]
                extras[k][pat] += 1
                examples[(k, "extra", pat)].append(f"{name}/{pos[0]}:{pos[1]}:{pos[2]} {got[k][pos][1]} — {got[k][pos][2]}")
        per_pkg[name] = row
    return {"totals": totals, "misses": misses, "extras": extras, "examples": examples, "per_pkg": per_pkg,
            "syntax_time": syntax_time}


def report(title: str, m: dict, show: int) -> dict:
    print(f"\n== {title}")
    print(f"{'package':24} {'moved P':>8} {'R':>6} {'F1':>6} {'(n)':>5}   {'escapes P':>9} {'R':>6} {'F1':>6} {'(n)':>5}")
    for name, row in m["per_pkg"].items():
        cells = []
        for k in KINDS:
            tp, fp, fn = row[k]
            p, r, f = score(tp, fp, fn)
            cells.append(f"{p:8.2f} {r:6.2f} {f:6.2f} {tp + fn:5d}")
        print(f"{name:24} {cells[0]}   {' ' + cells[1]}")
    summary = {}
    for k in KINDS:
        t = m["totals"][k]
        p, r, f = score(t["tp"], t["fp"], t["fn"])
        summary[k] = {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3),
                      "tp": t["tp"], "fp": t["fp"], "fn": t["fn"]}
        label = "moved-to-heap" if k == "moved" else "escapes-to-heap"
        print(f"OVERALL {label:16} P={p:.3f} R={r:.3f} F1={f:.3f}  (tp={t['tp']} fp={t['fp']} fn={t['fn']})  raw")
        # adjusted: only positions in the package's own files. The compiler places the variables and
        # allocations of generic callees instantiated here in the callee's source (slices/iter.go:50:
        # "moved to heap: slices.s"); no finding can point there, so they are left out of recall.
        p2, r2, f2 = score(t["tp"], t["fp"], t["fn"] - t["fn_outside"])
        summary[f"{k}-adjusted"] = {"precision": round(p2, 3), "recall": round(r2, 3), "f1": round(f2, 3),
                                    "tp": t["tp"], "fp": t["fp"], "fn": t["fn"] - t["fn_outside"]}
        print(f"        {'':16} P={p2:.3f} R={r2:.3f} F1={f2:.3f}  (fn={t['fn'] - t['fn_outside']})  adjusted: "
              f"{t['fn_outside']} verdicts placed in other packages' files left out")
    for k in KINDS:
        label = "moved-to-heap" if k == "moved" else "escapes-to-heap"
        print(f"  worst misses ({label}): " + ", ".join(f"{p} {n}" for p, n in m["misses"][k].most_common(show)))
        print(f"  worst false alarms ({label}): " + ", ".join(f"{p} {n}" for p, n in m["extras"][k].most_common(show)))
    return summary


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("packages", nargs="*", help="GOROOT/src import paths or ./dirs (default: tuned + held-out sets)")
    ap.add_argument("--go", default=None)
    ap.add_argument("--misses", type=int, default=6, help="patterns listed per kind")
    ap.add_argument("--examples", type=int, default=0, help="print N example positions per pattern")
    ap.add_argument("--json", default=None, help="write the overall figures to this file")
    args = ap.parse_args(argv)
    go = go_path(args.go)
    results = {}
    sets = [("selected packages", args.packages)] if args.packages else [("tuned on", TUNED), ("held out", HELD_OUT)]
    for title, pkgs in sets:
        m = measure(pkgs, go, args.misses)
        results[title] = report(title, m, args.misses)
        results[title]["syntax_seconds"] = round(m["syntax_time"], 2)
        if args.examples:
            for (k, what, pat), rows in sorted(m["examples"].items()):
                print(f"-- {k} {what} {pat}:")
                for r in rows[: args.examples]:
                    print("   ", r)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
