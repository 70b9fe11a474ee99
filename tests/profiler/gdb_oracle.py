"""gdb oracle for stack growth (go-runtime-notes.md E3a): runtime.copystack calls,
old/new size and the function whose prologue failed (g.sched.pc)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

SCRIPT = """set pagination off
set language c
set breakpoint pending on
break runtime.copystack
commands
silent
printf "COPYSTACK old=%lu new=%lu used=%lu pc: ", *(unsigned long*)($rax+8) - *(unsigned long*)$rax, $rbx, *(unsigned long*)($rax+8) - *(unsigned long*)($rax+56)
info symbol *(unsigned long*)($rax+64)
continue
end
run
quit
"""
LINE = re.compile(r"^COPYSTACK old=(\d+) new=(\d+) used=(\d+) pc: (\S+)", re.M)


def available() -> bool:
    return shutil.which("gdb") is not None


def copystacks(binary: str | Path, args: list[str], godebug: str = "asyncpreemptoff=1",
               timeout: float = 300) -> list[tuple[int, int, str]]:
    with tempfile.NamedTemporaryFile("w", suffix=".gdb", delete=False) as f:
        f.write(SCRIPT)
    env = dict(os.environ, GODEBUG=godebug)
    try:
        p = subprocess.run(["gdb", "-batch", "-nx", "-x", f.name, "--args", str(binary), *args],
                           capture_output=True, text=True, env=env, timeout=timeout)
    finally:
        os.unlink(f.name)
    return [(int(a), int(b), int(u), sym) for a, b, u, sym in LINE.findall(p.stdout)]


def growths_by_function(copies) -> dict[str, int]:
    out: dict[str, int] = {}
    for old, new, _, sym in copies:
        if new > old:
            out[sym] = out.get(sym, 0) + 1
    return out


def copy_bytes_by_function(copies) -> dict[str, int]:
    """Bytes copystack moves on growth: the used part, g.stack.hi - g.sched.sp."""
    out: dict[str, int] = {}
    for old, new, used, sym in copies:
        if new > old:
            out[sym] = out.get(sym, 0) + used
    return out
