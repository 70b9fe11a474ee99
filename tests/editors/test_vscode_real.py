"""A real VS Code: code-server 4.100.3 (VS Code 1.100.3) in headless Chromium, with goperf.vsix
installed, shows goperf's diagnostic and applies its quick fix; the saved file passes go vet.

Opt-in (needs apt, npm and ~2–3 minutes of setup the first time; ~20 s per run afterwards):

    python -m pytest -m vscode tests/editors/test_vscode_real.py

editors/vscode/e2e/setup-code-server.sh installs code-server, chromium and puppeteer-core into
$GOPERF_E2E_CACHE (default ~/.cache/goperf-e2e); editors/vscode/e2e/drive.js drives it.
Screenshots and timings land in tests/editors/artifacts/ (gitignored).
When selected, a missing environment is a failure, not a skip.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
VSCODE = REPO / "editors" / "vscode"
E2E = VSCODE / "e2e"
VSIX = VSCODE / "goperf.vsix"
ARTIFACTS = Path(os.environ.get("GOPERF_E2E_ARTIFACTS", Path(__file__).parent / "artifacts"))

SOURCE = """\
// Package squares is the workspace of goperf's VS Code end-to-end test.
package squares

// Squares returns the square of every element of xs.
func Squares(xs []int) []int {
\tvar out []int
\tfor _, x := range xs {
\t\tout = append(out, x*x)
\t}
\treturn out
}
"""
FLAGGED = (8, 5)  # line:column inside `out = append(out, x*x)`, the prealloc/slice finding
FIX_TITLE = "Preallocate with make([]int, 0, len(xs))"
FIXED = SOURCE.replace("\tvar out []int\n", "\tout := make([]int, 0, len(xs))\n")

pytestmark = [pytest.mark.vscode, pytest.mark.slow]


def _tail(text: str, n: int = 4000) -> str:
    return text[-n:] if text else ""


def _need(tool: str, hint: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} is missing: {hint}")
    return path


def _setup_code_server() -> float:
    """Run setup-code-server.sh (a no-op once done); returns its duration in seconds."""
    if os.environ.get("GOPERF_E2E_SKIP_SETUP"):
        return 0.0
    start = time.monotonic()
    try:
        r = subprocess.run(["bash", str(E2E / "setup-code-server.sh")], capture_output=True, text=True, timeout=1200)
    except subprocess.TimeoutExpired as e:
        pytest.fail(f"setup-code-server.sh took more than 20 minutes:\n{_tail(str(e.stdout))}")
    if r.returncode != 0:
        pytest.fail("setup-code-server.sh failed: the real VS Code test needs apt (root), npm and the npm registry.\n"
                    f"{_tail(r.stdout)}\n{_tail(r.stderr)}")
    return time.monotonic() - start


def _build_vsix() -> float:
    """Build goperf.vsix when it is missing or older than the extension's sources."""
    sources = [VSCODE / "package.json", *VSCODE.joinpath("src").rglob("*.ts")]
    if VSIX.exists() and all(p.stat().st_mtime <= VSIX.stat().st_mtime for p in sources):
        return 0.0
    start = time.monotonic()
    steps = [["npx", "tsc", "-p", "."], ["npx", "vsce", "package", "--allow-missing-repository", "-o", "goperf.vsix"]]
    if not (VSCODE / "node_modules" / "vscode-languageclient").exists():
        steps.insert(0, ["npm", "ci", "--no-audit", "--no-fund"])
    for cmd in steps:
        r = subprocess.run(cmd, cwd=VSCODE, capture_output=True, text=True, timeout=600)
        if r.returncode != 0:
            pytest.fail(f"building goperf.vsix failed at {' '.join(cmd)}:\n{_tail(r.stdout)}\n{_tail(r.stderr)}")
    return time.monotonic() - start


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def test_code_server_shows_goperf_diagnostic_and_applies_its_quick_fix(tmp_path, go):
    node = _need("node", "install Node 20 (apt-get install nodejs npm)")
    _need("npm", "install npm (apt-get install npm)")
    setup_s = _setup_code_server()
    build_s = _build_vsix()

    workspace = tmp_path / "workspace"
    workspace.mkdir()
    (workspace / "go.mod").write_text("module example.com/e2e\n\ngo 1.23\n")
    src = workspace / "squares.go"
    src.write_text(SOURCE)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "vscode-diagnostics.png"
    fixed_shot = ARTIFACTS / "vscode-fixed.png"
    for old in (shot, fixed_shot, ARTIFACTS / "vscode-diagnostics-failure.png"):
        old.unlink(missing_ok=True)
    pid_file = tmp_path / "code-server.pid"

    cmd = [node, str(E2E / "drive.js"), "--vsix", str(VSIX), "--python", sys.executable,
           "--workspace", str(workspace), "--file", "squares.go", "--line", str(FLAGGED[0]),
           "--column", str(FLAGGED[1]), "--fix-title", FIX_TITLE, "--screenshot", str(shot),
           "--fixed-screenshot", str(fixed_shot), "--pid-file", str(pid_file)]
    start = time.monotonic()
    # The driver (and the Chromium it launches) in a session of its own; code-server in another,
    # recorded in pid_file: both groups are killed if the driver hangs.
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        stdout, stderr = proc.communicate(timeout=300)
    except subprocess.TimeoutExpired:
        _kill_group(proc.pid)
        if pid_file.exists():
            _kill_group(int(pid_file.read_text()))
        stdout, stderr = proc.communicate()
        pytest.fail(f"drive.js timed out after 300 s:\n{_tail(stderr)}")
    finally:
        if pid_file.exists():  # the driver kills code-server's group itself; make sure
            _kill_group(int(pid_file.read_text()))
    drive_s = time.monotonic() - start

    lines = [ln for ln in stdout.splitlines() if ln.startswith("{")]
    result = json.loads(lines[-1]) if lines else {"ok": False, "error": "no result line"}
    result["timings"] = {**result.get("timings", {}), "setup": round(setup_s, 2), "build_vsix": round(build_s, 2),
                         "drive_wall": round(drive_s, 2)}
    (ARTIFACTS / "vscode-result.json").write_text(json.dumps(result, indent=2))
    (ARTIFACTS / "vscode-drive.log").write_text(stderr)
    print("timings (s):", json.dumps(result["timings"]))
    assert proc.returncode == 0 and result.get("ok"), f"drive.js failed: {result.get('error')}\n{_tail(stderr)}"

    # What the editor showed: one warning from goperf, with the rule id, and the goperf fix offered.
    assert "Warnings: 1" in result["problems"], result["problems"]
    assert "prealloc/slice" in result["markers"] and "goperf" in result["markers"], result["markers"]
    assert result["quick_fix"].startswith(FIX_TITLE), result["quick_fix"]
    assert shot.exists() and shot.stat().st_size > 10_000, "no screenshot of the diagnostic"
    assert "No Problems" in result["problems_after"], result["problems_after"]

    # What it saved: exactly the fix, and it compiles.
    assert src.read_text() == FIXED, src.read_text()
    vet = subprocess.run([go, "vet", "./..."], cwd=workspace, capture_output=True, text=True, timeout=120)
    assert vet.returncode == 0, vet.stderr
