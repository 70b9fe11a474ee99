"""An analysistest-style harness: `// want "regexp"` comments next to flagged lines.

A Go file under tests/testdata/<family>/<name>/ is analyzed with rule <family>/<name>
enabled; every finding must match a `// want` on its line, and every `// want`
must be matched (misses and extras both fail). `// ERROR "..."` (the compiler's
own test syntax, test/escape*.go) is accepted too. If `<file>.go.golden` exists,
applying the first fix of every finding must reproduce it exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from goperf.analyzer import fixes as fixing
from goperf.analyzer.config import Config
from goperf.analyzer.context import Package, SourceFile
from goperf.analyzer.driver import analyze_package
from goperf.analyzer.model import Finding

TESTDATA = Path(__file__).resolve().parent.parent / "testdata"
WANT = re.compile(r"//\s*(?:want|ERROR)\s+(.*)$")
PATTERN = re.compile(r'"((?:[^"\\]|\\.)*)"|`([^`]*)`')


@dataclass
class Expectation:
    path: str
    line: int  # 1-based
    pattern: re.Pattern
    matched: bool = False


NOT_RULES = {"profiler", "lsp"}  # testdata of other layers


def rule_dirs() -> list[Path]:
    return sorted(p for p in TESTDATA.glob("*/*")
                  if p.is_dir() and p.parent.name not in NOT_RULES and any(p.glob("*.go")))


def rule_id(folder: Path) -> str:
    return f"{folder.parent.name}/{folder.name}".replace("_", "-")


def load_package(folder: Path) -> Package:
    return Package([SourceFile.parse(str(p), p.read_bytes()) for p in sorted(folder.glob("*.go"))])


def expectations(file: SourceFile) -> list[Expectation]:
    out = []
    for lineno, line in enumerate(file.source.decode().splitlines(), 1):
        m = WANT.search(line)
        if not m:
            continue
        for quoted in PATTERN.finditer(m.group(1)):
            raw = quoted.group(1) if quoted.group(1) is not None else quoted.group(2)
            out.append(Expectation(file.path, lineno, re.compile(raw)))
    return out


def line_of(finding: Finding, package: Package) -> int:
    return package.file(finding.path).source.count(b"\n", 0, finding.start) + 1


def run(folder: Path, config: Config | None = None) -> tuple[Package, list[Finding], list[str]]:
    """Analyze one testdata folder for its rule; return (package, findings, problems)."""
    rid = rule_id(folder)
    package = load_package(folder)
    config = config or Config(enable=(rid,), disable=("all",))
    findings = [f for f in analyze_package(package, config) if f.rule == rid]
    wants = [e for f in package.files for e in expectations(f)]
    problems = []
    for finding in findings:
        line = line_of(finding, package)
        # each finding takes a `want` of its own, as analysistest's expectations do
        match = next((w for w in wants if not w.matched and w.path == finding.path and w.line == line
                      and w.pattern.search(finding.message)), None)
        if match is None:
            problems.append(f"{Path(finding.path).name}:{line}: unexpected finding: {finding.message}")
        else:
            match.matched = True
    for w in wants:
        if not w.matched:
            problems.append(f"{Path(w.path).name}:{w.line}: no finding matching {w.pattern.pattern!r}")
    return package, findings, problems


def apply_first_fixes(package: Package, findings: list[Finding]) -> dict[str, bytes]:
    """Content of every file after applying the first fix of each finding (unsafe included)."""
    chosen = [(f, f.fixes[0]) for f in findings if f.fixes]
    sources = {f.path: f.source for f in package.files}
    result, _ = fixing.apply(sources, chosen)
    return result
