"""`goperf lint` end to end: output formats, exit codes, config, walking, fixes on disk."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from goperf.analyzer.toolchain import gofmt_path
from goperf.cli.main import main

SLICE_FLAGGED = """package p

func squares(xs []int) []int {
	var out []int
	for _, x := range xs {
		out = append(out, x*x)
	}
	return out
}
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_text_output_and_exit_codes(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "p.go", SLICE_FLAGGED)
    write(tmp_path, "clean/c.go", "package clean\n\nfunc F() int { return 1 }\n")
    code, out, _ = run(capsys, "lint", "p.go")
    assert code == 1
    assert out.startswith("p.go:6:3: prealloc/slice: preallocate out")
    assert run(capsys, "lint", "clean")[0] == 0
    code, _, err = run(capsys, "lint", "missing.go")
    assert code == 2 and "no such file" in err
    code, _, err = run(capsys, "lint", "--enable", "nosuch/rule", "p.go")
    assert code == 2 and "unknown rule" in err
    # Comma-separated lists, as golangci-lint's -E/-D take them.
    assert run(capsys, "lint", "--disable", "copy,prealloc/slice", "p.go")[0] == 0
    code, _, err = run(capsys, "lint", "--disable", "copy,nosuch", "p.go")
    assert code == 2 and "'nosuch'" in err


def test_json_contract_counts_utf8_bytes(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "p.go", SLICE_FLAGGED.replace("out = append", "/* é */ out = append"))
    code, out, _ = run(capsys, "lint", "--format", "json", "p.go")
    doc = json.loads(out)
    (f,) = doc["findings"]
    assert code == 1
    assert {"path", "line", "column", "end_line", "end_column", "rule", "severity", "message", "fixes"} <= set(f)
    assert (f["path"], f["line"], f["rule"], f["severity"]) == ("p.go", 6, "prealloc/slice", "warning")
    assert f["column"] == 2 + len("/* é */ ".encode()) + 1  # tab, comment in UTF-8 bytes, 1-based
    (fix,) = f["fixes"]
    (edit,) = fix["edits"]
    assert edit["new_text"] == "out := make([]int, 0, len(xs))"
    assert (edit["line"], edit["column"], edit["end_line"], edit["end_column"]) == (4, 2, 4, 15)
    assert fix["applicability"] == "safe"


