"""Plain-Python reference replayer, written from go-runtime-notes.md (A, B, C).

Shares no code with profiler/kernels: its own size-class lookup (straight from the
table in the notes / go-sizeclasses.tsv), its own pacer and stack rules, one event at a
time in trace order. Used as the oracle for the kernels and as the baseline of the
throughput benchmark.
"""

from __future__ import annotations

import csv
from pathlib import Path

HERE = Path(__file__).resolve()
# A copy of shared/go-sizeclasses.tsv (measured on Go 1.27.3) lives beside this file.
TSV_CANDIDATES = [HERE.parent / "go-sizeclasses.tsv"]

# Size classes as listed in go-runtime-notes.md A.
NOTES_SIZES = [int(x) for x in """8 16 24 32 48 64 80 96 112 128 144 160 176 192 208 224 240 256 288
320 352 384 416 448 480 512 576 640 704 768 896 1024 1152 1280 1408 1536 1792 2048 2304 2688 3072
3200 3456 4096 4864 5376 6144 6528 6784 6912 8192 9472 9728 10240 10880 12288 13568 14336 16384
18432 19072 20480 21760 24576 27264 28672 32768""".split()]

KiB, MiB = 1 << 10, 1 << 20
PAGE = 8192


def span_table():
    """class -> (size, span_bytes); from the TSV if present, else pages derived by the rule."""
    for p in TSV_CANDIDATES:
        if p.exists():
            with p.open() as f:
                rows = list(csv.DictReader(f, delimiter="\t"))
            return {int(r["class"]): (int(r["size"]), int(r["span_bytes"])) for r in rows}
    raise FileNotFoundError("go-sizeclasses.tsv not found")


