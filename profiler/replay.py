"""Replay orchestration: config, caller-owned state arrays, chunk loop over the kernels."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from typing import Callable, Iterable

import numpy as np

from . import schema as S
from .sizeclasses import load as load_sizeclasses
from .trace import DEFAULT_CHUNK, FuncTable, Trace, TraceError, TraceReader, check_chunk


@dataclass
class ReplayConfig:
    """Runtime settings of the replayed run; None means "from the trace's meta, else default"."""
    gogc: int | None = None            # percent, -1 = off
    memlimit: int | None = None        # bytes, -1 = none
    globals_bytes: int | None = None   # Gl
    stack_scan_base: int | None = None
    nonheap_bytes: int | None = None
    adaptive_stack: bool | None = None
    stack_start: int | None = None     # pins the start size (turns adaptive off)
    init_marked: int | None = None
    sweep_dist: bool | None = None

    DEFAULTS = {"gogc": 100, "memlimit": -1, "globals_bytes": 0, "stack_scan_base": 0,
                "nonheap_bytes": 0, "adaptive_stack": True, "stack_start": S.FIXED_STACK,
                "init_marked": 0, "sweep_dist": False}

    def resolve(self, meta: dict) -> dict:
        """Explicit value > trace meta > default."""
        r = {}
        for k, d in self.DEFAULTS.items():
            v = getattr(self, k)
            r[k] = v if v is not None else meta.get(k, d)
        if self.stack_start is not None and self.adaptive_stack is None:
            r["adaptive_stack"] = False
        return r

    @staticmethod
    def vector(r: dict) -> np.ndarray:
        cfg = np.zeros(S.N_CFG, np.int64)
        cfg[S.CFG_GOGC] = int(r["gogc"])
        cfg[S.CFG_MEMLIMIT] = int(r["memlimit"])
        cfg[S.CFG_GLOBALS] = int(r["globals_bytes"])
        cfg[S.CFG_STACK_BASE] = int(r["stack_scan_base"])
        cfg[S.CFG_NONHEAP] = int(r["nonheap_bytes"])
        cfg[S.CFG_ADAPTIVE] = int(bool(r["adaptive_stack"]))
        cfg[S.CFG_STACK_START] = int(r["stack_start"])
        cfg[S.CFG_INIT_MARKED] = int(r["init_marked"])
        cfg[S.CFG_SWEEP_DIST] = int(bool(r["sweep_dist"]))
        st = int(r["stack_start"])
        if st < S.FIXED_STACK or st & (st - 1):
            raise TraceError(f"stack start size {st} is not a power of two >= {S.FIXED_STACK}")
        return cfg


@dataclass
class ReplayState:
    """Everything the kernels mutate; owned here so chunks can stream through."""
    cfg: np.ndarray
    st: np.ndarray
    span_free: np.ndarray
    g_size: np.ndarray
    g_used: np.ndarray
    g_alive: np.ndarray
    out: np.ndarray          # [n_funcs + 1, N_OUT]; last row = events without a function
    scratch: np.ndarray      # event_run's index lists (allocator / stack events of one block)

    @classmethod
    def new(cls, cfg: np.ndarray, n_funcs: int, n_goroutines: int) -> "ReplayState":
        from .kernels import events
        from .kernels.gc import commit
        st = np.zeros(S.N_STATE, np.int64)
        m = int(cfg[S.CFG_INIT_MARKED])
        st[S.S_MARKED] = st[S.S_HEAP_LIVE] = st[S.S_LIVE_NOW] = m
        st[S.S_TRIGGERED] = S.NOT_TRIGGERED
        st[S.S_TINY_OFF] = -1
        st[S.S_LAST_STACK_SCAN] = cfg[S.CFG_STACK_BASE]
        st[S.S_START_STACK] = cfg[S.CFG_STACK_START]
        commit(st, cfg)
        return cls(cfg, st, np.zeros(2 * 68, np.int64), np.zeros(n_goroutines, np.int64),
                   np.zeros(n_goroutines, np.int64), np.zeros(n_goroutines, np.uint8),
                   np.zeros((n_funcs + 1, S.N_OUT), np.int64), events.scratch_lists(events.BLOCK))


@dataclass
class ReplayResult:
    funcs: FuncTable
    out: np.ndarray
    st: np.ndarray
    config: dict
    meta: dict = field(default_factory=dict)

    def totals(self) -> dict:
        st = self.st
        return {"heap_bytes": int(st[S.S_TOTAL_ALLOC]), "objects": int(st[S.S_MALLOCS]),
                "slots": int(st[S.S_SLOTS]), "tiny_allocs": int(st[S.S_TINY_ALLOCS]),
                "gc_cycles": int(st[S.S_NUM_GC]), "morestack": int(st[S.S_MORESTACK]),
                "stack_copy_bytes": int(st[S.S_STACK_COPY]), "stack_shrinks": int(st[S.S_SHRINKS]),
                "stack_shrink_copy_bytes": int(st[S.S_SHRINK_BYTES]),
                "live_bytes": int(st[S.S_LIVE_NOW]), "heap_goal": int(st[S.S_GOAL]),
                "heap_marked": int(st[S.S_MARKED]), "events": int(st[S.S_EVENTS]),
                "starting_stack_size": int(st[S.S_START_STACK])}


def replay_chunk(state: ReplayState, ev: dict[str, np.ndarray], frame: np.ndarray,
                 nosplit: np.ndarray) -> None:
    """Advance `state` over one chunk of events (columns as in schema.COLUMNS).

    out[:, O_OBJECTS] is filled by `replay` at the end (objects = slots + tiny allocs).
    """
    from .kernels.events import event_run
    from .kernels.gc import gc_cycle
    from .kernels.validate import first_bad
    sc = load_sizeclasses()
    to_class, tiny_mask = _alloc_tables()
    kind, func, size = ev["kind"], ev["func"], ev["size"]
    gor, flags = ev["goroutine"], ev["flags"]
    n = len(kind)
    st, out = state.st, state.out
    nf = out.shape[0] - 1
    base = int(st[S.S_EVENTS])
    bad = first_bad(kind, func, size, gor, nf, len(state.g_alive))
    if bad >= 0:                       # let the numpy checker word the error
        check_chunk({k: v[bad:bad + 1] for k, v in ev.items()}, nf, len(state.g_alive), base + bad)
    i = 0
    while i < n:
        # allocator and stacks in one pass (kernels/events.py), up to the event that starts a GC
        j = event_run(kind, func, size, gor, flags, i, n, base, st, state.span_free, out,
                      sc.class_size, sc.class_nelems, sc.class_npages, to_class, tiny_mask,
                      frame, nosplit, state.g_size, state.g_used, state.g_alive, state.scratch)
        stop = min(j + 1, n)
        if j < n:
            f = int(func[j])
            gc_cycle(st, state.cfg, state.span_free, state.g_size, state.g_used, state.g_alive,
                     out, f if f >= 0 else nf)
        i = stop
    st[S.S_EVENTS] += n
    if st[S.S_ERRORS]:
        raise TraceError(f"event {int(st[S.S_ERR_INDEX])}: call/return or goroutine start/end "
                         f"out of order ({int(st[S.S_ERRORS])} such events so far)")


_TABLES: tuple | None = None


def _alloc_tables() -> tuple[np.ndarray, np.ndarray]:
    """The allocator kernel's flat class table and tiny alignment masks (built once)."""
    global _TABLES
    if _TABLES is None:
        from .kernels.events import class_table, tiny_mask_table
        sc = load_sizeclasses()
        _TABLES = (class_table(sc.to_class8, sc.to_class128), tiny_mask_table())
    return _TABLES


