"""Incremental analysis of one file across edits: what an editor needs after each keystroke.

`IncrementalFile.analyze(file, package, config)` returns exactly what
`driver.analyze_file(file, package, config)` returns, but after the first call it re-runs
the rules only on the top-level declarations the edit touched and reuses the previous
findings elsewhere, their byte offsets (and the line numbers their texts quote) shifted by
the edit. Rules stay unaware: they get a Context whose `nodes()` holds only the nodes of the
dirty declarations, so they and the per-file passes (loops, fills, ...) see only those.

What an edit inside one function body cannot change is reused; anything else makes the
next analysis a full one:
- The changed bytes are found by comparing the old and new text (common prefix and suffix),
  widened to whole top-level declarations (a touched doc comment widens to the declaration it
  documents). The declarations outside must be the same nodes, shifted.
- Only function and method declarations (and comments) may be dirty, each keeping its name,
  receiver and signature: a type, var, const or import declaration, a new or removed function,
  or a signature change re-analyzes the whole file (other declarations read these).
- Function summaries (passes/funcs/) are kept per function: the dirty functions are
  re-summarized against the others' previous summaries; if a dirty function's summary facts
  change, or it takes part in a call cycle (where summaries depend on the order they are
  computed in), the package is re-summarized and the whole file re-analyzed.
- Two rules read other functions' bodies, not only package-level declarations and summaries:
  mutex/pointer-field (every use of a field across the package) and loop/temporary (the call
  sites of a function, every word of the package, names taken by earlier findings). They run
  over the whole file when the dirty declarations mention what they read (`_WHOLE_FILE`).
- The package's other files must be the same parsed objects as before, with the same config
  and rules; package-level passes over them are cached on the files (passes/decls.py).

tests/analyzer/test_incremental.py checks the equivalence after every edit of random edit
sequences on GOROOT and testdata files.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Callable

from tree_sitter import Node

from . import driver, parsing, registry
from .config import Config
from .context import Context, Package, SourceFile
from .model import Edit, Finding, Fix, Related
from .passes import funcs as funcs_pass
from .passes.decls import package_decls
from .passes.scopes import receiver_type_name
from .rule import Rule
from .suppress import Suppressions

FUNCTION_KINDS = ("function_declaration", "method_declaration")
POINTER_FIELDS = parsing.inline_query("(field_declaration type: (pointer_type)) @field")
COMMENT_START = re.compile(rb"//|/\*")
WORD = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*")
LINE_REF = re.compile(r"\bline (\d+)")


class _Fallback(BaseException):
    """The edit cannot be analyzed incrementally: run the whole file. (A BaseException, so that
    the driver's guard around each rule, which catches Exception, lets it through.)"""


@dataclass
class _Entry:
    """One finding of the previous analysis: as the rule reported it, and as published."""

    raw: Finding  # after the severity filter, before suppressions and fix vetting
    vetted: Finding


@dataclass
class _Funcs:
    """Function summaries of the package, with what each summary asked for while computed."""

    result: funcs_pass.PackageFuncs
    done: dict[str, funcs_pass.Summary]
    deps: dict[str, list[str]]  # key -> keys whose summaries it requested, in order
    cyclic: set[str]  # keys whose summary depended on the order of computation (a call cycle)


@dataclass
class _State:
    file: SourceFile
    others: list[SourceFile]
    config: Config
    rules: tuple[str, ...]
    entries: dict[str, list[_Entry]]  # rule id -> entries, in the rule's order
    funcs: _Funcs | None = None
    full: bool = True  # how this state was computed (for tests and stats)
    memo: dict = field(default_factory=dict)  # what the rule triggers derived from the file, carried over


@dataclass
class Stats:
    full: int = 0
    incremental: int = 0
    reasons: dict[str, int] = field(default_factory=dict)


class IncrementalFile:
    """Successive analyses of one file (an open editor document)."""

    def __init__(self):
        self._prev: _State | None = None
        self.stats = Stats()
        self.last_full = True

    def reset(self) -> None:
        self._prev = None

    def analyze(self, file: SourceFile, package: Package, config: Config,
                rules: list[Rule] | None = None) -> list[Finding]:
        rules = rules if rules is not None else driver.enabled_rules(config)
        prev, self._prev = self._prev, None
        state = findings = None
        if prev is not None:
            try:
                state, findings = _incremental(prev, file, package, config, rules)
                self.stats.incremental += 1
            except _Fallback as why:
                self.stats.reasons[str(why)] = self.stats.reasons.get(str(why), 0) + 1
        if state is None:
            state, findings = _full(file, package, config, rules)
            self.stats.full += 1
        self.last_full = state.full
        self._prev = state
        return findings


# ---------------------------------------------------------------------------- full analysis


def _full(file: SourceFile, package: Package, config: Config, rules: list[Rule]) -> tuple[_State, list[Finding]]:
    tracked: list[_Funcs] = []
    package.providers["funcs"] = lambda pkg: _summarize(pkg, tracked)
    ctx = Context(file, package, config)
    comments = ctx.nodes("comment")
    entries = {}
    for rule in rules:
        entries[rule.id] = [_Entry(f, driver._vet_fixes(f, ctx.root, comments)) for f in driver.run_rule(rule, ctx)]
    state = _State(file, _others(package, file), config, tuple(r.id for r in rules), entries,
                   tracked[0] if tracked else None)
    return state, _publish(state, rules, file, comments)


def _publish(state: _State, rules: list[Rule], file: SourceFile, comments: list[Node]) -> list[Finding]:
    out = []
    if b"goperf:ignore" not in file.source and b"nolint" not in file.source:
        for rule in rules:  # no directive anywhere: nothing is silenced
            out.extend(e.vetted for e in state.entries[rule.id])
        out.sort(key=lambda f: (f.start, f.rule))
        return out
    suppressions = Suppressions(comments, file.source, registry.REDIRECTS)
    starts = [0] + [m.end() for m in re.finditer(b"\n", file.source)]
    for rule in rules:
        for e in state.entries[rule.id]:
            if not suppressions.silences(rule.id, rule.peers, bisect_right(starts, e.raw.start) - 1):
                out.append(e.vetted)
    out.sort(key=lambda f: (f.start, f.rule))
    return out


def _comments(file: SourceFile) -> list[Node]:
    """The file's comment nodes, in order: what the comment query finds, located from the
    `//` and `/*` in the text (a descendant lookup each) instead of a query over the whole tree."""
    root = file.tree.root_node
    out: list[Node] = []
    last = -1
    for m in COMMENT_START.finditer(file.source):
        if m.start() < last:
            continue
        n = root.descendant_for_byte_range(m.start(), m.start() + 2)
        if n is not None and n.type == "comment" and n.start_byte == m.start():
            out.append(n)
            last = n.end_byte
    return out


def _others(package: Package, file: SourceFile) -> list[SourceFile]:
    return [f for f in package.files if f is not file]


# ---------------------------------------------------------------------------- function summaries


class _TrackingState(funcs_pass._PackageState):
    """passes/funcs/'s package state, recording which summaries each summary asked for and
    which were computed while one of their callers was still in progress (a call cycle)."""

    def __init__(self, pkg: Package, decls):
        super().__init__(pkg, decls)
        self.deps: dict[str, list[str]] = {}
        self.cyclic: set[str] = set()
        self._stack: list[str] = []

    def summary(self, key: str):
        if self._stack:
            self.deps[self._stack[-1]].append(key)
        if key in self.done:
            return self.done[key]
        if key in self.in_progress and key in self._stack:
            self.cyclic.update(self._stack[self._stack.index(key):])
            return None
        if key not in self.decls.funcs:
            return None
        self._stack.append(key)
        self.deps[key] = []
        try:
            return super().summary(key)
        finally:
            self._stack.pop()


def _summarize(pkg: Package, out: list[_Funcs]) -> funcs_pass.PackageFuncs:
    """funcs._analyze_package, with a tracking state."""
    state = _TrackingState(pkg, package_decls(pkg))
    result = funcs_pass.summarize_all(state)
    out.append(_Funcs(result, dict(state.done), state.deps, state.cyclic))
    return result


def _facts(s: funcs_pass.Summary) -> tuple:
    """What callers read of a summary: everything but its nodes, file and verdicts."""
    skip = {"key", "node", "file", "verdicts"}
    return tuple((f.name, _plain(getattr(s, f.name))) for f in dataclasses.fields(s) if f.name not in skip)


def _plain(v):
    if isinstance(v, set):
        return tuple(sorted(v, key=repr))
    if isinstance(v, list):
        return tuple(_plain(x) for x in v)
    return v


def _reach(start: list[str], deps: dict[str, list[str]]) -> set[str]:
    seen: set[str] = set()
    stack = list(start)
    while stack:
        k = stack.pop()
        if k not in seen:
            seen.add(k)
            stack.extend(deps.get(k, ()))
    return seen


def _resummarize(prev: _Funcs, pkg: Package, file: SourceFile, dirty: list[str]) -> tuple[_Funcs, list[str]]:
    """Summaries with only the dirty functions recomputed, and their callers when the facts
    callers read changed (transitively). Returns the summaries and the recomputed keys."""
    callers: dict[str, list[str]] = {}
    for k, ds in prev.deps.items():
        for d in dict.fromkeys(ds):
            callers.setdefault(d, []).append(k)
    state = _TrackingState(pkg, package_decls(pkg))
    redo = list(dirty)
    while True:
        redo_set = set(redo)
        if redo_set & prev.cyclic or _reach([d2 for d in redo for d2 in prev.deps.get(d, ())], prev.deps) & (
                prev.cyclic | redo_set):
            raise _Fallback("call cycle")
        state.done = {k: s for k, s in prev.done.items() if k not in redo_set}
        state.deps = {k: v for k, v in prev.deps.items() if k not in redo_set}
        for key in sorted(redo, key=list(state.decls.funcs).index):  # in the package's order
            state.summary(key)
        if state.cyclic:
            raise _Fallback("call cycle")
        new_reach = _reach([d2 for d in redo for d2 in state.deps.get(d, ())], state.deps)
        if new_reach & (prev.cyclic | redo_set):
            raise _Fallback("call cycle")
        more = []
        for key in redo:
            old, new = prev.done.get(key), state.done.get(key)
            if old is None or new is None:
                raise _Fallback("summary missing")
            if _facts(old) != _facts(new):
                more.extend(c for c in callers.get(key, ()) if c not in redo_set and c not in more)
        if not more:
            break
        if len(redo) + len(more) > 64:
            raise _Fallback("summary changed for many callers")
        redo += more
    redo_set = set(redo)
    done = dict(state.done)
    # What the rules see: this file's verdicts and frames only for the recomputed functions (the
    # others' findings are reused; their summaries hold nodes of an older tree).
    by_key = {k: s for k, s in done.items() if s.file.path != file.path or k in redo_set}
    by_file = {p: list(vs) for p, vs in prev.result.verdicts_by_file.items() if p != file.path}
    for k in redo:  # other files' verdicts of recomputed callers (their findings are not reported here)
        s = done[k]
        if s.file.path != file.path:
            old = prev.done[k]
            by_file[s.file.path] = [v for v in by_file.get(s.file.path, []) if v not in old.verdicts] + s.verdicts
    by_file[file.path] = [v for k in redo if done[k].file.path == file.path for v in done[k].verdicts]
    # this file's package-level verdicts (initialisers, types naming instantiated code): the rules keep
    # those inside the edited declarations, as for the functions'
    by_file[file.path] += state.package_level(file)
    return _Funcs(funcs_pass.PackageFuncs(by_key, by_file), done, state.deps, prev.cyclic), redo


# ---------------------------------------------------------------------------- the edit


@dataclass
class _Edit:
    start: int  # first changed byte (old and new)
    old_end: int
    new_end: int
    old_rows: tuple[int, int]  # rows of start and old_end in the old text
    line_delta: int

    @property
    def delta(self) -> int:
        return self.new_end - self.old_end

    def shift(self, offset: int) -> int:
        if offset < self.start:
            return offset
        if offset >= self.old_end and (offset > self.start or self.old_end > self.start):
            return offset + self.delta
        raise _Fallback("finding inside the edit")

    def shift_lines(self, text: str | None) -> str | None:
        if not text or not self.line_delta or "line " not in text:
            return text

        def sub(m: re.Match) -> str:
            row = int(m.group(1)) - 1
            if row < self.old_rows[0]:
                return m.group(0)
            if row > self.old_rows[1]:
                return f"line {row + 1 + self.line_delta}"
            raise _Fallback("line reference on an edited line")
        return LINE_REF.sub(sub, text)


def _window(old: bytes, new: bytes) -> tuple[int, int, int]:
    """(p, old_end, new_end): old[:p] == new[:p] and old[old_end:] == new[new_end:]."""
    n = min(len(old), len(new))
    lo, hi = 0, n  # common prefix length, by bisection on slice equality (C-speed compares)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if old[:mid] == new[:mid]:
            lo = mid
        else:
            hi = mid - 1
    p = lo
    lo, hi = 0, n - p
    lo_old, lo_new = len(old), len(new)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if old[lo_old - mid:] == new[lo_new - mid:]:
            lo = mid
        else:
            hi = mid - 1
    return p, len(old) - lo, len(new) - lo


def _dirty(tops: list[Node], start: int, end: int) -> tuple[int, int]:
    """Index range of the top-level nodes overlapping [start, end] (closed)."""
    a = 0
    while a < len(tops) and tops[a].end_byte < start:
        a += 1
    b = a
    while b < len(tops) and tops[b].start_byte <= end:
        b += 1
    return a, b


def _key(node: Node, source: bytes) -> str:
    name = parsing.text(node.child_by_field_name("name"), source)
    return f"{receiver_type_name(node, source)}.{name}" if node.type == "method_declaration" else name


def _signature(node: Node, source: bytes) -> bytes | None:
    body = node.child_by_field_name("body")
    return source[node.start_byte:body.start_byte] if body is not None else None


# ---------------------------------------------------------------------------- incremental analysis


def _incremental(prev: _State, file: SourceFile, package: Package, config: Config,
                 rules: list[Rule]) -> tuple[_State, list[Finding]]:
    if prev.file.path != file.path or prev.config != config or prev.rules != tuple(r.id for r in rules):
        raise _Fallback("configuration")
    others = _others(package, file)
    if len(others) != len(prev.others) or any(a is not b for a, b in zip(others, prev.others)):
        raise _Fallback("package files")
    old_src, new_src = prev.file.source, file.source
    p, old_end, new_end = _window(old_src, new_src)
    old_tops, new_tops = prev.file.tree.root_node.children, file.tree.root_node.children
    a_old, b_old = _dirty(old_tops, p, old_end)
    a_new, b_new = _dirty(new_tops, p, new_end)
    if a_old != a_new or len(old_tops) - b_old != len(new_tops) - b_new:
        raise _Fallback("declarations added or removed")
    # a touched comment (or whitespace) widens to the declaration it documents
    while b_new < len(new_tops) and (b_new == a_new or new_tops[b_new - 1].type == "comment"):
        b_old, b_new = b_old + 1, b_new + 1
    delta = (new_end - old_end)
    for i in range(a_old):
        o, n = old_tops[i], new_tops[i]
        if (o.type, o.start_byte, o.end_byte, o.has_error) != (n.type, n.start_byte, n.end_byte, n.has_error):
            raise _Fallback("declarations before the edit moved")
    for o, n in zip(old_tops[b_old:], new_tops[b_new:]):
        if (o.type, o.start_byte + delta, o.end_byte + delta, o.has_error) != (n.type, n.start_byte, n.end_byte, n.has_error):
            raise _Fallback("declarations after the edit moved")
    if b_old - a_old != b_new - a_new:
        raise _Fallback("declarations added or removed")
    dirty_keys: list[str] = []
    old_ranges, new_ranges = [], []
    for o, n in zip(old_tops[a_old:b_old], new_tops[a_new:b_new]):
        if o.type != n.type or (n.type not in FUNCTION_KINDS and n.type not in ("comment", "ERROR")):
            raise _Fallback(f"{n.type} edited")
        if n.type in FUNCTION_KINDS:
            key = _key(n, new_src)
            sig = _signature(n, new_src)
            if key != _key(o, old_src) or sig is None or sig != _signature(o, old_src):
                raise _Fallback("signature changed")
            dirty_keys.append(key)
        old_ranges.append((o.start_byte, o.end_byte))
        new_ranges.append((n.start_byte, n.end_byte))
    old_rows = (old_src.count(b"\n", 0, p), 0)
    old_rows = (old_rows[0], old_rows[0] + old_src.count(b"\n", p, old_end))
    edit = _Edit(p, old_end, new_end, old_rows, new_src.count(b"\n", p, new_end) - (old_rows[1] - old_rows[0]))

    decls = package_decls(package)
    for key in dirty_keys:
        found = decls.funcs.get(key)
        if found is None or found[1] is not file or dirty_keys.count(key) > 1 or \
                found[0].start_byte not in (r[0] for r in new_ranges):
            raise _Fallback("duplicate function name")

    funcs = None
    if prev.funcs is not None:
        funcs, redo = _resummarize(prev.funcs, package, file, dirty_keys)
        package._results["funcs"] = funcs.result
        for key in redo:  # callers whose summaries changed: their findings are re-run too
            node, f = decls.funcs[key]
            if f is file and key not in dirty_keys:
                i = next(i for i, t in enumerate(old_tops) if t.start_byte == node.start_byte - (
                    delta if node.start_byte >= new_end else 0))
                if not a_old <= i < b_old:
                    o = old_tops[i]
                    old_ranges.append((o.start_byte, o.end_byte))
                    new_ranges.append((node.start_byte, node.end_byte))
        old_ranges.sort()
        new_ranges.sort()
    else:
        package.providers["funcs"] = _no_summaries

    ctx = Context(file, package, config, ranges=new_ranges)
    full_ctx: Context | None = None
    comments = _comments(file)
    root = file.tree.root_node
    old_bodies = [old_src[s:e] for s, e in old_ranges]
    new_bodies = [new_src[s:e] for s, e in new_ranges]
    entries: dict[str, list[_Entry]] = {}
    memo = dict(prev.memo)
    for rule in rules:
        whole = _WHOLE_FILE.get(rule.id)
        if whole is not None and whole(prev, file, old_bodies, new_bodies, old_ranges, new_ranges, memo):
            if full_ctx is None:
                full_ctx = Context(file, package, config)
            entries[rule.id] = [_Entry(f, driver._vet_fixes(f, root, comments)) for f in driver.run_rule(rule, full_ctx)]
            continue
        kept = []
        for e in prev.entries[rule.id]:
            if any(s <= e.raw.start < t for s, t in old_ranges):
                continue
            kept.append(_shift_entry(e, edit, old_ranges, root, comments))
        for f in driver.run_rule(rule, ctx):
            if any(s <= f.start < t for s, t in new_ranges):
                kept.append(_Entry(f, driver._vet_fixes(f, root, comments)))
        kept.sort(key=lambda e: e.raw.start)  # (the publish sort orders ties by rule; within a rule, stable)
        entries[rule.id] = kept
    state = _State(file, others, config, prev.rules, entries, funcs, full=False, memo=memo)
    return state, _publish(state, rules, file, comments)


def _no_summaries(pkg: Package):
    raise _Fallback("summaries needed")


def _shift_entry(e: _Entry, edit: _Edit, dirty_old: list[tuple[int, int]], root: Node,
                 comments: list[Node]) -> _Entry:
    if e.raw.fixes and any(s <= x.end and x.start <= t for fix in e.raw.fixes for x in fix.edits
                           if x.path in (None, e.raw.path) for s, t in dirty_old):
        raw = _shift(e.raw, edit)
        return _Entry(raw, driver._vet_fixes(raw, root, comments))  # its fix touches the edit: vet again
    raw = _shift(e.raw, edit)
    return _Entry(raw, raw if e.vetted is e.raw else _shift(e.vetted, edit))


def _shift(f: Finding, edit: _Edit) -> Finding:
    """`f` with its offsets (and quoted line numbers) moved by the edit; `f` itself if none move."""
    if edit.line_delta == 0 and (edit.delta == 0 or _last_offset(f) < edit.start):
        return f
    shift, lines = edit.shift, edit.shift_lines
    out = copy.copy(f)
    out.start, out.end = shift(f.start), shift(f.end)
    if f.fixes:
        out.fixes = tuple(Fix(lines(fix.title), tuple(
            Edit(shift(x.start), shift(x.end), x.new_text, x.path) if x.path is None or x.path == f.path else x
            for x in fix.edits), fix.applicability) for fix in f.fixes)
    if f.related:
        out.related = tuple(Related(shift(r.start), shift(r.end), lines(r.message)) for r in f.related)
    if edit.line_delta:
        out.message, out.explain = lines(f.message), lines(f.explain)
    return out


def _last_offset(f: Finding) -> int:
    last = f.end
    for fix in f.fixes:
        for x in fix.edits:
            if x.path is None or x.path == f.path:
                last = max(last, x.end)
    for r in f.related:
        last = max(last, r.end)
    return last


# ---------------------------------------------------------------------------- rules reading other bodies


def _words(chunks: list[bytes]) -> set[bytes]:
    return {w for c in chunks for w in WORD.findall(c)}


def _pointer_fields(f: SourceFile, ranges: list[tuple[int, int]] | None) -> tuple[set[bytes], set[bytes]]:
    """Names of the pointer-typed struct fields in `f` (or in `ranges` of it), and their structs' names."""
    names: set[bytes] = set()
    types: set[bytes] = set()
    root = f.tree.root_node
    found = [n for s, e in ranges for n in parsing.captures_in(POINTER_FIELDS, root, s, e).get("field", [])] \
        if ranges is not None else parsing.captures(POINTER_FIELDS, root).get("field", [])
    for fd in found:
        names.update(f.source[n.start_byte:n.end_byte] for n in fd.children_by_field_name("name"))
        spec = fd.parent.parent.parent if fd.parent is not None and fd.parent.parent is not None else None
        if spec is not None and spec.type == "type_spec" and spec.child_by_field_name("name") is not None:
            types.add(parsing.text(spec.child_by_field_name("name"), f.source).encode())
    return names, types


def _pointer_field_reads(prev: _State, file: SourceFile, old: list[bytes], new: list[bytes], old_ranges,
                         new_ranges, memo: dict) -> bool:
    """mutex/pointer-field reads, for each pointer field of the file's structs, every selector,
    keyed element and field declaration of that name and every positional literal of the
    struct type: a dirty declaration that mentions neither cannot change its findings."""
    if "pointer-fields" not in memo:
        memo["pointer-fields"] = _pointer_fields(prev.file, None)
    names, types = memo["pointer-fields"]  # the old file's, plus what the edited declarations add
    more_names, more_types = _pointer_fields(file, new_ranges)
    if not more_names <= names or not more_types <= types:
        names, types = names | more_names, types | more_types
        memo["pointer-fields"] = (names, types)
    if not names:
        return False
    words = _words(old + new)
    if words & names:
        return True
    return any(re.search(rb"\b" + re.escape(t) + rb"\s*\{", c) for t in types for c in old + new)


def _loop_temporary_reads(prev: _State, file: SourceFile, old: list[bytes], new: list[bytes], old_ranges,
                          new_ranges, memo: dict) -> bool:
    """loop/temporary reads the call sites of the file's functions, every word of the package (to
    name a new package var) and the names earlier findings took: whole file when the file has
    findings of it elsewhere, or a dirty declaration mentions one of the file's functions."""
    if any(not any(s <= e.raw.start < t for s, t in old_ranges) for e in prev.entries.get("loop/temporary", ())):
        return True
    if "function-names" not in memo:  # (the file's functions keep their names in an incremental run)
        memo["function-names"] = {_key(n, prev.file.source).rsplit(".", 1)[-1].encode()
                                  for n in prev.file.tree.root_node.children if n.type in FUNCTION_KINDS}
    bodies = [chunk[chunk.find(b"{"):] if b"{" in chunk else chunk for chunk in old + new]
    return bool(_words(bodies) & memo["function-names"])


_WHOLE_FILE: dict[str, Callable[..., bool]] = {
    "mutex/pointer-field": _pointer_field_reads,
    "loop/temporary": _loop_temporary_reads,
}
