"""The escape rules' testdata, and compiler mode, checked against the gc compiler itself.

Each golden escape test builds its testdata with `-gcflags=-m=2` and asserts that the
`// want` lines are exactly the lines where the compiler reports the rule's decision, and
that syntax mode puts every finding at the compiler's line:column.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from goperf.analyzer.compiler import apply_compiler, build
from goperf.analyzer.config import Config
from goperf.analyzer.context import Package, SourceFile
from goperf.analyzer.driver import analyze_package
from goperf.analyzer.toolchain import goroot

from . import harness

ESCAPE_DIRS = sorted(p for p in (harness.TESTDATA / "escape").iterdir() if p.is_dir())
KIND = {"escape/moved-to-heap": "moved", "escape/escapes-to-heap": "escapes"}


@pytest.fixture(autouse=True)
def _own_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "xdg-cache"))


def _module_copy(folder: Path, dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for f in folder.glob("*.go"):
        shutil.copy(f, dest / f.name)
    (dest / "go.mod").write_text("module example.com/testdata\n\ngo 1.24\n")
    return dest


def _compiler_positions(diags, kind: str) -> set[tuple[str, int, int]]:
    return {(Path(d.pos.file).name, d.pos.line, d.pos.col) for d in diags if d.kind == kind}


def _finding_positions(findings, rule: str) -> set[tuple[str, int, int]]:
    out = set()
    for f in findings:
        if f.rule != rule:
            continue
        source = Path(f.path).read_bytes()
        line_start = source.rfind(b"\n", 0, f.start) + 1
        out.add((Path(f.path).name, source.count(b"\n", 0, f.start) + 1, f.start - line_start + 1))
    return out


@pytest.mark.parametrize("folder", ESCAPE_DIRS, ids=[harness.rule_id(f) for f in ESCAPE_DIRS])
def test_wants_match_the_compiler(folder: Path, tmp_path: Path, go: str):
    rule = harness.rule_id(folder)
    work = _module_copy(folder, tmp_path / "pkg")
    diags = build.escape_diagnostics(work, go)
    compiler = _compiler_positions(diags, KIND[rule])
    package = harness.load_package(work)
    want_lines = {(Path(e.path).name, e.line) for f in package.files for e in harness.expectations(f)}
    assert want_lines == {(name, line) for name, line, _ in compiler}, "// want lines differ from the compiler's"
    findings = analyze_package(package, Config(enable=(rule,), disable=("all",)))
    assert _finding_positions(findings, rule) == compiler, "syntax positions differ from the compiler's"


def _syntax(package_dir: Path, files: list[Path] | None = None) -> tuple[list, Config]:
    config = Config(enable=("escape",))
    paths = files if files is not None else build.package_files(package_dir)
    package = Package([SourceFile.parse(str(p), p.read_bytes()) for p in paths])
    return analyze_package(package, config), config


def _go_files(go: str, package_dir: Path) -> list[Path]:
    out = subprocess.run([go, "list", "-f", "{{range .GoFiles}}{{.}} {{end}}", "."], cwd=package_dir,
                         capture_output=True, text=True, check=True).stdout.split()
    return [package_dir / n for n in out]


@pytest.mark.slow
@pytest.mark.parametrize("pkg", [f"testdata/{d.name}" for d in ESCAPE_DIRS] + ["strconv", "encoding/csv", "container/list"])
def test_compiler_mode_agrees_exactly(pkg: str, tmp_path: Path, go: str):
    if pkg.startswith("testdata/"):
        folder = _module_copy(harness.TESTDATA / "escape" / pkg.split("/", 1)[1], tmp_path / "pkg")
        files = None
    else:
        folder = goroot(go) / "src" / pkg
        files = _go_files(go, folder)
    findings, config = _syntax(folder, files)
    confirmed, note = apply_compiler(findings, folder, config, go)
    assert note is None
    diags = build.escape_diagnostics(folder, go)
    for rule, kind in KIND.items():
        assert _finding_positions(confirmed, rule) == _compiler_positions(diags, kind)
    kept = [f for f in confirmed if f.rule in KIND]
    assert kept and all(f.source == "compiler" and f.explain for f in kept)


def test_second_run_builds_nothing(tmp_path: Path, go: str):
    work = _module_copy(ESCAPE_DIRS[0], tmp_path / "pkg")
    findings, config = _syntax(work)
    before = build.BUILDS
    first, note = apply_compiler(findings, work, config, go)
    assert note is None and build.BUILDS == before + 1
    second, _ = apply_compiler(findings, work, config, go)
    assert build.BUILDS == before + 1, "an unchanged package was built again"
    assert [(f.rule, f.start) for f in first] == [(f.rule, f.start) for f in second]
    (work / "basic.go").write_text((work / "basic.go").read_text() + "\nfunc extra() *int { v := 1; return &v }\n")
    apply_compiler(findings, work, config, go)
    assert build.BUILDS == before + 2, "a changed package must be rebuilt"


def test_broken_package_keeps_syntax_findings(tmp_path: Path, go: str):
    work = _module_copy(ESCAPE_DIRS[0], tmp_path / "pkg")
    (work / "broken.go").write_text("package escape\n\nfunc broken() int { return undefinedName }\n")
    findings, config = _syntax(work)
    out, note = apply_compiler(findings, work, config, go)
    assert out == findings
    assert note is not None and "does not build" in note and "undefinedName" in note


def test_stack_frames_match_compiler_locals(tmp_path: Path, go: str):
    """stack/large-frame's estimates against `-gcflags=-S` (locals=) for the flagged functions."""
    folder = harness.TESTDATA / "stack" / "large-frame"
    work = _module_copy(folder, tmp_path / "pkg")
    out = subprocess.run([go, "build", "-o", "/dev/null", "-gcflags=-S", "."], cwd=work, capture_output=True, text=True)
    locals_ = {m.group(1): int(m.group(2), 16) for m in re.finditer(r"\.(\w+) STEXT.* locals=(0x[0-9a-f]+)", out.stderr)}
    findings = analyze_package(harness.load_package(work), Config(enable=("stack/large-frame",), disable=("all",)))
    assert findings
    for f in findings:
        actual = locals_[f.function]
        assert abs(f.data["frame"] - actual) <= 0.1 * actual, (f.function, f.data["frame"], actual)
