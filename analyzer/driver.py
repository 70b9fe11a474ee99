"""Runs the enabled rules over a package's files and filters what they report."""

from __future__ import annotations

import sys
import traceback
from dataclasses import replace

from tree_sitter import Node

from . import registry
from .config import Config
from .context import Context, Package, SourceFile
from .model import Applicability, Finding, Severity
from .rule import Rule
from .suppress import Suppressions, may_suppress


def enabled_rules(config: Config) -> list[Rule]:
    """Stable rules unless disabled; preview rules only when enabled by id, family or "all"."""
    def named(rule: Rule, names: tuple[str, ...]) -> bool:
        ids = {registry.REDIRECTS.get(n, n) for n in names}
        return rule.id in ids or rule.family in ids or "all" in ids

    out = []
    for rule in registry.RULES:
        on = rule.status == "stable" or named(rule, config.enable)
        if named(rule, config.disable) and not (rule.id in config.enable):
            on = False
        if on:
            out.append(rule)
    return out


def analyze_package(package: Package, config: Config, paths: set[str] | None = None) -> list[Finding]:
    """Findings for the files of `package` (all of them, or those in `paths`)."""
    rules = enabled_rules(config)
    findings: list[Finding] = []
    for file in package.files:
        if paths is None or file.path in paths:
            findings.extend(analyze_file(file, package, config, rules))
    return findings


def analyze_file(file: SourceFile, package: Package, config: Config, rules: list[Rule] | None = None) -> list[Finding]:
    ctx = Context(file, package, config)
    comments = ctx.nodes("comment") if may_suppress(file.source) else []
    suppressions = Suppressions(comments, file.source, registry.REDIRECTS)
    out = []
    for rule in rules if rules is not None else enabled_rules(config):
        for finding in run_rule(rule, ctx):
            if suppressions and suppressions.silences(rule.id, rule.peers, _row(file.source, finding.start)):
                continue
            out.append(_vet_fixes(finding, ctx.root, ctx.nodes("comment")) if finding.fixes else finding)
    out.sort(key=lambda f: (f.start, f.rule))
    return out


def run_rule(rule: Rule, ctx: Context) -> list[Finding]:
    """One rule's findings at or above the configured severity (before suppressions and fix vetting)."""
    try:
        found = list(rule.check(ctx))
    except Exception:  # one broken rule must not hide the others' findings
        print(f"goperf: internal error in {rule.id} on {ctx.path}:\n{traceback.format_exc()}", file=sys.stderr)
        return []
    floor = ctx.config.min_severity or Severity.HINT
    return [f for f in found if f.severity >= floor]


def analyze_source(source: bytes, path: str = "input.go", config: Config | None = None,
                   siblings: list[SourceFile] | None = None) -> list[Finding]:
    """Findings for one file's content, with the package's other files as context."""
    file = SourceFile.parse(path, source)
    package = Package([file, *(s for s in siblings or [] if s.path != path)])
    return analyze_file(file, package, config or Config())


def _row(source: bytes, offset: int) -> int:
    return source.count(b"\n", 0, offset)


def _vet_fixes(finding: Finding, root: Node, comments: list[Node]) -> Finding:
    """Drop fixes that touch broken syntax; downgrade fixes that would delete a comment."""
    kept = []
    for fix in finding.fixes:
        own_edits = [e for e in fix.edits if e.path in (None, finding.path)]
        if any(_touches_error(root, e.start, e.end) for e in own_edits):
            continue
        if fix.applicability is Applicability.SAFE and any(_spans_comment(comments, e.start, e.end) for e in own_edits):
            fix = replace(fix, applicability=Applicability.UNSAFE)
        kept.append(fix)
    return replace(finding, fixes=tuple(kept)) if len(kept) != len(finding.fixes) or kept != list(finding.fixes) else finding


def _touches_error(root: Node, start: int, end: int) -> bool:
    """Whether the top-level declaration around [start, end) has a syntax error."""
    for top in root.children:
        if top.start_byte <= start and end <= top.end_byte:
            return top.has_error or top.type == "ERROR"
    return root.has_error


def _spans_comment(comments: list[Node], start: int, end: int) -> bool:
    return any(start < c.start_byte and c.end_byte <= end for c in comments) if end > start else False
