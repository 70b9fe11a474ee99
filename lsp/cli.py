"""`goperf serve [--stdio] [--tcp HOST:PORT]`: start the language server.

Imports nothing heavy until it runs, and never the profiler (numba) at all.
"""

from __future__ import annotations

import argparse
import logging
import sys


def add_parser(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "serve", help="run the language server (LSP) for editors",
        description="Run goperf's language server. Editors start it over stdio; --tcp is for debugging.",
    )
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--stdio", action="store_true", help="talk LSP on stdin/stdout (the default)")
    mode.add_argument("--tcp", metavar="HOST:PORT", help="listen on a TCP port instead")
    p.add_argument("--log-file", metavar="PATH", help="write the server's log there (default: stderr)")
    p.add_argument("-v", "--verbose", action="count", default=0, help="more logging (-vv for protocol traces)")
    # Some clients pass these; accept and ignore them.
    p.add_argument("--clientProcessId", "--client-process-id", dest="client_pid", help=argparse.SUPPRESS)
    p.set_defaults(run=run)
    return p


def run(args: argparse.Namespace) -> int:
    level = (logging.WARNING, logging.INFO, logging.DEBUG)[min(getattr(args, "verbose", 0) or 0, 2)]
    handler = logging.FileHandler(args.log_file) if getattr(args, "log_file", None) else logging.StreamHandler(sys.stderr)
    logging.basicConfig(level=level, handlers=[handler], format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if level > logging.DEBUG:
        logging.getLogger("pygls").setLevel(max(level, logging.WARNING))

    from .server import server

    tcp = getattr(args, "tcp", None)
    if tcp:
        host, sep, port = tcp.rpartition(":")
        if not sep or not port.isdigit():
            print(f"goperf serve: --tcp wants HOST:PORT, got {tcp!r}", file=sys.stderr)
            return 2
        server.start_tcp(host or "127.0.0.1", int(port))
    else:
        server.start_io()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="goperf")
    sub = parser.add_subparsers(dest="command")
    add_parser(sub)
    args = parser.parse_args(["serve", *(sys.argv[1:] if argv is None else argv)])
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
