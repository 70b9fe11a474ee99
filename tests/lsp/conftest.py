"""pytest-lsp fixtures: `goperf serve` over stdio, driven as recorded real clients."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from pathlib import Path

import pytest_lsp
from lsprotocol import types as lsp
from lsprotocol.converters import get_converter
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

HERE = Path(__file__).resolve().parent
TESTDATA = HERE.parent / "testdata"
SERVER = [sys.executable, "-m", "goperf.lsp.cli", "--stdio"]
CLIENTS = ["neovim@v0.7.0", "visual_studio_code"]
REPO = HERE.parent.parent
# The compiler check on save is played by tests/lsp/fake_compiler.py (the real one runs `go build`).
ENV = {**os.environ, "PYTHONUNBUFFERED": "1", "GOPERF_LSP_COMPILER": "tests.lsp.fake_compiler:apply_compiler",
       "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}


def _publish(client: LanguageClient, params: lsp.PublishDiagnosticsParams):
    client.diagnostics[params.uri] = params.diagnostics
    client.published.append(params)
    client.arrived.set()


def _lens_refresh(client: LanguageClient, params):
    client.lens_refreshes = getattr(client, "lens_refreshes", 0) + 1


def make_client() -> LanguageClient:
    client = LanguageClient(converter_factory=get_converter)
    client.published = []  # every publishDiagnostics, in order
    client.arrived = asyncio.Event()
    register_lsp_features(client, {**DEFAULT_CLIENT_FEATURES, lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: _publish,
                                   lsp.WORKSPACE_CODE_LENS_REFRESH: _lens_refresh})
    return client


CONFIG = ClientServerConfig(server_command=SERVER, server_env=ENV, client_factory=make_client)


def initialize_params(spec: str, root: Path, options: dict | None = None) -> lsp.InitializeParams:
    return lsp.InitializeParams(
        capabilities=client_capabilities(spec),
        root_uri=root.as_uri(),
        workspace_folders=[lsp.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
        initialization_options=options if options is not None else {"enable": ["all"]},
    )


@pytest_lsp.fixture(config=CONFIG, params=CLIENTS)
async def client(lsp_client: LanguageClient, request, tmp_path):
    lsp_client.spec = request.param
    lsp_client.root = tmp_path
    await lsp_client.initialize_session(initialize_params(request.param, tmp_path))
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=CONFIG)
async def vsclient(lsp_client: LanguageClient, tmp_path):
    """One client only, for cases whose behaviour does not depend on the client."""
    lsp_client.spec = "visual_studio_code"
    lsp_client.root = tmp_path
    lsp_client.init_result = await lsp_client.initialize_session(initialize_params("visual_studio_code", tmp_path))
    yield
    await lsp_client.shutdown_session()


async def wait_published(client: LanguageClient, uri: str, version: int | None = None,
                         timeout: float = 20, after: int = 0) -> lsp.PublishDiagnosticsParams:
    """The first publishDiagnostics for `uri` (at `version`, if given) at index ≥ `after`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        for p in client.published[after:]:
            if p.uri == uri and (version is None or p.version == version):
                return p
        left = deadline - loop.time()
        if left <= 0:
            raise TimeoutError(f"no diagnostics for {uri} v{version}; got {[(p.uri, p.version) for p in client.published]}")
        client.arrived.clear()
        try:
            await asyncio.wait_for(client.arrived.wait(), min(left, 0.5))
        except asyncio.TimeoutError:
            pass


async def open_doc(client: LanguageClient, path: Path, text: str | None = None, version: int = 1,
                   language_id: str = "go", wait: bool = True) -> list[lsp.Diagnostic]:
    text = path.read_text() if text is None and path.exists() else (text or "")
    uri = path.as_uri()
    mark = len(client.published)
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(
        lsp.TextDocumentItem(uri=uri, language_id=language_id, version=version, text=text)))
    if not wait:
        return []
    return (await wait_published(client, uri, version, after=mark)).diagnostics


