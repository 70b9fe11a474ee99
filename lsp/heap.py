"""Keeps CPython's cyclic garbage collector off the keystroke path.

The server holds parsed packages, trees, findings and the incremental analyzer's state: a
heap of a few hundred thousand objects. CPython's automatic collections scan whole
generations of it: measured on the latency benchmark's 3,000-line file, gen-2 collections
of 60–160 ms and gen-1 ones of up to 25 ms landed inside keystrokes (2 shared cores).

So after each publication everything alive is frozen (`gc.freeze()`: moved out of the
collector's generations in O(1)); automatic collections then scan only what was allocated
since, which is what one analysis leaves. Frozen objects are still freed by reference
counting, as almost all of a replaced analysis is; cycles among them are collected when the
server is idle (no publication for IDLE seconds): unfreeze, collect, freeze. Should the
server never be idle, a collection runs after every MAX_FROZEN publications, so memory stays
bounded.

An analysis itself leaves no reference cycles (tests/analyzer/test_garbage.py): the escape
pass releases each function's flow graph once solved, and no pass result points back at the
package or file that holds it. Until that was so, every edit of the benchmark's 3,000-line file
left 3,000–3,500 objects in cycles, and through them the replaced tree and text (~0.3 MB),
allocated until a collection. The collections below remain for cycles made elsewhere (pygls,
asyncio, a future pass): a full collection takes ~65 ms for the live heap (~125,000 objects),
so besides idle time one runs when the process grew by MAX_GROWTH since the last one (resident
size, read from /proc on Linux) or after MAX_FROZEN publications, right after a publication:
the client has its result, and a user typing at a few keys a second sends the next edit after
the collection ended. (The lint workers pause the collector while they analyze, analyzer/gcpause.py; the server does
not: an edit's analysis allocates little, and the collections it triggers scan only what was
allocated since the last freeze.)
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import time

log = logging.getLogger(__name__)


class Heap:
    IDLE = 1.0  # seconds without a publication before collecting the frozen objects' cycles
    MAX_FROZEN = 100  # publications between two collections at most
    MAX_GROWTH = 48 << 20  # bytes of resident-size growth since the last collection

    def __init__(self, enabled: bool = True):
        self.enabled = enabled
        self.since_collect = 0
        self.collections = 0
        self._timer: asyncio.TimerHandle | None = None
        self._base = _rss() if enabled else None

    def _grown(self) -> bool:
        rss = _rss()
        if rss is None or self._base is None:
            return False
        self._base = min(self._base, rss)
        return rss - self._base > self.MAX_GROWTH

    def published(self) -> None:
        """After a publication, on the event loop."""
        if not self.enabled:
            return
        self.since_collect += 1
        if self.since_collect >= self.MAX_FROZEN or self._grown():
            self.collect()
            return
        gc.freeze()
        if self._timer is not None:
            self._timer.cancel()
        try:
            self._timer = asyncio.get_running_loop().call_later(self.IDLE, self._idle)
        except RuntimeError:  # no running loop (unit use)
            self._timer = None

    def _idle(self) -> None:
        self._timer = None
        if self.since_collect:
            self.collect()

    def collect(self) -> None:
        t = time.perf_counter()
        gc.unfreeze()
        found = gc.collect()
        gc.freeze()
        self.since_collect = 0
        self.collections += 1
        self._base = _rss()
        log.debug("idle collection: %d unreachable objects, %.1f ms", found, (time.perf_counter() - t) * 1e3)

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None


_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _rss() -> int | None:
    """Resident size in bytes (Linux), None elsewhere."""
    try:
        with open("/proc/self/statm", "rb") as fh:
            return int(fh.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return None
