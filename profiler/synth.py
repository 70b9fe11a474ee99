"""Synthetic traces for tests and benchmarks (valid call nesting, mixed allocation sizes).

A block of events is generated in Python and then tiled: every block leaves each
goroutine's call depth where it found it and ends the goroutines it starts, so the
tiled trace is valid at any length.
"""

from __future__ import annotations

import random

import numpy as np

from . import schema as S
from .trace import FuncTable, Trace

EDGE_SIZES = (1, 2, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 24, 100, 511, 512, 513, 520, 1016, 1017,
              1024, 1025, 8192, 8193, 32760, 32761, 32768, 32769, 40000, 65536, 100000)


def _size(r: random.Random, big: float) -> int:
    x = r.random()
    if x < 0.35:
        return r.choice(EDGE_SIZES[:12])          # tiny and near-tiny
    if x < 0.75:
        return r.randint(1, 512)
    if x < 0.75 + 0.25 * (1 - big):
        return r.choice(EDGE_SIZES)
    return r.randint(513, 120000)


def block(r: random.Random, n: int, frames, n_gor: int, big: float = 0.1,
          p_free: float = 0.6, p_stack: float = 0.35, p_gc: float = 0.002) -> dict[str, list]:
    """About n events; goroutine 0 persists, others start and end inside the block."""
    nf = len(frames)
    ev = {k: [] for k in ("kind", "func", "size", "goroutine", "flags")}
    depth = {0: []}
    free_gor = list(range(1, n_gor))

    def emit(k, f=-1, s=0, g=0, fl=0):
        ev["kind"].append(k); ev["func"].append(f); ev["size"].append(s)  # noqa: E702
        ev["goroutine"].append(g); ev["flags"].append(fl)  # noqa: E702

    recent = []                                      # slot-ish sizes of allocations to free later
    while len(ev["kind"]) < n:
        g = r.choice(list(depth))
        st = depth[g]
        x = r.random()
        if x < p_stack:
            if st and (r.random() < 0.45 or len(st) > 40):
                emit(S.EV_EXIT, st.pop(), g=g)
            else:
                f = r.randrange(nf)
                st.append(f)
                emit(S.EV_ENTER, f, g=g)
            continue
        x = (x - p_stack) / (1 - p_stack)
        if x < 0.03 and free_gor:
            g2 = free_gor.pop(r.randrange(len(free_gor)))
            depth[g2] = []
            emit(S.EV_GO_START, g=g2)
        elif 0.03 <= x < 0.06 and g != 0 and not st:
            del depth[g]
            free_gor.append(g)
            emit(S.EV_GO_END, g=g)
        elif 0.06 <= x < 0.06 + p_gc:
            emit(S.EV_GC, st[-1] if st else -1, g=g)
        elif 0.062 <= x < 0.065:
            emit(S.EV_FLUSH, g=g)
        elif recent and r.random() < p_free * 0.5:
            emit(S.EV_FREE, s=recent.pop(r.randrange(len(recent))), g=g)
        else:
            s = _size(r, big)
            noscan = r.random() < 0.6
            emit(S.EV_ALLOC, st[-1] if st else r.randrange(-1, nf), s, g, S.F_NOSCAN if noscan else 0)
            if r.random() < p_free:
                recent.append(-(-s // 16) * 16 if s > 16 else 0)
    for g, st in depth.items():                      # unwind and end
        while st:
            emit(S.EV_EXIT, st.pop(), g=g)
        if g != 0:
            emit(S.EV_GO_END, g=g)
    for s in recent:
        emit(S.EV_FREE, s=s)
    return ev


def synthetic_trace(n_events: int, seed: int = 0, n_funcs: int = 64, n_goroutines: int = 16,
                    block_events: int = 50_000, big: float = 0.1, meta: dict | None = None,
                    p_gc: float = 0.002) -> Trace:
    r = random.Random(seed)
    frames = [r.choice((0, 16, 24, 48, 96, 120, 200, 824, 1176, 4000, 9000)) for _ in range(n_funcs)]
    nosplit = [1 if fs < 128 and r.random() < 0.5 else 0 for fs in frames]
    names = [f"example.com/synth.F{i}" for i in range(n_funcs)]
    b = block(r, min(block_events, max(n_events, 1)), frames, n_goroutines, big, p_gc=p_gc)
    reps = max(1, -(-n_events // len(b["kind"])))   # whole blocks only: >= n_events, always valid
    cols = {k: np.tile(np.asarray(v, dtype=S.COLUMNS[k]), reps) for k, v in b.items()}
    m = {"producer": "synthetic", "seed": seed, "n_goroutines": n_goroutines, **(meta or {})}
    return Trace.from_columns(FuncTable.make(names, frame=frames, nosplit=nosplit), m, **cols)
