"""Lint throughput on the standard library, beside tree-sitter's parse-only time (the floor).

Run: python bench/lint_throughput.py [--rounds N] [--jobs N] [--root DIR] [--sample K] [--stable-only]

The target (issue #2): linting every non-test .go file of GOROOT/src with the stable rules
takes at most 3x the time of reading and tree-sitter parsing the same files.

How it is measured, so that the ratio does not swing with the load of a shared machine:
- both phases run in this one process, on the same files (generated ones included, as the
  parse phase reads them all), read from disk by each phase (the page cache is warmed first);
- "parse" is read + tree-sitter parse of each file; "lint" is `goperf lint`'s whole work for
  a package (cli.lint's worker: read, parse, every stable rule, suppressions, fix vetting);
- the two are interleaved package by package (parse package P, lint package P, next package;
  every other round lints first), so that a burst of load from other processes falls on both;
- each phase is timed in CPU time of this process (time.process_time), summed over packages;
  wall time is printed beside it;
- the cyclic garbage collector is off while a package is parsed (parsing alone makes no cyclic
  garbage), so every collection, triggered by the lint's allocations, is counted in the lint phase;
- several rounds: the ratio of each round and, as the headline figure, their median; beside
  it the ratio of each phase's best round, and of each package's best time per phase summed
  (the minimum of many short timings favours the phase with more jitter, so it is not the
  headline).
Then (unless --stable-only) one lint run with the preview escape/stack families on (CPU time
against the stable rounds' median), and the whole `goperf lint` with every rule in a process
pool of --jobs workers (wall time; target < 60 s).
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
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


def _round(packages, by_pkg, config: Config, lint_first: bool):
    """Per package (parse CPU, lint CPU), then (parse wall, lint wall, findings); interleaved per package."""
    cpu = time.process_time
    wall = time.perf_counter
    per_pkg = []
    p_wall = l_wall = 0.0
    findings = 0
    for pkg, paths in zip(packages, by_pkg):
        times = {}
        for phase in (("lint", "parse") if lint_first else ("parse", "lint")):
            if phase == "parse":
                gc.disable()  # parsing makes no cyclic garbage; a collection here would be the lint's
                c, w = cpu(), wall()
                _parse_package(paths)
                times[phase] = cpu() - c
                p_wall += wall() - w
                gc.enable()
            else:
                c, w = cpu(), wall()
                findings += len(lint.lint_package(pkg, config).findings)
                times[phase] = cpu() - c
                l_wall += wall() - w
        per_pkg.append((times["parse"], times["lint"]))
    return per_pkg, p_wall, l_wall, findings


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3, help="interleaved parse/lint rounds (default 3)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count(), help="workers for the pooled all-rules run")
    ap.add_argument("--root", type=Path, default=None, help="default: GOROOT/src")
    ap.add_argument("--sample", type=int, default=1, help="every K-th package only (quick checks)")
    ap.add_argument("--stable-only", action="store_true", help="skip the escape/stack and pooled runs")
    args = ap.parse_args()
    root = args.root or goroot() / "src"
    packages = collect([f"{root}/..."])[:: args.sample]
    by_pkg = [[str(p) for p in pkg.files + pkg.context] for pkg in packages]
    files = [f for paths in by_pkg for f in paths]
    lines = sum(Path(f).read_bytes().count(b"\n") for f in files)  # also warms the page cache
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{len(files)} files, {lines} lines, {len(packages)} packages under {root}"
          f"{'' if args.sample == 1 else f' (every {args.sample}th package)'}; load average {load:.1f}")

    stable = Config(generated=True)  # lint exactly the files parsed, generated ones included
    print("round  order        parse CPU   lint CPU   ratio   (wall: parse, lint, ratio)")
    rows, per_round = [], []
    for r in range(args.rounds):
        lint_first = r % 2 == 1
        per_pkg, pw, lw, n_findings = _round(packages, by_pkg, stable, lint_first)
        per_round.append(per_pkg)
        p, l = sum(t[0] for t in per_pkg), sum(t[1] for t in per_pkg)
        rows.append((p, l))
        order = "lint, parse" if lint_first else "parse, lint"
        print(f"{r + 1:>5}  {order:<11} {p:8.2f} s {l:8.2f} s  {l / p:5.2f}x   ({pw:.2f} s, {lw:.2f} s, {lw / pw:.2f}x)")
        sys.stdout.flush()
    ratios = [l / p for p, l in rows]
    best_p, best_l = min(p for p, _ in rows), min(l for _, l in rows)
    med_l = statistics.median(l for _, l in rows)
    print(f"parse only: {len(files) / best_p:.0f} files/s, {lines / best_p:.0f} lines/s (best round, CPU)")
    print(f"lint, stable rules: {len(files) / best_l:.0f} files/s, {lines / best_l:.0f} lines/s (best round, CPU); "
          f"{n_findings} findings")
    # each package's best time over the rounds, per phase: a burst of load in one round drops out
    pkg_p = sum(min(rnd[i][0] for rnd in per_round) for i in range(len(packages)))
    pkg_l = sum(min(rnd[i][1] for rnd in per_round) for i in range(len(packages)))
    print(f"per-package best of {args.rounds}: parse {pkg_p:.2f} s, lint {pkg_l:.2f} s CPU")
    print(f"ratio lint/parse, stable rules, CPU time: median of {args.rounds} rounds {statistics.median(ratios):.2f}x "
          f"(rounds {min(ratios):.2f}-{max(ratios):.2f}x; best round of each phase {best_l / best_p:.2f}x; "
          f"per-package best {pkg_l / pkg_p:.2f}x) (target <= 3x)")
    sys.stdout.flush()
    if args.stable_only:
        return

    escape = Config(enable=("escape", "stack"), generated=True)
    c, w = time.process_time(), time.perf_counter()
    res_e = lint.lint_all(packages, escape, jobs=1)
    t_escape, w_escape = time.process_time() - c, time.perf_counter() - w
    print(f"lint + escape/stack rules, 1 process: {t_escape:.2f} s CPU ({w_escape:.2f} s wall), "
          f"{sum(len(r.findings) for r in res_e)} findings; "
          f"escape/stack add {100 * (t_escape - med_l) / med_l:.0f}% to the stable rounds' median CPU (target <= 50%)")
    sys.stdout.flush()
    with ProcessPoolExecutor(args.jobs) as pool:
        w = time.perf_counter()
        list(pool.map(_parse_package, by_pkg, chunksize=4))
        w_pparse = time.perf_counter() - w
    w = time.perf_counter()
    lint.lint_all(packages, escape, jobs=args.jobs)
    w_pool = time.perf_counter() - w
    print(f"parse only, {args.jobs} processes: {w_pparse:.1f} s wall")
    print(f"whole {'GOROOT/src' if args.sample == 1 else 'sample'}, all rules, {args.jobs} processes: "
          f"{w_pool:.1f} s wall (target < 60 s)")


if __name__ == "__main__":
    main()
