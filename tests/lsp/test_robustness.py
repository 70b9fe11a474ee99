"""The server answers or reports an error, never dies, and keeps its memory bounded."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys

import pytest
from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from goperf.analyzer.config import Config
from goperf.analyzer.driver import analyze_source

from .conftest import TESTDATA, change_doc, edit, open_doc, wait_published

BASIC = TESTDATA / "prealloc/slice/basic.go"


async def alive(client: LanguageClient, tmp_path) -> None:
    path = tmp_path / "alive.go"
    shutil.copy(BASIC, path)
    diags = await open_doc(client, path, version=7)
    assert diags
    h = await client.text_document_hover_async(lsp.HoverParams(lsp.TextDocumentIdentifier(path.as_uri()), diags[0].range.start))
    assert h is not None


def rss_kib(pid: int) -> int:
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def raw(client: LanguageClient, body: bytes) -> None:
    client._server.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)


async def raw_request(client: LanguageClient, msg_id: str, method: str, params) -> None:
    """Send a request the typed client could not build; raise what the server answers."""
    fut = asyncio.get_running_loop().create_future()
    client.protocol._request_futures[msg_id] = fut
    raw(client, json.dumps({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params}).encode())
    return await asyncio.wait_for(fut, 10)


async def test_malformed_and_unknown_messages(vsclient: LanguageClient, tmp_path):
    with pytest.raises(JsonRpcException):  # unknown request → MethodNotFound
        await asyncio.wait_for(vsclient.protocol.send_request_async("goperf/noSuchMethod", {"x": 1}), 10)
    vsclient.protocol.notify("goperf/noSuchNotification", {"x": 1})  # ignored
    with pytest.raises(JsonRpcException):  # params of the wrong shape → InvalidParams, answered
        await raw_request(vsclient, "bad-1", lsp.TEXT_DOCUMENT_HOVER, {"bogus": [1, 2]})
    with pytest.raises(JsonRpcException):
        await raw_request(vsclient, "bad-2", lsp.TEXT_DOCUMENT_CODE_ACTION, {"textDocument": 3})
    raw(vsclient, b"{this is not json")
    raw(vsclient, json.dumps({"jsonrpc": "2.0", "method": lsp.TEXT_DOCUMENT_DID_CHANGE, "params": {"nope": 1}}).encode())
    raw(vsclient, json.dumps({"jsonrpc": "2.0", "method": lsp.TEXT_DOCUMENT_DID_OPEN, "params": None}).encode())
    raw(vsclient, json.dumps([1, 2, 3]).encode())
    # Requests about documents that were never opened get empty answers.
    ghost = lsp.TextDocumentIdentifier((tmp_path / "ghost.go").as_uri())
    assert await vsclient.text_document_hover_async(lsp.HoverParams(ghost, lsp.Position(0, 0))) is None
    assert await vsclient.text_document_code_lens_async(lsp.CodeLensParams(ghost)) is None
    assert await vsclient.code_lens_resolve_async(lsp.CodeLens(lsp.Range(lsp.Position(0, 0), lsp.Position(0, 0)), data=[1])) is not None
    vsclient.text_document_did_change(lsp.DidChangeTextDocumentParams(lsp.VersionedTextDocumentIdentifier(version=2, uri=ghost.uri), [edit(0, 0, 0, 0, "x")]))
    # Positions far outside the document are clamped, not fatal.
    path = tmp_path / "p.go"
    shutil.copy(BASIC, path)
    await open_doc(vsclient, path)
    await change_doc(vsclient, path, 2, [edit(10_000, 5, 10_001, 0, "\n// tail\n")])
    h = await vsclient.text_document_hover_async(lsp.HoverParams(lsp.TextDocumentIdentifier(path.as_uri()), lsp.Position(99999, 99999)))
    assert h is None
    await alive(vsclient, tmp_path)
    assert vsclient._server.returncode is None


async def test_huge_file_is_reported_not_analyzed(vsclient: LanguageClient, tmp_path):
    path = tmp_path / "huge.go"
    body = "".join(f"var v{i} = []int{{{i}, {i + 1}, {i + 2}}} // filler line {i:08d}\n" for i in range(200_000))
    text = "package huge\n\n" + body
    assert len(text.encode()) > 10_000_000
    diags = await open_doc(vsclient, path, text)
    assert not diags
    assert any("maxFileSize" in m.message for m in vsclient.messages)
    # Edits to it are cheap and answered; the server stays responsive.
    await change_doc(vsclient, path, 2, [edit(1, 0, 1, 0, "// hello\n")])
    assert await vsclient.text_document_hover_async(lsp.HoverParams(lsp.TextDocumentIdentifier(path.as_uri()), lsp.Position(3, 3))) is None
    vsclient.text_document_did_close(lsp.DidCloseTextDocumentParams(lsp.TextDocumentIdentifier(path.as_uri())))
    await alive(vsclient, tmp_path)


async def test_invalid_utf8_and_non_go(vsclient: LanguageClient, tmp_path):
    # A sibling on disk with invalid UTF-8 bytes is part of the package context.
    (tmp_path / "bad.go").write_bytes(b'package p\n\nvar s = "\xff\xfe\x80"\n\nfunc \xc3(x int) {}\n')
    path = tmp_path / "p.go"
    text = BASIC.read_text().replace("package slice", "package p")
    diags = await open_doc(vsclient, path, text)
    assert diags
    # Lone surrogates (what a client sends for undecodable bytes) and U+FFFD in the buffer.
    odd = text.replace("func rangeSlice", "var odd = \"\udc80\ufffd\"\n\nfunc rangeSlice")
    after = await change_doc(vsclient, path, 2, [lsp.TextDocumentContentChangeWholeDocument(text=odd)])
    assert len(after) == len(diags)
    after = await change_doc(vsclient, path, 3, [edit(2, 0, 2, 0, "\udcff")])
    # Files that are not Go: no diagnostics, no error.
    md = tmp_path / "README.md"
    assert await open_doc(vsclient, md, "# hello\n\nfunc main() { var x []int }\n", language_id="markdown") == ()
    assert await open_doc(vsclient, tmp_path / "data.bin", "\x00\x01\x02" * 1000, language_id="plaintext") == ()
    await alive(vsclient, tmp_path)


async def test_burst_of_edits(vsclient: LanguageClient, tmp_path):
    path = tmp_path / "burst.go"
    shutil.copy(BASIC, path)
    text = path.read_text()
    await open_doc(vsclient, path, text)
    pid = vsclient._server.pid
    before = rss_kib(pid)
    lines = text.splitlines(keepends=True)
    row = next(i for i, l in enumerate(lines) if "x*x" in l)
    col = lines[row].index("x*x")
    mark = len(vsclient.published)
    # 200 edits in about a second: type "+1" repeatedly, deleting every third keystroke's text.
    typed = ""
    for v in range(2, 202):
        if v % 3 == 0 and typed:
            change = edit(row, col + len(typed) - 1, row, col + len(typed), "")
            typed = typed[:-1]
        else:
            ch = "+1"[v % 2]
            change = edit(row, col + len(typed), row, col + len(typed), ch)
            typed += ch
        vsclient.text_document_did_change(lsp.DidChangeTextDocumentParams(
            lsp.VersionedTextDocumentIdentifier(version=v, uri=path.as_uri()), [change]))
        await asyncio.sleep(0.005)
    final = await wait_published(vsclient, path.as_uri(), version=201, after=mark, timeout=30)
    versions = [p.version for p in vsclient.published[mark:] if p.uri == path.as_uri()]
    assert versions == sorted(versions), "a stale result was published over a newer one"
    # (incremental analysis often keeps up with one edit per 5 ms, so coalescing is not guaranteed here)
    assert len(set(versions)) == len(versions) <= 200, "a version was published twice"
    lines[row] = lines[row][:col] + typed + lines[row][col:]
    expected = analyze_source("".join(lines).encode(), str(path), Config(enable=("all",)))
    assert [d.message for d in final.diagnostics] == [f.message for f in expected]
    assert rss_kib(pid) - before < 150_000, "memory grew by more than 150 MB"


async def test_closed_document_gets_nothing_more(vsclient: LanguageClient, tmp_path):
    path = tmp_path / "closed.go"
    shutil.copy(BASIC, path)
    await open_doc(vsclient, path)
    mark = len(vsclient.published)
    await change_doc(vsclient, path, 2, [edit(0, 0, 0, 0, "// x\n")], wait=False)
    vsclient.text_document_did_close(lsp.DidCloseTextDocumentParams(lsp.TextDocumentIdentifier(path.as_uri())))
    await asyncio.sleep(0.5)
    after = [p for p in vsclient.published[mark:] if p.uri == path.as_uri()]
    assert after and not after[-1].diagnostics and after[-1].version is None


def test_goperf_serve_cli_and_imports(tmp_path):
    # `goperf serve` never imports numba or the profiler.
    code = ("import sys, goperf.lsp.cli, goperf.lsp.server; "
            "bad = [m for m in sys.modules if m == 'numba' or m.startswith('goperf.profiler')]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
    # The console script speaks LSP on stdio (with the --stdio flag clients append).
    exe = shutil.which("goperf")
    if exe is None:
        pytest.skip("goperf console script not on PATH")
    init = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                       "params": {"processId": None, "rootUri": None, "capabilities": {}}}).encode()
    shut = json.dumps({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}).encode()
    exit_ = json.dumps({"jsonrpc": "2.0", "method": "exit"}).encode()
    stdin = b"".join(b"Content-Length: %d\r\n\r\n%s" % (len(m), m) for m in (init, shut, exit_))
    r = subprocess.run([exe, "serve", "--stdio"], input=stdin, capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr.decode()
    assert b'"codeActionProvider"' in r.stdout and b'"id": 2' in r.stdout.replace(b'"id":2', b'"id": 2')
