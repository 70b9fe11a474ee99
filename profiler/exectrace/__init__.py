"""Go execution traces (`go test -trace`, `runtime/trace`): an own reader of the binary format.

`read(path)` returns an `ExecTrace` (columns, one row per event); `ExecTraceError`
(a `profiler.trace.TraceError`) reports corrupt or truncated input. numba is imported
only when a trace is read. `events.py` turns a decoded trace into the allocation,
stack, GC and region facts the recorded producer needs.
"""

from .reader import ExecTrace, ExecTraceError, read  # noqa: F401
