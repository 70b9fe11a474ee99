"""What the escape/stack rules add to a lint run, interleaved per package so that load from other
processes falls on both sides alike.

    python bench/escape_overhead.py                 # every GOROOT/src package, generated files included
    python bench/escape_overhead.py --every 5       # every 5th package (a quick sample)
    python bench/escape_overhead.py --no-generated  # as `goperf lint` runs by default

For each package: `goperf lint`'s worker with the stable rules, then with `--enable escape,stack`
(the order alternates from package to package), each timed in CPU time of this process
(time.process_time) after a garbage collection. Prints both sums and the ratio (target: the
escape/stack rules add at most 50%). bench/lint_throughput.py prints the same ratio from one
non-interleaved run, which swings with the machine's load.
"""

from __future__ import annotations

import argparse
import gc
import time

from goperf.analyzer.config import Config
from goperf.analyzer.toolchain import goroot
from goperf.cli import lint
from goperf.cli.files import collect


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--every", type=int, default=1, help="measure every Nth package")
    ap.add_argument("--no-generated", action="store_true", help="skip generated files, as `goperf lint` does")
    args = ap.parse_args()
    generated = not args.no_generated
    packages = collect([f"{goroot() / 'src'}/..."])[::args.every]
    stable = Config(generated=generated)
    escape = Config(enable=("escape", "stack"), generated=generated)
    spent = {"stable": 0.0, "escape": 0.0}
    for i, pkg in enumerate(packages):
        order = [("stable", stable), ("escape", escape)] if i % 2 == 0 else [("escape", escape), ("stable", stable)]
        for name, config in order:
            gc.collect()
            t = time.process_time()
            lint.lint_all([pkg], config, jobs=1)
            spent[name] += time.process_time() - t
    s, e = spent["stable"], spent["escape"]
    print(f"{len(packages)} packages{'' if generated else ' (generated files skipped)'}: stable rules {s:.1f} s CPU, "
          f"with escape/stack {e:.1f} s CPU: escape/stack add {100 * (e - s) / s:.0f}% (target <= 50%)")


if __name__ == "__main__":
    main()
