"""Compiler mode: the gc compiler's escape decisions as facts.

`apply_compiler(findings, package_dir, config, go=None) -> (findings, note)` is the entry point
(apply.py); build.py runs and caches `go build -gcflags=-m=2`, diagnostics.py parses it.
"""

from .apply import apply_compiler
from .build import BuildFailed, escape_diagnostics

__all__ = ["apply_compiler", "escape_diagnostics", "BuildFailed"]
