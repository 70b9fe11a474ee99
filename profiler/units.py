"""Byte-size parsing in Go's GOMEMLIMIT syntax (B, KiB, MiB, GiB, TiB; "off")."""

import re

UNITS = {"": 1, "b": 1, "kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40,
         "kb": 1000, "mb": 10**6, "gb": 10**9}


def parse_bytes(s: str | int) -> int:
    """'16MiB' -> 16777216; 'off' -> -1."""
    if isinstance(s, int):
        return s
    t = s.strip().lower()
    if t in ("off", "none", "-1"):
        return -1
    m = re.fullmatch(r"(\d+)\s*([a-z]*)", t)
    if not m or m.group(2) not in UNITS:
        raise ValueError(f"not a byte size: {s!r} (use e.g. 16MiB, 1GiB, off)")
    return int(m.group(1)) * UNITS[m.group(2)]