class Ref:
    """Event-at-a-time model of one P, its mcache, the STW pacer and goroutine stacks."""

    def __init__(self, frames, nosplit, n_funcs, gogc=100, memlimit=-1, globals_bytes=0,
                 stack_scan_base=0, nonheap_bytes=0, adaptive_stack=True, stack_start=2048,
                 init_marked=0, sweep_dist=False):
        self.frames, self.nosplit = list(frames), list(nosplit)
        self.gogc, self.memlimit, self.gl = gogc, memlimit, globals_bytes
        self.stack_base, self.nonheap = stack_scan_base, nonheap_bytes
        self.adaptive, self.sweep_dist = adaptive_stack, sweep_dist
        self.spans = span_table()
        self.cached = {}            # (class, noscan) -> free slots in the cached span
        self.tiny_block = False
        self.tiny_off = 0
        self.marked = self.heap_live = self.live = init_marked
        self.triggered = None
        self.start_stack = stack_start
        self.stacks = {}            # goroutine -> [size, used]
        self.stack_scan = stack_scan_base
        self.f = {}                 # function -> dict of counters
        self.t = dict(heap_bytes=0, objects=0, slots=0, tiny_allocs=0, gc_cycles=0, morestack=0,
                      stack_copy_bytes=0, stack_shrinks=0, stack_shrink_copy_bytes=0)
        self.gc_log = []            # (event index, heap_live at start, marked)
        self.pace()

    # ---- helpers --------------------------------------------------------------------------
    def bump(self, fn, key, n=1):
        d = self.f.setdefault(fn, {})
        d[key] = d.get(key, 0) + n
        if key in self.t:
            self.t[key] += n

    @staticmethod
    def size_class(n):
        for c, s in enumerate(NOTES_SIZES, start=1):
            if s >= n:
                return c
        raise ValueError(n)

    # ---- pacer (notes B) -------------------------------------------------------------------
    def pace(self):
        marked = self.marked
        goal_gogc = None
        if self.gogc >= 0:
            goal_gogc = marked + (marked + self.stack_scan + self.gl) * self.gogc // 100
            goal_gogc = max(goal_gogc, 4 * MiB * self.gogc // 100)
        goal_lim = None
        if self.memlimit >= 0:
            room = self.memlimit - self.nonheap
            if room <= 0:
                goal_lim = marked
            else:
                headroom = max(room // 100 * 3, 1 * MiB)
                goal_lim = headroom if room < 2 * headroom else room - headroom
                goal_lim = max(goal_lim, marked)
        floor_trigger = 0
        if goal_lim is not None and (goal_gogc is None or goal_lim < goal_gogc):
            goal = goal_lim
        elif goal_gogc is None:
            self.goal = self.trigger = None          # GOGC=off, no limit: never
            return
        else:
            goal = goal_gogc
            if self.sweep_dist:
                floor_trigger = self.heap_live + MiB
                goal = max(goal, floor_trigger)
            if self.triggered is not None:
                goal = max(goal, self.triggered + 64 * KiB)
        self.goal = goal
        if marked >= goal:
            self.trigger = goal
            return
        d = goal - marked
        low = max(floor_trigger, marked, marked + (d // 64) * 45)
        high = marked + (d // 64) * 61
        if goal > 4 * MiB:
            high = max(high, goal - 4 * MiB)
        self.trigger = max(high, low)

    def gc(self, fn, idx):
        self.bump(fn, "gc_cycles")
        self.gc_log.append((idx, self.heap_live, self.live))
        self.triggered = self.heap_live
        self.marked = self.heap_live = self.live
        self.cached.clear()
        self.tiny_block = False
        used = [s[1] for s in self.stacks.values()]
        for g, s in self.stacks.items():
            size, u = s
            if u + 800 < size / 4 and size / 2 >= 2048:
                s[0] = size // 2
                self.t["stack_shrinks"] += 1
                self.t["stack_shrink_copy_bytes"] += u
        self.stack_scan = sum(used) + self.stack_base
        if self.adaptive:
            if not used:
                self.start_stack = 2048
            else:
                want = min(sum(used) // len(used) + 928, 1 << 30)
                size = 2048
                while size < want:
                    size *= 2
                self.start_stack = size
        self.pace()

    # ---- allocator (notes A) ---------------------------------------------------------------
    def slot_from_span(self, cls, noscan):
        key = (cls, noscan)
        refill = self.cached.get(key, 0) == 0
        if refill:
            size, span_bytes = self.spans[cls]
            self.cached[key] = span_bytes // size
            self.heap_live += span_bytes
        self.cached[key] -= 1
        return refill

    def alloc(self, fn, size, noscan):
        if size == 0:
            return False
        self.bump(fn, "objects")
        if noscan and size < 16:
            if self.tiny_block:
                if size % 8 == 0:
                    off = -(-self.tiny_off // 8) * 8
                elif size % 4 == 0:
                    off = -(-self.tiny_off // 4) * 4
                elif size % 2 == 0:
                    off = -(-self.tiny_off // 2) * 2
                else:
                    off = self.tiny_off
                if off + size <= 16:
                    self.tiny_off = off + size
                    self.bump(fn, "tiny_allocs")
                    return False
            check = self.slot_from_span(2, True)
            if not self.tiny_block or size < self.tiny_off:
                self.tiny_block, self.tiny_off = True, size
            charged = 16
        elif size <= 32768 - 8:
            if not noscan and size > 512:
                size += 8
            cls = self.size_class(size)
            check = self.slot_from_span(cls, noscan)
            charged = NOTES_SIZES[cls - 1]
        else:
            charged = -(-size // PAGE) * PAGE
            self.heap_live += charged
            self.bump(fn, "large_objects")
            check = True
        self.bump(fn, "heap_bytes", charged)
        self.bump(fn, "slots")
        self.live += charged
        return check and self.trigger is not None and self.heap_live >= self.trigger

    def flush(self):
        for (cls, _), free in self.cached.items():
            self.heap_live -= free * self.spans[cls][0]
        self.cached.clear()
        self.tiny_block = False

    # ---- stacks (notes C) ----------------------------------------------------------------
    def enter(self, g, fn, idx):
        s = self.stacks.setdefault(g, [self.start_stack, 32])
        s[1] += 8
        frame = self.frames[fn]
        if not self.nosplit[fn] and s[1] + max(frame - 128, 0) >= s[0] - 928:
            new = 2 * s[0]
            while new - s[1] < frame + 928:
                new *= 2
            if new > 1 << 30:
                raise OverflowError(f"event {idx}: stack overflow")
            self.bump(fn, "morestack")
            self.bump(fn, "stack_copy_bytes", s[1])
            s[0] = new
        s[1] += frame

    def exit(self, g, fn, idx):
        s = self.stacks.get(g)
        if s is None or s[1] - self.frames[fn] - 8 < 32:
            raise ValueError(f"event {idx}: return without call")
        s[1] -= self.frames[fn] + 8

    # ---- driver ------------------------------------------------------------------------------
    def run(self, kinds, funcs, sizes, gors, flags):
        for i, (k, fn, size, g, fl) in enumerate(zip(kinds, funcs, sizes, gors, flags)):
            if k == 1:
                if self.alloc(fn, size, bool(fl & 1)):
                    self.gc(fn, i)
            elif k == 2:
                self.live -= size
            elif k == 3:
                self.enter(g, fn, i)
            elif k == 4:
                self.exit(g, fn, i)
            elif k == 5:
                if g in self.stacks:
                    raise ValueError(f"event {i}: goroutine {g} started twice")
                self.stacks[g] = [self.start_stack, 32]
            elif k == 6:
                if self.stacks.pop(g, None) is None:
                    raise ValueError(f"event {i}: goroutine {g} ended twice")
            elif k == 7:
                self.gc(fn, i)
            elif k == 8:
                self.flush()
        self.t["live_bytes"] = self.live
        self.t["heap_goal"] = self.goal
        self.t["starting_stack_size"] = self.start_stack
        return self
