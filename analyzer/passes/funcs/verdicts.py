"""Heap verdicts: solving a function's flow graph and summarising what escaped.

A walk back from the heap and from the results finds every location whose address reaches
them (derefs < 0 on the path); those escape — moved to the heap for variables, "escapes to
heap" for allocation sites — with the path as the explanation. Locations too large for the
stack escape whatever the flow. The summary keeps the facts callers read (parameter leaks,
inlining cost, sites and moved variables an inlining caller re-creates) and the frame size.
"""

from __future__ import annotations

from dataclasses import replace

from ...context import SourceFile
from .model import (INLINE_BUDGET, MAX_IMPLICIT_STACK_VAR, MAX_STACK_VAR, POINTER_SHAPED, BoundClosure, Loc, Step,
                    Summary, Verdict)

BASIC_OR_WORD_KINDS = POINTER_SHAPED | {"int", "float", "bool", "string", "slice"}
from .syntax import _has_pragma


class _Verdicts:
    """Solving the flow graph and summarising it, for _FuncAnalysis."""

    def solve(self) -> None:
        """Walk back from the heap and from the results; a location reached with derefs < 0 escapes."""
        self.reach_heap = self.walk(self.heap)
        self.reach_out = self.walk(self.out)
        for loc in self.locs:
            if loc.escaped is not None:
                continue
            if loc in self.reach_heap and self.reach_heap[loc][0] < 0:
                loc.escaped = ("heap", _steps(self.reach_heap[loc][1]))
            elif loc in self.reach_out and self.reach_out[loc][0] < 0:
                loc.escaped = ("out", _steps(self.reach_out[loc][1]))
        # escaped locations are heap roots themselves: what their contents point to escapes too
        extra = [l for l in self.locs if l.escaped is not None and l.escaped[0] == "outlives"]
        for root in extra:
            for loc, (d, path) in self.walk(root).items():
                if d < 0 and loc.escaped is None and loc is not root:
                    loc.escaped = ("heap", _steps(path) + root.escaped[1])

    def walk(self, root: Loc) -> dict[Loc, tuple[int, tuple | None]]:
        """The least dereference count at which each location reaches `root`, with the path as a chain
        (why, node, rest) — turned into Steps only for the locations that escape."""
        best: dict[Loc, tuple[int, tuple | None]] = {root: (0, None)}
        todo = [root]
        while todo:
            loc = todo.pop()
            d, path = best[loc]
            if d < 0:
                d = 0
            for src, k, why, node in loc.edges:
                nd = d + k
                old = best.get(src)
                if old is None or nd < old[0]:
                    best[src] = (nd, (why, node, path))
                    todo.append(src)
        return best

    def summarize(self, params, names, variadic, iface_params, ptr_recv) -> Summary:
        verdicts: list[Verdict] = []
        inline_moved: list[tuple[str, str, int | None]] = []
        heap_sites = result_sites = 0
        frame = self.inlined_frame  # what the callees inlined here keep on the stack
        returns_local = False
        fname = self.key
        # closures inlined at their calls: what happens in them is reported at each call
        inlined_at = {id(lit.site): (var.name, lit) for var, lit in self.bound.items() if var.funclit and lit.inlined()}
        in_frame = self.inplace_literals | inlined_at.keys()  # closures whose locals live in this frame
        for loc in self.locs:
            too_big = loc.kind in ("var", "param", "result") and loc.size is not None and loc.size > MAX_STACK_VAR
            if loc.kind == "site":
                too_big = loc.const_size is not None and loc.const_size > MAX_IMPLICIT_STACK_VAR
            if loc.escaped is None and not too_big:
                if loc.owner != id(None) and loc.owner not in in_frame:
                    continue  # a local of a closure compiled on its own: in that closure's frame
                if loc.kind == "var" and loc.size and _in_memory(loc):
                    frame += loc.size
                elif loc.kind == "site" and loc.const_size and loc.const_size > 0:
                    frame += loc.const_size
                continue
            how, path = loc.escaped if loc.escaped is not None else ("big", [])
            if too_big and loc.escaped is None:
                path = [Step("too large for the stack", loc.node)]
            if how == "out":
                returns_local = True
            # what happens inside a closure is decided with the closure, wherever the function is inlined
            in_closure = loc.owner != id(None)
            if loc.kind == "site":
                if in_closure:
                    pass
                elif how == "out" and loc.site_kind != "inlined":
                    result_sites += 1
                elif how != "out":
                    heap_sites += 1
                if not loc.report:
                    continue
                if loc.site_kind == "make" and loc.const_size == -1 and how == "big":
                    continue
                desc = loc.desc if isinstance(loc.desc, str) else f"{loc.desc[0]}{self.text(loc.desc[1])}{loc.desc[2]}"
                verdict = Verdict("site", desc, loc.node, self.f, fname, _reason(how, path, self.f), path, loc.site_kind)
            elif loc.kind in ("var", "param", "result"):
                if not in_closure:
                    inline_moved.append((loc.name, "result" if how == "out" else "heap", loc.size))
                verdict = Verdict("moved", loc.name, loc.node, self.f, fname, _reason(how, path, self.f, True), path)
            else:
                continue
            inlined = inlined_at.get(loc.owner) if in_closure else None
            if inlined is None:
                verdicts.append(verdict)
            else:
                verdicts.extend(_at_inlined_calls(verdict, *inlined))
        for outside, call, key in self.instantiated:
            short = key.rsplit("/", 1)[-1]
            for rel, line, col, kind, text in outside:
                why = f"in the code of {short} the compiler builds into this package for this call ({rel}:{line}:{col})"
                verdicts.append(Verdict("moved" if kind == "moved" else "site", text, call, self.f, fname, why,
                                        [Step(why, call)], "" if kind == "moved" else "instantiated", at=(rel, line, col)))
        out_params: list[tuple[int | None, int | None]] = []
        for p in params:
            if p is None:
                out_params.append((None, None))
                continue
            h = self.reach_heap.get(p)
            r = self.reach_out.get(p)
            hd = max(h[0], 0) if h is not None else None
            rd = max(r[0], 0) if r is not None else None
            if p.escaped is not None:
                hd = 0
            out_params.append((hd, rd))
        inline = None
        if not self.not_inlinable and not self.recursive and self.cost <= INLINE_BUDGET:
            inline = self.cost
        if inline is not None and _has_pragma(self.fn, self.f, "//go:noinline"):
            inline = None
        return Summary(self.key, self.fn, self.f, out_params, names, variadic, iface_params, ptr_recv, returns_local,
                       inline, result_sites, heap_sites, frame, self.recursive, verdicts, inline_moved,
                       tuple(self.returned_closures))


