"""Open documents: text, one tree-sitter tree each, and the analysis scheduler.

Edits are applied to the document's bytes as they arrive and recorded as tree-sitter
`InputEdit`s; the analysis worker edits the previous tree with them and reparses
incrementally. There is no fixed debounce: a document has at most one analysis in
flight, and edits that arrive meanwhile are coalesced into the next run, which starts
as soon as the current one ends. A result is published only if the document still has
the version it was computed for (stale results are dropped, never shown), and a run for
a document that was closed or changed stops at its next checkpoint.
"""

from __future__ import annotations

import asyncio
from bisect import bisect_right
import logging
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import attrs
from lsprotocol import types as lsp
from pygls.uris import to_fs_path
from pygls.workspace.position_codec import PositionCodec
from tree_sitter import Point, Tree

from goperf.analyzer import parsing
from goperf.analyzer.config import Config
from goperf.analyzer.context import Package, SourceFile
from goperf.analyzer.incremental import IncrementalFile
from goperf.analyzer.model import Finding

from . import convert
from .convert import Lines
from .heap import Heap

log = logging.getLogger(__name__)

InputEdit = tuple[int, int, int, tuple[int, int], tuple[int, int], tuple[int, int]]


@dataclass
class Analysis:
    """One published analysis: immutable, for the exact text it was computed on."""

    version: int
    lines: Lines
    tree: Tree | None
    findings: list[Finding]
    diagnostics: list[lsp.Diagnostic]
    config: Config | None = None
    skipped: str | None = None  # why the file was not analyzed (too large, not Go, ...)
    file: SourceFile | None = None  # what was analyzed: other documents' analyses use it as a sibling
    when: float = field(default_factory=time.time)
    # `diagnostics` as JSON text, one fragment each (convert.diagnostic_json): published as they are
    payload: list[str] | None = None
    published: bool = False  # by the worker, through Scheduler.publish_now


class Document:
    def __init__(self, uri: str, text: str, version: int | None, language_id: str | None):
        self.uri = uri
        self.path = to_fs_path(uri) or uri
        self.language_id = language_id or ""
        self.version = version if version is not None else 0
        self.text = convert.encode_text(text)
        self.starts = convert.line_starts(self.text)
        self.closed = False
        self.pending: list[InputEdit] | None = []  # None: the next parse starts from scratch
        self.tree: Tree | None = None  # owned by the worker; never edited after publication
        self.result: Analysis | None = None
        self.compiled: Analysis | None = None  # compiler-confirmed findings for result.version
        self.analyzed_version: int | None = None
        self.epoch = 0  # bumped when the settings change: an analysis started before is outdated
        self.task: asyncio.Task | None = None
        self.fresh = asyncio.Event()
        self.analyzer = IncrementalFile()  # owned by the worker: re-runs rules only where edits landed
        self.converted = DiagnosticCache()  # owned by the worker

    @property
    def lines(self) -> Lines:
        return Lines(self.text, self.starts)

    @property
    def is_go(self) -> bool:
        return self.language_id == "go" or self.path.endswith(".go")

    def apply(self, change: lsp.TextDocumentContentChangeEvent, codec: PositionCodec) -> None:
        if not isinstance(change, lsp.TextDocumentContentChangePartial):
            self.text = convert.encode_text(change.text)
            self.starts = convert.line_starts(self.text)
            self.pending = None
            return
        lines = self.lines
        start = convert.offset(lines, change.range.start, codec)
        end = max(start, convert.offset(lines, change.range.end, codec))
        new = convert.encode_text(change.text)
        srow, erow = lines.row_of(start), lines.row_of(end)
        start_pt = (srow, start - self.starts[srow])
        old_end_pt = (erow, end - self.starts[erow])
        nl = new.count(b"\n")
        new_end_pt = (srow + nl, len(new) - new.rfind(b"\n") - 1) if nl else (srow, start_pt[1] + len(new))
        delta = len(new) - (end - start)
        self.text = self.text[:start] + new + self.text[end:]
        inserted = []
        pos = new.find(b"\n")
        while pos != -1:
            inserted.append(start + pos + 1)
            pos = new.find(b"\n", pos + 1)
        tail = self.starts[erow + 1 :]
        self.starts = self.starts[: srow + 1] + inserted + ([s + delta for s in tail] if delta else tail)
        if self.pending is not None:
            self.pending.append((start, end, start + len(new), start_pt, old_end_pt, new_end_pt))
            if len(self.pending) > 1000:  # bounded memory: a full parse is cheaper by then
                self.pending = None


