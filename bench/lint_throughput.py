"""Lint throughput on the standard library, beside tree-sitter's parse-only time (the floor).

Run: python bench/lint_throughput.py [--jobs N] [--root DIR]

Prints files/s and lines/s for (1) parsing every non-test .go file of GOROOT/src,
(2) linting them with all stable rules, (3) the same with the escape and stack
families on, (4) the whole `goperf lint` run with a process pool; all in one run
on the same files, and the ratios the targets are stated in.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from goperf.analyzer.config import Config
from goperf.analyzer.parsing import parse
from goperf.analyzer.toolchain import goroot
from goperf.cli import lint
from goperf.cli.files import collect


def _parse_package(paths: list[str]) -> int:
    for p in paths:
        parse(Path(p).read_bytes())
    return len(paths)


def _timed(fn):
    t = time.perf_counter()
    result = fn()
    return time.perf_counter() - t, result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobs", type=int, default=os.cpu_count())
    ap.add_argument("--root", type=Path, default=None)
    args = ap.parse_args()
    root = args.root or goroot() / "src"
    packages = collect([f"{root}/..."])
    files = [str(p) for pkg in packages for p in pkg.files]
    lines = sum(Path(f).read_bytes().count(b"\n") for f in files)
    by_pkg = [[str(p) for p in pkg.files] for pkg in packages]
    print(f"{len(files)} files, {lines} lines, {len(packages)} packages under {root}; {args.jobs} worker(s) for pooled runs")

    rows = []
    t_parse, _ = _timed(lambda: [_parse_package(p) for p in by_pkg])
    rows.append(("parse only (tree-sitter), 1 process", t_parse))
    stable = Config(generated=True)  # lint exactly the files parsed above, generated ones included
    t_lint, res = _timed(lambda: lint.lint_all(packages, stable, jobs=1))
    n_findings = sum(len(r.findings) for r in res)
    rows.append(("lint, stable rules, 1 process", t_lint))
    escape = Config(enable=("escape", "stack"), generated=True)
    t_escape, res_e = _timed(lambda: lint.lint_all(packages, escape, jobs=1))
    rows.append(("lint + escape/stack rules, 1 process", t_escape))
    with ProcessPoolExecutor(args.jobs) as pool:
        t_pparse, _ = _timed(lambda: list(pool.map(_parse_package, by_pkg, chunksize=4)))
    rows.append((f"parse only, {args.jobs} processes", t_pparse))
    t_pool, _ = _timed(lambda: lint.lint_all(packages, escape, jobs=args.jobs))
    rows.append((f"lint + escape/stack rules, {args.jobs} processes", t_pool))

    for name, t in rows:
        print(f"  {name:<45} {t:7.2f} s  {len(files) / t:8.0f} files/s  {lines / t:9.0f} lines/s")
    print(f"findings: {n_findings} (stable rules), {sum(len(r.findings) for r in res_e)} (with escape/stack)")
    print(f"ratio lint/parse (stable rules, 1 process):        {t_lint / t_parse:.2f}x  (target <= 3x)")
    print(f"ratio lint+escape/parse (1 process):               {t_escape / t_parse:.2f}x")
    print(f"escape/stack rules add:                            {100 * (t_escape - t_lint) / t_lint:.0f}% (target <= 50%)")
    print(f"whole GOROOT/src, all rules, {args.jobs} processes:          {t_pool:.1f} s (target < 60 s)")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
