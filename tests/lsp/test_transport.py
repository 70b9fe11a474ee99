"""The stdin reader and the collector policy of the keystroke path (lsp/stdio.py, lsp/heap.py)."""

from __future__ import annotations

import asyncio
import gc
import json
import os
import threading

from pygls.io_ import run_async

from goperf.lsp.heap import Heap
from goperf.lsp.stdio import MessageReader


class _Protocol:
    def __init__(self):
        self.messages = []

    def structure_message(self, data):
        return data

    def handle_message(self, message):
        self.messages.append(message)


def _frame(obj, extra_header: bytes = b"") -> bytes:
    body = json.dumps(obj).encode()
    return b"Content-Length: %d\r\n" % len(body) + extra_header + b"\r\n" + body


def test_reader_frames_like_pygls():
    big = {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"text": "é" * 200_000}}
    data = (_frame({"jsonrpc": "2.0", "id": 1, "method": "initialize"})
            + _frame({"jsonrpc": "2.0", "method": "x"}, b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n")
            + b"X-Junk: 1\r\n\r\n"  # a header block without a length: skipped
            + _frame(big)
            + _frame({"jsonrpc": "2.0", "method": "last"}))
    r, w = os.pipe()

    def feed():
        with os.fdopen(w, "wb") as out:
            out.write(data)

    threading.Thread(target=feed, daemon=True).start()
    protocol = _Protocol()

    async def main():
        with os.fdopen(r, "rb") as stdin:
            reader = MessageReader(stdin, asyncio.get_running_loop())
            await asyncio.wait_for(run_async(threading.Event(), reader, protocol), 20)

    asyncio.run(main())
    assert [m.get("method") for m in protocol.messages] == ["initialize", "x", "textDocument/didOpen", "last"]
    assert protocol.messages[2] == big


def test_heap_freezes_and_collects():
    heap = Heap()
    heap.MAX_FROZEN = 3
    try:
        heap.published()
        assert gc.get_freeze_count() > 0
        cycle = []
        cycle.append(cycle)
        heap.published()  # the cycle is frozen now
        del cycle
        heap.published()  # the third: a collection (unfreeze, collect, freeze)
        assert heap.collections == 1 and heap.since_collect == 0
    finally:
        gc.unfreeze()
    assert not Heap(enabled=False).published()