async def change_doc(client: LanguageClient, path: Path, version: int, changes: list, wait: bool = True):
    uri = path.as_uri()
    mark = len(client.published)
    client.text_document_did_change(lsp.DidChangeTextDocumentParams(
        lsp.VersionedTextDocumentIdentifier(uri=uri, version=version), changes))
    if wait:
        return (await wait_published(client, uri, version, after=mark)).diagnostics
    return None


def edit(sl: int, sc: int, el: int, ec: int, text: str) -> lsp.TextDocumentContentChangePartial:
    return lsp.TextDocumentContentChangePartial(range=lsp.Range(lsp.Position(sl, sc), lsp.Position(el, ec)), text=text)


WANT = re.compile(r"//\s*(?:want|ERROR)\s+(.*)$")
PATTERN = re.compile(r'"((?:[^"\\]|\\.)*)"|`([^`]*)`')


def wants(text: str) -> list[tuple[int, re.Pattern]]:
    """(0-based line, pattern) for every `// want` expectation in a testdata file."""
    out = []
    for i, line in enumerate(text.splitlines()):
        m = WANT.search(line)
        if m:
            for q in PATTERN.finditer(m.group(1)):
                out.append((i, re.compile(q.group(1) if q.group(1) is not None else q.group(2))))
    return out


def rule_of(path: Path) -> str:
    rel = path.relative_to(TESTDATA)
    return f"{rel.parts[0]}/{rel.parts[1]}".replace("_", "-")


def go_testdata() -> list[Path]:
    """Testdata files of the registered rules (folders of rules still being written are skipped)."""
    from goperf.analyzer import registry

    return sorted(p for p in TESTDATA.glob("*/*/*.go") if registry.lookup(rule_of(p)) is not None)


def check_wants(text: str, diagnostics, rule: str) -> list[str]:
    """analysistest semantics: every diagnostic of `rule` matches a want on its line, and vice versa."""
    expected = [[line, pat, False] for line, pat in wants(text)]
    problems = []
    for d in diagnostics:
        if d.code != rule:
            continue
        hit = next((e for e in expected if not e[2] and e[0] == d.range.start.line and e[1].search(d.message)), None)
        if hit is None:
            problems.append(f"{rule}: unexpected diagnostic line {d.range.start.line + 1}: {d.message}")
        else:
            hit[2] = True
    problems += [f"{rule}: missing diagnostic line {line + 1} matching {pat.pattern!r}" for line, pat, ok in expected if not ok]
    return problems


def utf16_col(line: str, chars: int) -> int:
    return len(line[:chars].encode("utf-16-le")) // 2


def _index(text: str, pos: lsp.Position, encoding: str) -> int:
    lines = text.splitlines(keepends=True)
    base = sum(len(l) for l in lines[: pos.line])
    if pos.line >= len(lines):
        return len(text)
    line = lines[pos.line]
    units = 0
    for i, ch in enumerate(line):
        if units >= pos.character:
            return base + i
        units += len(ch.encode(encoding if encoding != "utf-16" else "utf-16-le")) // (2 if encoding == "utf-16" else 1)
    return base + len(line.rstrip("\n"))


def apply_text_edits(text: str, edits, encoding: str = "utf-16") -> str:
    spans = sorted(((_index(text, e.range.start, encoding), _index(text, e.range.end, encoding), e.new_text) for e in edits), reverse=True)
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


def edits_for(edit: lsp.WorkspaceEdit, uri: str) -> list[lsp.TextEdit]:
    if edit.document_changes:
        return [e for dc in edit.document_changes if dc.text_document.uri == uri for e in dc.edits]
    return list((edit.changes or {}).get(uri, []))


GO_MOD = "module example.com/goperftest\n\ngo 1.23\n"


@pytest_lsp.fixture(config=CONFIG)
async def fresh(lsp_client: LanguageClient, tmp_path):
    """A started server that the test initializes itself."""
    lsp_client.root = tmp_path
    yield
    await lsp_client.shutdown_session()


def analyzer_disagrees(folder: Path) -> bool:
    """Whether the analyzer itself misses this folder's `// want`s (tests/analyzer/harness.py)."""
    from tests.analyzer import harness

    return bool(harness.run(folder)[2])
