"""`goperf serve`: the language server. Handlers are glue: document → analysis → convert.

Document text and trees live in documents.py (pygls's own text store is bypassed: it
re-splits the whole text on every access, and the analyzer wants bytes and a tree);
LSP conversion lives in convert.py, actions/hover/lens assembly in features.py.

The keystroke path is kept short (docs/benchmarks.md "Language server latency"): stdin is read
by one thread (stdio.py), the analysis worker publishes its own result from per-diagnostic
JSON fragments cached across edits (convert.publish_diagnostics_message), and the garbage
collector's generations are frozen between publications (heap.py).
"""

from __future__ import annotations

import asyncio
import dataclasses
import inspect
import itertools
import logging
import sys
import threading
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException, JsonRpcInvalidRequest
from pygls.io_ import run_async
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol, lsp_method
from pygls.workspace.position_codec import PositionCodec

from . import compile as compiling
from . import convert, features, options as settings
from .documents import Analysis, Document, Scheduler
from .profile import Report, Reports
from .stdio import LockedWriter, MessageReader

log = logging.getLogger("goperf.lsp")

VERSION = "0.1.0"


class _Malformed:
    """Stands for a message that could not be decoded (already answered with an error)."""


class GoperfProtocol(LanguageServerProtocol):
    """pygls's protocol, minus its text store, plus answers to malformed requests."""

    @lsp_method(lsp.INITIALIZE)
    def lsp_initialize(self, params: lsp.InitializeParams):
        # Prefer UTF-8 whenever the client offers it: findings are byte offsets already.
        general = params.capabilities.general if params.capabilities else None
        if general is not None and general.position_encodings and lsp.PositionEncodingKind.Utf8 in general.position_encodings:
            general.position_encodings = [lsp.PositionEncodingKind.Utf8] + [
                e for e in general.position_encodings if e != lsp.PositionEncodingKind.Utf8
            ]
        return (yield from super().lsp_initialize(params))

    @lsp_method(lsp.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: lsp.DidOpenTextDocumentParams):
        if (handler := self.fm.features.get(lsp.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: lsp.DidChangeTextDocumentParams):
        if (handler := self.fm.features.get(lsp.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: lsp.DidCloseTextDocumentParams):
        if (handler := self.fm.features.get(lsp.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None

    def structure_message(self, data: dict[str, Any]):
        try:
            return super().structure_message(data)
        except JsonRpcException as error:
            if isinstance(data, dict) and "id" in data and "method" in data:
                self._send_response(data["id"], None, error.to_response_error())
                return _Malformed()
            raise

    def handle_message(self, message):
        if isinstance(message, _Malformed):
            return
        if not hasattr(message, "jsonrpc"):
            log.warning("ignoring a message that is not JSON-RPC: %.200r", message)
            if isinstance(message, dict) and "id" in message:
                self._send_response(message["id"], None, JsonRpcInvalidRequest().to_response_error())
            return
        return super().handle_message(message)


class GoperfServer(LanguageServer):
    def __init__(self):
        super().__init__("goperf", VERSION, protocol_cls=GoperfProtocol, text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental)
        self.options = settings.Options()
        self.projects = settings.ProjectConfigs()
        self.reports = Reports()
        self.compiler = compiling.Compiler()
        self.scheduler = Scheduler(self._publish, self.codec, self._configure)
        self.scheduler.publish_now = self._publish_now
        self.scheduler.adjust = self._adjust
        self._tokens = itertools.count(1)
        self._warned_large: set[str] = set()

    def _start_io_async(self, stdin=None, stdout=None) -> None:
        """pygls's stdio loop, reading through lsp/stdio.py (one thread hop per message)."""
        self._stop_event = threading.Event()
        self.protocol.set_writer(LockedWriter(stdout or sys.stdout.buffer))

        async def main():
            reader = MessageReader(stdin or sys.stdin.buffer, asyncio.get_running_loop())
            await run_async(stop_event=self._stop_event, reader=reader, protocol=self.protocol, logger=log,
                            error_handler=self.report_server_error)

        try:
            asyncio.run(main())
        except BrokenPipeError:
            log.error("Connection to the client is lost! Shutting down the server.")
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            self.shutdown()

    # -- plumbing used by the handlers

    def codec(self) -> PositionCodec:
        try:
            return self.workspace.position_codec
        except RuntimeError:
            return PositionCodec()

    def warn(self, message: str, show: bool = False) -> None:
        log.warning(message)
        try:
            self.window_log_message(lsp.LogMessageParams(lsp.MessageType.Warning, message))
            if show:
                self.window_show_message(lsp.ShowMessageParams(lsp.MessageType.Warning, message))
        except Exception:  # no transport yet (unit use) or a closed pipe
            pass

    def report_server_error(self, error: Exception, source) -> None:
        self.warn(f"goperf: {type(error).__name__}: {error}")  # a log line, not a popup per bad message

    def set_options(self, raw: Any) -> None:
        self.options, problems = settings.parse(raw)
        for p in problems:
            self.warn(p, show=True)

    def root(self) -> Path | None:
        try:
            root = self.workspace.root_path
        except RuntimeError:
            return None
        return Path(root) if root else None

    def _configure(self, doc: Document):
        if not doc.is_go:
            return None, f"not a Go file ({doc.language_id or Path(doc.path).suffix})"
        if len(doc.text) > self.options.max_file_size:
            if doc.uri not in self._warned_large:
                self._warned_large.add(doc.uri)
                self.warn(f"goperf: {Path(doc.path).name} is {len(doc.text)} bytes, over maxFileSize "
                          f"({self.options.max_file_size}); not analyzed", show=True)
            return None, "too large"
        for p in self.projects.warnings:
            self.warn(p, show=True)
        self.projects.warnings.clear()
        return self.options.config(self.projects.base(Path(doc.path).parent)), None

    def _adjust(self, findings):
        """Per-rule severity overrides from the settings."""
        if not self.options.severity:
            return findings
        out = []
        for f in findings:
            sev = self.options.severity_of(f.rule)
            out.append(dataclasses.replace(f, severity=sev) if sev is not None else f)
        return out

    def _publish(self, doc: Document, result: Analysis) -> None:
        writer = self.protocol.writer
        if result.payload is not None and writer is not None and self.protocol._include_headers:
            # The message pygls would send, joined from the diagnostics' cached JSON fragments.
            message = convert.publish_diagnostics_message(doc.uri, result.payload, result.version)
            if inspect.isawaitable(res := writer.write(message)):
                asyncio.ensure_future(res)
            return
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=doc.uri, diagnostics=result.diagnostics, version=result.version)
        )

    def _publish_now(self, doc: Document, result: Analysis) -> bool:
        """From the analysis worker: publish right away (no hop back to the event loop), unless the
        document was closed or changed meanwhile. The writer's lock orders this with the loop's
        messages (a didClose's empty publication comes after, never before)."""
        writer = self.protocol.writer
        if result.payload is None or not isinstance(writer, LockedWriter):
            return False
        message = convert.publish_diagnostics_message(doc.uri, result.payload, result.version)
        with writer.lock:
            if doc.closed or doc.version != result.version:
                return False
            try:
                writer.write_locked(message)
            except (OSError, ValueError) as e:  # the client is gone: the read loop ends the server
                log.error("publishing diagnostics failed: %s", e)
        return True

    def supports(self, dotted: str) -> bool:
        node: Any = self.client_capabilities
        for part in dotted.split("."):
            node = getattr(node, part, None)
            if node is None:
                return False
        return bool(node)

    def lines_of(self, path: str):
        """(lines, uri, version) of another file: the open buffer, else the disk."""
        doc = next((d for d in self.scheduler.docs.values() if d.path == path), None)
        if doc is not None:
            return doc.lines, doc.uri, doc.version
        uri = convert.uri_for(path)
        try:
            return convert.Lines(Path(path).read_bytes()), uri, None
        except OSError:
            return None

    def doc(self, uri: str) -> Document | None:
        return self.scheduler.docs.get(uri)

    def report(self) -> Report | None:
        """The profile report (`profileReport`, relative to the workspace root), if readable."""
        path = Path(self.options.profile_report)
        if not path.is_absolute() and (root := self.root()) is not None:
            path = root / path
        return self.reports.load(str(path)) if path.is_absolute() else None


server = GoperfServer()


@server.feature(lsp.INITIALIZE)
def initialize(ls: GoperfServer, params: lsp.InitializeParams) -> None:
    ls.set_options(params.initialization_options)


@server.feature(lsp.INITIALIZED)
async def initialized(ls: GoperfServer, params: lsp.InitializedParams) -> None:
    if ls.supports("workspace.configuration"):
        await _pull_configuration(ls)


async def _pull_configuration(ls: GoperfServer) -> bool:
    try:
        result = await asyncio.wait_for(ls.workspace_configuration_async(
            lsp.ConfigurationParams(items=[lsp.ConfigurationItem(section="goperf")])), 5)
    except Exception as e:  # the client may not answer, or answer an error
        log.info("workspace/configuration failed: %s", e)
        return False
    if result and isinstance(result[0], dict) and result[0]:
        ls.set_options(result[0])
        return True
    return False


@server.feature(lsp.WORKSPACE_DID_CHANGE_CONFIGURATION)
async def did_change_configuration(ls: GoperfServer, params: lsp.DidChangeConfigurationParams) -> None:
    settings_ = params.settings
    if isinstance(settings_, dict) and settings_:
        ls.set_options(settings_)
    elif not (ls.supports("workspace.configuration") and await _pull_configuration(ls)):
        ls.set_options(None)
    ls.projects.clear()
    ls.scheduler.siblings.invalidate()
    ls.scheduler.relint_all()
    if ls.supports("workspace.code_lens.refresh_support"):
        ls.workspace_code_lens_refresh(None)


@server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: GoperfServer, params: lsp.DidOpenTextDocumentParams) -> None:
    ls.scheduler.open(params.text_document)


@server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: GoperfServer, params: lsp.DidChangeTextDocumentParams) -> None:
    ls.scheduler.change(params)


