"""Every rule is well-formed, in the spirit of go/analysis's validate.go and ruff's doc checks."""

from __future__ import annotations

import re

import pytest

from goperf.analyzer import registry
from goperf.analyzer.config import Config
from goperf.analyzer.driver import analyze_source
from goperf.analyzer.rule import DOC_HEADINGS

ID = re.compile(r"^[a-z]+/[a-z][a-z0-9-]*$")
FAMILIES = {"escape", "stack", "prealloc", "concat", "loop", "mutex", "copy"}
RULES = list(registry.RULES)


def test_ids_unique_and_well_formed():
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
    for r in RULES:
        assert ID.match(r.id) and r.family in FAMILIES, r.id
        module = r.check.__module__
        assert module.endswith(r.id.replace("/", ".").replace("-", "_")), f"{r.id} lives in {module}"


def test_redirects_point_at_rules():
    for old, new in registry.REDIRECTS.items():
        assert new in registry.BY_ID and old not in registry.BY_ID


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_doc_page_has_the_four_sections(rule):
    assert rule.title and not rule.title.startswith("#")
    positions = [rule.doc.find(h) for h in DOC_HEADINGS]
    assert all(p >= 0 for p in positions), f"{rule.id} doc lacks one of {DOC_HEADINGS}"
    assert positions == sorted(positions)
    assert "Use instead:" in rule.section("Example")


def _examples(rule) -> tuple[str, str]:
    blocks = re.findall(r"```go\n(.*?)```", rule.section("Example"), re.S)
    assert len(blocks) == 2, f"{rule.id}: Example needs a Go block before and after 'Use instead:'"
    return blocks[0], blocks[1]


def _as_file(snippet: str) -> bytes:
    if snippet.lstrip().startswith("package "):
        return snippet.encode()
    imports = sorted(set(re.findall(r"\b(sync|strings|bytes|fmt|regexp|strconv|errors|io|os|time)\.", snippet)))
    header = "package example\n\n" + "".join(f'import "{i}"\n' for i in imports) + "\n"
    return (header + snippet).encode()


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_doc_example_fires_and_fixed_example_does_not(rule):
    before, after = _examples(rule)
    config = Config(enable=(rule.id,), disable=("all",))
    fired = [f for f in analyze_source(_as_file(before), "example.go", config) if f.rule == rule.id]
    assert fired, f"{rule.id}: its Example does not trigger it"
    clean = [f for f in analyze_source(_as_file(after), "example.go", config) if f.rule == rule.id]
    assert not clean, f"{rule.id}: its 'Use instead' example still triggers it: {[f.message for f in clean]}"