class DiagnosticCache:
    """The previous publication's diagnostics, reused for findings that did not move on screen.

    A keystroke changes the findings of one declaration; the others are the same findings at the
    same line and column (what the key records: each offset's row and its line's text up to it,
    so the position is the same in any client units), so they need no conversion, and their
    JSON text (all but `data`, which holds the finding's index) need not be serialized again.
    """

    def __init__(self):
        self._by_key: dict[tuple, tuple[lsp.Diagnostic, str]] = {}
        self._for: tuple[str, str] | None = None  # (uri, encoding) the keys hold for

    def convert(self, findings: list[Finding], lines: Lines, codec: PositionCodec, uri: str
                ) -> tuple[list[lsp.Diagnostic], list[str]]:
        """(diagnostics, their JSON fragments), in the order of `findings`."""
        if self._for != (uri, codec.encoding):
            self._by_key = {}
            self._for = (uri, codec.encoding)
        previous = self._by_key
        fresh: dict[tuple, tuple[lsp.Diagnostic, str]] = {}
        out = []
        payload = []
        data_json = convert.diagnostic_data_json
        key_of = self._key
        text, starts = lines.text, lines.starts
        for i, f in enumerate(findings):
            key = key_of(f, text, starts)
            hit = previous.get(key)
            if hit is None:
                d = convert.diagnostic(f, lines, codec, uri, i)
                hit = (d, convert.diagnostic_head_json(d))
            else:
                d = hit[0]
                if d.data != {"index": i, "rule": f.rule}:
                    d = attrs.evolve(d, data={"index": i, "rule": f.rule})
                    hit = (d, hit[1])
            fresh[key] = hit  # the head does not depend on `data`
            out.append(d)
            payload.append(hit[1] + data_json(i, f.rule))
        self._by_key = fresh
        return out, payload

    @staticmethod
    def _key(f: Finding, text: bytes, starts: list[int]) -> tuple:
        """What the diagnostic is made of, each offset as (row, the line's bytes up to it)."""
        o = f.start
        row = bisect_right(starts, o) - 1
        line = starts[row]
        where = (row, text[line:o])
        o = f.end
        if o < line or (row + 1 < len(starts) and o >= starts[row + 1]):  # not on the start's line
            row = bisect_right(starts, o) - 1
            line = starts[row]
        where += (row, text[line:o])
        if f.related:
            for r in f.related:
                for o in (r.start, r.end):
                    row = bisect_right(starts, o) - 1
                    where += (row, text[starts[row]:o])
            related = tuple(r.message for r in f.related)
        else:
            related = ()
        fix = tuple((e.start - f.start, e.end - f.start, e.new_text == "", e.path) for e in f.fixes[0].edits) \
            if f.fixes else ()
        tags = tuple(f.data.get("tags", ())) if f.data and isinstance(f.data, dict) else ()
        return (f.rule, f.message, f.severity, f.source, f.path, where, related, fix, tags)


@dataclass
class Snapshot:
    version: int
    text: bytes
    starts: list[int]
    edits: list[InputEdit] | None
    config: Config | None
    skipped: str | None
    epoch: int = 0