@server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: GoperfServer, params: lsp.DidCloseTextDocumentParams) -> None:
    if ls.scheduler.close(params.text_document.uri) is not None:
        ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[]))


@server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
async def did_save(ls: GoperfServer, params: lsp.DidSaveTextDocumentParams) -> None:
    doc = ls.doc(params.text_document.uri)
    if doc is None:
        return
    ls.scheduler.siblings.invalidate(doc.path)
    if Path(doc.path).name == "goperf.toml":
        ls.projects.clear()
        ls.scheduler.relint_all()
        return
    if ls.options.compiler and doc.is_go:
        await _confirm_with_compiler(ls, doc)


async def _confirm_with_compiler(ls: GoperfServer, doc: Document) -> None:
    fn = compiling.apply_compiler()
    if fn is None:
        return
    result = await ls.scheduler.current(doc, timeout=10)
    if result is None or result.skipped or result.config is None:
        return
    folder = str(Path(doc.path).parent)
    cancel = ls.compiler.start(folder)
    token = f"goperf/compile/{next(ls._tokens)}"
    progress = ls.supports("window.work_done_progress")
    if progress:
        try:
            await asyncio.wait_for(ls.work_done_progress.create_async(token), 5)
            ls.work_done_progress.begin(token, lsp.WorkDoneProgressBegin(
                title="goperf: compiler check", message=Path(folder).name, cancellable=True))
        except Exception as e:
            log.info("no progress for the compiler check: %s", e)
            progress = False
    loop = asyncio.get_running_loop()
    job = loop.run_in_executor(ls.compiler.executor, ls.compiler.call, fn, list(result.findings), folder,
                               result.config, ls.options.go, cancel)
    outcome, message = None, "cancelled"
    try:
        while not job.done():
            await asyncio.wait({job}, timeout=0.1)
            user_cancel = progress and ls.work_done_progress.tokens.get(token) is not None and ls.work_done_progress.tokens[token].cancelled()
            if user_cancel or doc.closed or doc.version != result.version or cancel.is_set():
                cancel.set()
                break
        if job.done() and not cancel.is_set():
            try:
                outcome = job.result()
                message = "done"
            except Exception as e:
                log.exception("compiler confirmation failed")
                message = f"failed: {e}"
    finally:
        ls.compiler.finish(folder, cancel)
        if progress:
            ls.work_done_progress.end(token, lsp.WorkDoneProgressEnd(message=message))
            ls.work_done_progress.tokens.pop(token, None)
    if outcome is None or doc.closed or doc.version != result.version:
        return
    found, note = outcome if isinstance(outcome, tuple) else (outcome, None)
    if note:
        ls.window_log_message(lsp.LogMessageParams(lsp.MessageType.Info, f"goperf compiler: {note}"))
    mine = [f for f in found if f.path == doc.path]
    codec = ls.codec()
    diagnostics = [convert.diagnostic(f, result.lines, codec, doc.uri, i) for i, f in enumerate(mine)]
    doc.compiled = doc.result = Analysis(result.version, result.lines, result.tree, mine, diagnostics, result.config)
    ls._publish(doc, doc.result)


