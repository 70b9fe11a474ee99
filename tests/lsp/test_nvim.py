"""A real client: Debian's headless Neovim with editors/nvim applies a goperf quick fix."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from .conftest import GO_MOD, HERE, REPO, TESTDATA

NVIM = shutil.which("nvim")


@pytest.mark.skipif(NVIM is None and not os.environ.get("CI"), reason="neovim not installed (apt-get install neovim)")
def test_neovim_quick_fix_compiles(tmp_path, go):
    assert NVIM is not None, "CI must install neovim"
    (tmp_path / "go.mod").write_text(GO_MOD)
    src = tmp_path / "basic.go"
    shutil.copy(TESTDATA / "prealloc/slice/basic.go", src)
    out = tmp_path / "report.json"
    state = tmp_path / "xdg"
    env = {**os.environ, "GOPERF_REPO": str(REPO), "GOPERF_FILE": str(src), "GOPERF_OUT": str(out),
           "GOPERF_PY": sys.executable, "XDG_CACHE_HOME": str(state / "cache"), "XDG_STATE_HOME": str(state / "state"),
           "XDG_DATA_HOME": str(state / "data"), "XDG_CONFIG_HOME": str(state / "config"),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    r = subprocess.run([NVIM, "--headless", "--clean", "-n", "-c", f"luafile {HERE / 'nvim_quickfix.lua'}"],
                       env=env, cwd=tmp_path, capture_output=True, text=True, timeout=90)
    report = json.loads(out.read_text()) if out.exists() else {}
    assert r.returncode == 0 and not report.get("error"), (r.returncode, report, r.stderr[-2000:])
    assert report["filetype"] == "go"
    assert report["diagnostics"] >= 5 and all(s.startswith("goperf:") for s in report["sources"])
    assert any(t.startswith("Ignore prealloc/slice") for t in report["offered"])
    assert report["steps"][-1] == "republished"
    fixed = src.read_text()
    assert "out := make([]int, 0, len(xs))" in fixed
    vet = subprocess.run([go, "vet", "./..."], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert vet.returncode == 0, vet.stderr