def test_sarif_has_rules_results_and_fixes(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "p.go", SLICE_FLAGGED)
    code, out, _ = run(capsys, "lint", "--format", "sarif", "p.go")
    sarif = json.loads(out)
    assert code == 1 and sarif["version"] == "2.1.0"
    (run_,) = sarif["runs"]
    rules = run_["tool"]["driver"]["rules"]
    (result,) = run_["results"]
    assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == "prealloc/slice"
    assert all(r["shortDescription"]["text"] and r["help"]["text"] and "helpUri" not in r for r in rules)
    region = result["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (6, 3)
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "p.go"
    replacement = result["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert replacement["insertedContent"]["text"] == "out := make([]int, 0, len(xs))"


def test_config_file_next_to_go_mod(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "go.mod", "module m\n\ngo 1.24\n")
    write(tmp_path, "pkg/p.go", SLICE_FLAGGED)
    write(tmp_path, "goperf.toml", 'disable = ["prealloc"]\n')
    assert run(capsys, "lint", "./...")[0] == 0
    write(tmp_path, "goperf.toml", 'disable = ["prealloc"]\nbogus = 1\n')
    code, _, err = run(capsys, "lint", "./...")
    assert code == 2 and "unknown option" in err
    write(tmp_path, "goperf.toml", 'min-severity = "error"\n')
    assert run(capsys, "lint", "./...")[0] == 0


def test_walk_skips_like_the_go_tool(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for skipped in ("testdata/a.go", "vendor/v/a.go", ".hidden/a.go", "_old/a.go"):
        write(tmp_path, skipped, SLICE_FLAGGED)
    write(tmp_path, "x/p_test.go", SLICE_FLAGGED)
    write(tmp_path, "x/ok.go", "package p\n")
    assert run(capsys, "lint", "./...")[0] == 0
    code, out, _ = run(capsys, "lint", "--tests", "./...")
    assert code == 1 and out.startswith("x/p_test.go:")


def test_fix_writes_compiling_gofmt_clean_code(tmp_path, capsys, monkeypatch, go):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "go.mod", "module m\n\ngo 1.24\n")
    path = write(tmp_path, "p.go", SLICE_FLAGGED)
    code, out, _ = run(capsys, "lint", "--diff", "p.go")
    assert code == 1 and "+\tout := make([]int, 0, len(xs))" in out
    assert path.read_text() == SLICE_FLAGGED  # --diff writes nothing
    code, out, err = run(capsys, "lint", "--fix", "p.go")
    assert code == 0 and "applied 1 fix" in err
    assert "out := make([]int, 0, len(xs))" in path.read_text()
    assert subprocess.run([gofmt_path(go), "-l", "."], capture_output=True, text=True).stdout == ""
    assert subprocess.run([go, "vet", "."], capture_output=True).returncode == 0
    assert not list(tmp_path.glob(".*goperf"))  # no temp files left behind


def test_fix_refuses_a_file_changed_since_read(tmp_path):
    from goperf.analyzer.config import Config
    from goperf.cli import lint
    from goperf.cli.files import collect
    from goperf.analyzer.model import Applicability

    path = write(tmp_path, "p.go", SLICE_FLAGGED)
    (pkg,) = collect([str(path)])
    result = lint.lint_package(pkg, Config(), {Applicability.SAFE})
    assert result.fixed == 1
    path.write_text(SLICE_FLAGGED + "\n// edited meanwhile\n")
    with pytest.raises(lint.WriteError, match="changed on disk"):
        lint.write_fixed(result)
    assert path.read_text().endswith("// edited meanwhile\n")


def test_broken_code_still_gets_findings_but_no_fix_in_broken_declaration(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    broken = SLICE_FLAGGED + "\nfunc half( {\n"
    broken_inside = SLICE_FLAGGED.replace("return out", "return out +* ")
    write(tmp_path, "a/p.go", broken)
    write(tmp_path, "b/p.go", broken_inside)
    code, out, _ = run(capsys, "lint", "--format", "json", "a")
    (f,) = json.loads(out)["findings"]
    assert code == 1 and f["fixes"]  # the error is in another declaration
    code, out, _ = run(capsys, "lint", "--format", "json", "b")
    (f,) = json.loads(out)["findings"]
    assert code == 1 and not f["fixes"]  # never edit a declaration that does not parse


def test_lint_does_not_import_numba_or_pygls():
    code = ("import sys; from goperf.cli.main import main; "
            "rc = main(['lint', '--format', 'json', 'examples/inventory']); "
            "bad = [m for m in ('numba', 'pygls', 'lsprotocol', 'rich', 'goperf.profiler.replay') if m in sys.modules]; "
            "print(bad); sys.exit(3 if bad else 0)")
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_generated_files_are_skipped_unless_asked(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "gen/z.go", "// Code generated by stringer; DO NOT EDIT.\n\n" + SLICE_FLAGGED)
    write(tmp_path, "gen/mixed.go", SLICE_FLAGGED.replace("package p\n", "package p\n\n// Code generated by x. DO NOT EDIT.\n"))
    code, out, _ = run(capsys, "lint", "gen")
    assert code == 1 and out.startswith("gen/mixed.go:")  # the marker only counts before `package`
    assert run(capsys, "lint", "--generated", "gen")[1].count("prealloc/slice") == 2
    assert run(capsys, "lint", "gen/z.go")[0] == 1  # a generated file named alone is linted


@pytest.mark.parametrize("rel", ["go/types/expr.go", "runtime/mgc.go"])
def test_one_file_reports_what_its_package_run_reports_there(rel):
    """The escape pass summarises a package's functions in its files' order, and in a call cycle the
    order decides which function reads the others' facts (go/types's checker is one big cycle): linting
    one file must build the package in the folder's order, as linting the folder does — and then needs
    to summarise only up to that file's functions (runtime/mgc.go: the files after it are skipped)."""
    from goperf.analyzer.config import Config
    from goperf.analyzer.toolchain import goroot
    from goperf.cli import lint
    from goperf.cli.files import collect

    path = goroot() / "src" / rel
    config = Config(enable=("all",))

    def found(args: list[str]) -> list[tuple]:
        results = lint.lint_all(collect(args), config, jobs=1)
        return sorted((f.rule, f.start, f.end, f.message, f.function) for r in results for f in r.findings
                      if f.path == str(path))

    alone = found([str(path)])
    assert any(rule.startswith("escape/") for rule, *_ in alone)
    assert alone == found([str(path.parent)])
