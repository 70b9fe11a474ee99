"""Kernel modules keep local copies of schema constants (numba caching); they must agree."""

from goperf.profiler import schema as S
from goperf.profiler.kernels import events, gc


def test_constants_match_schema():
    for mod in (events, gc):
        for name, value in vars(mod).items():
            if name.isupper() and hasattr(S, name):
                assert getattr(S, name) == value, (mod.__name__, name)
    assert events.TINY_SPAN_CLASS == S.__dict__.get("TINY_SPAN_CLASS", 5)
    assert events.STACK_GUARD == S.STACK_GUARD and gc.HEAP_MINIMUM == S.HEAP_MINIMUM
    assert gc.SWEEP_MIN_DIST == S.SWEEP_MIN_HEAP_DISTANCE
    assert events.ENTRY_USED == S.GOROUTINE_ENTRY_USED
