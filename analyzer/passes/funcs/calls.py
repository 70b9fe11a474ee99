"""Calls: builtins, callee facts and the inlining model.

A call to a function of the package applies its summary (which parameters leak, to the
heap or to a result, at which dereference level); a standard-library callee applies its
table entry; anything else (interface methods, func values) leaks its arguments only when
the call is dynamic. When the callee is inlinable (cost within the compiler's budget of
80), what happens inside it happens at the call: its allocation sites and moved variables
are re-created there and reported at the call's "(", where the compiler reports them.
A closure called through the variable it is bound to (`read := func(...) {...}; read(x)`) is
part of the same graph: the arguments flow into its parameters, and when the compiler would
inline those calls, what happens in its body is reported at each call (see summarize).
"""

from __future__ import annotations

from tree_sitter import Node

from ...parsing import inner
from .fields import F_ARGUMENTS, F_ELEMENT, F_FIELD, F_FUNCTION, F_OPERAND, F_TYPE
from .model import (BASIC_KINDS, CALL_COST, CLOSURE_INLINE_BUDGET, NOT_LEAKING_BUILTINS, PARAM_CALL_COST, BoundClosure,
                    Flows, Loc, Summary)
from .stdlib import _table_facts, stdlib_facts

_CONVERSION_CALLEES = frozenset({"slice_type", "array_type", "map_type", "pointer_type", "parenthesized_type",
                                 "channel_type", "interface_type", "function_type"})  # T(x) with T a type literal


