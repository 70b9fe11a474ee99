"""Code actions (applied, then compiled with go vet), hover, code lens, configuration, progress."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import time

from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from .conftest import (GO_MOD, TESTDATA, apply_text_edits, change_doc, edits_for, open_doc, wait_published)

BASIC = TESTDATA / "prealloc/slice/basic.go"


def module(tmp_path, name="basic.go"):
    (tmp_path / "go.mod").write_text(GO_MOD)
    path = tmp_path / name
    shutil.copy(BASIC, path)
    return path


def slice_count(diags) -> int:
    return sum(d.code == "prealloc/slice" for d in diags)


def go_vet(go: str, folder) -> None:
    r = subprocess.run([go, "vet", "./..."], cwd=folder, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr


async def actions(client, path, rng, only=None, diagnostics=()):
    return await client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(path.as_uri()), range=rng,
        context=lsp.CodeActionContext(diagnostics=list(diagnostics), only=only)))


async def test_quick_fix_applies_and_compiles(client: LanguageClient, tmp_path, go):
    path = module(tmp_path)
    text = path.read_text()
    diags = await open_doc(client, path, text)
    target = next(d for d in diags if d.code == "prealloc/slice" and "preallocate" in d.message)
    cursor = lsp.Range(target.range.start, target.range.start)  # what an editor sends for the cursor
    got = await actions(client, path, cursor, diagnostics=[target])
    titles = [a.title for a in got]
    assert any(t.startswith("Ignore prealloc/slice") for t in titles), titles
    fix = next(a for a in got if a.kind == lsp.CodeActionKind.QuickFix and a.is_preferred)
    assert fix.diagnostics and fix.diagnostics[0].code == "prealloc/slice"
    fixed = apply_text_edits(text, edits_for(fix.edit, path.as_uri()))
    assert fixed != text and "make([]int, 0, len(xs))" in fixed
    path.write_text(fixed)
    go_vet(go, tmp_path)
    # The server agrees: one finding fewer after the edit.
    after = await change_doc(client, path, 2, [lsp.TextDocumentContentChangeWholeDocument(text=fixed)])
    assert slice_count(after) == slice_count(diags) - 1


async def test_fix_all_and_ignore(vsclient: LanguageClient, tmp_path, go):
    path = module(tmp_path)
    text = path.read_text()
    diags = await open_doc(vsclient, path, text)
    everything = lsp.Range(lsp.Position(0, 0), lsp.Position(len(text.splitlines()), 0))
    got = await actions(vsclient, path, everything, only=["source.fixAll"])
    assert [a.kind for a in got] == ["source.fixAll.goperf"]
    fixed = apply_text_edits(text, edits_for(got[0].edit, path.as_uri()))
    path.write_text(fixed)
    go_vet(go, tmp_path)
    left = await change_doc(vsclient, path, 2, [lsp.TextDocumentContentChangeWholeDocument(text=fixed)])
    # Only findings without a safe fix remain (the conditional-append hint).
    assert left and slice_count(left) < slice_count(diags)
    # "Ignore here" silences one of them, with the line's indentation.
    target = left[0]
    got = await actions(vsclient, path, target.range, only=[lsp.CodeActionKind.QuickFix])
    ignore = next(a for a in got if a.title == f"Ignore {target.code} here")
    ignored = apply_text_edits(fixed, edits_for(ignore.edit, path.as_uri()))
    line = ignored.splitlines()[target.range.start.line]
    assert line.strip() == f"//goperf:ignore {target.code}"
    assert line.startswith("\t\t") or line.startswith("\t")
    final = await change_doc(vsclient, path, 3, [lsp.TextDocumentContentChangeWholeDocument(text=ignored)])
    assert len(final) < len(left)
    path.write_text(ignored)
    go_vet(go, tmp_path)


async def test_hover(client: LanguageClient, tmp_path):
    path = module(tmp_path)
    diags = await open_doc(client, path)
    target = next(d for d in diags if "preallocate" in d.message)
    inside = lsp.Position(target.range.start.line, target.range.start.character + 1)
    h = await client.text_document_hover_async(lsp.HoverParams(lsp.TextDocumentIdentifier(path.as_uri()), inside))
    assert h is not None and h.contents.kind == lsp.MarkupKind.Markdown
    text = h.contents.value
    assert "prealloc/slice" in text and "*Why:*" in text and target.message in text
    assert h.range.start.line == target.range.start.line
    # Nothing to say away from findings.
    none = await client.text_document_hover_async(lsp.HoverParams(lsp.TextDocumentIdentifier(path.as_uri()), lsp.Position(0, 0)))
    assert none is None


async def test_code_lens_static_then_profile(client: LanguageClient, tmp_path):
    path = module(tmp_path)
    diags = await open_doc(client, path)
    lenses = await client.text_document_code_lens_async(lsp.CodeLensParams(lsp.TextDocumentIdentifier(path.as_uri())))
    flagged_funcs = {d.range.start.line for d in diags}
    assert lenses and len(lenses) <= len(flagged_funcs)
    assert all(lens.command is None for lens in lenses)  # resolved lazily
    first = await client.code_lens_resolve_async(lenses[0])
    assert first.command.title.startswith("goperf:")
    assert "static estimate" in first.command.title or "finding" in first.command.title
    # A profile report in the workspace root replaces the static figures.
    report = {"functions": [{"function": "example.com/goperftest.rangeSlice", "heap_bytes": 4096, "objects": 8,
                             "gc_cycles": 1, "morestack": 2, "stack_copy_bytes": 0, "calls": 2}],
              "totals": {"heap_bytes": 8192, "gc_cycles": 4}, "meta": {"created": time.time() - 120}}
    (tmp_path / "goperf-profile.json").write_text(json.dumps(report))
    by_line = {lens.range.start.line: lens for lens in lenses}
    line = next(i for i, l in enumerate(path.read_text().splitlines()) if l.startswith("func rangeSlice"))
    resolved = await client.code_lens_resolve_async(by_line[line])
    title = resolved.command.title
    assert "2.0 KiB/op" in title and "4 objects/op" in title and "GC share 25%" in title
    assert "morestack 2" in title and "2 min old" in title
    # Per-benchmark sections (`profile run`): per op in the benchmark where it allocates most.
    row = lambda n, b: {"function": "example.com/goperftest.rangeSlice", "heap_bytes": b, "objects": n,  # noqa: E731
                        "gc_cycles": 1, "morestack": 0, "ops": 100}
    report["benchmarks"] = {
        "BenchmarkSmall": {"ops": 100, "functions": [row(100, 6400)], "totals": {"gc_cycles": 2}},
        "BenchmarkLarge": {"ops": 100, "functions": [row(300, 102400)], "totals": {"gc_cycles": 4}},
        "BenchmarkBroken": {"functions": "not a list"},
    }
    (tmp_path / "goperf-profile.json").write_text(json.dumps(report))
    title = (await client.code_lens_resolve_async(by_line[line])).command.title
    assert "1.0 KiB/op" in title and "3 objects/op" in title and "GC share 25%" in title, title
    assert "BenchmarkLarge" in title, title


async def test_configuration_change_relints(vsclient: LanguageClient, tmp_path):
    path = module(tmp_path)
    diags = await open_doc(vsclient, path)
    assert any(d.code == "prealloc/slice" for d in diags)
    mark = len(vsclient.published)
    vsclient.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(
        settings={"goperf": {"disable": ["prealloc"]}}))
    p = await wait_published(vsclient, path.as_uri(), after=mark)
    assert not [d for d in p.diagnostics if d.code.startswith("prealloc/")]
    # Per-rule severities.
    mark = len(vsclient.published)
    vsclient.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(
        settings={"goperf": {"enable": ["all"], "severity": {"prealloc/slice": "error"}}}))
    p = await wait_published(vsclient, path.as_uri(), after=mark)
    severities = {d.severity for d in p.diagnostics if d.code == "prealloc/slice"}
    assert severities == {lsp.DiagnosticSeverity.Error}
    # Pull model: settings null → the server asks workspace/configuration.
    vsclient.set_configuration({"enable": ["all"], "minSeverity": "warning"}, section="goperf")
    mark = len(vsclient.published)
    vsclient.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings=None))
    p = await wait_published(vsclient, path.as_uri(), after=mark)
    assert p.diagnostics and all(d.severity <= lsp.DiagnosticSeverity.Warning for d in p.diagnostics)
    assert len(p.diagnostics) < len(diags)  # the conditional-append hint is below warning


async def test_bad_settings_degrade(fresh: LanguageClient, tmp_path):
    from .conftest import initialize_params

    params = initialize_params("visual_studio_code", tmp_path, options={
        "enable": ["nope/rule", "all"], "minSeverity": 42, "thresholds": {"large-frame": -1, "bogus": 3},
        "maxFileSize": "big", "mystery": True})
    await fresh.initialize_session(params)
    path = module(tmp_path)
    diags = await open_doc(fresh, path)
    assert any(d.code == "prealloc/slice" for d in diags)  # the good parts of the settings still apply
    text = "\n".join(m.message for m in fresh.messages)
    for word in ("nope/rule", "minSeverity", "large-frame", "bogus", "maxFileSize", "mystery"):
        assert word in text, (word, text)


async def test_compiler_on_save_progress(vsclient: LanguageClient, tmp_path):
    path = module(tmp_path)
    diags = await open_doc(vsclient, path)
    mark = len(vsclient.published)
    vsclient.text_document_did_save(lsp.DidSaveTextDocumentParams(lsp.TextDocumentIdentifier(path.as_uri())))
    p = await wait_published(vsclient, path.as_uri(), version=1, after=mark)
    assert p.diagnostics and all(d.source == "goperf (compiler)" for d in p.diagnostics)
    assert len(p.diagnostics) == len(diags)
    (token, reports), = vsclient.progress_reports.items()
    assert [r.kind for r in reports] == ["begin", "end"]
    assert reports[0].cancellable and reports[-1].message == "done"


async def test_compiler_progress_cancel(vsclient: LanguageClient, tmp_path):
    path = module(tmp_path)
    (tmp_path / "slow-compile").write_text("")
    await open_doc(vsclient, path)
    vsclient.text_document_did_save(lsp.DidSaveTextDocumentParams(lsp.TextDocumentIdentifier(path.as_uri())))
    for _ in range(200):
        if vsclient.progress_reports and list(vsclient.progress_reports.values())[0]:
            break
        await asyncio.sleep(0.02)
    token = next(iter(vsclient.progress_reports))
    mark = len(vsclient.published)
    vsclient.window_work_done_progress_cancel(lsp.WorkDoneProgressCancelParams(token=token))
    for _ in range(200):
        if len(vsclient.progress_reports[token]) >= 2:
            break
        await asyncio.sleep(0.02)
    assert vsclient.progress_reports[token][-1].kind == "end"
    assert vsclient.progress_reports[token][-1].message == "cancelled"
    await asyncio.sleep(0.3)
    assert len(vsclient.published) == mark  # nothing published from the cancelled check
