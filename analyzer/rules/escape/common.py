"""What both escape rules share: turning a Verdict of passes/funcs/ into a Finding."""

from __future__ import annotations

from typing import Iterator

from ...context import Context
from ...model import Finding, Related
from ...passes.funcs import Verdict, go_anchor, package_funcs


def verdicts(ctx: Context, kind: str) -> list[Verdict]:
    return [v for v in package_funcs(ctx.package).verdicts_in(ctx.path) if v.kind == kind]


def explain(v: Verdict, ctx: Context) -> str:
    lines = [f"{v.what} ({'moved to heap' if v.kind == 'moved' else 'escapes to heap'}) in {v.function}:"]
    for step in v.flow:
        where = f" at line {step.node.start_point[0] + 1}" if step.node is not None else ""
        lines.append(f"  {step.why}{where}")
    lines.append("(predicted from syntax; run with the compiler to confirm)")
    return "\n".join(lines)


def related(v: Verdict) -> tuple[Related, ...]:
    return tuple(Related(s.node.start_byte, s.node.end_byte, s.why) for s in v.flow if s.node is not None)


def findings(ctx: Context, rule, kind: str, message) -> Iterator[Finding]:
    """One finding per compiler position (several sites of an inlined call share one)."""
    seen: set[int] = set()
    anchored = sorted(((go_anchor(v.node), v) for v in verdicts(ctx, kind)), key=lambda av: av[0].start_byte)
    for anchor, v in anchored:
        if anchor.start_byte in seen:
            continue
        seen.add(anchor.start_byte)
        # the verdict names its function (as the pass keys it), except for "init" (package-level
        # initialisers, and the code the compiler instantiates for a type named anywhere) and a method
        # whose receiver has no type yet (half-typed code): those name the declaration around the node
        named = {"function": v.function} if v.function != "init" and not v.function.startswith("None.") else {}
        f = ctx.finding(rule, v.node, message(v), explain=explain(v, ctx), related=related(v),
                        data={"what": v.what, "kind": v.site_kind or "var"}, **named)
        f.start = anchor.start_byte
        f.end = max(v.node.end_byte, anchor.end_byte)
        yield f