class Siblings:
    """The other .go files of a folder, parsed once and re-read when they change on disk."""

    RECHECK = 2.0  # seconds between stat() sweeps of one folder
    MAX_FILES = 3000  # parsed files kept (GOROOT's largest package, runtime, has ~450)

    def __init__(self):
        self._files: dict[str, tuple[int, int, SourceFile]] = {}
        self._checked: dict[Path, tuple[float, list[str]]] = {}
        self._lock = threading.Lock()

    def invalidate(self, path: str | None = None) -> None:
        with self._lock:
            if path is None:
                self._checked.clear()
            else:
                self._checked.pop(Path(path).parent, None)

    def files(self, path: str, tests: bool, overrides: dict[str, SourceFile]) -> list[SourceFile]:
        folder = Path(path).parent
        with self._lock:
            checked = self._checked.get(folder)
            now = time.monotonic()
            if checked is None or now - checked[0] > self.RECHECK:
                names = self._scan(folder)
                self._checked[folder] = (now, names)
            else:
                names = checked[1]
            own_test = path.endswith("_test.go")
            out = []
            for p in names:
                if p == path:
                    continue
                if p.endswith("_test.go") and not (tests or own_test):
                    continue
                f = overrides.get(p) or self._load(p, fresh=checked is None or now - checked[0] > self.RECHECK)
                if f is not None:
                    out.append(f)
            return out

    def _scan(self, folder: Path) -> list[str]:
        try:
            return sorted(
                e.path for e in os.scandir(folder)
                if e.name.endswith(".go") and not e.name.startswith((".", "_")) and e.is_file()
            )
        except OSError:
            return []

    def _load(self, p: str, fresh: bool) -> SourceFile | None:
        cached = self._files.get(p)
        if cached is not None and not fresh:
            return cached[2]
        try:
            st = os.stat(p)
            if cached is not None and cached[0] == st.st_mtime_ns and cached[1] == st.st_size:
                return cached[2]
            if st.st_size > 4_000_000:
                return None
            with open(p, "rb") as fh:
                source = fh.read()
        except OSError:
            self._files.pop(p, None)
            return None
        f = SourceFile.parse(p, source)
        self._files[p] = (st.st_mtime_ns, st.st_size, f)
        while len(self._files) > self.MAX_FILES:  # bounded memory: forget the oldest parsed files
            self._files.pop(next(iter(self._files)))
        return f


