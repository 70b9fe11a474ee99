"""The one place that names trace columns, event kinds, flags and their dtypes.

A trace is one row per event. Every producer writes these columns and every
consumer (kernels, reference replayer, report) reads them with these dtypes.
"""

from __future__ import annotations

import numpy as np

#: Event columns, in storage order, with their dtypes.
COLUMNS: dict[str, np.dtype] = {
    "kind": np.dtype(np.uint8),       # an EV_* code below
    "func": np.dtype(np.int32),       # function id (row of the function table), -1 = unknown
    "size": np.dtype(np.int64),       # ALLOC: requested bytes; FREE: slot bytes that die
    "goroutine": np.dtype(np.int32),  # dense goroutine id 0..n_goroutines-1
    "flags": np.dtype(np.uint8),      # F_* bits below
}
#: Optional event columns (present or absent as a whole).
OPTIONAL_COLUMNS: dict[str, np.dtype] = {
    "ts": np.dtype(np.int64),         # timestamp in ns where the producer knows it
}

#: Function table columns (one row per function id).
FUNC_COLUMNS: dict[str, np.dtype] = {
    "func_frame": np.dtype(np.int64),   # `locals=` of -gcflags=-S (incl. saved BP, excl. return address)
    "func_nosplit": np.dtype(np.uint8), # 1 = no prologue stack check (nosplit or small leaf)
}
#: String tables (numpy unicode arrays).
STRING_TABLES = ("func_name", "func_pos")

# Event kinds ---------------------------------------------------------------
EV_ALLOC = 1     # mallocgc(size) by `func` on `goroutine`
EV_FREE = 2      # `size` slot bytes become unreachable (not live at the next GC)
EV_ENTER = 3     # `goroutine` calls `func` (prologue check happens here)
EV_EXIT = 4      # `func` returns on `goroutine`
EV_GO_START = 5  # `goroutine` is created (stack of the current starting size)
EV_GO_END = 6    # `goroutine` exits
EV_GC = 7        # forced GC (runtime.GC()) called from `func`
EV_FLUSH = 8     # mcache flush (ReadMemStats, P freed): tiny block and cached spans dropped
KIND_NAMES = {EV_ALLOC: "alloc", EV_FREE: "free", EV_ENTER: "enter", EV_EXIT: "exit",
              EV_GO_START: "go_start", EV_GO_END: "go_end", EV_GC: "gc", EV_FLUSH: "flush"}
MAX_KIND = max(KIND_NAMES)

# Flags ---------------------------------------------------------------------
F_NOSCAN = 1     # ALLOC: the type holds no pointers (tiny-eligible, no malloc header)

# Layout of the int64 config vector the kernels read -------------------------
CFG_GOGC = 0            # percent; < 0 means off
CFG_MEMLIMIT = 1        # bytes; < 0 means no limit
CFG_GLOBALS = 2         # Gl: .data + .bss bytes scanned
CFG_STACK_BASE = 3      # stack scan bytes of goroutines not in the trace (runtime's own)
CFG_NONHEAP = 4         # mapped non-heap memory counted against GOMEMLIMIT
CFG_ADAPTIVE = 5        # 1 = adaptive starting stack size (Go default)
CFG_STACK_START = 6     # starting stack size in bytes
CFG_INIT_MARKED = 7     # bytes marked by the GC before the trace starts
CFG_SWEEP_DIST = 8      # 1 = apply the 1 MiB sweep-distance minimum (unfinished sweep)
N_CFG = 9

# Layout of the int64 heap/pacer state vector ---------------------------------
S_HEAP_LIVE = 0     # gcController.heapLive
S_MARKED = 1        # heapMarked of the last cycle
S_LIVE_NOW = 2      # slot bytes reachable now (allocated - freed)
S_GOAL = 3
S_TRIGGER = 4
S_TRIGGERED = 5     # heapLive when the last GC started; NOT_TRIGGERED = none yet
NOT_TRIGGERED = -(1 << 62)  # not -1: a trace that frees more than it allocated has heapLive < 0
S_TINY_OFF = 6      # tiny block offset; -1 = no current block
S_NUM_GC = 7
S_TOTAL_ALLOC = 8   # MemStats.TotalAlloc
S_MALLOCS = 9       # MemStats.Mallocs (tiny sub-allocations included)
S_TINY_ALLOCS = 10
S_SLOTS = 11        # heap objects (slots) = Mallocs - TinyAllocs
S_LAST_STACK_SCAN = 12
S_START_STACK = 13  # current starting stack size
S_ERRORS = 14       # events that broke an invariant (see S_ERR_INDEX)
S_ERR_INDEX = 15    # global index of the first bad event
S_SHRINKS = 16
S_SHRINK_BYTES = 17
S_MORESTACK = 18
S_STACK_COPY = 19
S_EVENTS = 20       # events consumed so far (global index of the next one)
N_STATE = 21

# Per-function output matrix columns (int64) -----------------------------------
O_HEAP_BYTES = 0    # slot bytes charged (TotalAlloc share)
O_OBJECTS = 1       # mallocgc calls with size > 0 (Mallocs share, tiny included)
O_SLOTS = 2         # heap slots (what the memory profile counts)
O_TINY = 3          # tiny sub-allocations
O_GC_CYCLES = 4     # GC cycles this function's allocation (or runtime.GC call) started
O_MORESTACK = 5     # stack growths (copystack to a larger stack) at this function's prologue
O_STACK_COPY = 6    # bytes copied by those growths
O_LARGE = 7         # large (> 32760 B) objects
N_OUT = 8
OUT_NAMES = ("heap_bytes", "objects", "slots", "tiny_allocs", "gc_cycles", "morestack",
             "stack_copy_bytes", "large_objects")

# Runtime constants (linux/amd64, Go 1.27) ---------------------------------------
FIXED_STACK = 2048
STACK_GUARD = 928       # stackNosplit(800) + StackSmall(128)
STACK_NOSPLIT = 800
STACK_SMALL = 128
MAX_STACK = 1 << 30
GOROUTINE_ENTRY_USED = 32   # reserved bytes at hi before the entry function's return address
HEAP_MINIMUM = 4 << 20
MIN_RUNWAY = 64 << 10
SWEEP_MIN_HEAP_DISTANCE = 1 << 20
MEMLIMIT_MIN_HEADROOM = 1 << 20
MEMLIMIT_HEADROOM_PCT = 3
