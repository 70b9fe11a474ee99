"""The VS Code extension builds to a .vsix and its Node tests (activation, and the real
vscode-languageclient against the real `goperf serve`) pass: editors/vscode/ci.sh."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

VSCODE = Path(__file__).resolve().parents[2] / "editors" / "vscode"


@pytest.mark.slow
def test_extension_builds_and_its_node_tests_pass():
    if shutil.which("npm") is None:
        pytest.fail("npm is missing: the extension cannot be built (apt-get install npm / Node 20)")
    env = {**os.environ, "GOPERF_PYTHON": sys.executable}
    proc = subprocess.run(["bash", str(VSCODE / "ci.sh")], cwd=VSCODE, env=env, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    vsix = VSCODE / "goperf.vsix"
    names = zipfile.ZipFile(vsix).namelist()
    assert "extension/package.json" in names and any(n.startswith("extension/out/") for n in names)
