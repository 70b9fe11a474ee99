from goperf.analyzer.config import Config
from goperf.analyzer.driver import analyze_source

SRC = """package p

func f(xs []int) []int {
	var out []int
	for _, x := range xs {
		out = append(out, x) %s
	}
	return out
}
"""


def rules(comment: str) -> list[str]:
    return [f.rule for f in analyze_source((SRC % comment).encode(), "p.go", Config())]


def test_directives():
    assert rules("") == ["prealloc/slice"]
    assert rules("//goperf:ignore prealloc/slice") == []
    assert rules("//goperf:ignore prealloc") == []
    assert rules("//goperf:ignore concat/loop") == ["prealloc/slice"]
    assert rules("//goperf:ignore concat/loop,prealloc/slice") == []
    assert rules("//nolint") == []
    assert rules("//nolint:prealloc") == []
    assert rules("//nolint:errcheck") == ["prealloc/slice"]


def test_directive_on_the_line_above_only_when_alone():
    above = SRC.replace("\t\tout = append(out, x) %s", "\t\t//goperf:ignore prealloc/slice\n\t\tout = append(out, x)")
    assert analyze_source(above.encode(), "p.go", Config()) == []
    trailing_above = SRC.replace("\t\tout = append(out, x) %s", "\t\t_ = x //goperf:ignore prealloc/slice\n\t\tout = append(out, x)")
    assert [f.rule for f in analyze_source(trailing_above.encode(), "p.go", Config())] == ["prealloc/slice"]