class Scheduler:
    """Runs analyses one at a time in a worker thread and hands results to `publish`."""

    def __init__(self, publish: Callable[[Document, Analysis], None], codec: Callable[[], PositionCodec],
                 configure: Callable[[Document], tuple[Config | None, str | None]]):
        self.publish = publish
        self.codec = codec
        self.configure = configure
        self.docs: dict[str, Document] = {}
        self.siblings = Siblings()
        self.adjust: Callable[[list[Finding]], list[Finding]] = lambda findings: findings
        # Called by the worker with a finished analysis: True if it published it (the document
        # still at that version), so the event loop must not.
        self.publish_now: Callable[[Document, Analysis], bool] | None = None
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="goperf-lint")
        self.analysis_count = 0
        # GOPERF_LSP_GC=auto leaves CPython's collector as it is (for A/B measurements)
        self.heap = Heap(enabled=os.environ.get("GOPERF_LSP_GC", "") != "auto")

    # -- document lifecycle (called on the event loop)

    def open(self, item: lsp.TextDocumentItem) -> Document:
        old = self.docs.get(item.uri)
        if old is not None:
            old.closed = True
        doc = Document(item.uri, item.text, item.version, item.language_id)
        self.docs[item.uri] = doc
        self.schedule(doc)
        return doc

    def change(self, params: lsp.DidChangeTextDocumentParams) -> Document | None:
        doc = self.docs.get(params.text_document.uri)
        if doc is None:
            log.warning("didChange for a document that is not open: %s", params.text_document.uri)
            return None
        codec = self.codec()
        for change in params.content_changes:
            doc.apply(change, codec)
        doc.version = params.text_document.version if params.text_document.version is not None else doc.version + 1
        self.schedule(doc)
        return doc

    def close(self, uri: str) -> Document | None:
        doc = self.docs.pop(uri, None)
        if doc is not None:
            doc.closed = True
            doc.result = doc.compiled = None
            doc.tree = None
            doc.fresh.set()
        return doc

    def relint_all(self) -> None:
        for doc in self.docs.values():
            doc.analyzed_version = None
            doc.epoch += 1  # a run in flight must not mark its version analyzed
            self.schedule(doc)

    def schedule(self, doc: Document) -> None:
        if doc.task is None or doc.task.done():
            doc.task = asyncio.get_running_loop().create_task(self._run(doc))

    async def current(self, doc: Document, timeout: float = 2.0) -> Analysis | None:
        """The analysis of the document's current version, waiting a little for it."""
        deadline = time.monotonic() + timeout
        while not doc.closed:
            if doc.result is not None and doc.result.version == doc.version:
                return doc.result
            if doc.analyzed_version == doc.version and (doc.task is None or doc.task.done()):
                return doc.result if doc.result is not None and doc.result.version == doc.version else None
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            doc.fresh.clear()
            try:
                await asyncio.wait_for(doc.fresh.wait(), left)
            except asyncio.TimeoutError:
                return None
        return None

    # -- the run loop

    async def _run(self, doc: Document) -> None:
        loop = asyncio.get_running_loop()
        while not doc.closed and doc.analyzed_version != doc.version:
            config, skipped = self.configure(doc)
            snap = Snapshot(doc.version, doc.text, doc.starts, doc.pending, config, skipped, doc.epoch)
            doc.pending = []
            try:
                result = await loop.run_in_executor(self.executor, self._analyze, doc, snap)
            except Exception:
                log.exception("goperf: analysis of %s failed", doc.uri)
                doc.tree = None
                doc.pending = None
                result = None
            if doc.closed:
                break
            if result is None:
                if doc.version == snap.version and doc.epoch == snap.epoch:
                    doc.analyzed_version = snap.version  # failed for this text: wait for the next edit
                continue
            if doc.epoch == snap.epoch:
                doc.analyzed_version = snap.version
            if snap.version == doc.version and (snap.epoch == doc.epoch or result.published):
                doc.result = result
                doc.compiled = None
                if not result.published:
                    self.publish(doc, result)
                doc.fresh.set()
            if result.published or snap.version == doc.version:
                self.heap.published()
        doc.fresh.set()

    def _analyze(self, doc: Document, snap: Snapshot) -> Analysis | None:
        """Worker thread: reparse incrementally, analyze, convert. None when cancelled."""
        if doc.closed:
            return None
        lines = Lines(snap.text, snap.starts)
        if snap.skipped is not None or snap.config is None:
            doc.tree = None
            doc.pending = None  # the next analyzed version parses from scratch
            doc.analyzer.reset()
            return Analysis(snap.version, lines, None, [], [], snap.config, skipped=snap.skipped)
        tree = doc.tree
        if tree is not None and snap.edits is not None:
            tree = tree.copy()  # the published tree stays valid for its own text
            for e in snap.edits:
                tree.edit(e[0], e[1], e[2], Point(*e[3]), Point(*e[4]), Point(*e[5]))
            tree = parsing.parse(snap.text, tree)
        else:
            tree = parsing.parse(snap.text)
        doc.tree = tree
        if doc.closed or doc.version != snap.version:
            return None  # superseded: the tree is kept, the analysis is not worth running
        # A fresh bytes object per analysis: analyzer passes memoise per source object
        # (passes/scopes.py), and a re-analysis of unchanged text has a new tree.
        file = SourceFile(doc.path, bytes(bytearray(snap.text)), tree)
        overrides = {  # the same objects from run to run, so the incremental analyzer can reuse its work
            d.path: d.result.file
            for d in list(self.docs.values())
            if d is not doc and d.result is not None and d.result.file is not None
        }
        # in the folder's order, as goperf lint builds it (lint.read_package): same findings
        files = sorted([file, *self.siblings.files(doc.path, snap.config.tests, overrides)], key=lambda f: f.path)
        package = Package(files)
        findings = self.adjust([f for f in doc.analyzer.analyze(file, package, snap.config) if f.path == doc.path])
        self.analysis_count += 1
        if doc.closed:
            return None
        codec = self.codec()
        diagnostics, payload = doc.converted.convert(findings, lines, codec, doc.uri)
        result = Analysis(snap.version, lines, tree, findings, diagnostics, snap.config, file=file, payload=payload)
        if self.publish_now is not None and doc.epoch == snap.epoch:
            result.published = self.publish_now(doc, result)
        return result

    def shutdown(self) -> None:
        self.heap.close()
        self.executor.shutdown(wait=False, cancel_futures=True)
