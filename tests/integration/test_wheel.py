"""The built wheel installs the folders under the `goperf` namespace only, with their data."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)],
                   check=True, capture_output=True)
    (whl,) = out.glob("goperf-*.whl")
    return whl


def test_wheel_layout(wheel: Path):
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names if not n.startswith("goperf-")}
    assert tops == {"goperf"}, f"the wheel installs top-level {tops - {'goperf'}}"
    for needed in ("goperf/analyzer/registry.py", "goperf/analyzer/queries/index.scm",
                   "goperf/analyzer/data/stdlib_sizes.json", "goperf/profiler/sizeclasses.json",
                   "goperf/cli/main.py", "goperf/lsp/__init__.py"):
        assert needed in names, needed
    assert not any(n.startswith("goperf/__init__") for n in names)  # a namespace package


@pytest.mark.slow
def test_wheel_installs_and_runs_in_a_fresh_venv(wheel: Path, tmp_path: Path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "--quiet", str(wheel)], check=True, capture_output=True)
    probe = ("import goperf.analyzer.registry as r, goperf.cli.main, goperf.profiler, goperf.lsp; "
             "import importlib.util as u; assert u.find_spec('analyzer') is None and u.find_spec('lsp') is None; "
             "print(len(r.RULES))")
    proc = subprocess.run([str(py), "-c", probe], cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 0 and int(proc.stdout) >= 1, proc.stderr
    go_file = tmp_path / "p.go"
    go_file.write_text("package p\n\nfunc f(xs []int) []int {\n\tvar o []int\n\tfor _, x := range xs {\n"
                       "\t\to = append(o, x)\n\t}\n\treturn o\n}\n")
    lint = subprocess.run([str(env_dir / "bin" / "goperf"), "lint", "p.go"], cwd=tmp_path, capture_output=True, text=True)
    assert lint.returncode == 1 and "prealloc/slice" in lint.stdout, lint.stderr
