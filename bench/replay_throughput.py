#!/usr/bin/env python3
"""Replay throughput: numba kernels vs the plain-Python reference on the same trace.

    python bench/replay_throughput.py                       # 10 M events, both replayers
    python bench/replay_throughput.py --cold                # also measure JIT compile time
    python bench/replay_throughput.py --stream-events 200000000   # peak RSS streaming a file

Two trace shapes, both from profiler.synth: "random" tiles a 50 000-event random block
(branches unpredictable: worst case), "loop" tiles a 500-event block, which is what a
benchmark's b.N loop looks like. The reference replays each same array (in full unless
--reference-events limits it to a prefix).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def stream_child(path: str, chunk: int) -> None:
    import resource
    from goperf.profiler.replay import replay
    from goperf.profiler.synth import synthetic_trace
    replay(synthetic_trace(1000, seed=1))          # load the kernels before timing
    t0 = time.perf_counter()
    res = replay(path, chunk=chunk)
    dt = time.perf_counter() - t0
    # VmHWM, not ru_maxrss: Linux carries the parent's high-water mark across exec into ru_maxrss.
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                rss = int(line.split()[1]) * 1024
    print(json.dumps({"events": res.totals()["events"], "seconds": dt, "max_rss": rss}))


def write_big(path: Path, n: int) -> None:
    from goperf.profiler.synth import synthetic_trace
    from goperf.profiler.trace import TraceWriter
    blk = synthetic_trace(1_000_000, seed=3, p_gc=1e-5)
    with TraceWriter(path, blk.funcs, blk.meta) as w:
        done = 0
        while done < n:                 # whole blocks, so the file is a valid trace
            w.append(blk.events)
            done += len(blk)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=10_000_000)
    ap.add_argument("--reference-events", type=int, default=None)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--reference-repeat", type=int, default=1, help="reference runs (interleaved)")
    ap.add_argument("--cold", action="store_true", help="fresh NUMBA_CACHE_DIR: time real JIT compilation")
    ap.add_argument("--stream-events", type=int, default=0, help="write a trace this long and stream it")
    ap.add_argument("--chunk", type=int, default=1 << 20)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--stream-only", action="store_true", help="skip the in-memory comparison")
    ap.add_argument("--_child", default=None, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a._child:
        stream_child(a._child, a.chunk)
        return 0
    if a.cold:
        os.environ["NUMBA_CACHE_DIR"] = tempfile.mkdtemp(prefix="goperf-numba-")
    sys.path.insert(0, str(ROOT / "tests" / "profiler"))
    from goperf.profiler.replay import ReplayConfig, replay
    from goperf.profiler.synth import synthetic_trace
    from reference import Ref

    report = {"events": a.events, "cold_cache": a.cold, "cpus": os.cpu_count()}
    t0 = time.perf_counter()
    import goperf.profiler.kernels.events  # noqa: F401  (numba import + cache load/compile)
    import goperf.profiler.kernels.gc  # noqa: F401
    replay(synthetic_trace(2000, seed=9))
    report["jit_or_cache_load_s"] = round(time.perf_counter() - t0, 3)

    if a.stream_events:                       # first, while this process is still small
        with tempfile.TemporaryDirectory() as d:
            p = Path(d) / "big.npz"
            t0 = time.perf_counter()
            write_big(p, a.stream_events)
            report["stream_write_s"] = round(time.perf_counter() - t0, 1)
            report["stream_file_bytes"] = p.stat().st_size
            out = subprocess.run([sys.executable, __file__, "--_child", str(p), "--chunk", str(a.chunk)],
                                 capture_output=True, text=True, check=True)
            child = json.loads(out.stdout)
            report["stream_events"] = child["events"]
            report["stream_Mev_s"] = round(child["events"] / child["seconds"] / 1e6, 1)
            report["stream_peak_rss_MiB"] = round(child["max_rss"] / 2**20, 1)

    for name, block in (() if a.stream_only else (("random", 50_000), ("loop", 500))):
        t = synthetic_trace(a.events, seed=1, p_gc=1e-5, block_events=block)
        n = min(a.reference_events or len(t), len(t))
        ev = {k: v[:n].tolist() for k, v in t.events.items()}

        def ref():
            Ref(t.funcs.frame.tolist(), t.funcs.nosplit.tolist(), len(t.funcs), **ReplayConfig.DEFAULTS).run(
                ev["kind"], ev["func"], ev["size"], ev["goroutine"], ev["flags"])
        # Interleaved (numba, reference, numba, ...) and timed both by the wall clock and by this
        # process' CPU time: on a shared box the load changes within a run, and CPU time is what
        # the two replayers really spent, so the ratio is taken from it.
        nb_wall, nb_cpu, ref_wall, ref_cpu = [], [], [], []
        for r in range(a.repeat):
            w, c = _timed(lambda: replay(t))
            nb_wall.append(w); nb_cpu.append(c)  # noqa: E702
            if r < a.reference_repeat:
                w, c = _timed(ref)
                ref_wall.append(w); ref_cpu.append(c)  # noqa: E702
        report[f"numba_{name}_s"] = round(min(nb_wall), 4)
        report[f"numba_{name}_Mev_s"] = round(len(t) / min(nb_wall) / 1e6, 1)
        report[f"numba_{name}_cpu_Mev_s"] = round(len(t) / min(nb_cpu) / 1e6, 1)
        report[f"reference_{name}_events"] = n
        report[f"reference_{name}_Mev_s"] = round(n / min(ref_wall) / 1e6, 3)
        report[f"reference_{name}_cpu_Mev_s"] = round(n / min(ref_cpu) / 1e6, 3)
        report[f"speedup_{name}_wall"] = round(report[f"numba_{name}_Mev_s"] / report[f"reference_{name}_Mev_s"], 1)
        report[f"speedup_{name}"] = round((len(t) / min(nb_cpu)) / (n / min(ref_cpu)), 1)
        del t, ev
    if a.json:
        print(json.dumps(report, indent=2))
    else:
        for k, v in report.items():
            print(f"{k:>24}: {v}")
    return 0


def _timed(fn) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process)."""
    t0, c0 = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - t0, time.process_time() - c0


if __name__ == "__main__":
    sys.exit(main())
