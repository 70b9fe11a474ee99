"""Statements: declarations, assignments, returns, loops, switches, go/defer.

Each statement adds edges to the function's flow graph: an assignment flows the value into
the target (a store through a pointer, into a map or a slice element flows it to the heap),
a return flows into the results, `go` and a `defer` in a loop make the call's arguments
outlive the frame. Loops raise the depth of what they declare, so that an address stored in
a variable declared outside the loop escapes (the compiler's "outlives" rule), and a range
over a function turns the body into the yield closure, as the compiler rewrites it.
"""

from __future__ import annotations

from tree_sitter import Node

from ...parsing import inner, specs
from .fields import (F_ALIAS, F_ALTERNATIVE, F_BODY, F_CHANNEL, F_CONDITION, F_CONSEQUENCE, F_FUNCTION, F_INDEX,
                     F_INITIALIZER, F_LEFT, F_OPERAND, F_RIGHT, F_TYPE, F_UPDATE, F_VALUE)
from .model import INLINE_BUDGET, POINTER_SHAPED, RANGE_FUNC_COST, RANGE_FUNC_RETURN_COST, Flows, Loc, Summary
from .syntax import _has_call, _op, _safe_expr

_NO_OP_STATEMENTS = frozenset({"comment", "break_statement", "continue_statement", "goto_statement",
                                "fallthrough_statement", "empty_statement", "const_declaration", "type_declaration"})