def _in_memory(loc: Loc) -> bool:
    """Whether a variable that stays on the stack takes a slot of the frame: its address is taken, or it
    is an array or a struct larger than four words (ssa.CanSSA, roughly); other values live in
    registers, spilled only as the register allocator decides."""
    return loc.addr_taken or loc.tkind not in BASIC_OR_WORD_KINDS and loc.size > 32


def _at_inlined_calls(verdict: Verdict, name: str, closure: BoundClosure) -> list[Verdict]:
    """A verdict in the body of a closure inlined at its calls, placed where the compiler reports it:
    at each call, and in the body only if the closure is also compiled on its own."""
    why = f"in the closure {name}, inlined at this call: {verdict.reason}"
    out = [replace(verdict, node=call, reason=why) for call in closure.calls]
    return out + [verdict] if closure.value_uses else out


def _steps(chain: tuple | None) -> list[Step]:
    out = []
    while chain is not None:
        why, node, chain = chain
        out.append(Step(why, node))
    return out


def _reason(how: str, path: list[Step], f: SourceFile, moved: bool = False) -> str:
    if how == "big":
        return "too large for the stack"
    if how == "outlives" and path:
        return f"{path[0].why} (line {path[0].node.start_point[0] + 1})" if path[0].node is not None else path[0].why
    last = path[-1] if path else None
    if last is None:
        return "its value outlives the function"
    line = f" at line {last.node.start_point[0] + 1}" if last.node is not None else ""
    why = last.why
    if how == "out" and why in ("returned", "assigned"):
        why = "its address is returned" if moved else "returned"
    captured = next((s for s in path if "captured" in s.why), None)
    if moved and captured is not None:
        return f"captured by reference by a closure that is {why.removeprefix('its address is ')}{line}"
    return f"{why}{line}"
