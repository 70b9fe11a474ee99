"""Heap size over time (GC cycles marked) and goroutine stack size over time.

`series()` replays a trace in small chunks and samples the state after each one
(x = events consumed; static and memory-profile traces have no clock). `write_png()`
rasterises the two panels with numpy and writes the PNG with zlib (no plotting
dependency); `write_html()` writes one self-contained page with the same data as SVG.
"""

from __future__ import annotations

import html
import struct
import zlib

import numpy as np

from . import schema as S
from .replay import ReplayConfig, ReplayState, replay_chunk
from .trace import Trace

W, H = 900, 520


def series(trace: Trace, config: ReplayConfig | None = None, points: int = 600) -> dict:
    """{"x", "heap_live", "live", "goal", "stack", "gc_x"}: sampled after every len/points events."""
    config = config or ReplayConfig()
    resolved = config.resolve(trace.meta)
    state = ReplayState.new(ReplayConfig.vector(resolved), len(trace.funcs), trace.n_goroutines)
    frame = np.ascontiguousarray(trace.funcs.frame, np.int64)
    nosplit = np.ascontiguousarray(trace.funcs.nosplit, np.uint8)
    n = len(trace)
    step = max(1, n // points)
    xs, heap, live, goal, stack, gcx = [0], [int(state.st[S.S_HEAP_LIVE])], [0], [int(state.st[S.S_GOAL])], [0], []
    gc_before = 0
    for ev in trace.chunks(step):
        if not len(ev["kind"]):
            break
        replay_chunk(state, {k: np.ascontiguousarray(v) for k, v in ev.items()}, frame, nosplit)
        st = state.st
        x = int(st[S.S_EVENTS])
        if st[S.S_NUM_GC] > gc_before:
            gcx += [x] * int(st[S.S_NUM_GC] - gc_before)
            gc_before = int(st[S.S_NUM_GC])
        xs.append(x)
        heap.append(int(st[S.S_HEAP_LIVE]))
        live.append(int(st[S.S_LIVE_NOW]))
        goal.append(int(st[S.S_GOAL]) if st[S.S_GOAL] < (1 << 61) else 0)
        stack.append(int((state.g_size * (state.g_alive != 0)).sum()))
    return {"x": xs, "heap_live": heap, "live": live, "goal": goal, "stack": stack, "gc_x": gcx,
            "events": n}


# ----------------------------------------------------------------------------- PNG

# 3x5 digits and a few letters for axis labels.
_FONT = {
    "0": "111101101101111", "1": "010110010010111", "2": "111001111100111", "3": "111001111001111",
    "4": "101101111001001", "5": "111100111001111", "6": "111100111101111", "7": "111001001001001",
    "8": "111101111101111", "9": "111101111001111", ".": "000000000000010", " ": "000000000000000",
    "K": "101110100110101", "M": "101111111101101", "G": "111100101101111", "B": "110101110101110",
    "i": "010000010010010", "k": "100101110101101", "e": "111101111100111", "v": "000101101101010",
    "s": "011100010001110", "t": "010111010010011", "a": "000011101101011", "c": "000011100100011",
    "h": "100100111101101", "p": "000111101111100", "g": "011101011001110", "/": "001001010100100",
}


def _text(img, x, y, s, color, scale=2):
    for ch in s:
        bits = _FONT.get(ch, _FONT[" "])
        for r in range(5):
            for c in range(3):
                if bits[r * 3 + c] == "1":
                    img[y + r * scale:y + (r + 1) * scale, x + c * scale:x + (c + 1) * scale] = color
        x += 4 * scale


def _human(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} B" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def _line(img, xs, ys, color):
    for i in range(len(xs) - 1):
        n = int(max(abs(xs[i + 1] - xs[i]), abs(ys[i + 1] - ys[i]), 1))
        px = np.linspace(xs[i], xs[i + 1], n + 1).round().astype(int)
        py = np.linspace(ys[i], ys[i + 1], n + 1).round().astype(int)
        ok = (px >= 0) & (px < img.shape[1]) & (py >= 0) & (py < img.shape[0])
        img[py[ok], px[ok]] = color
        img[np.clip(py[ok] + 1, 0, img.shape[0] - 1), px[ok]] = color


def _panel(img, top, height, x, ys_list, colors, gc_x, xmax):
    left, right = 70, W - 20
    img[top:top + height, left] = (0, 0, 0)
    img[top + height, left:right] = (0, 0, 0)
    ymax = max(max((max(y) for y in ys_list if len(y)), default=1), 1)
    sx = lambda v: left + (right - left) * v / max(xmax, 1)  # noqa: E731
    sy = lambda v: top + height - (height - 6) * v / ymax  # noqa: E731
    for g in gc_x:
        img[top:top + height, int(round(sx(g)))] = (235, 160, 160)
    for ys, col in zip(ys_list, colors):
        _line(img, [sx(v) for v in x], [sy(v) for v in ys], col)
    _text(img, 4, top, _human(ymax), (0, 0, 0))
    _text(img, 4, top + height - 10, "0", (0, 0, 0))


def png_bytes(s: dict) -> bytes:
    img = np.full((H, W, 3), 255, np.uint8)
    xmax = s["x"][-1] if s["x"] else 1
    _panel(img, 20, 300, s["x"], [s["goal"], s["heap_live"], s["live"]],
           [(150, 150, 150), (31, 119, 180), (44, 160, 44)], s["gc_x"], xmax)
    _text(img, 80, 4, "heap", (31, 119, 180))
    _panel(img, 360, 130, s["x"], [s["stack"]], [(148, 103, 189)], [], xmax)
    _text(img, 80, 344, "stacks", (148, 103, 189))
    _text(img, W - 200, H - 14, f"{xmax} ev", (0, 0, 0))
    return encode_png(img)


def encode_png(img: np.ndarray) -> bytes:
    """RGB uint8 array -> PNG bytes (filter 0 on every row)."""
    h, w, _ = img.shape
    raw = np.concatenate([np.zeros((h, 1), np.uint8), img.reshape(h, w * 3)], axis=1).tobytes()

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


# ----------------------------------------------------------------------------- HTML


def _svg_panel(s, keys, colors, labels, height, gc=True) -> str:
    w, left, right, top = 900, 80, 20, 10
    xmax = max(s["x"][-1] if s["x"] else 1, 1)
    ymax = max(max((max(s[k]) for k in keys if s[k]), default=1), 1)
    sx = lambda v: left + (w - left - right) * v / xmax  # noqa: E731
    sy = lambda v: top + (height - top - 20) * (1 - v / ymax)  # noqa: E731
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{height}" font-family="sans-serif" '
           f'font-size="11">']
    if gc:
        for g in s["gc_x"]:
            out.append(f'<line x1="{sx(g):.1f}" x2="{sx(g):.1f}" y1="{top}" y2="{height - 20}" '
                       f'stroke="#e99" stroke-width="1"><title>GC at event {g}</title></line>')
    for k, c, lab in zip(keys, colors, labels):
        pts = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in zip(s["x"], s[k]))
        out.append(f'<polyline fill="none" stroke="{c}" stroke-width="1.5" points="{pts}"><title>{lab}</title>'
                   f'</polyline>')
    out.append(f'<line x1="{left}" x2="{left}" y1="{top}" y2="{height - 20}" stroke="black"/>')
    out.append(f'<line x1="{left}" x2="{w - right}" y1="{height - 20}" y2="{height - 20}" stroke="black"/>')
    out.append(f'<text x="4" y="{top + 10}">{html.escape(_human(ymax))}</text>')
    out.append(f'<text x="4" y="{height - 22}">0</text>')
    out.append(f'<text x="{w - right}" y="{height - 5}" text-anchor="end">{xmax} events</text>')
    lx = left + 10
    for c, lab in zip(colors, labels):
        out.append(f'<rect x="{lx}" y="{top}" width="10" height="10" fill="{c}"/>'
                   f'<text x="{lx + 14}" y="{top + 9}">{html.escape(lab)}</text>')
        lx += 20 + 7 * len(lab)
    out.append("</svg>")
    return "".join(out)


