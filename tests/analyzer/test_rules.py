"""Golden tests for every rule: `// want` expectations, fixes against `.golden` files,
and (with the Go toolchain) that both the testdata and the fixed code build and are gofmt-clean."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from goperf.analyzer import registry
from goperf.analyzer.config import Config
from goperf.analyzer.driver import analyze_package
from goperf.analyzer.toolchain import gofmt_path
from goperf.analyzer.model import FixAvailability

from . import harness

FOLDERS = harness.rule_dirs()


@pytest.mark.parametrize("folder", FOLDERS, ids=[harness.rule_id(f) for f in FOLDERS])
def test_want_comments(folder: Path):
    assert registry.lookup(harness.rule_id(folder)) is not None, f"no rule named {harness.rule_id(folder)}"
    _, findings, problems = harness.run(folder)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("folder", FOLDERS, ids=[harness.rule_id(f) for f in FOLDERS])
def test_fixes_match_golden(folder: Path):
    rule = registry.lookup(harness.rule_id(folder))
    package, findings, _ = harness.run(folder)
    with_fix = [f for f in findings if f.fixes]
    if rule.fix is FixAvailability.NONE:
        assert not with_fix, f"{rule.id} declares no fixes but offered some"
        return
    goldens = sorted(folder.glob("*.go.golden"))
    assert goldens, f"{rule.id} offers fixes: add a .go.golden beside its testdata"
    assert with_fix, f"{rule.id} declares fixes but its testdata produced none"
    fixed = harness.apply_first_fixes(package, findings)
    for golden in goldens:
        source = str(golden)[: -len(".golden")]
        assert fixed[source].decode() == golden.read_text(), f"{golden.name} differs from the fixed output"


FIXED_FOLDERS = [f for f in FOLDERS if any(f.glob("*.go.golden"))]  # test_golden checks which must have them


@pytest.mark.parametrize("folder", FIXED_FOLDERS, ids=[harness.rule_id(f) for f in FIXED_FOLDERS])
def test_golden_relints_clean(folder: Path, tmp_path: Path):
    """Fixed code no longer triggers the fixed findings and parses cleanly (gofmt and go vet: test_testdata_and_golden_compile)."""
    goldens = sorted(folder.glob("*.go.golden"))
    for f in folder.glob("*.go"):
        shutil.copy(f, tmp_path / f.name)
    for golden in goldens:
        shutil.copy(golden, tmp_path / golden.name[: -len(".golden")])
    pkg = harness.load_package(tmp_path)
    assert not any(f.tree.root_node.has_error for f in pkg.files), "a fix introduced a syntax error"
    rid = harness.rule_id(folder)
    again = [f for f in analyze_package(pkg, Config(enable=(rid,), disable=("all",))) if f.rule == rid and f.fixes]
    assert not again, [f.message for f in again]


def _go_vet(go: str, folder: Path, work: Path, fixed: bool) -> None:
    work.mkdir(parents=True)
    for f in folder.glob("*.go"):
        shutil.copy(f, work / f.name)
    if fixed:
        for golden in folder.glob("*.go.golden"):
            shutil.copy(golden, work / golden.name[: -len(".golden")])
    (work / "go.mod").write_text("module example.com/testdata\n\ngo 1.24\n")
    fmt = subprocess.run([gofmt_path(go), "-l", "."], cwd=work, capture_output=True, text=True)
    assert fmt.stdout.strip() == "", f"gofmt would change: {fmt.stdout}"
    flags = folder / "vetflags"  # e.g. mutex/copied's testdata copies locks on purpose: -copylocks=false
    extra = flags.read_text().split() if flags.exists() else []
    vet = subprocess.run([go, "vet", *extra, "."], cwd=work, capture_output=True, text=True)
    assert vet.returncode == 0, vet.stderr


@pytest.mark.slow
@pytest.mark.parametrize("folder", FOLDERS, ids=[harness.rule_id(f) for f in FOLDERS])
def test_testdata_and_golden_compile(folder: Path, tmp_path: Path, go: str):
    _go_vet(go, folder, tmp_path / "src", fixed=False)
    if any(folder.glob("*.go.golden")):
        _go_vet(go, folder, tmp_path / "fixed", fixed=True)
