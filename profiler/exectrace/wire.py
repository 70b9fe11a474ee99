"""Wire-format constants of Go execution traces (format version go 1.26, written by Go 1.26/1.27).

Written from the toolchain's description of the format (`src/internal/trace/tracev2`): each
event is a type byte followed by unsigned LEB128 varints. Structural events (batch headers,
string/stack tables, sync batches) have their own layout; every event inside an event batch
is "timed": its first argument is the tick delta to the previous event of the batch.
"""

from __future__ import annotations

import numpy as np

HEADER_PREFIX = b"go 1."
HEADER_LEN = 16                   # "go 1.NN trace\0\0\0"
SUPPORTED_VERSIONS = (26,)        # Go 1.26 and 1.27 write version 26
MAX_BATCH_SIZE = 64 << 10
MAX_FRAMES = 128
MAX_STRING = 1 << 10

# Structural event types.
EV_EVENT_BATCH = 1
EV_STACKS = 2
EV_STACK = 3
EV_STRINGS = 4
EV_STRING = 5
EV_CPU_SAMPLES = 6
EV_CPU_SAMPLE = 7
EV_FREQUENCY = 8
EV_EXPERIMENTAL_BATCH = 49
EV_SYNC = 50
EV_CLOCK_SNAPSHOT = 51
EV_END_OF_GENERATION = 52

# Timed events: (code, name, argument names after the time delta).
# A "_string" suffix marks a string-table id, "stack" a stack-table id.
TIMED = [
    (9, "ProcsChange", ("procs_value", "stack")),
    (10, "ProcStart", ("p", "p_seq")),
    (11, "ProcStop", ()),
    (12, "ProcSteal", ("p", "p_seq", "m")),
    (13, "ProcStatus", ("p", "pstatus")),
    (14, "GoCreate", ("new_g", "new_stack", "stack")),
    (15, "GoCreateSyscall", ("new_g",)),
    (16, "GoStart", ("g", "g_seq")),
    (17, "GoDestroy", ()),
    (18, "GoDestroySyscall", ()),
    (19, "GoStop", ("reason_string", "stack")),
    (20, "GoBlock", ("reason_string", "stack")),
    (21, "GoUnblock", ("g", "g_seq", "stack")),
    (22, "GoSyscallBegin", ("p_seq", "stack")),
    (23, "GoSyscallEnd", ()),
    (24, "GoSyscallEndBlocked", ()),
    (25, "GoStatus", ("g", "m", "gstatus")),
    (26, "STWBegin", ("kind_string", "stack")),
    (27, "STWEnd", ()),
    (28, "GCActive", ("gc_seq",)),
    (29, "GCBegin", ("gc_seq", "stack")),
    (30, "GCEnd", ("gc_seq",)),
    (31, "GCSweepActive", ("p",)),
    (32, "GCSweepBegin", ("stack",)),
    (33, "GCSweepEnd", ("swept_value", "reclaimed_value")),
    (34, "GCMarkAssistActive", ("g",)),
    (35, "GCMarkAssistBegin", ("stack",)),
    (36, "GCMarkAssistEnd", ()),
    (37, "HeapAlloc", ("heapalloc_value",)),
    (38, "HeapGoal", ("heapgoal_value",)),
    (39, "GoLabel", ("label_string",)),
    (40, "UserTaskBegin", ("task", "parent_task", "name_string", "stack")),
    (41, "UserTaskEnd", ("task", "stack")),
    (42, "UserRegionBegin", ("task", "name_string", "stack")),
    (43, "UserRegionEnd", ("task", "name_string", "stack")),
    (44, "UserLog", ("task", "key_string", "value_string", "stack")),
    (45, "GoSwitch", ("g", "g_seq")),
    (46, "GoSwitchDestroy", ("g", "g_seq")),
    (47, "GoCreateBlocked", ("new_g", "new_stack", "stack")),
    (48, "GoStatusStack", ("g", "m", "gstatus", "stack")),
    (51, "ClockSnapshot", ("mono", "sec", "nsec")),
    # Experiment AllocFree (1).
    (128, "Span", ("id", "npages_value", "kindclass")),
    (129, "SpanAlloc", ("id", "npages_value", "kindclass")),
    (130, "SpanFree", ("id",)),
    (131, "HeapObject", ("id", "type")),
    (132, "HeapObjectAlloc", ("id", "type")),
    (133, "HeapObjectFree", ("id",)),
    (134, "GoroutineStack", ("id", "order")),
    (135, "GoroutineStackAlloc", ("id", "order")),
    (136, "GoroutineStackFree", ("id",)),
]
MAX_ARGS = 4                      # arguments after the time delta

