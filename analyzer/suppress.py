"""Silencing findings: `//goperf:ignore RULE` and golangci-lint's `//nolint[:NAME]`.

A directive applies to its own line and, when it stands alone on a line, to the
next line. RULE may be a rule id, a family ("prealloc") or several, comma-separated.
`//nolint` with no names silences everything; `//nolint:NAME` silences the rules
whose peers include NAME (e.g. prealloc, gocritic, perfsprint, govet).
"""

from __future__ import annotations

import re
from collections import defaultdict

from tree_sitter import Node

IGNORE = re.compile(r"//\s*goperf:ignore(?:\s+([\w/,.-]+))?")
NOLINT = re.compile(r"//\s*nolint(?::([\w,-]+))?\b")


def may_suppress(source: bytes) -> bool:
    """Whether the file can hold a directive at all (both patterns need these bytes): if not,
    its comments need not be looked at."""
    return b"goperf:ignore" in source or b"nolint" in source


class Suppressions:
    def __init__(self, comments: list[Node], source: bytes, redirects: dict[str, str]):
        self._by_line: dict[int, list[tuple[str, tuple[str, ...]]]] = defaultdict(list)
        self._redirects = redirects
        for c in comments:
            text = source[c.start_byte : c.end_byte].decode("utf-8", "replace")
            for kind, names in _directives(text):
                row = c.start_point[0]
                self._by_line[row].append((kind, names))
                if _alone_on_line(c, source):
                    self._by_line[row + 1].append((kind, names))

    def __bool__(self) -> bool:
        """Whether any directive was found (if not, no finding's row need be computed)."""
        return bool(self._by_line)

    def silences(self, rule_id: str, peers: tuple[str, ...], row: int) -> bool:
        family = rule_id.split("/", 1)[0]
        for kind, names in self._by_line.get(row, ()):
            if kind == "ignore":
                ids = {self._redirects.get(n, n) for n in names}
                if not names or rule_id in ids or family in ids or "all" in ids:
                    return True
            elif not names or "goperf" in names or any(p in names for p in peers):
                return True
        return False


def _directives(comment: str):
    m = IGNORE.search(comment)
    if m:
        yield "ignore", tuple(n for n in (m.group(1) or "").split(",") if n)
    m = NOLINT.search(comment)
    if m:
        yield "nolint", tuple(n for n in (m.group(1) or "").split(",") if n)


def _alone_on_line(comment: Node, source: bytes) -> bool:
    line_start = source.rfind(b"\n", 0, comment.start_byte) + 1
    return not source[line_start : comment.start_byte].strip()
