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


GC_SCRIPT = """set pagination off
set language c
set breakpoint pending on
break runtime.gcBgMarkStartWorkers
commands
silent
printf "GCSTART heapLive=%lu marked=%lu\\n", 'runtime.gcController'.heapLive.value, 'runtime.gcController'.heapMarked
bt 16
continue
end
run
quit
"""
GC_FRAME = re.compile(r"^#\d+\s+(?:0x[0-9a-f]+ in )?(\S+) \(", re.M)


def gc_starts(binary: str | Path, args: list[str], prefix: str, godebug: str, cwd: str | Path | None = None,
              timeout: float = 300) -> list[tuple[str, int, int]]:
    """One (function, heapLive, heapMarked) per GC cycle the binary starts (go-runtime-notes.md E2):
    a breakpoint on runtime.gcBgMarkStartWorkers, which runs once per real cycle; the function is the
    innermost frame whose name starts with `prefix` (gdb lists inlined frames too), "" if none."""
    with tempfile.NamedTemporaryFile("w", suffix=".gdb", delete=False) as f:
        f.write(GC_SCRIPT)
    env = dict(os.environ, GODEBUG=godebug)
    try:
        p = subprocess.run(["gdb", "-batch", "-nx", "-x", f.name, "--args", str(binary), *args],
                           capture_output=True, text=True, env=env, timeout=timeout, cwd=cwd)
    finally:
        os.unlink(f.name)
    out = []
    for blk in p.stdout.split("GCSTART ")[1:]:
        m = re.match(r"heapLive=(\d+) marked=(\d+)", blk)
        fr = [x for x in GC_FRAME.findall(blk) if x.startswith(prefix)]
        out.append((fr[0] if fr else "", int(m.group(1)), int(m.group(2))))
    return out
