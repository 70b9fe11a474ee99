"""`goperf lint`'s cache of findings per package (cli/cache.py): a package analysed before with the
same files and configuration is read back, anything else is analysed again."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from goperf.cli import cache, lint
from goperf.cli.main import main

from .test_lint_command import SLICE_FLAGGED, run, write

MAP_FLAGGED = """package p

func index(xs []string) map[string]int {
	m := map[string]int{}
	for i, x := range xs {
		m[x] = i
	}
	return m
}
"""


def entries() -> list[Path]:
    return sorted(cache.cache_root().rglob("*.pickle"))


@pytest.fixture
def no_analysis(monkeypatch):
    """Makes any analysis fail: what a run prints then came from the cache."""
    def refuse(*args, **kwargs):
        raise AssertionError("analyzed, though cached")

    return lambda: monkeypatch.setattr(lint, "analyze_package", refuse)


def test_second_run_reads_the_first_runs_findings(tmp_path, capsys, no_analysis):
    write(tmp_path, "p/a.go", SLICE_FLAGGED)
    first = run(capsys, "lint", "--format", "json", str(tmp_path / "p"))
    assert first[0] == 1 and "prealloc/slice" in first[1]
    assert len(entries()) == 1
    no_analysis()
    assert run(capsys, "lint", "--format", "json", str(tmp_path / "p")) == first
    assert run(capsys, "lint", str(tmp_path / "p"))[1].count("prealloc/slice") == 1  # other formats too


def test_an_edit_a_new_file_or_other_options_analyse_again(tmp_path, capsys):
    write(tmp_path, "p/a.go", SLICE_FLAGGED)
    assert "a.go:6:3: prealloc/slice" in run(capsys, "lint", str(tmp_path / "p"))[1]
    write(tmp_path, "p/a.go", "// moved one line down\n" + SLICE_FLAGGED)
    assert "a.go:7:3: prealloc/slice" in run(capsys, "lint", str(tmp_path / "p"))[1]
    write(tmp_path, "p/b.go", MAP_FLAGGED)
    assert "prealloc/map" in run(capsys, "lint", str(tmp_path / "p"))[1]
    assert "prealloc/map" not in run(capsys, "lint", "--disable", "prealloc/map", str(tmp_path / "p"))[1]
    # one file of the package named alone: the others are read but not linted, another key
    assert "prealloc/map" not in run(capsys, "lint", str(tmp_path / "p" / "a.go"))[1]
    assert len(entries()) == 5


def test_damaged_entry_is_analysed_again_and_rewritten(tmp_path, capsys):
    write(tmp_path, "p/a.go", SLICE_FLAGGED)
    first = run(capsys, "lint", str(tmp_path / "p"))
    [entry] = entries()
    entry.write_bytes(b"not a pickle")
    assert run(capsys, "lint", str(tmp_path / "p")) == first
    assert entry.read_bytes() != b"not a pickle"


def test_no_cache_reads_and_writes_nothing(tmp_path, capsys, monkeypatch):
    write(tmp_path, "p/a.go", SLICE_FLAGGED)
    run(capsys, "lint", "--no-cache", str(tmp_path / "p"))
    monkeypatch.setenv("GOPERF_NO_CACHE", "1")
    run(capsys, "lint", str(tmp_path / "p"))
    assert entries() == []


def test_fixes_are_never_served_from_the_cache(tmp_path, capsys):
    path = write(tmp_path, "p/a.go", SLICE_FLAGGED)
    run(capsys, "lint", str(tmp_path / "p"))
    assert main(["lint", "--fix", str(tmp_path / "p")]) in (0, 1)
    assert "make([]int, 0, len(xs))" in path.read_text()


def test_another_goperf_starts_an_empty_cache(tmp_path, capsys, monkeypatch):
    write(tmp_path, "p/a.go", SLICE_FLAGGED)
    run(capsys, "lint", str(tmp_path / "p"))
    [old] = entries()
    monkeypatch.setattr(cache, "fingerprint", lambda: "0" * 16)
    cache._folder.cache_clear()
    run(capsys, "lint", str(tmp_path / "p"))
    [new] = entries()
    assert new.parent.name == "0" * 16 and not old.exists()


def test_key_covers_every_input():
    from goperf.analyzer.config import Config

    sources = {"/p/a.go": b"package p\n", "/p/b.go": b"package p\n"}
    base = cache.key(sources, {"/p/a.go"}, Config())
    assert base == cache.key(dict(reversed(sources.items())), {"/p/a.go"}, Config())  # order-free
    others = [
        cache.key({**sources, "/p/b.go": b"package p\n\n"}, {"/p/a.go"}, Config()),
        cache.key({"/q/a.go": b"package p\n", "/p/b.go": b"package p\n"}, {"/q/a.go"}, Config()),
        cache.key(sources, {"/p/a.go", "/p/b.go"}, Config()),
        cache.key(sources, {"/p/a.go"}, Config(enable=("escape",))),
        cache.key(sources, {"/p/a.go"}, Config(thresholds={**Config().thresholds, "large-frame": 1})),
        cache.key(sources, {"/p/a.go"}, Config(generated=True)),
    ]
    assert base not in others and len(set(others)) == len(others)


def test_fingerprint_covers_the_data_the_analyzer_reads_from_elsewhere():
    """analyzer/costs.py reads the profiler's size classes: a change there changes findings' estimates."""
    base = Path(cache.__file__).resolve().parent.parent
    outside = set()
    for path in (base / "analyzer").rglob("*.py"):
        for m in re.finditer(r'resources\.files\("goperf\.(\w+)"\)\.joinpath\("([^"]+)"', path.read_text()):
            if m.group(1) not in cache._CODE_ROOTS:
                outside.add(f"{m.group(1)}/{m.group(2)}")
    assert outside and outside <= set(cache._DATA_ELSEWHERE)
