"""`goperf lint`: read packages, analyze them (in a process pool when there are many),
apply fixes in rounds, and write files atomically."""

from __future__ import annotations

import difflib
import hashlib
import os
import re
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from goperf.analyzer.config import Config
from goperf.analyzer.context import Package, SourceFile
from goperf.analyzer.driver import analyze_package
from goperf.analyzer.fixes import fix_until_stable
from goperf.analyzer.gcpause import collector_paused
from goperf.analyzer.model import Applicability, Finding

from .files import PackageFiles

POOL_THRESHOLD = 16  # packages; below this a pool costs more than it saves


@dataclass
class PackageResult:
    folder: Path
    findings: list[Finding]
    sources: dict[str, bytes]  # what was analyzed (after fixes, if any were applied)
    original: dict[str, bytes] = field(default_factory=dict)  # as read from disk, for fix mode
    fixed: int = 0
    errors: list[str] = field(default_factory=list)


# The Go convention (go help generate): this line, before the package clause, marks a generated file.
GENERATED = re.compile(rb"^// Code generated .* DO NOT EDIT\.$", re.M)


def is_generated(source: bytes) -> bool:
    m = GENERATED.search(source)
    return m is not None and source.rfind(b"\npackage ", 0, m.start()) == -1 and not source.startswith(b"package ")


def read_package(pkg: PackageFiles, generated: bool = False) -> tuple[dict[str, bytes], set[str], list[str]]:
    """(sources of all the package's files, the paths to lint, read errors). Generated files
    are context only unless asked for: nobody can act on findings in them. The sources are in
    the folder's order whichever files are linted (as `go list` orders a package's files): what
    the package-wide passes compute can depend on the order they meet declarations in (which
    function of a call cycle reads the others' facts), so `goperf lint f.go` reports in f.go
    what linting its whole package does."""
    sources, errors = {}, []
    for path in sorted(pkg.files + pkg.context, key=lambda p: p.name):
        try:
            sources[str(path)] = path.read_bytes()
        except OSError as e:
            errors.append(f"{path}: {e.strerror}")
    lint = {str(p) for p in pkg.files if str(p) in sources}
    if not generated:
        lint = {p for p in lint if not is_generated(sources[p]) or _named_alone(pkg, p)}
    return sources, lint, errors


def _named_alone(pkg: PackageFiles, path: str) -> bool:
    """A generated file named on the command line by itself is linted anyway."""
    return len(pkg.files) == 1 and str(pkg.files[0]) == path


def lint_package(pkg: PackageFiles, config: Config, fix_level: set[Applicability] | None = None,
                 use_cache: bool = False) -> PackageResult:
    """Analyze one package; with `fix_level`, apply fixes of those applicabilities in rounds (in memory).
    With `use_cache`, the findings of a package analysed before with the same files and configuration
    are read back instead (cli/cache.py)."""
    sources, lint_paths, errors = read_package(pkg, config.generated)
    with collector_paused():
        if fix_level:
            result = fix_until_stable(sources, lint_paths, config, fix_level)
            return PackageResult(pkg.folder, result.findings, result.sources, sources, len(result.applied), errors)
        findings = None
        if use_cache:
            from . import cache

            entry = cache.key(sources, lint_paths, config)
            findings = cache.load(entry)
        if findings is None:
            package = Package([SourceFile.parse(p, s) for p, s in sources.items()])
            findings = analyze_package(package, config, lint_paths)
            if use_cache:
                cache.store(entry, findings)
    return PackageResult(pkg.folder, findings, sources, sources, 0, errors)


def _lint_worker(args) -> PackageResult:
    pkg, config, fix_level, use_cache = args
    result = lint_package(pkg, config, fix_level, use_cache)
    if not fix_level:
        result.original = {}  # keep results small across the process boundary
    return result


def lint_all(packages: list[PackageFiles], config: Config, fix_level: set[Applicability] | None = None,
             jobs: int | None = None, progress: Callable[[int], None] | None = None,
             use_cache: bool = False) -> list[PackageResult]:
    jobs = jobs or os.cpu_count() or 1
    work = [(pkg, config, fix_level, use_cache) for pkg in packages]
    if jobs <= 1 or len(packages) < POOL_THRESHOLD:
        results = []
        for item in work:
            results.append(_lint_worker(item))
            if progress:
                progress(1)
        return results
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        results = []
        for result in pool.map(_lint_worker, work, chunksize=4):
            results.append(result)
            if progress:
                progress(1)
        return results


class WriteError(Exception):
    pass


def write_fixed(result: PackageResult) -> list[str]:
    """Write each changed file atomically; refuse files that changed on disk since they were read."""
    written = []
    for path, new in result.sources.items():
        old = result.original.get(path)
        if old is None or new == old:
            continue
        try:
            current = Path(path).read_bytes()
        except OSError as e:
            raise WriteError(f"{path}: {e.strerror}; not written") from None
        if hashlib.sha256(current).digest() != hashlib.sha256(old).digest():
            raise WriteError(f"{path}: changed on disk since it was read; not written")
        atomic_write(Path(path), new)
        written.append(path)
    return written


def atomic_write(path: Path, data: bytes) -> None:
    mode = path.stat().st_mode & 0o7777
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".goperf", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def unified_diff(result: PackageResult) -> Iterable[str]:
    for path, new in sorted(result.sources.items()):
        old = result.original.get(path)
        if old is None or new == old:
            continue
        yield from difflib.unified_diff(old.decode("utf-8", "replace").splitlines(True),
                                        new.decode("utf-8", "replace").splitlines(True),
                                        f"a/{_display(path)}", f"b/{_display(path)}")


def _display(path: str) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return path


def warn(message: str) -> None:
    print(f"goperf: {message}", file=sys.stderr)