@server.feature(
    lsp.TEXT_DOCUMENT_CODE_ACTION,
    lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix, convert.FIX_ALL_KIND]),
)
async def code_action(ls: GoperfServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction] | None:
    doc = ls.doc(params.text_document.uri)
    result = await ls.scheduler.current(doc) if doc is not None else None
    if result is None:
        return None
    codec = ls.codec()
    start = convert.offset(result.lines, params.range.start, codec)
    end = convert.offset(result.lines, params.range.end, codec)
    return features.code_actions(result, doc.uri, start, end, params.context.only, codec,
                                 ls.supports("workspace.workspace_edit.document_changes"), ls.lines_of)


@server.feature(lsp.TEXT_DOCUMENT_HOVER)
async def hover(ls: GoperfServer, params: lsp.HoverParams) -> lsp.Hover | None:
    doc = ls.doc(params.text_document.uri)
    result = await ls.scheduler.current(doc) if doc is not None else None
    if result is None:
        return None
    codec = ls.codec()
    return features.hover(result, convert.offset(result.lines, params.position, codec), codec, ls.report())


@server.feature(lsp.TEXT_DOCUMENT_CODE_LENS, lsp.CodeLensOptions(resolve_provider=True))
async def code_lens(ls: GoperfServer, params: lsp.CodeLensParams) -> list[lsp.CodeLens] | None:
    doc = ls.doc(params.text_document.uri)
    if doc is None or not ls.options.code_lens:
        return None
    result = await ls.scheduler.current(doc)
    return features.lenses(result, doc.uri, ls.codec()) if result is not None else None


