"""The statement walker: blocks, declarations, assignments, if/for/switch, go and return.

For a benchmark loop (`b.Loop()` or `i < b.N`) the body runs `ops` times; once two
consecutive ops emit identical events the rest are tiled instead of re-interpreted.
"""

from __future__ import annotations

import re

from goperf.analyzer.context import SourceFile
from goperf.analyzer.costs import roundupsize
from goperf.analyzer.parsing import inner, specs
from goperf.analyzer.passes.types import Layout

from .. import schema as S
from .model import DEFAULT_STRLEN, MAX_EVENTS, WORD, EstimateError, Return, Val
from .syntax import passed_to_call


class Statements:
    """Mixin of `Interp`: statements."""

    def block(self, node, env: dict, f: SourceFile) -> None:
        for s in node.named_children:
            self.stmt(s, env, f)

    def stmt(self, s, env: dict, f: SourceFile) -> None:
        t = s.type
        if t in ("block", "statement_list"):
            self.block(s, env, f)
        elif t == "expression_statement":
            self.expr(s.named_children[0], env, f)
        elif t == "short_var_declaration":
            left, right = s.child_by_field_name("left"), s.child_by_field_name("right")
            vals = [self.expr(r, env, f) for r in right.named_children]
            for i, ident in enumerate(left.named_children):
                v = vals[i] if i < len(vals) and len(vals) == len(left.named_children) else None
                env[f.text(ident)] = v if v is not None else Val()
        elif t == "var_declaration":
            for spec in specs(s):
                tn, value = spec.child_by_field_name("type"), spec.child_by_field_name("value")
                names = spec.children_by_field_name("name")
                vals = [self.expr(v, env, f) for v in value.named_children] if value is not None else []
                for i, ident in enumerate(names):
                    v = vals[i] if i < len(vals) else None
                    if v is None:
                        v = self.val_of_type(tn, f) if tn is not None else Val()
                        if v.kind == "slice":
                            v.length, v.stackbuf = 0, not passed_to_call(s, f.text(ident), f)
                    env[f.text(ident)] = v
        elif t == "assignment_statement":
            self.assignment(s, env, f)
        elif t == "inc_statement" or t == "dec_statement":
            pass
        elif t == "return_statement":
            vals = [self.expr(c, env, f) for c in (s.named_children[0].named_children if s.named_children else [])]
            for v in vals:
                if v is not None and v.onstack and v.length:      # runtime.moveSlice at the escape
                    el = v.elem or Layout(WORD, WORD)
                    mem = roundupsize(v.length * el.size, el.has_pointers)
                    if el.has_pointers:
                        mem = mem // el.size * el.size
                    self.alloc(mem, not el.has_pointers)
                    v.onstack = False
            raise Return(vals[0] if vals else None)
        elif t == "if_statement":
            init = s.child_by_field_name("initializer")
            if init is not None:
                self.stmt(init, env, f)
            self.expr(s.child_by_field_name("condition"), env, f)
            cond = f.text(s.child_by_field_name("condition"))
            p = self.params.get(f"if:{cond}", 0.0 if re.search(r"\berr\b\s*!=\s*nil", cond) else 1.0)
            key = (f.path, s.start_byte)
            a = self.acc.get(key, 0.0) + float(p)
            take = a >= 1.0
            self.acc[key] = a - 1.0 if take else a
            if take:
                self.stmt(s.child_by_field_name("consequence"), env, f)
            elif s.child_by_field_name("alternative") is not None:
                self.stmt(s.child_by_field_name("alternative"), env, f)
        elif t == "for_statement":
            self.for_stmt(s, env, f)
        elif t in ("expression_switch_statement", "type_switch_statement"):
            cases = [c for c in s.named_children if c.type in ("expression_case", "default_case", "type_case")]
            if cases:
                for c in cases[0].named_children:
                    if c.type not in ("expression_list",) and c.start_byte >= cases[0].start_byte:
                        if c.type.endswith("statement") or c.type in ("block",):
                            self.stmt(c, env, f)
        elif t == "defer_statement":
            call = s.named_children[0] if s.named_children else None
            if call is not None and call.type == "call_expression":
                args = call.child_by_field_name("arguments")
                for a in args.named_children if args is not None else []:
                    self.expr(a, env, f)
        elif t == "go_statement":
            self.go_stmt(s, env, f)
        elif t == "labeled_statement":
            for c in s.named_children[1:]:
                self.stmt(c, env, f)
        # send, goto, break, continue, fallthrough, empty: nothing to allocate

    def go_stmt(self, s, env, f) -> None:
        call = s.named_children[0] if s.named_children else None
        saved = self.goroutine
        g = self.n_goroutines
        self.n_goroutines += 1
        if self.emit_on:
            self._push(S.EV_GO_START, -1)
        self.goroutine = g
        # the goroutine closure/args are allocated by the creator in reality; we attribute all to the callee
        try:
            if call is not None:
                self.expr(call, env, f)
        finally:
            if self.emit_on:
                self._push(S.EV_GO_END, -1)
            self.goroutine = saved

    def assignment(self, s, env, f) -> None:
        op = f.text(s.child_by_field_name("operator"))
        left, right = s.child_by_field_name("left"), s.child_by_field_name("right")
        lhs = left.named_children
        rhs = right.named_children
        if op == "+=" and len(lhs) == 1:
            cur = self.value(lhs[0], env, f)
            if cur is not None and cur.kind == "string" or self.is_string(lhs[0], env, f):
                add = self.str_len(rhs[0], env, f)
                # concatstrings of the old value and the operands (a nested `a + b` folds into it)
                self.expr_children(rhs[0], env, f, skip_concat=True)
                base = cur.length if cur is not None and cur.length is not None else 0
                n = base + add
                self.alloc(n, True)
                env[f.text(lhs[0])] = Val("string", n)
                return
        vals = [self.expr(r, env, f) for r in rhs]
        for i, target in enumerate(lhs):
            v = vals[i] if i < len(vals) and len(vals) == len(lhs) else None
            tgt = inner(target)
            if tgt.type == "index_expression":
                base = self.value(tgt.child_by_field_name("operand"), env, f)
                self.expr(tgt.child_by_field_name("index"), env, f)
                if base is not None and base.kind == "map":
                    self.map_insert(base)
                continue
            if tgt.type == "selector_expression" and v is not None and op == "=":
                base = self.value(tgt.child_by_field_name("operand"), env, f)
                if base is not None:
                    if base.fields is None:
                        base.fields = {}
                    base.fields[f.text(tgt.child_by_field_name("field"))] = v
            elif tgt.type == "identifier" and v is not None and op == "=":
                env[f.text(tgt)] = v

    def for_stmt(self, s, env, f) -> None:
        body = s.child_by_field_name("body")
        clause = next((c for c in s.named_children if c.type in ("range_clause", "for_clause")), None)
        cond = next((c for c in s.named_children if c is not body and c is not clause), None)
        bench = False
        if clause is None and cond is not None and re.fullmatch(r"\w+\.Loop\(\)", f.text(cond)):
            bench, n = True, self.ops
        elif clause is not None and clause.type == "for_clause" and re.search(r"<\s*\w+\.N$", f.text(
                clause.child_by_field_name("condition") or clause)):
            bench, n = True, self.ops
            self.stmt(clause.child_by_field_name("initializer"), env, f) if clause.child_by_field_name(
                "initializer") else None
        elif clause is not None and clause.type == "range_clause":
            right = clause.child_by_field_name("right")
            self.expr(right, env, f)
            n = self.length(right, env, f)
            left = clause.child_by_field_name("left")
            if left is not None:
                rv = self.value(right, env, f)
                names = [f.text(x) for x in left.named_children]
                for j, name in enumerate(names):
                    if j == 1 and rv is not None and rv.kind == "slice" and rv.elem is not None:
                        env[name] = Val("other")
                    elif j == 0 and rv is not None and rv.kind == "map":
                        env[name] = Val("string", DEFAULT_STRLEN)
                    else:
                        env[name] = Val("other")
        elif clause is not None:
            init = clause.child_by_field_name("initializer")
            if init is not None:
                self.stmt(init, env, f)
            n = self.counter_trips(clause, env, f)
        elif cond is not None:
            n = self.param(f"for:{f.text(cond)}")
        else:
            n = self.param("for:{}", 1)
        if body is None:
            return
        if bench:
            was = self.emit_on
            self.free_all()
            self.emit_on = True
            self.in_bench = True
            # Run the op until two consecutive ops emit identical events, then repeat that op's
            # events for the remaining ones (state carried across ops, e.g. a slice that keeps
            # growing, makes them differ and everything is interpreted).
            done, prev = 0, None
            while done < n:
                start = len(self.ev["kind"])
                self.block(body, env, f)
                self.free_all()
                done += 1
                cur = {k: v[start:] for k, v in self.ev.items()}
                if prev is not None and cur == prev and done < n:
                    reps = n - done
                    if len(self.ev["kind"]) + reps * len(cur["kind"]) > MAX_EVENTS:
                        raise EstimateError(f"more than {MAX_EVENTS} events: lower ops or the loop parameters")
                    for k, v in cur.items():
                        self.ev[k].extend(v * reps)
                    break
                prev = cur
            self.emit_on = was
            self.in_bench = False
            return
        for _ in range(max(int(n), 0)):
            self.block(body, env, f)

    def counter_trips(self, clause, env, f) -> int:
        cond = clause.child_by_field_name("condition")
        if cond is None:
            return self.param("for:{}", 1)
        c = inner(cond)
        if c.type == "binary_expression" and f.text(c.child_by_field_name("operator")) in ("<", "<="):
            hi = c.child_by_field_name("right")
            v = self.int_value(hi, env, f)
            init = clause.child_by_field_name("initializer")
            lo = 0
            if init is not None and init.type == "short_var_declaration":
                r = init.child_by_field_name("right")
                lo = self.int_value(r.named_children[0], env, f) if r is not None and r.named_children else 0
            upd = f.text(clause.child_by_field_name("update"))
            if upd.endswith("++") or upd.endswith("+= 1"):
                return max(v - lo + (1 if f.text(c.child_by_field_name("operator")) == "<=" else 0), 0)
            m = re.search(r"\*=\s*(\d+)$", upd)
            if m and lo > 0:
                k, x = 0, lo
                while x < v:
                    x *= int(m.group(1)); k += 1  # noqa: E702
                return k
            return self.param(f"for:{f.text(cond)}")
        return self.param(f"for:{f.text(cond)}")
