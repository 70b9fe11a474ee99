"""stack/large-frame against the compiler: goperf's frame estimates beside `locals=` of `-gcflags=-S`.

For each package, `go build -gcflags=-S` prints every compiled function's frame (`pkg.(*T).M STEXT
... locals=0x1040`). Each function goperf summarises (closures, generic instantiations and
compiler-made wrappers are left out) is compared:
- the rule's decision: a frame over the threshold (default 4096 bytes) flagged by goperf and by the
  compiler's figure, as precision and recall;
- the estimate itself, for the functions whose compiled frame is over the threshold: the ratio
  estimate / locals (the compiler adds spill slots and temporaries syntax cannot see, so estimates
  run a little under).
Recursive functions (the rule's second case) are counted apart: the compiler does not say which
functions recurse.

    python bench/frame_accuracy.py                  # the default set below
    python bench/frame_accuracy.py --all            # every GOROOT/src package (several minutes)
    python bench/frame_accuracy.py crypto/sha256 ./mypkg --examples 10
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
from pathlib import Path

from goperf.analyzer.config import Config
from goperf.analyzer.context import Package, SourceFile
from goperf.analyzer.passes.funcs import package_funcs
from goperf.analyzer.toolchain import go_path, goroot

from escape_accuracy import compiled_files

# Packages with large frames of different kinds: hashes and ciphers (state arrays), compressors
# (tables), parsers and formatters (buffers), the runtime-adjacent and the numeric.
DEFAULT = ["crypto/sha256", "crypto/sha512", "crypto/md5", "crypto/sha1", "crypto/aes", "crypto/des",
           "crypto/rc4", "crypto/cipher", "hash/crc32", "hash/crc64", "compress/flate", "compress/bzip2",
           "compress/lzw", "image/jpeg", "image/png", "image/draw", "strconv", "fmt", "math/big", "time",
           "regexp", "regexp/syntax", "encoding/json", "encoding/base64", "text/template/parse", "go/scanner",
           "net/netip", "unicode/utf8", "bufio", "os"]

STEXT = re.compile(r"^(\S+) STEXT.*? locals=(0x[0-9a-f]+)", re.M)


def compiled_frames(package_dir: Path, go: str) -> dict[str, int]:
    """Function key ("F" or "T.M", as passes/funcs keys them) -> the compiler's `locals=`."""
    env = {**os.environ, "GOTOOLCHAIN": "local"}
    proc = subprocess.run([go, "build", "-o", os.devnull, "-gcflags=-S", "."], cwd=package_dir,
                          capture_output=True, text=True, env=env)
    path = subprocess.run([go, "list", "-f", "{{.ImportPath}}", "."], cwd=package_dir, capture_output=True,
                          text=True, env=env).stdout.strip()
    out: dict[str, int] = {}
    prefix = path + "."
    for name, size in STEXT.findall(proc.stderr):
        if not name.startswith(prefix):
            continue
        rest = name[len(prefix):]
        if "[" in rest or ".func" in rest or "wrap" in rest or rest.startswith("init."):
            continue  # generic instantiations, closures, go/defer wrappers, init chunks
        rest = rest.replace("(*", "").replace(")", "")
        out[rest] = int(size, 16)
    return out


def measure(packages: list[str], go: str, threshold: int) -> dict:
    rows = []  # (package, key, estimate, locals, recursive)
    for pkg in packages:
        d = Path(pkg) if pkg.startswith((".", "/")) else goroot(go) / "src" / pkg
        frames = compiled_frames(d, go)
        files = [SourceFile.parse(str(p), p.read_bytes()) for p in compiled_files(d, go)]  # build tags applied
        for s in package_funcs(Package(files)).by_key.values():
            if s.key in frames:
                rows.append((pkg, s.key, s.frame, frames[s.key], s.recursive))
    return {"rows": rows, "threshold": threshold}


def report(m: dict, examples: int) -> None:
    rows, limit = m["rows"], m["threshold"]
    flagged = {(p, k) for p, k, est, _, _ in rows if est >= limit}  # as stack/large-frame decides
    truth = {(p, k) for p, k, _, loc, _ in rows if loc > limit}
    tp, fp, fn = len(flagged & truth), len(flagged - truth), len(truth - flagged)
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    print(f"{len(rows)} functions compared in {len({p for p, *_ in rows})} packages; threshold {limit} bytes")
    print(f"frame over the threshold: precision {p:.3f}, recall {r:.3f}  (tp={tp} fp={fp} fn={fn})")
    ratios = [est / loc for pk, k, est, loc, _ in rows if (pk, k) in truth]
    if ratios:
        print(f"estimate / compiler locals, frames over the threshold: median {statistics.median(ratios):.2f}, "
              f"min {min(ratios):.2f}, max {max(ratios):.2f}")
    rec = [(pk, k, est, loc) for pk, k, est, loc, rc in rows if rc]
    if rec:
        print(f"recursive functions: {len(rec)}; with an estimate >= 512: "
              f"{sum(1 for *_, est, loc in rec if est >= 512)}, compiler locals >= 512: "
              f"{sum(1 for *_, est, loc in rec if loc >= 512)}")
    by = {(pk, k): (est, loc) for pk, k, est, loc, _ in rows}
    for title, keys in (("false alarms", flagged - truth), ("misses", truth - flagged)):
        if keys and examples:
            print(f"-- {title}:")
            for key in sorted(keys, key=lambda k: -max(by[k]))[:examples]:
                print(f"    {key[0]} {key[1]}: estimate {by[key][0]}, compiler {by[key][1]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("packages", nargs="*", help="GOROOT/src import paths or ./dirs (default: the set above)")
    ap.add_argument("--all", action="store_true", help="every GOROOT/src package that builds")
    ap.add_argument("--go", default=None)
    ap.add_argument("--examples", type=int, default=5, help="false alarms and misses listed")
    args = ap.parse_args()
    go = go_path(args.go)
    packages = args.packages or DEFAULT
    if args.all:
        listed = subprocess.run([go, "list", "std"], capture_output=True, text=True, check=True).stdout.split()
        packages = [p for p in listed if not p.startswith(("vendor/", "cmd/"))]
    report(measure(packages, go, Config().threshold("large-frame")), args.examples)


if __name__ == "__main__":
    main()
