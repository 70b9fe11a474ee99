"""Printing findings: text (path:line:col: rule: message), JSON (DESIGN.md's contract), SARIF 2.1.0."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Iterable, TextIO

from goperf.analyzer import registry
from goperf.analyzer.model import Finding, Severity

from .positions import LineIndex

VERSION = "0.1.0"
COLOURS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36", Severity.HINT: "2"}


class Locator:
    """Line/column of byte offsets, one index per file."""

    def __init__(self, sources: dict[str, bytes]):
        self.sources = sources
        self._indexes: dict[str, LineIndex] = {}

    def index(self, path: str) -> LineIndex:
        if path not in self._indexes:
            self._indexes[path] = LineIndex(self.sources[path])
        return self._indexes[path]

    def span(self, path: str, start: int, end: int) -> dict:
        idx = self.index(path)
        line, col = idx.line_col(start)
        end_line, end_col = idx.line_col(end)
        return {"line": line, "column": col, "end_line": end_line, "end_column": end_col}

    def utf16_column(self, path: str, line: int, byte_col: int) -> int:
        start = self.index(path).starts[line - 1]
        prefix = self.sources[path][start : start + byte_col - 1].decode("utf-8", "replace")
        return len(prefix.encode("utf-16-le")) // 2 + 1


def display_path(path: str) -> str:
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def write_text(findings: Iterable[Finding], locator: Locator, out: TextIO, colour: bool) -> None:
    for f in findings:
        pos = locator.span(f.path, f.start, f.end)
        where = f"{display_path(f.path)}:{pos['line']}:{pos['column']}"
        rule = f.rule
        if colour:
            where = f"\x1b[1m{where}\x1b[0m"
            rule = f"\x1b[{COLOURS[f.severity]}m{rule}\x1b[0m"
        fixable = " [fix]" if f.fixes else ""
        out.write(f"{where}: {rule}: {f.message}{fixable}\n")


def finding_json(f: Finding, locator: Locator) -> dict:
    out = {"path": display_path(f.path), **locator.span(f.path, f.start, f.end), "rule": f.rule,
           "severity": str(f.severity), "message": f.message, "source": f.source,
           "fixes": [{"title": fix.title, "applicability": fix.applicability.value,
                      "edits": [{"path": display_path(e.path or f.path), **locator.span(e.path or f.path, e.start, e.end),
                                 "new_text": e.new_text} for e in fix.edits]} for fix in f.fixes]}
    if f.function:
        out["function"] = f.function
    if f.estimate is not None:
        out["estimate"] = {k: v for k, v in vars(f.estimate).items() if v is not None}
    if f.explain:
        out["explain"] = f.explain
    if f.related:
        out["related"] = [{"message": r.message, **locator.span(f.path, r.start, r.end)} for r in f.related]
    return out


def write_json(findings: Iterable[Finding], locator: Locator, out: TextIO, notes: list[str]) -> None:
    doc = {"findings": [finding_json(f, locator) for f in findings]}
    if notes:
        doc["notes"] = notes
    json.dump(doc, out, indent=2)
    out.write("\n")


SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note", Severity.HINT: "note"}


def _sarif_region(locator: Locator, path: str, start: int, end: int) -> dict:
    span = locator.span(path, start, end)
    return {"startLine": span["line"], "startColumn": locator.utf16_column(path, span["line"], span["column"]),
            "endLine": span["end_line"], "endColumn": locator.utf16_column(path, span["end_line"], span["end_column"])}


def _artifact(path: str) -> dict:
    return {"uri": Path(display_path(path)).as_posix(), "uriBaseId": "%SRCROOT%"}


def write_sarif(findings: list[Finding], locator: Locator, out: TextIO) -> None:
    rules = list(registry.RULES)
    index = {r.id: i for i, r in enumerate(rules)}
    results = []
    for f in findings:
        result = {
            "ruleId": f.rule,
            "ruleIndex": index.get(f.rule, -1),
            "level": SARIF_LEVEL[f.severity],
            "message": {"text": f.message},
            "locations": [{"physicalLocation": {"artifactLocation": _artifact(f.path),
                                                "region": _sarif_region(locator, f.path, f.start, f.end)}}],
        }
        if f.fixes:
            result["fixes"] = [{
                "description": {"text": fix.title},
                "artifactChanges": [{
                    "artifactLocation": _artifact(e.path or f.path),
                    "replacements": [{"deletedRegion": _sarif_region(locator, e.path or f.path, e.start, e.end),
                                      "insertedContent": {"text": e.new_text}}],
                } for e in fix.edits],
            } for fix in f.fixes]
        results.append(result)
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "goperf",
                "version": VERSION,
                "informationUri": "https://pypi.org/project/goperf/",
                "rules": [{
                    "id": r.id,
                    "name": r.id.replace("/", "-"),
                    "shortDescription": {"text": r.title},
                    "fullDescription": {"text": r.section("What it does") or r.title},
                    "help": {"text": r.doc.strip(), "markdown": r.doc.strip()},
                    "defaultConfiguration": {"level": SARIF_LEVEL[r.severity]},
                    "properties": {"tags": ["performance", r.family], "precision": "high" if r.status == "stable" else "medium"},
                } for r in rules],
            }},
            "columnKind": "utf16CodeUnits",
            "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().as_uri() + "/"}},
            "results": results,
        }],
    }
    json.dump(sarif, out, indent=2)
    out.write("\n")
