"""Code actions (applied, then compiled with go vet), hover, code lens, configuration, progress."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import time
from datetime import datetime, timezone

from lsprotocol import types as lsp
from pytest_lsp import LanguageClient

from .conftest import (GO_MOD, TESTDATA, apply_text_edits, change_doc, edits_for, open_doc, wait_published)

BASIC = TESTDATA / "prealloc/slice/basic.go"


def _meta(when: float) -> dict:
    """A report's meta as profiler/report.py writes it: `time` (Unix) and `created` (the same, ISO)."""
    return {"created": datetime.fromtimestamp(when, timezone.utc).isoformat(timespec="seconds"), "time": when}


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
              "totals": {"heap_bytes": 8192, "gc_cycles": 4}, "meta": _meta(time.time() - 120)}
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


def bench_row(function: str, heap: int, objects: int, ops: int = 100, **extra) -> dict:
    return {"function": f"example.com/goperftest.{function}", "heap_bytes": heap, "objects": objects,
            "ops": ops, **extra}


def line_of(path, prefix: str) -> int:
    return next(i for i, l in enumerate(path.read_text().splitlines()) if l.startswith(prefix))


async def hover_at(client, path, line: int, character: int):
    return await client.text_document_hover_async(lsp.HoverParams(
        lsp.TextDocumentIdentifier(path.as_uri()), lsp.Position(line, character)))


async def test_hover_profile_per_benchmark(vsclient: LanguageClient, tmp_path):
    path = module(tmp_path)
    diags = await open_doc(vsclient, path)
    report = {
        "functions": [bench_row("rangeSlice", 4096, 8), bench_row("channel", 512, 2)],  # whole run only
        "totals": {"heap_bytes": 8192, "gc_cycles": 4}, "meta": _meta(time.time() - 120),
        "benchmarks": {
            # Report order is not the hover's order: by bytes/op, most first.
            "BenchmarkSmall": {"ops": 100, "functions": [
                bench_row("rangeSlice", 6400, 100, gc_cycles=1, morestack=0),
                bench_row("withBreak", 3200, 50, gc_cycles=1, morestack=0)], "totals": {"gc_cycles": 2}},
            "BenchmarkLarge": {"ops": 50, "functions": [
                bench_row("rangeSlice", 51200, 150, ops=50, gc_cycles=1, morestack=3)], "totals": {"gc_cycles": 4}},
            "BenchmarkBroken": {"functions": "not a list"},
        },
    }
    (tmp_path / "goperf-profile.json").write_text(json.dumps(report))

    # On a finding in rangeSlice: the finding, then both benchmarks' rows.
    target = next(d for d in diags if "preallocate" in d.message and d.range.start.line > line_of(path, "func rangeSlice"))
    assert target.range.start.line < line_of(path, "func literal")
    h = await hover_at(vsclient, path, target.range.start.line, target.range.start.character + 1)
    text = h.contents.value
    assert target.message in text and "**goperf · profile** — `rangeSlice` in 2 benchmarks (report 2 min old)" in text, text
    assert text.index(target.message) < text.index("goperf · profile")
    rows = [l for l in text.splitlines() if l.startswith("| `Benchmark")]
    assert rows == ["| `BenchmarkLarge` | 1.0 KiB | 3 | 25% | 3 |",
                    "| `BenchmarkSmall` | 64 B | 1 | 50% | 0 |"], text
    assert "| benchmark | bytes/op | allocs/op | GC share | morestack |" in text, text
    assert h.range is not None and h.range.start.line == target.range.start.line

    # Anywhere else in rangeSlice (no finding there): the profile section alone.
    h = await hover_at(vsclient, path, line_of(path, "func rangeSlice"), 6)
    assert h is not None and h.contents.value.startswith("**goperf · profile** — `rangeSlice`"), h
    assert "prealloc/slice" not in h.contents.value

    # A function with no findings, named by one benchmark.
    h = await hover_at(vsclient, path, line_of(path, "func withBreak") + 1, 2)
    assert h is not None and "`withBreak` in 1 benchmark (" in h.contents.value
    assert [l for l in h.contents.value.splitlines() if l.startswith("| `")] == ["| `BenchmarkSmall` | 32 B | 0.5 | 50% | 0 |"]

    # Findings in a function no benchmark names: no profile section.
    literal = next(d for d in diags if d.range.start.line > line_of(path, "func literal") and d.code == "prealloc/slice")
    h = await hover_at(vsclient, path, literal.range.start.line, literal.range.start.character + 1)
    assert h is not None and literal.message in h.contents.value and "goperf · profile" not in h.contents.value

    # Neither findings nor benchmark rows (channel is only in the whole-run rows): nothing.
    assert await hover_at(vsclient, path, line_of(path, "func channel") + 1, 2) is None
    assert await hover_at(vsclient, path, 0, 0) is None


def test_lookup_benchmarks_order_and_cap(tmp_path):
    from goperf.lsp import convert
    from goperf.lsp.profile import Reports

    benches = {f"Benchmark{i}": {"functions": [bench_row("T.Get", 100 * (i % 4), 1)]} for i in range(13)}
    benches["BenchmarkOther"] = {"functions": [bench_row("Other", 1 << 20, 1)]}
    path = tmp_path / "report.json"
    path.write_text(json.dumps({"functions": [], "benchmarks": benches}))
    report = Reports().load(str(path))
    found = report.lookup_benchmarks("(*T).Get", "goperftest")
    # By bytes per op, most first; equal figures keep the report's order.
    assert [b.name for b, _ in found] == ["Benchmark3", "Benchmark7", "Benchmark11", "Benchmark2", "Benchmark6",
                                          "Benchmark10", "Benchmark1", "Benchmark5", "Benchmark9", "Benchmark0",
                                          "Benchmark4", "Benchmark8", "Benchmark12"]
    assert report.lookup_benchmark("T.Get", "goperftest")[0].name == "Benchmark3"
    assert report.lookup_benchmarks("Missing", None) == []
    text = convert.profile_hover_markdown("T.Get", [(b.name, row, b.totals) for b, row in found], None)
    assert len([l for l in text.splitlines() if l.startswith("| `")]) == convert.HOVER_BENCHMARKS
    assert text.endswith("… and 3 more benchmarks")
    assert "GC share" not in text and "morestack" not in text  # columns only for figures the rows carry


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
