"""Precision sample: draw findings at random from a `goperf lint` run over GOROOT/src, with context.

Run: python bench/precision_sample.py [--seed S] [--n 50] [--out FILE]

1. Runs `goperf lint --format json $(go env GOROOT)/src/...` with the default configuration
   (stable rules only; the preview families escape/ and stack/ are off by default), unless
   `--findings FILE` gives the JSON of an earlier run to reuse.
2. Sorts the findings (path, line, column, rule) so the draw does not depend on output order,
   and draws a uniform random sample of `--n` of them with `random.Random(seed)`; the seed is
   printed (a fresh one is chosen when `--seed` is not given).
3. Writes each sampled finding with its source context (±6 lines, the flagged line marked `>>`)
   to `--out`, after the per-rule count of findings in the whole run.

Extras for rules with few findings in the headline sample: `--rule RULE --exclude-sample`
draws from that rule's findings only, leaving out the ones the headline sample (same seed
and n) already holds, with `--extra-seed`.

Before/after a detector change: `--compare OLD.json` (a run saved with `--save-findings`) prints
which findings of the old run's sample are gone from the new run, and the new per-rule counts.
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

CONTEXT = 6


def goroot() -> Path:
    out = subprocess.run(["go", "env", "GOROOT"], check=True, capture_output=True, text=True)
    return Path(out.stdout.strip())


def run_lint(src: Path, jobs: int | None) -> list[dict]:
    exe = shutil.which("goperf")
    cmd = [exe] if exe else [sys.executable, "-m", "goperf.cli.main"]
    cmd += ["lint", "--format", "json", "--no-progress"]
    if jobs:
        cmd += ["-j", str(jobs)]
    cmd.append(f"{src}/...")
    print("running:", " ".join(cmd), file=sys.stderr)
    # Exit status 1 means "there are findings"; 2 is a usage/input error.
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"goperf lint failed with exit status {proc.returncode}")
    return json.loads(proc.stdout)["findings"]


def key(f: dict) -> tuple:
    return (f["path"], f["line"], f["column"], f["rule"])


def draw(findings: list[dict], n: int, seed: int) -> list[dict]:
    ordered = sorted(findings, key=key)
    rng = random.Random(seed)
    picked = rng.sample(range(len(ordered)), min(n, len(ordered)))
    return [ordered[i] for i in picked]


def rel(path: str, src: Path) -> str:
    try:
        return str(Path(path).relative_to(src))
    except ValueError:
        return path


def context(path: str, line: int, width: int = CONTEXT) -> str:
    lines = Path(path).read_text(errors="replace").splitlines()
    lo, hi = max(1, line - width), min(len(lines), line + width)
    out = []
    for i in range(lo, hi + 1):
        mark = ">>" if i == line else "  "
        out.append(f"{mark}{i:6d}  {lines[i - 1]}")
    return "\n".join(out)


def describe(idx: int, f: dict, src: Path) -> str:
    head = f"### {idx}. {rel(f['path'], src)}:{f['line']}:{f['column']}  {f['rule']} ({f['severity']})"
    parts = [head, f"function: {f.get('function') or '-'}", f"message: {f['message']}"]
    for fix in f.get("fixes") or []:
        parts.append(f"fix ({fix.get('applicability', '?')}): {fix.get('title', '')}")
        for e in fix.get("edits", []):
            parts.append(f"    edit {e['line']}:{e['column']}-{e['end_line']}:{e['end_column']}: {e['new_text']!r}")
    parts.append(context(f["path"], f["line"]))
    # Where a fix edits a line outside the window (the declaration a prealloc fix rewrites,
    # a hoisted statement's new place), show that line too.
    far = sorted({e["line"] for fix in f.get("fixes") or [] for e in fix.get("edits", [])
                  if abs(e["line"] - f["line"]) > CONTEXT})
    for ln in far:
        parts.append(f"  ... fix edits line {ln}:")
        parts.append(context(f["path"], ln, 2))
    return "\n".join(parts)


def counts(findings: list[dict]) -> collections.Counter:
    return collections.Counter(f["rule"] for f in findings)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=None, help="random seed (default: a fresh one, printed)")
    ap.add_argument("--n", type=int, default=50, help="sample size (default 50)")
    ap.add_argument("--out", type=Path, default=Path("precision_sample.txt"))
    ap.add_argument("--findings", type=Path, help="reuse the JSON of an earlier run instead of linting")
    ap.add_argument("--save-findings", type=Path, help="also write the run's JSON findings here")
    ap.add_argument("--rule", help="draw only from this rule's findings (extra samples)")
    ap.add_argument("--exclude-sample", action="store_true",
                    help="with --rule: leave out the findings the headline sample (--seed, --n) holds")
    ap.add_argument("--extra-seed", type=int, default=None, help="with --rule: seed of the extra draw")
    ap.add_argument("--extra-n", type=int, default=10, help="with --rule: how many extras (default 10)")
    ap.add_argument("--compare", type=Path, help="JSON findings of an earlier run: show which of its sample are gone")
    ap.add_argument("-j", "--jobs", type=int, default=None)
    args = ap.parse_args()

    src = goroot() / "src"
    if args.findings:
        data = json.loads(args.findings.read_text())
        findings = data["findings"] if isinstance(data, dict) else data
    else:
        findings = run_lint(src, args.jobs)
    if args.save_findings:
        args.save_findings.write_text(json.dumps({"findings": findings}, indent=1))

    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1, 2**31)
    print(f"seed: {seed}  n: {args.n}  findings in the run: {len(findings)}")
    by_rule = counts(findings)
    print("findings per rule in the whole run:")
    for rule, c in sorted(by_rule.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  {rule:22s} {c:5d}")

    sample = draw(findings, args.n, seed)
    title = f"headline sample: seed {seed}, n {args.n}"
    if args.rule:
        pool = [f for f in findings if f["rule"] == args.rule]
        if args.exclude_sample:
            taken = {key(f) for f in sample}
            pool = [f for f in pool if key(f) not in taken]
        extra_seed = args.extra_seed if args.extra_seed is not None else random.SystemRandom().randrange(1, 2**31)
        print(f"extra draw for {args.rule}: seed {extra_seed}, from {len(pool)} findings")
        sample = draw(pool, args.extra_n, extra_seed)
        title = f"extra sample of {args.rule}: seed {extra_seed}, n {args.extra_n} (headline seed {seed} excluded: {args.exclude_sample})"

    per_rule_sample = counts(sample)
    lines = [f"# goperf precision sample — {title}", f"# GOROOT/src = {src}",
             f"# findings in the whole run: {len(findings)}", "# per rule (whole run / in this sample):"]
    for rule, c in sorted(by_rule.items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"#   {rule:22s} {c:5d} / {per_rule_sample.get(rule, 0)}")
    lines.append("")
    for i, f in enumerate(sample, 1):
        lines.append(describe(i, f, src))
        lines.append("")
    args.out.write_text("\n".join(lines))
    print(f"wrote {len(sample)} findings with context to {args.out}")

    if args.compare:
        old = json.loads(args.compare.read_text())
        old = old["findings"] if isinstance(old, dict) else old
        old_sample = draw(old, args.n, seed)
        now = {key(f) for f in findings}
        print(f"\nthe old run's sample (seed {seed}) against this run:")
        for i, f in enumerate(old_sample, 1):
            state = "kept" if key(f) in now else "GONE"
            print(f"  {i:3d}. {state}  {rel(f['path'], src)}:{f['line']}  {f['rule']}")
        old_counts = counts(old)
        print("\nper rule, old run -> this run:")
        for rule in sorted(set(old_counts) | set(by_rule)):
            print(f"  {rule:22s} {old_counts.get(rule, 0):5d} -> {by_rule.get(rule, 0):5d}")


if __name__ == "__main__":
    main()
