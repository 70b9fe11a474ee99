"""The `goperf` command: lint, explain, rules, serve, profile.

Sub-commands import what they need when they run: `goperf lint` never loads numba
or the language server.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from .output import VERSION

# Sub-commands that live with their layer: a light module providing add_parser(subparsers)
# and run(args), which imports its heavy dependencies (pygls, numba) only inside run().
EXTERNAL = {"serve": "goperf.lsp.cli", "profile": "goperf.profiler.cli"}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="goperf", description="Go performance linter and allocation/stack profiler.")
    parser.add_argument("--version", action="version", version=f"goperf {VERSION}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    from . import commands

    commands.add_lint(sub)
    commands.add_explain(sub)
    commands.add_rules(sub)
    for module in EXTERNAL.values():
        try:
            importlib.import_module(module).add_parser(sub)
        except ImportError as e:  # a layer missing from this build: its command is simply absent
            if e.name is None or not e.name.startswith(module):
                raise
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    try:
        return args.run(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