NAMES: dict[int, str] = {c: n for c, n, _ in TIMED}
CODES: dict[str, int] = {n: c for c, n, _ in TIMED}
ARGS: dict[int, tuple[str, ...]] = {c: a for c, _, a in TIMED}
# Timed event codes by name.
EV_PROCS_CHANGE = 9
EV_PROC_START = 10
EV_PROC_STOP = 11
EV_PROC_STEAL = 12
EV_PROC_STATUS = 13
EV_GO_CREATE = 14
EV_GO_CREATE_SYSCALL = 15
EV_GO_START = 16
EV_GO_DESTROY = 17
EV_GO_DESTROY_SYSCALL = 18
EV_GO_STOP = 19
EV_GO_BLOCK = 20
EV_GO_UNBLOCK = 21
EV_GO_SYSCALL_BEGIN = 22
EV_GO_SYSCALL_END = 23
EV_GO_SYSCALL_END_BLOCKED = 24
EV_GO_STATUS = 25
EV_STW_BEGIN = 26
EV_STW_END = 27
EV_GC_ACTIVE = 28
EV_GC_BEGIN = 29
EV_GC_END = 30
EV_GC_SWEEP_ACTIVE = 31
EV_GC_SWEEP_BEGIN = 32
EV_GC_SWEEP_END = 33
EV_GC_MARK_ASSIST_ACTIVE = 34
EV_GC_MARK_ASSIST_BEGIN = 35
EV_GC_MARK_ASSIST_END = 36
EV_HEAP_ALLOC = 37
EV_HEAP_GOAL = 38
EV_GO_LABEL = 39
EV_USER_TASK_BEGIN = 40
EV_USER_TASK_END = 41
EV_USER_REGION_BEGIN = 42
EV_USER_REGION_END = 43
EV_USER_LOG = 44
EV_GO_SWITCH = 45
EV_GO_SWITCH_DESTROY = 46
EV_GO_CREATE_BLOCKED = 47
EV_GO_STATUS_STACK = 48
EV_SPAN = 128
EV_SPAN_ALLOC = 129
EV_SPAN_FREE = 130
EV_HEAP_OBJECT = 131
EV_HEAP_OBJECT_ALLOC = 132
EV_HEAP_OBJECT_FREE = 133
EV_GOROUTINE_STACK = 134
EV_GOROUTINE_STACK_ALLOC = 135
EV_GOROUTINE_STACK_FREE = 136

# Goroutine statuses (GoStatus gstatus).
G_RUNNABLE, G_RUNNING, G_SYSCALL, G_WAITING = 1, 2, 3, 4
# Proc statuses.
P_RUNNING, P_IDLE, P_SYSCALL, P_SYSCALL_ABANDONED = 1, 2, 3, 4

EXP_ALLOC_FREE = 1
ALLOCFREE_TYPES_BATCH = 0
ALLOCFREE_INFO_BATCH = 1


def tables() -> dict[str, np.ndarray]:
    """Per-type lookup arrays the kernels take as arguments (never module globals).

    nargs[t]: arguments after the delta (255 = not a timed event type);
    str_pos[t, k] / stack_pos[t, k]: argument positions holding string / stack ids (-1 = none);
    the first stack position is the event's own stack.
    """
    nargs = np.full(256, 255, np.uint8)
    str_pos = np.full((256, 2), -1, np.int8)
    stack_pos = np.full((256, 2), -1, np.int8)
    for code, _, args in TIMED:
        if code == 51:           # ClockSnapshot lives in sync batches only
            continue
        nargs[code] = len(args)
        s = [i for i, a in enumerate(args) if a.endswith("_string")]
        k = [i for i, a in enumerate(args) if a == "stack"] + [i for i, a in enumerate(args) if a == "new_stack"]
        str_pos[code, :len(s)] = s
        stack_pos[code, :len(k)] = k
    return {"nargs": nargs, "str_pos": str_pos, "stack_pos": stack_pos}
