"""Turning command-line paths into Go packages, the way the go tool walks them.

`PATH/...` and directories are walked recursively; testdata, vendor and folders
starting with "." or "_" are skipped; `_test.go` files are included only when asked.
A named file is always linted, whatever its name.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

SKIP_DIRS = ("testdata", "vendor")


class InputError(Exception):
    """A path that does not exist or holds no Go code: exit status 2."""


@dataclass
class PackageFiles:
    folder: Path
    files: list[Path] = field(default_factory=list)  # files to lint
    context: list[Path] = field(default_factory=list)  # other files of the package (types, decls)


def _go_files(folder: Path, tests: bool) -> tuple[list[Path], list[Path]]:
    lint, context = [], []
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as e:
        raise InputError(f"{folder}: {e.strerror}") from None
    for entry in entries:
        if not entry.name.endswith(".go") or entry.name.startswith((".", "_")) or not entry.is_file():
            continue
        path = Path(entry.path)
        (lint if tests or not entry.name.endswith("_test.go") else context).append(path)
    return lint, context


def _walk(root: Path) -> list[Path]:
    out = []
    for folder, dirs, _ in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith((".", "_")))
        out.append(Path(folder))
    return out


def collect(args: list[str], tests: bool = False) -> list[PackageFiles]:
    """Packages to lint for the given arguments (default: the current folder)."""
    packages: dict[Path, PackageFiles] = {}
    for arg in args or ["."]:
        recursive = arg.endswith("/...") or arg == "..."
        base = Path(arg[: -len("...")].rstrip("/") or ".") if recursive else Path(arg)
        if not base.exists():
            raise InputError(f"{arg}: no such file or directory")
        if base.is_file():
            if base.suffix != ".go":
                raise InputError(f"{arg}: not a Go file")
            pkg = packages.setdefault(base.parent, PackageFiles(base.parent))
            if base not in pkg.files:
                pkg.files.append(base)
            continue
        for folder in _walk(base) if recursive else [base]:
            lint, context = _go_files(folder, tests)
            if lint:
                pkg = packages.setdefault(folder, PackageFiles(folder))
                pkg.files.extend(p for p in lint if p not in pkg.files)
    if not packages:
        raise InputError(f"no Go files in {' '.join(args or ['.'])}")
    for pkg in packages.values():
        lint, context = _go_files(pkg.folder, tests=False)
        named = set(pkg.files)
        pkg.context = [p for p in lint + context if p not in named and not p.name.endswith("_test.go")]
    return list(packages.values())
