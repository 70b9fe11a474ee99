"""Build one package with the compiler's escape diagnostics, cached by content hash.

`go build -o /dev/null -gcflags=-m=2 .` in the package's folder: the flags apply to that
package only, the output is the compiler's text (replayed by go's own build cache too).
Parsed facts are kept in `$XDG_CACHE_HOME/goperf/escape/<hash>.json` (else
`~/.cache/goperf/...`), keyed by the go version, the package's .go files and the module's
go.mod/go.sum, so a second run over unchanged code builds nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from dataclasses import asdict
from pathlib import Path

from ..config import user_cache_dir
from ..toolchain import go_path
from .diagnostics import Diagnostic, Pos, parse

FORMAT = 1  # bump when the cached shape changes


class BuildFailed(RuntimeError):
    """The package does not build; the message says why (first lines of go's output)."""


def cache_dir() -> Path:
    return user_cache_dir() / "escape"


def go_version(go: str) -> str:
    return _go_version(go)


_VERSIONS: dict[str, str] = {}


def _go_version(go: str) -> str:
    if go not in _VERSIONS:
        _VERSIONS[go] = subprocess.run([go, "version"], capture_output=True, text=True).stdout.strip()
    return _VERSIONS[go]


def package_files(package_dir: Path) -> list[Path]:
    return sorted(p for p in package_dir.glob("*.go") if not p.name.endswith("_test.go"))


def content_hash(package_dir: Path, go: str) -> str:
    h = hashlib.sha256()
    h.update(f"goperf-escape/{FORMAT}\0{_go_version(go)}\0{package_dir.resolve()}\0".encode())
    for p in package_files(package_dir):
        h.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
    module = _module_root(package_dir)
    if module is not None:
        for name in ("go.mod", "go.sum"):
            f = module / name
            if f.is_file():
                h.update(name.encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def _module_root(folder: Path) -> Path | None:
    for d in [folder.resolve(), *folder.resolve().parents]:
        if (d / "go.mod").is_file():
            return d
    return None


def escape_diagnostics(package_dir: Path, go: str | None = None, use_cache: bool = True) -> list[Diagnostic]:
    """The compiler's verdicts for the package in `package_dir`; raises BuildFailed."""
    go = go or go_path()
    package_dir = Path(package_dir).resolve()
    key = content_hash(package_dir, go)
    cached = cache_dir() / f"{key}.json"
    if use_cache and cached.is_file():
        try:
            return [_load(d) for d in json.loads(cached.read_text())]
        except (ValueError, KeyError, TypeError):
            pass  # a damaged cache entry: rebuild
    diags = run_build(package_dir, go)
    if use_cache:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps([asdict(d) for d in diags]))
        tmp.replace(cached)
    return diags


BUILDS = 0  # builds run by this process (tests check the cache with it)


def run_build(package_dir: Path, go: str) -> list[Diagnostic]:
    global BUILDS
    BUILDS += 1
    env = dict(os.environ)
    env.setdefault("GOTOOLCHAIN", "local")
    proc = subprocess.run([go, "build", "-o", os.devnull, "-gcflags=-m=2", "."], cwd=package_dir,
                          capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        lines = [l for l in proc.stderr.splitlines() if l and not l.startswith("#") and ": " in l
                 and not _is_diag_noise(l)]
        reason = "; ".join(lines[:3]) or proc.stderr.strip()[:300] or f"go build exited {proc.returncode}"
        raise BuildFailed(f"compiler mode unavailable for {package_dir}: the package does not build: {reason}")
    return parse(proc.stderr, str(package_dir))


def _is_diag_noise(line: str) -> bool:
    return any(s in line for s in ("escapes to heap", "does not escape", "inline", "leaking param", "moved to heap",
                                   "flow:", "from ", "capturing by"))


def _load(d: dict) -> Diagnostic:
    d = dict(d)
    d["pos"] = Pos(**d["pos"])
    return Diagnostic(**d)
