"""For the CLI: `--param` parsing, the module root (where the report goes) and
`--apply-fixes` (the package's sources after goperf's quick fixes, in memory)."""

from __future__ import annotations

import re
from pathlib import Path

from goperf.analyzer.context import Package, SourceFile


def parse_params(items: list[str] | None) -> dict[str, float]:
    out: dict[str, float] = {}
    for it in items or []:
        if "=" not in it:
            raise ValueError(f"--param {it!r}: expected NAME=VALUE")
        k, v = it.rsplit("=", 1)
        try:
            out[k.strip()] = int(v) if re.fullmatch(r"-?\d+", v.strip()) else float(v)
        except ValueError:
            raise ValueError(f"--param {it!r}: VALUE must be a number") from None
    return out




MAX_FIX_ROUNDS = 10


def fixed_sources(folder: Path, unsafe: bool = True) -> tuple[dict[str, bytes], list[str]]:
    """The package's sources after goperf's quick fixes (as `goperf lint --fix [--unsafe-fixes]`
    applies them to the non-test files: first fix of each finding, in rounds), in memory."""
    from goperf.analyzer.config import Config
    from goperf.analyzer.driver import analyze_package
    from goperf.analyzer.fixes import apply
    from goperf.analyzer.model import Applicability
    levels = {Applicability.SAFE} | ({Applicability.UNSAFE} if unsafe else set())
    sources = {str(p): p.read_bytes() for p in sorted(folder.glob("*.go"))}
    lint = {p for p in sources if not p.endswith("_test.go")}
    applied_rules: list[str] = []
    config = Config()
    for _ in range(MAX_FIX_ROUNDS):
        pkg = Package([SourceFile.parse(p, s) for p, s in sources.items()])
        findings = analyze_package(pkg, config, lint)
        chosen = [(fd, fx) for fd in findings
                  if (fx := next((x for x in fd.fixes if x.applicability in levels), None))]
        if not chosen:
            break
        sources, applied = apply(sources, chosen)
        if not applied:
            break
        applied_rules += [f"{fd.rule} {fd.function or ''}".strip() for fd, _ in applied]
    return sources, applied_rules


def module_root(folder: Path) -> Path:
    """The folder holding go.mod above `folder` (the workspace root the editor opens), else `folder`."""
    d = folder.resolve()
    for cand in (d, *d.parents):
        if (cand / "go.mod").exists():
            return cand
    return d