class _Calls:
    """Call walkers of _FuncAnalysis, with the inlining model."""

    def call(self, e: Node, deferred: bool = False) -> Flows:
        fn = e.child_by_field_id(F_FUNCTION)
        if fn is None:  # half-typed code: `defer (` parses as a call with no callee
            return []
        ft = fn.type
        if ft == "parenthesized_expression":
            fn = inner(fn)
            ft = fn.type
        args_node = e.child_by_field_id(F_ARGUMENTS)
        args = [a for a in args_node.named_children if a.type != "comment"] if args_node is not None else []
        paren = args_node if args_node is not None else e
        if ft in _CONVERSION_CALLEES and len(args) == 1:
            return self.conversion(fn, args[0], e)
        name = self.name(fn) if ft == "identifier" else None
        if ft == "selector_expression" and self.imports_unsafe:
            pkg = fn.child_by_field_id(F_OPERAND)
            if pkg.type == "identifier" and self.imports.get(self.name(pkg)) == "unsafe" and \
                    self.lookup(self.name(pkg)) is None:
                return self.unsafe_builtin(self.name(fn.child_by_field_id(F_FIELD)), args)
        if name is not None and not self.visible.get(name):
            if name == "new":
                site = self.site("new", e, paren, ("", e, ""))
                layout = self.st.sizer.layout(args[0], self.f) if args else None
                site.const_size = layout.size if layout is not None else None
                return [(site, -1)]
            if name == "make":
                return self.make(e, args, paren)
            if name == "append":
                return self.append(e, args, paren)
            if name == "panic":
                self.cost += 1
                for a in args:
                    self.to_heap(self.convert_iface(a), "passed to panic", e)
                return []
            if name in NOT_LEAKING_BUILTINS:
                for a in args:
                    self.ev_unused(a)
                return []
            if name in BASIC_KINDS and len(args) == 1:
                return self.conversion(fn, args[0], e)
            if name in self.st.decls.types and len(args) == 1:
                return self.conversion(fn, args[0], e)
        if ft == "func_literal":
            self.cost += 1
            vals_fn = self.func_literal(fn)  # called in place: the closure itself stays on the stack
            self.inplace_literals.add(id(vals_fn[0][0]))  # and is inlined: its locals are in this frame
            for l, _ in vals_fn:
                l.report = False
            for a in args:
                self.ev_unused(a)
            return []
        facts, recv_node, key = self.resolve_callee(fn, name)
        if facts is None:
            if name is not None:
                var = self.lookup(name)
                if var is not None and var.funclit and var in self.bound:
                    return self.closure_call(self.bound[var], args, e, paren, deferred)
            return self.unknown_call(fn, args, e)
        return self.apply_facts(facts, recv_node, args, e, paren, key)

    def unsafe_builtin(self, name: str, args: list[Node]) -> Flows:
        """unsafe.Pointer/String/Slice/SliceData/StringData/Add are builtins of the compiler (one node each,
        no call cost) whose result points where their first argument points; Sizeof & co. are constants."""
        self.cost += 1
        vals = [self.ev(a) for a in args]
        if name in ("Pointer", "String", "Slice", "SliceData", "StringData", "Add") and vals:
            return vals[0]
        return []

    def resolve_callee(self, fn: Node, name: str | None = None) -> tuple[dict | Summary | None, Node | None, str]:
        """The callee's facts (a Summary of this package, or a stdlib table entry), its receiver node."""
        ft = fn.type
        if ft == "identifier":
            if name is None:
                name = self.name(fn)
            if self.visible.get(name):
                return None, None, name
            if name == self.key:
                self.recursive = True
            s = self.st.summary(name)
            return s, None, name
        if ft == "selector_expression":
            operand = fn.child_by_field_id(F_OPERAND)
            if operand.type == "parenthesized_expression":
                operand = inner(operand)
            method = self.name(fn.child_by_field_id(F_FIELD))
            if operand.type == "identifier":
                oname = self.name(operand)
                if not self.visible.get(oname):
                    path = self.imports.get(oname)
                    if path is not None:
                        key = f"{path}.{method}"
                        return stdlib_facts().get(key), None, key
                    if oname not in self.st.decls.values:
                        return None, None, ""
                    # a method of a package-level variable: `std.SetPrefix(prefix)`
            tname = self.static_type(operand)
            if tname is not None:
                if "." in tname:
                    return stdlib_facts().get(f"{tname}.{method}"), operand, f"{tname}.{method}"
                key = f"{tname}.{method}"
                if key == self.key:
                    self.recursive = True
                return self.st.summary(key), operand, key
        if ft == "generic_type" or ft == "index_expression":
            return self.resolve_callee(inner(fn.child_by_field_id(F_TYPE) or fn.child_by_field_id(F_OPERAND)))
        return None, None, ""


    def apply_facts(self, facts, recv_node: Node | None, args: list[Node], e: Node, paren: Node, key: str) -> Flows:
        if isinstance(facts, Summary):
            params, variadic, ifaces, ptr_recv = facts.params, facts.variadic, facts.iface_params, facts.ptr_recv
            inline, sites = facts.inline_cost, ["heap"] * facts.heap_sites + ["result"] * facts.result_sites
            is_method = facts.node.type == "method_declaration"
            moved = facts.inline_moved
        else:
            params, variadic, ifaces, ptr_recv, inline, sites, is_method, moved = _table_facts(
                facts, key, key.count(".") >= 2 and recv_node is not None)
            if "outside" in facts:
                self.instantiated.append((facts["outside"], paren, key))
        self.cost += (inline if inline is not None else CALL_COST) + len(args)
        result: Flows = []
        actuals: list[tuple[Flows, int]] = []  # (value, param index)
        offset = 0
        if is_method and recv_node is not None:
            offset = 1
            if ptr_recv:
                recv_val = self.address_of(recv_node, recv_node) if self.kind_of(recv_node) not in (
                    "pointer", None) or self.addressable_local(recv_node) is not None else self.ev(recv_node)
            else:
                recv_val = self.ev(recv_node)
            actuals.append((recv_val, 0))
        nparams = len(params)
        actuals.extend(self.arguments(args, nparams, variadic, ifaces, e, paren, offset))
        short = key.rsplit("/", 1)[-1]
        for val, pi in actuals:
            heap_d, res_d = params[pi] if pi < nparams else (None, None)
            if heap_d is not None and val:
                self.to_heap([(l, d + heap_d) for l, d in val], f"passed to {short}, which leaks it", e)
            if res_d is not None:
                result.extend((l, d + res_d) for l, d in val)
        if inline is not None:
            for kind in sites:
                s = self.site("inlined", e, paren, f"allocation inside inlined {short}")
                if kind == "heap":
                    self.to_heap([(s, -1)], f"allocated inside the inlined {short}", e)
                else:
                    result.append((s, -1))
            if isinstance(facts, Summary):
                self.inlined_frame += facts.frame  # the callee's stack locals are now the caller's
            for name, kind, *size in moved:  # the inlined body's variables, placed by the compiler at the call
                v = self.new_loc(name, "var", paren)
                v.inlined_from = short
                v.size = size[0] if size else None
                if kind == "heap":
                    self.to_heap([(v, -1)], f"{name} is a variable of {short}, inlined here, whose address escapes", e)
                else:
                    result.append((v, -1))  # moved only if the caller lets the result escape
        return result

    def closure_call(self, literal: BoundClosure, args: list[Node], e: Node, paren: Node, deferred: bool) -> Flows:
        """A call through a variable bound once to a func literal: its arguments flow into the literal's
        parameters. A direct call may be inlined (BoundClosure.inlined; what happens in the body is then
        reported at the call, see summarize); a deferred one, or one from another closure, is not."""
        if deferred or id(self.owner_stack[-1]) != literal.site.owner:
            literal.value_uses += 1
            self.cost += PARAM_CALL_COST + len(args)  # a captured variable
        else:
            literal.calls.append(paren)
            # the enclosing function's cost counts an inlinable callee's cost instead of a call's (hairyVisitor)
            inlinable = literal.cost is not None and literal.cost <= CLOSURE_INLINE_BUDGET
            self.cost += (literal.cost if inlinable else CALL_COST) + len(args)
        params = literal.params
        ifaces = {i for i, (_, iface) in enumerate(params) if iface}
        for val, pi in self.arguments(args, len(params), literal.variadic, ifaces, e, paren):
            if pi < len(params):
                _bind_param(params[pi][0], val, e)
        return []

    def arguments(self, args: list[Node], nparams: int, variadic: bool, ifaces: set[int], e: Node, paren: Node,
                  offset: int = 0) -> list[tuple[Flows, int]]:
        """Each argument's value with the index of the parameter it is passed to (`offset`: a receiver
        comes first). Arguments to an interface parameter are converted; those of a `...T` parameter
        are gathered in the call's "... argument" slice, unless spread (`f(xs...)`)."""
        spread = variadic and any(a.type == "variadic_argument" for a in args)
        last = nparams - 1
        out: list[tuple[Flows, int]] = []
        varargs_vals: Flows = []
        for i, a in enumerate(args):
            pi = i + offset
            if variadic and pi >= last and not spread:
                varargs_vals.extend(self.convert_iface(a) if last in ifaces else self.ev(a))
                continue
            if a.type == "variadic_argument":
                val = self.ev(a.named_children[0]) if a.named_child_count else []
            else:
                val = self.convert_iface(a) if pi in ifaces else self.ev(a)
            out.append((val, pi))
        if variadic and len(args) + offset > last and not spread:
            va = self.site("varargs", e, paren, "... argument")
            self.flow(va, varargs_vals, "element of the ... slice", e)
            out.append(([(va, -1)], last))
        return out

    def unknown_call(self, fn: Node, args: list[Node], e: Node) -> Flows:
        """A callee syntax cannot see: an interface method, a func value, or another package's function."""
        dynamic = False
        cost = CALL_COST
        if fn.type == "identifier":
            loc = self.lookup(self.name(fn))
            if loc is not None and (loc.kind == "param" or loc in self.closure_params
                                    or loc.owner != id(self.owner_stack[-1])):
                cost = PARAM_CALL_COST
            # a func-typed variable: a dynamic call, unless bound once to a func literal (closure_call
            # takes those the walk saw bound; for others, assume the literal's parameters do not leak)
            dynamic = loc is not None and not loc.funclit
        elif fn.type == "selector_expression":
            operand = inner(fn.child_by_field_id(F_OPERAND))
            k = self.kind_of(operand)
            recv = self.ev(operand)
            if k == "interface":
                dynamic = True
                # an interface method call: the receiver is a parameter of an unknown function, it leaks
                if recv:
                    self.to_heap(recv, f"the receiver of {self.text(fn)}, an interface method call syntax cannot see", e)
            elif k == "func":
                dynamic = True
        else:
            self.ev(fn)
        self.cost += cost + len(args)
        for a in args:
            if a.type == "variadic_argument":
                val = self.ev(a.named_children[0]) if a.named_child_count else []
            else:
                val = self.ev(a)
            if dynamic and val:
                self.to_heap(val, f"passed to {self.text(fn)}, which syntax cannot see (dynamic call)", e)
        return []

    def escaping_call(self, call: Node, why: str) -> None:
        """`go f(x)` / a deferred call in a loop: the function value and its arguments outlive the frame."""
        fn = inner(call.child_by_field_id(F_FUNCTION)) if call.type == "call_expression" else None
        if fn is None:
            self.ev(call)
            return
        args_node = call.child_by_field_id(F_ARGUMENTS)
        args = args_node.named_children if args_node is not None else []
        if fn.type == "func_literal":
            self.to_heap(self.func_literal(fn), why, call)
        elif fn.type == "selector_expression":
            self.to_heap(self.ev(fn.child_by_field_id(F_OPERAND)), why, call)
        for a in args:
            self.to_heap(self.ev(a), why, call)

    def make(self, e: Node, args: list[Node], paren: Node) -> Flows:
        for a in args[1:]:
            self.ev_unused(a)
        t = args[0] if args else None
        k, _ = self.type_kind(t)
        if k == "chan":
            return []  # makechan always allocates on the heap: the compiler reports no verdict for it
        site = self.site("make", e, paren, ("", e, ""))
        if k == "slice" and t is not None:
            n = self.st.sizer.constant(args[-1], self.f) if len(args) >= 2 else None
            elem = self.st.sizer.layout(t.child_by_field_id(F_ELEMENT), self.f) if t.type == "slice_type" else None
            if n is not None and elem is not None:
                site.const_size = n * elem.size
            elif n is None:
                site.const_size = -1  # non-constant: on the stack only if it does not escape and is small
        return [(site, -1)]

    def append(self, e: Node, args: list[Node], paren: Node) -> Flows:
        if not args:
            return []
        base = self.ev(args[0])
        for a in args[1:]:
            if a.type == "variadic_argument":
                val = [(l, d + 1) for l, d in (self.ev(a.named_children[0]) if a.named_child_count else [])]
            else:
                val = self.ev(a)
            self.to_heap(val, "appended to a slice", e)
        site = self.site("append", e, paren, "append")
        return base + [(site, -1)]


def _bind_param(param: Loc | None, value: Flows, call: Node) -> None:
    """An argument flows into a closure's parameter. No loop-depth rule (Loc.flow's "outlives"): the
    parameter belongs to this call, whatever loop the literal was declared outside of."""
    if param is not None:
        param.edges.extend((loc, derefs, "passed to the closure", call) for loc, derefs in value)
