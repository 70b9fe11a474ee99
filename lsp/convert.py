"""Everything that maps analyzer values onto LSP values.

Findings keep tree-sitter byte offsets (UTF-8, as Go tools count them). This module is
the one place that turns byte offsets into LSP positions in the client's units (UTF-16
by default, UTF-8 or UTF-32 when negotiated) and back, using pygls's position codec for
the unit arithmetic. Only `\\n` ends a line, as for tree-sitter and the Go tools.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

from lsprotocol import types as lsp
from pygls.protocol import default_converter
from pygls.uris import from_fs_path
from pygls.workspace.position_codec import PositionCodec

from goperf.analyzer import registry
from goperf.analyzer.model import Applicability, Edit, Estimate, Finding, Fix, Severity

from .rule_docs import doc_uri

SOURCE = "goperf"
FIX_ALL_KIND = "source.fixAll.goperf"

SEVERITY = {
    Severity.ERROR: lsp.DiagnosticSeverity.Error,
    Severity.WARNING: lsp.DiagnosticSeverity.Warning,
    Severity.INFO: lsp.DiagnosticSeverity.Information,
    Severity.HINT: lsp.DiagnosticSeverity.Hint,
}


# --------------------------------------------------------------------------- text


def line_starts(text: bytes) -> list[int]:
    starts = [0]
    find = text.find
    pos = find(b"\n")
    while pos != -1:
        starts.append(pos + 1)
        pos = find(b"\n", pos + 1)
    return starts


def _decode(b: bytes) -> tuple[str, str]:
    """Decode a line; the error handler is returned so that re-encoding round-trips.

    Text that came from the client may carry lone surrogates (JSON allows them);
    text read from disk may be invalid UTF-8. Either way positions stay consistent.
    """
    try:
        return b.decode("utf-8", "surrogatepass"), "surrogatepass"
    except UnicodeDecodeError:
        return b.decode("utf-8", "surrogateescape"), "surrogateescape"


def encode_text(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


class Lines:
    """A read-only view of a text's lines, for position conversion."""

    __slots__ = ("text", "starts")

    def __init__(self, text: bytes, starts: Sequence[int] | None = None):
        self.text = text
        self.starts = starts if starts is not None else line_starts(text)

    def line_bounds(self, row: int) -> tuple[int, int]:
        """Byte range of line `row` without its line break."""
        start = self.starts[row]
        end = self.starts[row + 1] - 1 if row + 1 < len(self.starts) else len(self.text)
        if end > start and self.text[end - 1 : end] == b"\r":
            end -= 1
        return start, end

    def row_of(self, offset: int) -> int:
        return bisect_right(self.starts, offset) - 1


def position(lines: Lines, offset: int, codec: PositionCodec) -> lsp.Position:
    """Byte offset → LSP position in the client's units."""
    offset = max(0, min(offset, len(lines.text)))
    row = lines.row_of(offset)
    start = lines.starts[row]
    prefix = lines.text[start:offset]
    if prefix.isascii() or codec.encoding == lsp.PositionEncodingKind.Utf8:
        return lsp.Position(row, len(prefix))
    s, _ = _decode(prefix)
    return lsp.Position(row, codec.client_num_units(s))


def offset(lines: Lines, pos: lsp.Position, codec: PositionCodec) -> int:
    """LSP position in the client's units → byte offset (clamped to the line's end)."""
    if pos.line < 0:
        return 0
    if pos.line >= len(lines.starts):
        return len(lines.text)
    start, end = lines.line_bounds(pos.line)
    line = lines.text[start:end]
    want = max(0, pos.character)
    if line.isascii() or codec.encoding == lsp.PositionEncodingKind.Utf8:
        return start + min(want, len(line))
    s, errors = _decode(line)
    units = 0
    chars = 0
    for ch in s:
        if units >= want:
            break
        units += codec.impl.code_units_for_char(ch)
        chars += 1
    return start + len(s[:chars].encode("utf-8", errors))