class _Statements:
    """Statement walkers of _FuncAnalysis."""

    def block(self, node: Node) -> None:
        scope: dict[str, Loc] = {}
        self.scopes.append(scope)
        stmt = self.stmt
        if node.type == "block":
            # `{ statement_list }`: the list's statements are walked in the block's scope (stmt would
            # open a second one for the list, empty but for them), the list costing 1 as stmt counts it
            for s in node.named_children:
                if s.type == "statement_list":
                    self.cost += 1
                    for c in s.named_children:
                        stmt(c)
                else:
                    stmt(s)
        else:
            for s in node.named_children:
                stmt(s)
        self.scopes.pop()
        visible = self.visible
        for name in scope:
            visible[name].pop()

    def stmt(self, s: Node) -> None:
        t = s.type
        self.cost += 1
        if t == "statement_list" or t == "block":
            self.block(s)
        elif t in _NO_OP_STATEMENTS:
            pass
        elif t == "short_var_declaration":
            self.short_var(s)
        elif t == "var_declaration":
            for spec in specs(s):
                self.var_spec(spec)
        elif t == "const_declaration" or t == "type_declaration":
            pass
        elif t == "assignment_statement":
            self.assignment(s)
        elif t == "expression_statement":
            for c in s.named_children:
                self.ev_unused(c)
        elif t == "return_statement":
            self.ret(s)
        elif t == "go_statement":
            self.not_inlinable = True
            call = s.named_children[0] if s.named_child_count else None
            if call is not None:
                self.escaping_call(call, "started as a goroutine (`go`)")
        elif t == "defer_statement":
            self.not_inlinable = True
            call = s.named_children[0] if s.named_child_count else None
            if call is not None:
                if self.loop_depth > 0:
                    self.escaping_call(call, "deferred in a loop")
                else:
                    self.call(call, deferred=True)
        elif t == "send_statement":
            self.ev_unused(s.child_by_field_id(F_CHANNEL))
            self.to_heap(self.ev(s.child_by_field_id(F_VALUE)), "sent on a channel", s)
        elif t == "if_statement":
            self.push_scope()
            c = s.child_by_field_id(F_INITIALIZER)
            if c is not None:
                self.stmt(c)
            c = s.child_by_field_id(F_CONDITION)
            known = self.constant_condition(c) if c is not None else None
            if c is not None and known is None:
                self.ev_unused(c)
            for fid, dead in ((F_CONSEQUENCE, known is False), (F_ALTERNATIVE, known is True)):
                c = s.child_by_field_id(fid)
                if c is not None and not dead:  # `if debug {`: the compiler drops the branch (deadcode)
                    self.stmt(c)
            self.pop_scope()
        elif t == "for_statement":
            self.for_stmt(s)
        elif t in ("expression_switch_statement", "type_switch_statement", "select_statement"):
            self.switch(s)
        elif t == "labeled_statement":
            for c in s.named_children:
                if c.type != "label_name":
                    self.stmt(c)
        elif t in ("inc_statement", "dec_statement"):
            target = inner(s.named_children[0]) if s.named_child_count else None
            if target is not None and target.type == "identifier":
                loc = self.use(target)
                if loc is not None:
                    loc.reassigned = True
            elif target is not None:
                self.ev_unused(target)
        elif t in ("break_statement", "continue_statement", "goto_statement", "fallthrough_statement",
                   "empty_statement", "comment"):
            pass
        else:
            for c in s.named_children:
                if c.type.endswith("statement") or c.type in ("block", "statement_list"):
                    self.stmt(c)
                else:
                    self.ev_unused(c)

    def short_var(self, s: Node) -> None:
        left, right = s.child_by_field_id(F_LEFT), s.child_by_field_id(F_RIGHT)
        lhs = left.named_children if left is not None else []
        rhs = right.named_children if right is not None else []
        values = [self.ev(r) for r in rhs]
        for i, ident in enumerate(lhs):
            name = self.name(ident)
            if name == "_":
                continue
            existing = self.scopes[-1].get(name)
            loc = existing if existing is not None else self.declare(ident)
            if existing is not None:
                existing.reassigned = True
                existing.funclit = False
            if loc is None:
                continue
            if len(rhs) == len(lhs):
                self.flow(loc, values[i], "assigned", s)
                if existing is None:
                    self.infer(loc, rhs[i])
                    if loc.funclit:
                        self.bind_closure(loc, values[i])
            elif len(rhs) == 1:
                self.flow(loc, [(l, d) for l, d in values[0] if getattr(l, "kind", "") != "site"] if i else values[0],
                          "assigned", s)
                if existing is None:
                    self.infer_multi(loc, inner(rhs[0]), i)


    def var_spec(self, spec: Node) -> None:
        t = spec.child_by_field_id(F_TYPE)
        value = spec.child_by_field_id(F_VALUE)
        values = value.named_children if value is not None else []
        idents = spec.children_by_field_name("name")
        evs = []
        for v in values:
            if t is not None and self.is_interface_type(t):
                evs.append(self.convert_iface(v))
            else:
                evs.append(self.ev(v))
        for i, ident in enumerate(idents):
            loc = self.declare(ident, "var", t)
            if loc is None:
                continue
            if len(values) == len(idents):
                self.flow(loc, evs[i], "assigned", spec)
                if t is None:
                    self.infer(loc, values[i])
                    if loc.funclit:
                        self.bind_closure(loc, evs[i])
            elif len(values) == 1:
                self.flow(loc, evs[0], "assigned", spec)

    def assignment(self, s: Node) -> None:
        op = _op(s)
        left, right = s.child_by_field_id(F_LEFT), s.child_by_field_id(F_RIGHT)
        lhs = left.named_children if left is not None else []
        rhs = right.named_children if right is not None else []
        values = [self.convert_iface(r) if len(rhs) == len(lhs) and op == "=" and self.iface_target(lhs[i], r)
                  else self.ev(r) for i, r in enumerate(rhs)]
        for i, target in enumerate(lhs):
            if len(rhs) == len(lhs):
                value = values[i]
            elif len(rhs) == 1:
                value = values[0]
            else:
                value = []
            if op == "=" and len(rhs) == len(lhs) and self.self_assign(lhs[i], rhs[i]):
                continue  # `b.buf = b.buf[n:]`: no new pointer is stored (escape.isSelfAssign)
            if op == "+=" and inner(rhs[i]).type == "binary_expression" and self.is_string(rhs[i]):
                pass  # `s += a + b`: the compiler concatenates s, a and b at the inner `+`, assigned to s
            elif op != "=":
                value = []  # `s += x`: no new pointers flow
            self.assign(target, value, s)

    def assign(self, target: Node, value: Flows, stmt: Node) -> None:
        target = inner(target)
        t = target.type
        if t == "identifier":
            name = self.name(target)
            if name == "_":
                return
            loc = self.use(target)
            if loc is None:
                if name in self.st.decls.values:
                    self.to_heap(value, f"stored in the package variable {name}", stmt)
                else:
                    self.to_heap(value, f"stored in {name}", stmt)
                return
            loc.reassigned = True
            loc.funclit = False
            self.flow(loc, value, "assigned", stmt)
        elif t == "selector_expression":
            base = inner(target.child_by_field_id(F_OPERAND))
            loc = self.addressable_local(base)
            if loc is not None:
                self.flow(loc, value, "stored in a field", stmt)
            else:
                self.ev_unused(base)
                if value:
                    self.to_heap(value, f"stored in {self.text(target)}, reachable from outside the frame", stmt)
        elif t == "index_expression":
            base = inner(target.child_by_field_id(F_OPERAND))
            self.ev_unused(target.child_by_field_id(F_INDEX))
            k = self.kind_of(base)
            if k == "array":
                loc = self.addressable_local(base)
                if loc is not None:
                    self.flow(loc, value, "stored in an array element", stmt)
                    return
            self.ev_unused(base)
            if value:
                where = "a map" if k == "map" else "a slice element" if k in ("slice", None) else self.text(base)
                self.to_heap(value, f"stored in {where} ({self.text(target)})", stmt)
        elif t == "unary_expression":  # *p = v
            self.ev_unused(target.child_by_field_id(F_OPERAND))
            if value:
                self.to_heap(value, f"stored through the pointer {self.text(target.child_by_field_id(F_OPERAND))}", stmt)
        else:
            self.ev_unused(target)

    def self_assign(self, dst: Node, src: Node) -> bool:
        """cmd/compile/internal/escape isSelfAssign: `*p = (*p)[i:]`, `x.buf = x.buf[i:j]`,
        `v.x = v.y`, `v.x[i] = v.y[j]` store no pointer that was not already there."""
        dst, src = inner(dst), inner(src)
        if src.type == "slice_expression" and dst.type in ("unary_expression", "selector_expression"):
            base = inner(src.child_by_field_id(F_OPERAND))
            dx, bx = self._deref_name(dst), self._deref_name(base)
            return dx is not None and dx == bx and self.kind_of(base) != "array"
        if dst.type != src.type or dst.type not in ("selector_expression", "index_expression"):
            return False
        if dst.type == "index_expression":
            if any(_has_call(n.child_by_field_id(F_INDEX)) for n in (dst, src)):
                return False
        a, b = dst.child_by_field_id(F_OPERAND), src.child_by_field_id(F_OPERAND)
        return _safe_expr(a) and self.text(a) == self.text(b)

    def _deref_name(self, n: Node) -> str | None:
        """x for `*x` or `x.f` (x a pointer variable): the name an ODEREF/ODOTPTR applies to."""
        if n.type == "unary_expression" and _op(n) == "*":
            x = inner(n.child_by_field_id(F_OPERAND))
        elif n.type == "selector_expression":
            x = inner(n.child_by_field_id(F_OPERAND))
            if self.kind_of(x) != "pointer":
                return None
        else:
            return None
        return self.text(x) if x.type == "identifier" else None

    def constant_condition(self, cond: Node) -> bool | None:
        """The value of an `if` condition made of the package's boolean constants (`debug`,
        `!trace`, `debug && x`), or None when it is not constant."""
        cond = inner(cond)
        t = cond.type
        if t in ("true", "false"):
            return t == "true"
        if t == "identifier":
            name = self.name(cond)
            d = self.st.decls.values.get(name)
            if d is None or d.kind != "package-const" or d.value_node is None or self.lookup(name) is not None:
                return None
            v = inner(d.value_node).type
            return v == "true" if v in ("true", "false") else None
        if t == "unary_expression" and _op(cond) == "!":
            v = self.constant_condition(cond.child_by_field_id(F_OPERAND))
            return None if v is None else not v
        if t == "binary_expression" and _op(cond) in ("&&", "||"):
            left = self.constant_condition(cond.child_by_field_id(F_LEFT))
            right = self.constant_condition(cond.child_by_field_id(F_RIGHT))
            short = _op(cond) == "||"  # the value that decides alone
            if left is short or right is short:
                return short
            return None if left is None or right is None else left
        return None

    def iface_target(self, target: Node, value: Node | None = None) -> bool:
        """Whether assigning to `target` converts the value to an interface (an interface-typed variable)."""
        target = inner(target)
        if target.type in ("selector_expression", "index_expression"):
            # a field or element of a declared interface type, when the value's own kind is known (values
            # of the package's own code are mostly pointers or interfaces already when it is not)
            return self.kind_of(target) == "interface" and value is not None and self.kind_of(value) is not None
        if target.type != "identifier":
            return False
        loc = self.lookup(self.text(target))
        if loc is not None:
            return loc.tkind == "interface" and loc.type_node is not None
        d = self.st.decls.values.get(self.text(target))
        if d is not None and d.type_node is not None and self.st.decls.value_files.get(d.name) is self.f:
            return self.is_interface_type(d.type_node)
        return False

    def addressable_local(self, base: Node) -> Loc | None:
        """The local variable `base` names if it is held by value (struct or array), not through a pointer."""
        base = inner(base)
        if base.type == "identifier":
            loc = self.use(base)
            if loc is not None and loc.tkind in ("struct", "array"):
                return loc
            return None
        if base.type == "selector_expression":
            if self.kind_of(base) not in ("struct", "array"):
                return None  # a field reached through a pointer (or of an unknown type): not in the frame
            return self.addressable_local(base.child_by_field_id(F_OPERAND))
        if base.type == "index_expression" and self.kind_of(base.child_by_field_id(F_OPERAND)) == "array":
            return self.addressable_local(base.child_by_field_id(F_OPERAND))
        return None

    def ret(self, s: Node) -> None:
        self.returns += 1
        exprs = []
        for c in s.named_children:
            exprs.extend(c.named_children if c.type == "expression_list" else [c])
        if len(exprs) == 1 and len(self.result_types) > 1:
            self.flow(self.out, self.ev(exprs[0]), "returned", s)
            return
        for i, e in enumerate(exprs):
            rt = self.result_types[i] if i < len(self.result_types) else None
            value = self.convert_iface(e) if rt is not None and self.is_interface_type(rt) else self.ev(e)
            if self.owner_stack[-1] is None and inner(e).type == "func_literal":
                self.returned_closures.append(self.closure_cost)
            self.flow(self.named_results[i] if i < len(self.named_results) and self.owner_stack[-1] is None
                      else self.out, value, "returned", s)

    def for_stmt(self, s: Node) -> None:
        self.push_scope()
        body = s.child_by_field_id(F_BODY)
        rof = None
        clause = next((c for c in s.named_children if c.type in ("for_clause", "range_clause")), None)
        cond = next((c for c in s.named_children if c != body and c != clause), None)  # Nodes compare by ==
        if clause is not None and clause.type == "for_clause":
            init = clause.child_by_field_id(F_INITIALIZER)
            if init is not None:
                self.stmt(init)
            self.loop_depth += 1
            c = clause.child_by_field_id(F_CONDITION)
            if c is not None:
                self.ev_unused(c)
            c = clause.child_by_field_id(F_UPDATE)
            if c is not None:
                self.stmt(c)
        elif clause is not None:
            right = clause.child_by_field_id(F_RIGHT)
            rv = self.ev(right) if right is not None else []
            rk = self.kind_of(right) if right is not None else None
            self.loop_depth += 1
            if rk == "func":
                rof = self.range_func_begin(s, self.inlined_iterator(right))
            left = clause.child_by_field_id(F_LEFT)
            define = any(c.type == ":=" for c in clause.children)
            # the element type, read before the loop's variables are declared (`for i, x := range x`)
            elem_type = self.element_type(right) if define and right is not None else None
            if left is not None:
                for i, ident in enumerate(left.named_children):
                    if i == 0 or rk in ("string", "int", "chan", "func"):
                        elem = []
                    else:
                        elem = [(l, d + (0 if rk == "array" else 1)) for l, d in rv]
                    if define and ident.type == "identifier":
                        loc = self.declare(ident)
                        if loc is not None:
                            if i == 0 and rk in ("slice", "array", "string", "int"):
                                loc.tkind = "int"
                            elif i == 1 and elem_type is not None:
                                self.set_type(loc, *elem_type)
                            self.flow(loc, elem, "range value", clause)
                    else:
                        self.assign(ident, elem, clause)
        else:
            self.loop_depth += 1
            if cond is not None:
                self.ev_unused(cond)
        if body is not None:
            self.block(body)
        if rof is not None:
            self.range_func_end(s, *rof)
        self.loop_depth -= 1
        self.pop_scope()

    def inlined_iterator(self, right: Node) -> bool:
        """Whether the loop body of `range right` stays on the stack: `right` calls an iterator the
        compiler inlines, so that the closure it returns is a known function at the loop (called
        directly, its yield parameter's tags read) — an inlinable standard-library iterator
        (`strings.SplitSeq`), or a function of this package returning a func literal. Inside a
        closure the compiler was seen to let yield escape unless that closure inlines under the
        plain budget too (regexp's `all` ranging over `matches`; the copy of a closure it compiles
        on its own treats the call as dynamic). (The call was walked already: its summary is there.)"""
        right = inner(right)
        if right.type != "call_expression":
            return False
        fn = inner(right.child_by_field_id(F_FUNCTION))
        facts, _, _ = self.resolve_callee_quiet(fn)
        if facts is None:
            facts, _, _ = self.resolve_callee(fn)
        if isinstance(facts, Summary):
            closures = facts.returned_closures
            if facts.inline_cost is None or not closures:
                return False
            return self.owner_stack[-1] is None or all(c is not None and c <= INLINE_BUDGET for c in closures)
        return isinstance(facts, dict) and facts.get("inline") is not None

    def range_func_begin(self, s: Node, inlined: bool = False) -> tuple:
        """`for x := range f`: the compiler turns the body into a closure (the yield function) passed
        to f, with a state variable `#stateN` it assigns, captured by reference. Syntax cannot see
        whether f keeps yield: assume it does (the compiler's verdict for iterators that are not
        fully inlined), so the body's closure escapes, and with it #state and what it reassigns."""
        site = self.site("func", s, s, "func literal")
        state = self.new_loc("#state", "var", s)
        state.reassigned = state.captured = True
        site.captures.append(state)
        self.owner_stack.append(site)
        saved = self.loop_depth, self.cost, self.not_inlinable, self.recursive, self.returns
        self.loop_depth = 0
        return site, saved, inlined

    def range_func_end(self, s: Node, site: Loc, saved: tuple, inlined: bool) -> None:
        self.owner_stack.pop()
        body_returns = self.returns - saved[4]
        self.loop_depth, self.cost, self.not_inlinable, self.recursive = saved[:4]
        # the body is a closure (15, its own cost not counted); the rewrite around it (state checks, the
        # iterator call, each `return` in the body re-issued after it) costs the function the rest
        self.cost += 15 + RANGE_FUNC_COST + RANGE_FUNC_RETURN_COST * body_returns
        if not inlined:
            self.to_heap([(site, -1)], "the loop body of a range over a function, passed to the iterator as yield", s)


    def switch(self, s: Node) -> None:
        self.push_scope()
        init = s.child_by_field_id(F_INITIALIZER)
        if init is not None:
            self.stmt(init)
        value = s.child_by_field_id(F_VALUE)
        vv = self.ev(value) if value is not None else []
        alias = s.child_by_field_id(F_ALIAS) if s.type == "type_switch_statement" else None
        for case in s.named_children:
            if case.type not in ("expression_case", "type_case", "default_case", "communication_case"):
                continue
            self.push_scope()
            if alias is not None:
                self.type_switch_case(alias, case, vv)
            for c in case.named_children:
                if c.type == "statement_list":
                    self.stmt(c)
                elif case.type == "communication_case" and c.type.endswith("statement"):
                    self.stmt(c)
                elif case.type == "communication_case" and c.type == "receive_statement":
                    self.receive(c)
                elif case.type == "expression_case":
                    self.ev_unused(c)
            self.pop_scope()
        self.pop_scope()

    def type_switch_case(self, alias: Node, case: Node, value: Flows) -> None:
        """`switch v := x.(type)`: in a case of one type, v has that type — the pointer x holds, when
        the type is pointer-shaped, else a copy of the value x points to; in a case of several types,
        `nil` or default, v is x itself, an interface."""
        types = [t for t in case.children_by_field_name("type") if t.is_named] if case.type == "type_case" else []
        single = types[0] if len(types) == 1 and self.text(types[0]) != "nil" else None
        for ident in alias.named_children:
            loc = self.declare(ident, "var", single)
            if loc is None:
                continue
            if single is None:
                loc.tkind = "interface"
                derefs = 0
            else:
                derefs = 0 if loc.tkind in POINTER_SHAPED else 1
            self.flow(loc, [(l, d + derefs) for l, d in value], "type switch", case)

    def receive(self, c: Node) -> None:
        left = c.child_by_field_id(F_LEFT)
        right = c.child_by_field_id(F_RIGHT)
        if right is not None:
            self.ev_unused(right)
        define = any(x.type == ":=" for x in c.children)
        if left is not None and define:
            for ident in left.named_children:
                self.declare(ident)
