"""What the interpreter knows about values, and the estimate's constants.

The abstract interpreter tracks lengths and capacities, never values: a `Val` is a kind
(slice, map, string, builder, buffer, int, other) with a length, a capacity and, for maps,
the swiss-table state. Every default the model assumes is named here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from goperf.analyzer.context import SourceFile
from goperf.analyzer.passes.types import Layout

from ..trace import Trace

DEFAULT_LEN = 100        # length/trip count nobody told us
DEFAULT_STRLEN = 8       # bytes of a string whose length is unknown
DEFAULT_OPS = 1000
DEFAULT_DEPTH = 32
MAX_EVENTS = 20_000_000
STACK_TMP_BUF = 32       # runtime tmpBuf: non-escaping concat/conversion results up to 32 B use the stack
MAP_HEADER = 48          # internal/runtime/maps.Map
MAP_TABLE = 32           # internal/runtime/maps.table
MAX_TABLE_CAP = 1024
WORD = 8


class EstimateError(Exception):
    pass


@dataclass
class Val:
    """What the interpreter knows about a value: a kind and lengths."""
    kind: str = "other"                  # slice | map | string | builder | buffer | other
    length: int | None = None
    cap: int = 0
    elem: Layout | None = None           # slices: element layout
    slot: int = 24                       # maps: key + elem bytes
    mstate: dict | None = None           # maps: {"small": bool, "tables": [cap...], "used": [n...], "dir": n}
    stackbuf: bool = False               # slice may start in the compiler's 32-B stack buffer
    fields: dict | None = None           # structs/pointers: field name -> Val
    tname: str | None = None             # package type name, for method calls
    onstack: bool = False                # backing store is still the compiler's stack buffer


@dataclass
class FuncInfo:
    key: str
    name: str
    node: object
    file: SourceFile
    frame: int
    nosplit: bool
    inlined: bool


@dataclass
class Estimate:
    trace: Trace
    ops: int
    assumed: dict[str, int] = field(default_factory=dict)
    unmodelled: dict[str, int] = field(default_factory=dict)


class Return(Exception):
    def __init__(self, val: Val | None):
        self.val = val


def share(v: Val) -> Val:
    """An argument's value as the callee sees it: slices/maps/builders share state with the
    caller (reference semantics), so this is the value itself."""
    return v


def pow2(n: int) -> int:
    p = 1
    while p < n:
        p *= 2
    return p


def round_up(n: int, a: int) -> int:
    return (n + a - 1) // a * a


