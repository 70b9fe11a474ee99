"""Reading LSP messages from stdin with one thread hop per message.

pygls's `StdinAsyncReader` reads each header line and each body through `run_in_executor`:
three round trips between a pool thread and the event loop per message, each a wake-up
that waits for a CPU on a busy machine. Here one thread reads whole messages (the same
framing as `pygls.io_.run_async`, which still parses them) and hands each one's parts to
the event loop at once.
"""

from __future__ import annotations

import asyncio
import collections
import os
import re
import threading
from typing import BinaryIO

CONTENT_LENGTH = re.compile(rb"^Content-Length: (\d+)\r\n$")  # as pygls.io_.run_async matches it


class MessageReader:
    """`readline()` / `readexactly(n)` for `pygls.io_.run_async`, fed by a reader thread."""

    def __init__(self, stdin: BinaryIO, loop: asyncio.AbstractEventLoop):
        # A reader of its own on a duplicate of the descriptor: at interpreter shutdown the
        # thread may still be blocked in a read, holding its reader's lock, and closing
        # sys.stdin must not wait for that lock (a fatal error in CPython).
        try:
            self._stdin = os.fdopen(os.dup(stdin.fileno()), "rb")
            self._owned = True
        except (AttributeError, OSError, ValueError):  # not a file (tests)
            self._stdin = stdin
            self._owned = False
        self._loop = loop
        self._parts: collections.deque[bytes] = collections.deque()
        self._ready = asyncio.Event()
        self._thread = threading.Thread(target=self._run, name="goperf-stdin", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._read_all()
        except (OSError, ValueError):  # stdin failed: end the read loop as at end of file
            try:
                self._loop.call_soon_threadsafe(self._feed, [b""])
            except RuntimeError:
                pass
        finally:
            if self._owned:
                self._stdin.close()

    def _read_all(self) -> None:
        stdin = self._stdin
        while True:
            parts = []
            length = 0
            while True:  # header lines, up to the empty line
                line = stdin.readline()
                parts.append(line)
                if not line:
                    break
                if not length and (m := CONTENT_LENGTH.fullmatch(line)):
                    length = int(m.group(1))
                if length and not line.strip():
                    parts.append(stdin.read(length))
                    break
            try:
                self._loop.call_soon_threadsafe(self._feed, parts)
            except RuntimeError:  # the loop is closed: the server is exiting
                return
            if not parts[-1]:
                return

    def _feed(self, parts: list[bytes]) -> None:
        self._parts.extend(parts)
        self._ready.set()

    async def _next(self) -> bytes:
        while not self._parts:
            self._ready.clear()
            await self._ready.wait()
        return self._parts.popleft()

    async def readline(self) -> bytes:
        return await self._next()

    async def readexactly(self, n: int) -> bytes:
        return await self._next()


class LockedWriter:
    """pygls's StdoutWriter, safe to call from the analysis worker too: one message per write."""

    def __init__(self, stdout: BinaryIO):
        self._stdout = stdout
        self.lock = threading.Lock()

    def close(self) -> None:
        self._stdout.close()

    def write(self, data: bytes) -> None:
        with self.lock:
            self.write_locked(data)

    def write_locked(self, data: bytes) -> None:
        """For a caller already holding `lock`."""
        self._stdout.write(data)
        self._stdout.flush()
