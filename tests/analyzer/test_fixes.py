from goperf.analyzer.fixes import apply, apply_edits
from goperf.analyzer.model import Edit, Finding, Fix


def finding(*edits: Edit) -> tuple[Finding, Fix]:
    f = Finding("prealloc/slice", "a.go", 0, 0, "m")
    return f, Fix("t", edits)


def test_non_overlapping_fixes_merge_and_overlapping_wait_for_next_round():
    src = {"a.go": b"0123456789", "b.go": b"abc"}
    first = finding(Edit(0, 2, "AB"))
    clash = finding(Edit(1, 3, "X"))
    other = finding(Edit(5, 6, "F"), Edit(0, 1, "Z", path="b.go"))
    out, applied = apply(src, [first, clash, other])
    assert applied == [first, other]
    assert out == {"a.go": b"AB234F6789", "b.go": b"Zbc"}


def test_a_fix_is_all_or_nothing_across_files():
    src = {"a.go": b"0123456789"}
    out, applied = apply(src, [finding(Edit(0, 1, "x"), Edit(0, 1, "y", path="missing.go"))])
    assert applied == [] and out == src


def test_two_insertions_at_one_point_conflict():
    src = {"a.go": b"ab"}
    _, applied = apply(src, [finding(Edit(1, 1, "x")), finding(Edit(1, 1, "y"))])
    assert len(applied) == 1


def test_apply_edits_back_to_front():
    assert apply_edits(b"hello world", [Edit(0, 5, "bye"), Edit(6, 11, "all")]) == b"bye all"