def html_page(s: dict, title: str = "goperf profile") -> str:
    heap = _svg_panel(s, ["goal", "heap_live", "live"], ["#999", "#1f77b4", "#2ca02c"],
                      ["heap goal", "heapLive (pacer)", "reachable heap"], 320)
    stack = _svg_panel(s, ["stack"], ["#9467bd"], ["goroutine stacks (sum of sizes)"], 180, gc=False)
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title></head>"
            f"<body style='font-family:sans-serif'><h2>{html.escape(title)}</h2>"
            f"<p>Heap over the replayed run; red lines are GC cycles ({len(s['gc_x'])}).</p>{heap}"
            f"<h3>Goroutine stack size</h3>{stack}</body></html>")


def write(path: str, trace: Trace, config: ReplayConfig | None = None, title: str = "goperf profile") -> list[str]:
    """Write PATH (.png or .html); a path without either suffix gets both. Returns the files written."""
    s = series(trace, config)
    p = str(path)
    outs = []
    if p.endswith(".png"):
        outs = [(p, "png")]
    elif p.endswith(".html") or p.endswith(".htm"):
        outs = [(p, "html")]
    else:
        outs = [(p + ".png", "png"), (p + ".html", "html")]
    for fp, kind in outs:
        if kind == "png":
            with open(fp, "wb") as fh:
                fh.write(png_bytes(s))
        else:
            with open(fp, "w") as fh:
                fh.write(html_page(s, title))
    return [fp for fp, _ in outs]