@server.feature(lsp.CODE_LENS_RESOLVE)
def code_lens_resolve(ls: GoperfServer, lens: lsp.CodeLens) -> lsp.CodeLens:
    data = lens.data if isinstance(lens.data, dict) else {}
    doc = ls.doc(str(data.get("uri", "")))
    result = doc.result if doc is not None else None
    title = "goperf"
    if result is not None and result.version == data.get("version"):
        fn = next((f for f in features.functions_with_findings(result) if f.start == data.get("start")), None)
        if fn is not None:
            title = _lens_title(ls, result, fn)
    lens.command = lsp.Command(title=title, command="")
    return lens


def _lens_title(ls: GoperfServer, result: Analysis, fn: features.FunctionFindings) -> str:
    report = ls.report()
    if report is not None:
        package, age = features.package_name(result), convert.age_text(report.age())
        in_bench = report.lookup_benchmark(fn.name, package)
        if in_bench is not None:
            bench, row = in_bench
            return convert.profile_lens_title(row, bench.totals, age, len(fn.findings), bench.name)
        row = report.lookup(fn.name, package)
        if row is not None:
            return convert.profile_lens_title(row, report.totals, age, len(fn.findings))
    return convert.static_lens_title(fn.findings)


@server.feature(lsp.SHUTDOWN)
def shutdown(ls: GoperfServer, *args) -> None:
    ls.scheduler.shutdown()
    ls.compiler.shutdown()


def main_stdio() -> None:
    server.start_io()