def _writable(ev: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {k: v if v.flags.writeable and v.flags.c_contiguous else np.array(v) for k, v in ev.items()}


def replay(source: Trace | str | os.PathLike, config: ReplayConfig | None = None,
           chunk: int = DEFAULT_CHUNK, progress: Callable[[int, int], None] | None = None
           ) -> ReplayResult:
    """Replay a trace (in memory, or streamed from a `.npz` file) and return per-function figures."""
    config = config or ReplayConfig()
    reader = None
    if isinstance(source, Trace):
        funcs, meta, n_gor, total = source.funcs, source.meta, source.n_goroutines, len(source)
        chunks: Iterable = source.chunks(chunk)
    else:
        reader = TraceReader(source)
        funcs, meta, n_gor, total = reader.funcs, reader.meta, reader.n_goroutines, reader.n_events
        chunks = reader.chunks(chunk, validate=False)   # replay_chunk validates
    try:
        resolved = config.resolve(meta)
        state = ReplayState.new(ReplayConfig.vector(resolved), len(funcs), n_gor)
        frame = np.ascontiguousarray(funcs.frame, np.int64)
        nosplit = np.ascontiguousarray(funcs.nosplit, np.uint8)
        for ev in chunks:
            replay_chunk(state, _writable(ev), frame, nosplit)
            if progress:
                progress(int(state.st[S.S_EVENTS]), total)
    finally:
        if reader:
            reader.close()
    state.out[:, S.O_OBJECTS] = state.out[:, S.O_SLOTS] + state.out[:, S.O_TINY]
    return ReplayResult(funcs, state.out, state.st, resolved, dict(meta))


def config_dict(c: ReplayConfig) -> dict:
    return {k: v for k, v in asdict(c).items() if v is not None}
