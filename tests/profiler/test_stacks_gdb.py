"""Stack model vs the runtime: morestack per function against gdb's runtime.copystack.

The call sequence of tests/testdata/profiler/stacks is known from its source; frame
sizes come from the compiler (-gcflags=-S). Growth counts must be equal.
"""

import shutil
import subprocess

import pytest

from goperf.profiler import schema as S
from goperf.profiler.frames import frame_sizes
from goperf.profiler.replay import ReplayConfig, replay
from goperf.profiler.trace import FuncTable, Trace
from gdb_oracle import available, copy_bytes_by_function, copystacks, growths_by_function
from test_record import PKG as ALLOCS

PKG = ALLOCS.parent / "stacks"
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("go") is None or not available(),
                                 reason="needs Go and gdb")]


def program_trace(frames, g, d, big):
    names = ["main.main.gowrap1", "main.worker", "main.Rec" if big else "main.Small"]
    ft = FuncTable.make(names, frame=[frames[n][0] for n in names],
                        nosplit=[frames[n][1] for n in names])
    k, f, gor = [], [], []
    for i in range(g):
        seq = [(S.EV_GO_START, 0), (S.EV_ENTER, 0), (S.EV_ENTER, 1)] + [(S.EV_ENTER, 2)] * (d + 1)
        seq += [(S.EV_EXIT, 2)] * (d + 1) + [(S.EV_EXIT, 1), (S.EV_EXIT, 0), (S.EV_GO_END, 0)]
        k += [a for a, _ in seq]
        f += [b for _, b in seq]
        gor += [i] * len(seq)
    return Trace.from_columns(ft, {"n_goroutines": g}, kind=k, func=f, goroutine=gor)


@pytest.fixture(scope="module")
def binary(tmp_path_factory):
    out = tmp_path_factory.mktemp("stk") / "stacks"
    subprocess.run(["go", "build", "-o", str(out), "."], cwd=PKG, check=True)
    return out


@pytest.fixture(scope="module")
def frames():
    return frame_sizes(PKG)


@pytest.mark.parametrize("g,d,big", [(1, 0, True), (1, 1, True), (1, 3, True), (1, 8, True),
                                     (1, 18, True), (3, 100, True), (10, 18, True),
                                     (4, 300, False), (2, 1000, False)])
def test_morestack_equals_gdb_copystack(binary, frames, g, d, big):
    copies = copystacks(binary, [str(g), str(d), "big" if big else "small"],
                        "asyncpreemptoff=1,adaptivestackstart=0")
    gdb = {sym.replace("[", ".").rstrip("]"): n for sym, n in growths_by_function(copies).items()
           if sym.startswith("main")}
    res = replay(program_trace(frames, g, d, big), ReplayConfig(adaptive_stack=False))
    ours = {str(n): int(res.out[i, S.O_MORESTACK]) for i, n in enumerate(res.funcs.name)
            if res.out[i, S.O_MORESTACK]}
    assert ours == gdb
    gdb_bytes = {sym.replace("[", ".").rstrip("]"): n for sym, n in copy_bytes_by_function(copies).items()
                 if sym.startswith("main")}
    assert {str(n): int(res.out[i, S.O_STACK_COPY]) for i, n in enumerate(res.funcs.name)
            if res.out[i, S.O_STACK_COPY]} == gdb_bytes