def range_(lines: Lines, start: int, end: int, codec: PositionCodec) -> lsp.Range:
    return lsp.Range(position(lines, start, codec), position(lines, max(start, end), codec))


# --------------------------------------------------------------------------- diagnostics


def diagnostic(finding: Finding, lines: Lines, codec: PositionCodec, uri: str, index: int = 0) -> lsp.Diagnostic:
    rule = registry.lookup(finding.rule)
    related = [
        lsp.DiagnosticRelatedInformation(lsp.Location(uri, range_(lines, r.start, r.end, codec)), r.message)
        for r in finding.related
    ]
    return lsp.Diagnostic(
        range=range_(lines, finding.start, finding.end, codec),
        message=finding.message,
        severity=SEVERITY.get(finding.severity, lsp.DiagnosticSeverity.Warning),
        code=finding.rule,
        code_description=_code_description(rule),
        source=SOURCE if finding.source == "syntax" else f"{SOURCE} ({finding.source})",
        tags=tags(finding, lines.text) or None,
        related_information=related or None,
        data={"index": index, "rule": finding.rule},
    )


# What pygls sends is `json.dumps(converter.unstructure(message))` with the default separators;
# a publication is built here from per-diagnostic fragments of the same text, so that a keystroke
# serializes only the diagnostics it changed (tests/lsp/test_publish.py checks byte equality).
_CONVERTER = default_converter()
_DATA = "data"


def _code_description(rule) -> lsp.CodeDescription | None:
    uri = doc_uri(rule) if rule is not None else None
    return lsp.CodeDescription(href=uri) if uri else None


def diagnostic_head_json(d: lsp.Diagnostic) -> str:
    """`d` (whose `data` is set, as `diagnostic` sets it) as pygls would serialize it, up to its
    `data` value: `{..., "data": `. `data` is lsprotocol's last Diagnostic field: same order."""
    obj = _CONVERTER.unstructure(d, lsp.Diagnostic)
    del obj[_DATA]
    return json.dumps(obj)[:-1] + ', "data": '


@lru_cache(maxsize=4096)
def _json_str(s: str) -> str:
    return json.dumps(s)


def diagnostic_data_json(index: int, rule: str) -> str:
    """The rest of a fragment after `diagnostic_head_json`: `data` = {"index": …, "rule": …}, and `}`."""
    return f'{{"index": {index}, "rule": {_json_str(rule)}}}}}'


def publish_diagnostics_message(uri: str, fragments: Sequence[str], version: int | None) -> bytes:
    """A whole `textDocument/publishDiagnostics` message (header and body), as pygls frames it."""
    tail = f', "version": {int(version)}' if version is not None else ""
    body = (f'{{"params": {{"uri": {json.dumps(uri)}, "diagnostics": [{", ".join(fragments)}]{tail}}}, '
            f'"method": "textDocument/publishDiagnostics", "jsonrpc": "2.0"}}').encode("utf-8")
    return (b"Content-Length: %d\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n" % len(body)) + body


def tags(finding: Finding, text: bytes) -> list[lsp.DiagnosticTag]:
    """`Unnecessary` when the finding's own fix deletes the flagged code (or a rule says so)."""
    wanted = set(finding.data.get("tags", ())) if isinstance(finding.data, dict) else set()
    for fix in finding.fixes[:1]:
        own = [e for e in fix.edits if e.path in (None, finding.path)]
        if own and all(e.new_text == "" for e in own) and any(
            e.start <= finding.start and finding.end <= e.end for e in own
        ):
            wanted.add("unnecessary")
    out = []
    if "unnecessary" in wanted:
        out.append(lsp.DiagnosticTag.Unnecessary)
    if "deprecated" in wanted:
        out.append(lsp.DiagnosticTag.Deprecated)
    return out


# --------------------------------------------------------------------------- edits and actions


