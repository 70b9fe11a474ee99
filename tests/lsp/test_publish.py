"""publishDiagnostics built from cached JSON fragments is byte for byte what pygls would send."""

from __future__ import annotations

from lsprotocol import types as lsp
from pygls.workspace.position_codec import PositionCodec

from goperf.analyzer.config import Config
from goperf.analyzer.model import Related, Severity
from goperf.analyzer import driver
from goperf.analyzer.context import Package, SourceFile
from goperf.lsp import convert
from goperf.lsp.documents import Analysis, DiagnosticCache, Document
from goperf.lsp.server import GoperfServer

from .conftest import TESTDATA, go_testdata


class _Writer:
    def __init__(self):
        self.data = b""

    def write(self, data: bytes) -> None:
        self.data += data


def _pygls_bytes(uri: str, diagnostics: list[lsp.Diagnostic], version: int | None) -> bytes:
    ls = GoperfServer()
    ls.protocol.set_writer(w := _Writer())
    ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=version))
    return w.data


def _published(uri: str, result: Analysis) -> bytes:
    ls = GoperfServer()
    ls.protocol.set_writer(w := _Writer())
    ls._publish(Document(uri, "", result.version, "go"), result)
    return w.data


def _findings(text: bytes, path: str):
    file = SourceFile.parse(path, text)
    return driver.analyze_file(file, Package([file]), Config(enable=("all",)))


def test_fragments_match_pygls_on_testdata():
    files = go_testdata()
    assert files
    total = 0
    for encoding in (lsp.PositionEncodingKind.Utf16, lsp.PositionEncodingKind.Utf8):
        codec = PositionCodec(encoding)
        for path in files:
            text = path.read_bytes()
            uri = path.as_uri()
            findings = _findings(text, str(path))
            diags, payload = DiagnosticCache().convert(findings, convert.Lines(text), codec, uri)
            result = Analysis(7, convert.Lines(text), None, findings, diags, payload=payload)
            assert _published(uri, result) == _pygls_bytes(uri, diags, 7), path
            total += len(diags)
    assert total > 50


def test_cached_fragments_follow_edits():
    """Findings that moved are serialized again, the others keep their text but not their index."""
    path = TESTDATA / "prealloc/slice/basic.go"
    text = path.read_bytes()
    uri = "file:///tmp/b%C3%A9nch.go"
    codec = PositionCodec()
    cache = DiagnosticCache()
    versions = [text, b"// \xc3\xa9t\xc3\xa9 \xf0\x9f\x98\x80\n" + text, text.replace(b"\n", b"\n\n", 3), text]
    for version, source in enumerate(versions, 1):
        findings = _findings(source, "/tmp/b\u00e9nch.go")
        assert findings
        diags, payload = cache.convert(findings, convert.Lines(source), codec, uri)
        fresh = [convert.diagnostic(f, convert.Lines(source), codec, uri, i) for i, f in enumerate(findings)]
        assert diags == fresh
        result = Analysis(version, convert.Lines(source), None, findings, diags, payload=payload)
        assert _published(uri, result) == _pygls_bytes(uri, fresh, version)


def test_fragment_of_a_rich_diagnostic():
    """Non-ASCII text, related information, tags, quotes and backslashes."""
    from goperf.analyzer.model import Finding

    text = 'package p\n\nfunc f() {\n\ts := "h\u00e9llo \\"w\u00f6rld\\" \U0001F600"\n\t_ = s\n}\n'.encode()
    start = text.index(b"s :=")
    finding = Finding(rule="escape/escapes-to-heap", path="/tmp/p.go", start=start, end=start + 30,
                      message='\u00e9 "quoted" \\ back\tslash', severity=Severity.WARNING,
                      related=(Related(start=start + 6, end=start + 12, message="r\u00e9lated"),),
                      data={"tags": ["deprecated"]})
    for encoding in (lsp.PositionEncodingKind.Utf16, lsp.PositionEncodingKind.Utf8, lsp.PositionEncodingKind.Utf32):
        codec = PositionCodec(encoding)
        lines = convert.Lines(text)
        diags, payload = DiagnosticCache().convert([finding, finding], lines, codec, "file:///tmp/p.go")
        assert diags[0].tags and diags[0].related_information
        result = Analysis(3, lines, None, [finding, finding], diags, payload=payload)
        assert _published("file:///tmp/p.go", result) == _pygls_bytes("file:///tmp/p.go", diags, 3)
