"""Frame sizes and nosplit marks from the compiler: `go build -gcflags=-S` STEXT lines.

`locals=` is the framesize the prologue tests (saved BP included, return address not);
`args=` lives in the caller's frame and is not added (go-runtime-notes.md D).
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

STEXT = re.compile(r"^(\S+) STEXT( nosplit)?\b.*?\blocals=(0x[0-9a-f]+|\d+)", re.M)


class FrameError(Exception):
    pass


def parse(text: str) -> dict[str, tuple[int, bool]]:
    """{function: (locals bytes, nosplit)} from -S output."""
    return {m.group(1): (int(m.group(3), 0), bool(m.group(2))) for m in STEXT.finditer(text)}


def frame_sizes(pkg_dir: str | Path, pkg: str = ".") -> dict[str, tuple[int, bool]]:
    """Frames of the package's own functions (the -S listing is replayed on cache hits)."""
    with tempfile.TemporaryDirectory() as d:
        p = subprocess.run(["go", "build", "-o", str(Path(d) / "bin"), "-gcflags=-S", pkg],
                           cwd=pkg_dir, capture_output=True, text=True)
    if p.returncode != 0:
        raise FrameError(p.stderr.strip()[-2000:])
    return parse(p.stderr + p.stdout)
