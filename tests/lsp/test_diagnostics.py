"""Diagnostics after didOpen and didChange, checked against the testdata's `// want` lines."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlparse

from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from goperf.analyzer import registry

from .conftest import (analyzer_disagrees, initialize_params, TESTDATA, change_doc, check_wants, edit, open_doc, rule_of, go_testdata,
                       utf16_col)


async def test_open_matches_wants(client: LanguageClient):
    files = go_testdata()
    assert files, "no testdata"
    problems = []
    for path in files:
        if analyzer_disagrees(path.parent):
            continue  # a rule still being written: tests/analyzer reports it, not this suite
        text = path.read_text()
        diags = await open_doc(client, path, text)
        rule = rule_of(path)
        problems += check_wants(text, diags, rule)
        for d in diags:
            assert d.source.startswith("goperf")
            known = registry.lookup(str(d.code))
            assert known is not None, d.code
            page = Path(urlparse(d.code_description.href).path)
            assert page.read_text().startswith(f"# {known.id}\n") and known.title in page.read_text()
            assert d.severity in (lsp.DiagnosticSeverity.Error, lsp.DiagnosticSeverity.Warning,
                                  lsp.DiagnosticSeverity.Information, lsp.DiagnosticSeverity.Hint)
        client.text_document_did_close(lsp.DidCloseTextDocumentParams(lsp.TextDocumentIdentifier(path.as_uri())))
    assert not problems, "\n".join(problems)


async def test_edits_move_and_remove_findings(client: LanguageClient, tmp_path):
    src = TESTDATA / "prealloc/slice/basic.go"
    path = tmp_path / "basic.go"
    shutil.copy(src, path)
    text = path.read_text()
    diags = await open_doc(client, path, text)
    assert not check_wants(text, diags, "prealloc/slice")

    # 1. insert three lines above everything: every finding moves down by three.
    lines = text.splitlines(keepends=True)
    diags2 = await change_doc(client, path, 2, [edit(1, 0, 1, 0, "// a\n// b\n// c\n")])
    text2 = "".join(lines[:1] + ["// a\n// b\n// c\n"] + lines[1:])
    assert [d.range.start.line for d in diags2] == [d.range.start.line + 3 for d in diags]
    assert not check_wants(text2, diags2, "prealloc/slice")

    # 2. fix the first function by hand (two edits in one notification): its finding goes.
    lines2 = text2.splitlines(keepends=True)
    decl = next(i for i, l in enumerate(lines2) if l.strip() == "var out []int")
    want = next(i for i in range(decl, len(lines2)) if "// want" in lines2[i])
    col = lines2[want].index(" // want")
    diags3 = await change_doc(client, path, 3, [
        edit(want, col, want, len(lines2[want]) - 1, ""),
        edit(decl, 1, decl, len(lines2[decl]) - 1, "out := make([]int, 0, len(xs))"),
    ])
    lines3 = list(lines2)
    lines3[want] = lines2[want][:col] + "\n"
    lines3[decl] = "\tout := make([]int, 0, len(xs))\n"
    assert slice_count(diags3) == slice_count(diags) - 1
    assert not check_wants("".join(lines3), diags3, "prealloc/slice")

    # 3. a full-text change is accepted too.
    diags4 = await change_doc(client, path, 4, [lsp.TextDocumentContentChangeWholeDocument(text=text)])
    assert [(d.range, d.message) for d in diags4] == [(d.range, d.message) for d in diags]


def slice_count(diags) -> int:
    return sum(d.code == "prealloc/slice" for d in diags)


NON_ASCII = '''package naïve

// Ünïcödé comments, 日本語, and an emoji 🎉 shift byte columns away from UTF-16 ones.
func grüße(wörter []string) []string {
	var aus []string
	for _, w := range wörter {
		aus = append(aus, "🎉"+w) /* 日本 */ // want "preallocate aus"
	}
	return aus
}

func emoji(xs []string) []string {
	var 結果 []string
	for _, s := range xs {
		/* 🎉é */ 結果 = append(結果, s+"🎉") // 🎉
	}
	return 結果
}
'''


async def test_non_ascii_positions(client: LanguageClient, tmp_path):
    path = tmp_path / "naive.go"
    path.write_text(NON_ASCII)
    diags = await open_doc(client, path)
    lines = NON_ASCII.splitlines()
    got = sorted((d.range.start.line, d.range.start.character, d.range.end.character) for d in diags
                 if d.code == "prealloc/slice")
    assert len(got) == 2, got
    # Each range must cover exactly the text the analyzer flagged, in UTF-16 units.
    for line, start, end in got:
        s = lines[line]
        assert start <= utf16_col(s, len(s))
    row, start, end = got[1]
    s = lines[row]
    flagged_from = s.index("結果 = append")
    assert start == utf16_col(s, flagged_from)
    assert end == utf16_col(s, s.index(" // 🎉"))


async def test_utf8_is_negotiated_when_offered(fresh: LanguageClient, tmp_path):
    params = initialize_params("visual_studio_code", tmp_path)
    params.capabilities.general.position_encodings = [lsp.PositionEncodingKind.Utf16, lsp.PositionEncodingKind.Utf8]
    result = await fresh.initialize_session(params)
    assert result.capabilities.position_encoding == lsp.PositionEncodingKind.Utf8
    path = tmp_path / "naive.go"
    path.write_text(NON_ASCII)
    diags = await open_doc(fresh, path)
    d = max((d for d in diags if d.code == "prealloc/slice"), key=lambda d: d.range.start.line)
    line = NON_ASCII.splitlines()[d.range.start.line]
    assert d.range.start.character == len(line[: line.index("結果 = append")].encode())
