"""`goperf lint`'s findings per package, kept between runs: a package nobody changed is not
analysed again.

The key is everything an analysis reads: the text and path of every file of the package (those
linted and those read for context), which of them are linted, the whole configuration, and
goperf itself — the bytes of its own code and data (so that an upgrade, or an edit of a rule
while developing goperf, never serves an older result) and the versions of tree-sitter and
its Go grammar. The analysis reads nothing else (no environment, no toolchain: compiler mode
confirms findings after they are read from here, with a cache of its own).

Entries live in `$XDG_CACHE_HOME/goperf/lint/<goperf fingerprint>/` (else `~/.cache/...`), one
pickle of the findings each, written atomically; a fingerprint directory replaces the older
ones when it is created, and each holds at most MAX_ENTRIES (the least recently used go). An
entry that cannot be read is analysed again and rewritten. `goperf lint --no-cache` (or
GOPERF_NO_CACHE=1) reads and writes nothing.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
import shutil
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from goperf.analyzer.config import Config, user_cache_dir
from goperf.analyzer.model import Finding

FORMAT = 1  # bump when the stored shape changes
MAX_ENTRIES = 5_000  # packages; ~30 KB each with every rule on (GOROOT/src: 594 entries, 19 MB)
_CODE_ROOTS = ("analyzer", "cli")  # what `goperf lint` runs
_DATA_ELSEWHERE = ("profiler/sizeclasses.json",)  # read by analyzer/costs.py


def disabled_by_env() -> bool:
    return os.environ.get("GOPERF_NO_CACHE", "") not in ("", "0")


def key(sources: dict[str, bytes], lint_paths: set[str], config: Config) -> str:
    h = hashlib.sha256()
    h.update(f"{FORMAT}\0{fingerprint()}\0{_settings(config)}\0".encode())
    for path in sorted(sources):
        h.update(f"{path}\0{len(sources[path])}\0{int(path in lint_paths)}\0".encode())
        h.update(sources[path])
    return h.hexdigest()


def _settings(config: Config) -> str:
    """Every field of the configuration, dicts in a fixed order (a new field is in the key unasked)."""
    values = []
    for f in dataclasses.fields(config):
        value = getattr(config, f.name)
        values.append((f.name, sorted(value.items()) if isinstance(value, dict) else value))
    return repr(values)


def load(entry_key: str) -> list[Finding] | None:
    try:
        path = _entry(entry_key)
        with path.open("rb") as f:
            findings = pickle.load(f)
    except OSError:
        return None
    except Exception:  # damaged or from an incompatible interpreter: analyse again
        path.unlink(missing_ok=True)
        return None
    try:
        os.utime(path)  # recently used, for pruning
    except OSError:
        pass
    return findings if isinstance(findings, list) else None


def store(entry_key: str, findings: list[Finding]) -> None:
    try:
        folder = _folder()
        path = _entry(entry_key)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with tmp.open("wb") as f:
            pickle.dump(findings, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        if int(entry_key[:4], 16) % 64 == 0:  # now and then, not on every store
            _prune(folder)
    except OSError:
        pass  # a read-only or full cache directory costs the next run its time, nothing else


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """goperf's own code and data, and the parser's versions."""
    h = hashlib.sha256()
    base = Path(__file__).resolve().parent.parent
    paths = [p for root in _CODE_ROOTS for p in sorted((base / root).rglob("*"))
             if p.suffix in (".py", ".json", ".scm") and "__pycache__" not in p.parts]
    for path in paths + [base / rel for rel in _DATA_ELSEWHERE]:
        h.update(str(path.relative_to(base)).encode() + b"\0" + path.read_bytes())
    for dist in ("tree-sitter", "tree-sitter-go"):
        try:
            h.update(f"{dist}={metadata.version(dist)}\0".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{dist}=?\0".encode())
    return h.hexdigest()[:16]


def cache_root() -> Path:
    return user_cache_dir() / "lint"


@lru_cache(maxsize=1)
def _folder() -> Path:
    """This goperf's directory, created on first use; other versions' directories are removed then."""
    root = cache_root()
    folder = root / fingerprint()
    if not folder.is_dir():
        folder.mkdir(parents=True, exist_ok=True)
        for other in root.iterdir():
            if other.is_dir() and other.name != folder.name:
                shutil.rmtree(other, ignore_errors=True)
    return folder


def _entry(entry_key: str) -> Path:
    return _folder() / f"{entry_key}.pickle"


def _prune(folder: Path) -> None:
    entries = [e for e in os.scandir(folder) if e.name.endswith(".pickle")]
    if len(entries) <= MAX_ENTRIES:
        return
    entries.sort(key=lambda e: e.stat().st_mtime)
    for e in entries[: len(entries) - MAX_ENTRIES // 2]:
        try:
            os.unlink(e.path)
        except OSError:
            pass
