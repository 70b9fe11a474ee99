"""What tree-sitter's incremental reparse costs the language server, by how many syntax errors the
file holds.

    python bench/reparse_cost.py

The latency bench (bench/lsp_latency.py) types "+1" at the end of statements of a 3,000-line file,
one character per edit, so the file soon holds dozens of lines ending in "+" at once. Subtrees built
by error recovery are not reused by an incremental parse, so each broken function is parsed again on
every edit. This prints, for 0 to 40 broken lines, the median and p90 time of an incremental reparse
after a one-character edit elsewhere (60 edits each), beside a full parse of the same text.
"""

from __future__ import annotations

import random
import re
import statistics
import time

from tree_sitter import Point

from goperf.analyzer import parsing
from lsp_latency import generate


def reparse_times(broken: int, edits: int = 60, seed: int = 2) -> tuple[list[float], float]:
    lines = generate(3000).split("\n")
    bodies = [i for i, line in enumerate(lines) if re.match(r"\t\t\w+ (=|\+=) ", line)]
    rng = random.Random(seed)
    for row in rng.sample(bodies, broken):
        lines[row] += "+"
    source = "\n".join(lines).encode()
    t = time.perf_counter()
    tree = parsing.parse(source)
    full = time.perf_counter() - t
    times = []
    for _ in range(edits):
        row = rng.choice(bodies)
        col = len(lines[row])
        start = sum(len(line) + 1 for line in lines[:row]) + col
        source = source[:start] + b" " + source[start:]
        lines[row] += " "
        edited = tree.copy()
        edited.edit(start, start, start + 1, Point(row, col), Point(row, col), Point(row, col + 1))
        t = time.perf_counter()
        tree = parsing.parse(source, edited)
        times.append(time.perf_counter() - t)
    return times, full


def main() -> None:
    print("| broken lines | incremental median | incremental p90 | full parse |")
    print("|---|---|---|---|")
    for broken in (0, 1, 2, 5, 10, 20, 40):
        times, full = reparse_times(broken)
        p90 = sorted(times)[int(0.9 * len(times))]
        print(f"| {broken} | {statistics.median(times) * 1e3:.2f} ms | {p90 * 1e3:.2f} ms | {full * 1e3:.1f} ms |")


if __name__ == "__main__":
    main()
