"""For the CLI: `--param` parsing, the module root (where the report goes) and
`--apply-fixes` (the package's sources after goperf's quick fixes, in memory)."""

from __future__ import annotations

import re
from pathlib import Path


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


def fixed_sources(folder: Path, unsafe: bool = True) -> tuple[dict[str, bytes], list[str]]:
    """The package's sources after goperf's quick fixes (as `goperf lint --fix [--unsafe-fixes]`
    applies them to the non-test files: first fix of each finding, in rounds), in memory."""
    from goperf.analyzer.config import Config
    from goperf.analyzer.fixes import fix_until_stable
    from goperf.analyzer.model import Applicability
    levels = {Applicability.SAFE} | ({Applicability.UNSAFE} if unsafe else set())
    sources = {str(p): p.read_bytes() for p in sorted(folder.glob("*.go"))}
    lint = {p for p in sources if not p.endswith("_test.go")}
    result = fix_until_stable(sources, lint, Config(), levels)
    return result.sources, [f"{fd.rule} {fd.function or ''}".strip() for fd, _ in result.applied]


def module_root(folder: Path) -> Path:
    """The folder holding go.mod above `folder` (the workspace root the editor opens), else `folder`."""
    d = folder.resolve()
    for cand in (d, *d.parents):
        if (cand / "go.mod").exists():
            return cand
    return d
