"""Fix then compile: `goperf lint --fix --unsafe-fixes` on real standard-library packages
in a copy of GOROOT must leave gofmt-clean code that `go build` and `go vet` accept.
Unsafe fixes may change behaviour (that is what makes them unsafe), never validity."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from goperf.analyzer.toolchain import goroot

MIN_PACKAGES = 20
SKIP_PREFIXES = ("syscall/js",)  # not buildable for linux


def _goperf(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "goperf.cli.main", *args], cwd=cwd, capture_output=True, text=True)


@pytest.fixture(scope="module")
def goroot_copy(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("goroot") / "go"
    shutil.copytree(goroot(), root, symlinks=True, ignore=shutil.ignore_patterns("__pycache__", "testdata"))
    return root


def _linux_packages(go: Path, env: dict) -> set[str]:
    out = subprocess.run([str(go), "list", "-e", "-f", "{{.ImportPath}}", "std", "cmd"], env=env,
                         capture_output=True, text=True, check=True).stdout.split()
    return {p for p in out if not p.startswith(SKIP_PREFIXES) and "/vendor/" not in p}


def _unformatted(gofmt: Path, packages: list[str], src: Path, env: dict) -> set[str]:
    out = subprocess.run([str(gofmt), "-l", *packages], cwd=src, capture_output=True, text=True, env=env)
    return set(out.stdout.split())


@pytest.mark.slow
def test_fixed_std_packages_build_and_vet(goroot_copy: Path):
    src = goroot_copy / "src"
    go = goroot_copy / "bin" / "go"
    env = {**os.environ, "GOROOT": str(goroot_copy), "GOFLAGS": "", "GOTOOLCHAIN": "local"}
    buildable = _linux_packages(go, env)

    report = json.loads(_goperf("lint", "--format", "json", "--no-progress", "./...", cwd=src).stdout)
    fixable: dict[str, int] = {}
    for f in report["findings"]:
        pkg = str(Path(f["path"]).parent)
        if pkg in buildable and any(fix["applicability"] in ("safe", "unsafe") for fix in f["fixes"]):
            fixable[pkg] = fixable.get(pkg, 0) + 1
    # The standard library first, then the toolchain's own packages (cmd/...) up to 40.
    packages = sorted(fixable, key=lambda p: (p.startswith("cmd/"), p))[:40]
    assert len(packages) >= MIN_PACKAGES, f"only {len(packages)} std packages have fixes: {packages}"

    gofmt = goroot_copy / "bin" / "gofmt"
    unformatted_before = _unformatted(gofmt, packages, src, env)
    before = {f"{p}/{f}": (src / p / f).read_bytes() for p in packages for f in os.listdir(src / p) if f.endswith(".go")}
    proc = _goperf("lint", "--fix", "--unsafe-fixes", "--no-progress", *packages, cwd=src)
    assert proc.returncode in (0, 1), proc.stderr
    changed = [k for k, v in before.items() if (src / k).read_bytes() != v]
    changed_std = {str(Path(c).parent) for c in changed if not c.startswith("cmd/")}
    assert len(changed_std) >= MIN_PACKAGES, f"fixes changed only {sorted(changed_std)}: {proc.stderr}"

    # A few GOROOT files are not gofmt-clean to begin with; no fix may add to them.
    assert _unformatted(gofmt, packages, src, env) <= unformatted_before
    build = subprocess.run([str(go), "build", *packages], cwd=src, capture_output=True, text=True, env=env)
    assert build.returncode == 0, build.stderr[-4000:]
    vet = subprocess.run([str(go), "vet", *packages], cwd=src, capture_output=True, text=True, env=env)
    assert vet.returncode == 0, vet.stderr[-4000:]
    print(f"\nfixed {len(changed)} files in {len(packages)} GOROOT packages ({len(changed_std)} std, "
          f"the rest cmd); gofmt, build and vet clean")