def text_edits(edits: Iterable[Edit], lines: Lines, codec: PositionCodec) -> list[lsp.TextEdit]:
    return [lsp.TextEdit(range_(lines, e.start, e.end, codec), e.new_text) for e in sorted(edits, key=lambda e: (e.start, e.end))]


def workspace_edit(
    per_uri: dict[str, tuple[list[lsp.TextEdit], int | None]], document_changes: bool
) -> lsp.WorkspaceEdit:
    """`{uri: (edits, version)}` → a WorkspaceEdit in the form the client supports."""
    if document_changes:
        return lsp.WorkspaceEdit(
            document_changes=[
                lsp.TextDocumentEdit(lsp.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version), edits)
                for uri, (edits, version) in per_uri.items()
            ]
        )
    return lsp.WorkspaceEdit(changes={uri: edits for uri, (edits, _) in per_uri.items()})


def ignore_edit(finding: Finding, lines: Lines) -> Edit:
    """`//goperf:ignore RULE` on its own line above the finding's line, same indentation."""
    row = lines.row_of(finding.start)
    start, end = lines.line_bounds(row)
    line = lines.text[start:end]
    indent = line[: len(line) - len(line.lstrip(b" \t"))].decode("utf-8", "replace")
    return Edit(start, start, f"{indent}//goperf:ignore {finding.rule}\n")


def fix_kind_preferred(fix: Fix, index: int) -> bool:
    return index == 0 and fix.applicability is Applicability.SAFE


def uri_for(path: str) -> str:
    return from_fs_path(str(Path(path))) or path


# --------------------------------------------------------------------------- hover and lens text


def human_bytes(n: float) -> str:
    n = float(n)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(n) < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GiB"


def _num(n: float) -> str:
    return f"{n:.0f}" if float(n).is_integer() else f"{n:.1f}"


def estimate_text(e: Estimate) -> str:
    text = f"≈ {_num(e.objects)} object{'s' if e.objects != 1 else ''}, {human_bytes(e.bytes)} per {e.per}"
    saved = []
    if e.saved_objects is not None:
        saved.append(f"{_num(e.saved_objects)} object{'s' if e.saved_objects != 1 else ''}")
    if e.saved_bytes is not None:
        saved.append(human_bytes(e.saved_bytes))
    if saved:
        text += f"; the fix saves {', '.join(saved)} per {e.per}"
    return text


def hover_markdown(findings: Sequence[Finding]) -> str:
    parts = []
    for f in findings:
        rule = registry.lookup(f.rule)
        uri = doc_uri(rule) if rule else None
        name = f"[{f.rule}]({uri})" if uri else f.rule
        head = f"**goperf · {name}** — {rule.title}" if rule else f"**goperf · {f.rule}**"
        body = [head, "", f.message]
        if rule is not None:
            why = rule.section("Why is this bad?")
            if why:
                body += ["", "*Why:* " + " ".join(why.split())]
        if f.explain:
            body += ["", "*Flow:*", "", "```", f.explain.strip(), "```"]
        elif f.related:
            body += ["", "*Flow:*"] + [f"- {r.message}" for r in f.related]
        if f.estimate is not None:
            body += ["", "*Cost:* " + estimate_text(f.estimate)]
        if f.fixes:
            body += ["", "*Fix:* " + "; ".join(f"{x.title} ({x.applicability.value})" for x in f.fixes)]
        if f.source != "syntax":
            body += ["", f"*Source:* {f.source}"]
        parts.append("\n".join(body))
    return "\n\n---\n\n".join(parts)


def static_lens_title(findings: Sequence[Finding]) -> str:
    per: dict[str, list[float]] = {}
    for f in findings:
        if f.estimate is not None:
            acc = per.setdefault(f.estimate.per, [0.0, 0.0])
            acc[0] += f.estimate.objects
            acc[1] += f.estimate.bytes
    n = len(findings)
    count = f"{n} finding{'s' if n != 1 else ''}"
    if not per:
        return f"goperf: {count}"
    figures = " + ".join(
        f"{human_bytes(b)}, {_num(o)} object{'s' if o != 1 else ''} per {unit}"
        for unit, (o, b) in sorted(per.items(), key=lambda kv: kv[0] != "call")
    )
    return f"goperf: ≈ {figures} (static estimate, {count})"


