"""Code being typed still gets findings wherever the tree is sound (issue: "including code
with syntax errors"). For every rule's testdata, break the code in three ways and check:
no crash; every expected finding outside the broken declaration is still reported; and
no fix ever touches a declaration that does not parse."""

from __future__ import annotations

from pathlib import Path

import pytest

from goperf.analyzer.config import Config
from goperf.analyzer.context import Package, SourceFile
from goperf.analyzer.driver import analyze_package

from . import harness

FOLDERS = harness.rule_dirs()

BREAKAGES = {
    "trailing half-typed func": lambda src: src + b"\nfunc half(a int, {\n",
    "unclosed call in a new func": lambda src: src + b"\nfunc typing() {\n\tx := compute(1,\n}\n",
    "stray tokens between declarations": lambda src: src.replace(b"\n\nfunc ", b"\n)) := ]\nfunc ", 1),
}


def _broken_top_levels(file: SourceFile) -> list[tuple[int, int]]:
    return [(n.start_byte, n.end_byte) for n in file.tree.root_node.children if n.has_error or n.type == "ERROR"]


@pytest.mark.parametrize("breakage", list(BREAKAGES), ids=list(BREAKAGES))
@pytest.mark.parametrize("folder", FOLDERS, ids=[harness.rule_id(f) for f in FOLDERS])
def test_rules_survive_syntax_errors(folder: Path, breakage: str):
    rid = harness.rule_id(folder)
    config = Config(enable=(rid,), disable=("all",))
    clean = harness.load_package(folder)
    expected = {(Path(f.path).name, harness.line_of(f, clean), f.message)
                for f in analyze_package(clean, config) if f.rule == rid}

    files = [SourceFile.parse(f.path, BREAKAGES[breakage](f.source)) for f in clean.files]
    broken = Package(files)
    assert any(f.tree.root_node.has_error for f in files)
    found = [f for f in analyze_package(broken, config) if f.rule == rid]
    got = {(Path(f.path).name, harness.line_of(f, broken), f.message) for f in found}

    for file in files:
        bad = _broken_top_levels(file)
        for f in found:
            for fix in f.fixes:
                for e in fix.edits:
                    if (e.path or f.path) == file.path:
                        assert not any(s <= e.start < t or s < e.end <= t for s, t in bad), \
                            f"{rid}: a fix edits a declaration with a syntax error"
    # Every breakage keeps the line numbers of the existing code (junk replaces a blank line).
    missing = expected - got
    assert not missing, f"{rid}: findings lost to an unrelated syntax error: {sorted(missing)[:3]}"
