"""Byte offsets → 1-based line and UTF-8 byte column, as the Go tools count them."""

from __future__ import annotations

from bisect import bisect_right


class LineIndex:
    def __init__(self, source: bytes):
        self.starts = [0]
        pos = source.find(b"\n")
        while pos != -1:
            self.starts.append(pos + 1)
            pos = source.find(b"\n", pos + 1)

    def line_col(self, offset: int) -> tuple[int, int]:
        row = bisect_right(self.starts, offset) - 1
        return row + 1, offset - self.starts[row] + 1