def _per_op(row: dict) -> tuple[float, float, bool]:
    """(bytes, objects, per op?): divided by the row's calls or ops when it knows them."""
    calls = row.get("calls") or row.get("ops") or 0
    heap, objects = row.get("heap_bytes", 0), row.get("objects", 0)
    return (heap / calls, objects / calls, True) if calls else (heap, objects, False)


def _gc_share(row: dict, totals: dict) -> str | None:
    total_gc = totals.get("gc_cycles") or 0
    return f"{100.0 * row['gc_cycles'] / total_gc:.0f}%" if "gc_cycles" in row and total_gc else None


def profile_lens_title(row: dict, totals: dict, age: str | None, findings: int, benchmark: str | None = None) -> str:
    """Per-op figures when the row knows its calls or ops (`in BenchmarkX` for a benchmark's row)."""
    heap, objects, per_op = _per_op(row)
    if per_op:
        figures = [f"{human_bytes(heap)}/op", f"{_num(objects)} objects/op"]
    else:
        figures = [human_bytes(heap), f"{_num(objects)} objects"]
    if (share := _gc_share(row, totals)) is not None:
        figures.append(f"GC share {share}")
    if "morestack" in row:
        figures.append(f"morestack {row['morestack']}")
    if row.get("stack_copy_bytes"):
        figures.append(f"stack copy {human_bytes(row['stack_copy_bytes'])}")
    tail = f"profile, {age}" if age else "profile"
    if benchmark:
        tail = f"{benchmark}, {tail}"
    return f"goperf: {' · '.join(figures)} ({tail}; {findings} finding{'s' if findings != 1 else ''})"


HOVER_BENCHMARKS = 10  # rows of the hover's profile table; the rest are counted


def profile_hover_markdown(function: str, rows: Sequence[tuple[str, dict, dict]], age: str | None,
                           limit: int = HOVER_BENCHMARKS) -> str:
    """`function`'s figures in each benchmark naming it, as a table: `rows` are (benchmark, row,
    the benchmark's totals) in the order shown. Columns as the lens shows them: bytes and objects
    per op, GC share, morestack, stack copy (the last three only when some row has them)."""
    shown = list(rows[:limit])
    cells = []
    for name, row, totals in shown:
        heap, objects, per_op = _per_op(row)
        whole = "" if per_op else " (whole run)"
        cells.append([f"`{name}`".replace("|", "\\|"), human_bytes(heap) + whole, _num(objects) + whole,
                      _gc_share(row, totals) or "",
                      str(row["morestack"]) if "morestack" in row else "",
                      human_bytes(row["stack_copy_bytes"]) if row.get("stack_copy_bytes") else ""])
    header = ["benchmark", "bytes/op", "allocs/op", "GC share", "morestack", "stack copy"]
    keep = [i for i in range(len(header)) if i < 3 or any(c[i] for c in cells)]
    n = len(rows)
    tail = f" (report {age})" if age else ""
    lines = [f"**goperf · profile** — `{function}` in {n} benchmark{'s' if n != 1 else ''}{tail}", "",
             "| " + " | ".join(header[i] for i in keep) + " |",
             "|" + "|".join(":---" if i == 0 else "---:" for i in keep) + "|"]
    lines += ["| " + " | ".join(c[i] or "–" for i in keep) + " |" for c in cells]
    if n > len(shown):
        lines += ["", f"… and {n - len(shown)} more benchmark{'s' if n - len(shown) != 1 else ''}"]
    return "\n".join(lines)


def age_text(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds < 60:
        return f"{seconds} s old"
    if seconds < 3600:
        return f"{seconds // 60} min old"
    if seconds < 86400:
        return f"{seconds // 3600} h old"
    return f"{seconds // 86400} d old"
