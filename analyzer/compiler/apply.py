"""Confirm, refute and complete syntax escape findings with the compiler's own decisions."""

from __future__ import annotations

import os
import re
from dataclasses import replace
from pathlib import Path

from .. import registry
from ..config import Config
from ..context import Context, Package, SourceFile
from ..model import Finding, Related
from ..suppress import Suppressions
from ..toolchain import ToolchainMissing
from .build import BuildFailed, escape_diagnostics
from .diagnostics import Diagnostic

MOVED = "escape/moved-to-heap"
ESCAPES = "escape/escapes-to-heap"
RULE_OF = {"moved": MOVED, "escapes": ESCAPES}
FROM = re.compile(r"^from (?P<what>.*) \((?P<why>[^()]*)\) at (?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+)$")


def apply_compiler(findings: list[Finding], package_dir: Path, config: Config,
                   go: str | None = None) -> tuple[list[Finding], str | None]:
    """Syntax findings checked against the compiler for the package in `package_dir`.

    Escape findings in that package's files that the compiler confirms come back with
    `source="compiler"` and the compiler's flow in `explain`; the ones it refutes are dropped;
    the compiler's verdicts syntax missed are added (for enabled escape rules, honouring
    `//goperf:ignore`). Other findings pass through. If the package does not build, or there is
    no toolchain, the findings come back unchanged with a note saying why.
    """
    package_dir = Path(package_dir).resolve()
    try:
        diags = escape_diagnostics(package_dir, go)
    except (BuildFailed, ToolchainMissing, OSError) as e:
        return list(findings), str(e)
    enabled = {r.id for r in _enabled(config)}
    verdicts: dict[str, dict[tuple[str, int, int], Diagnostic]] = {MOVED: {}, ESCAPES: {}}
    for d in diags:
        if d.kind in RULE_OF and not d.pos.file.startswith("<") and Path(d.pos.file).parent == package_dir:
            verdicts[RULE_OF[d.kind]].setdefault((d.pos.file, d.pos.line, d.pos.col), d)
    sources: dict[str, bytes] = {}
    out: list[Finding] = []
    matched: set[tuple[str, tuple]] = set()
    for f in findings:
        if f.rule not in verdicts or Path(f.path).resolve().parent != package_dir:
            out.append(f)
            continue
        path = str(Path(f.path).resolve())
        source = _source(sources, f.path)
        key = (path, *_line_col(source, f.start))
        d = verdicts[f.rule].get(key)
        if d is None:
            continue  # refuted by the compiler
        matched.add((f.rule, key))
        out.append(replace(f, source="compiler", explain=_explain(d, f.explain), related=f.related or _related(d, source)))
    files: dict[str, tuple[SourceFile, Suppressions]] = {}
    for rule_id, table in verdicts.items():
        if rule_id not in enabled:
            continue
        rule = registry.lookup(rule_id)
        for key, d in table.items():
            if (rule_id, key) in matched:
                continue
            path = _finding_path(key[0], findings)
            source = _source(sources, path)
            start = _offset(source, key[1], key[2])
            if start is None:
                continue
            if path not in files:
                sf = SourceFile.parse(path, source)
                ctx = Context(sf, Package([sf]), config)
                files[path] = (sf, Suppressions(ctx.nodes("comment"), source, registry.REDIRECTS))
            sf, sup = files[path]
            if sup.silences(rule_id, rule.peers, key[1] - 1) or rule.severity < (config.min_severity or rule.severity):
                continue
            out.append(Finding(rule_id, path, start, _token_end(source, start), _message(d), rule.severity,
                               related=_related(d, source), source="compiler", explain=_explain(d, None),
                               function=d.func, data={"what": d.text}))
    out.sort(key=lambda f: (f.path, f.start, f.rule))
    return out, None


def _enabled(config: Config):
    from ..driver import enabled_rules

    return enabled_rules(config)


def _finding_path(abs_path: str, findings: list[Finding]) -> str:
    """Spell the path as the syntax findings do (relative paths stay relative)."""
    for f in findings:
        if str(Path(f.path).resolve()) == abs_path:
            return f.path
    cwd = os.getcwd()
    return os.path.relpath(abs_path, cwd) if abs_path.startswith(cwd + os.sep) else abs_path


def _source(cache: dict[str, bytes], path: str) -> bytes:
    if path not in cache:
        cache[path] = Path(path).read_bytes()
    return cache[path]


def _line_col(source: bytes, offset: int) -> tuple[int, int]:
    line_start = source.rfind(b"\n", 0, offset) + 1
    return source.count(b"\n", 0, offset) + 1, offset - line_start + 1


def _offset(source: bytes, line: int, col: int) -> int | None:
    pos = 0
    for _ in range(line - 1):
        pos = source.find(b"\n", pos) + 1
        if pos == 0:
            return None
    return pos + col - 1 if pos + col - 1 <= len(source) else None


def _token_end(source: bytes, start: int) -> int:
    m = re.compile(rb"[\w.]+|.").match(source, start)
    return m.end() if m else start + 1


def _sink(d: Diagnostic) -> tuple[str, int | None]:
    last = None
    for line in d.flow:
        m = FROM.match(line)
        if m:
            last = m
    if last is None:
        return ("too large for the stack" if "too large" in " ".join(d.flow) else "its value outlives the function"), None
    return last.group("why"), int(last.group("line"))


def _message(d: Diagnostic) -> str:
    why, line = _sink(d)
    at = f" at line {line}" if line else ""
    if d.kind == "moved":
        return f"moved to heap: {d.text} — {why}{at} (compiler)"
    text = " ".join(d.text.split())
    text = text if len(text) <= 60 else text[:57] + "..."
    return f"{text} escapes to heap — {why}{at} (compiler)"


def _explain(d: Diagnostic, syntax: str | None) -> str:
    head = f"{d.text} {'moved to heap' if d.kind == 'moved' else 'escapes to heap'}" + (f" in {d.func}" if d.func else "")
    lines = [head + " (go build -gcflags=-m=2):"] + [f"  {l}" for l in d.flow]
    return "\n".join(lines)


def _related(d: Diagnostic, source: bytes) -> tuple[Related, ...]:
    out = []
    for line in d.flow:
        m = FROM.match(line)
        if m and os.path.basename(d.pos.file) == m.group("file"):
            start = _offset(source, int(m.group("line")), int(m.group("col")))
            if start is not None:
                out.append(Related(start, _token_end(source, start), f"{m.group('what')} ({m.group('why')})"))
    return tuple(out)
