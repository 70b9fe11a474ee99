"""Stands in for goperf.analyzer.compiler.apply_compiler in the server under test.

It takes 0.3 s (10 s when the package folder holds a file `slow-compile`), honours `cancel`, and marks every
finding as confirmed by the compiler, so tests can see progress, cancellation and the
republished diagnostics without a toolchain run.
"""

import os
import time
from dataclasses import replace


def apply_compiler(findings, package_dir, config, go=None, cancel=None):
    slow = os.path.exists(os.path.join(str(package_dir), "slow-compile"))
    deadline = time.monotonic() + (10.0 if slow else 0.3)
    while time.monotonic() < deadline:
        if cancel is not None and cancel.is_set():
            return findings, "cancelled"
        time.sleep(0.02)
    return [replace(f, source="compiler") for f in findings], f"fake compiler checked {package_dir}"
