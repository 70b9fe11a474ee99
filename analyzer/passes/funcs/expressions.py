"""Expressions: what a value points to, and the allocation sites expressions create.

`ev(e)` returns the locations the value of `e` points to, each with a dereference count;
`&x` marks x address-taken, composite literals of slices and maps, `&T{}`, string
concatenation, conversions to strings, byte slices and interfaces, and closures create
allocation sites (the compiler's "... escapes to heap" positions). Closures record the
variables they capture; finish_closures decides by value or by reference as escape.go does.
"""

from __future__ import annotations

from tree_sitter import Node

from ...parsing import inner
from .fields import (F_BODY, F_CAPACITY, F_ELEMENT, F_END, F_FIELD, F_FUNCTION, F_INDEX, F_LEFT, F_OPERAND,
                     F_OPERATOR, F_PARAMETERS, F_RESULT, F_RIGHT, F_START, F_TYPE)
from .model import BASIC_KINDS, BYREF_CAPTURE, INLINE_BUDGET, POINTER_SHAPED, BoundClosure, Flows, Loc
from .syntax import _go_pos_node, _op

_LITERALS = frozenset({"int_literal", "float_literal", "imaginary_literal", "rune_literal", "interpreted_string_literal",
                       "raw_string_literal", "true", "false", "nil", "iota"})


class _Expressions:
    """Expression walkers of _FuncAnalysis."""

    def ev_unused(self, e: Node | None) -> None:
        """ev for a value nobody reads (a condition, an index, an operand of a comparison, a `len`
        argument). Once the function is over the inlining budget (or cannot be inlined), its cost
        no longer matters, and outside closures a name read creates no capture: a subtree that
        cannot allocate, call, take an address or concatenate then adds nothing to the graph, and
        is not walked. Its text decides: no `(` (calls, conversions), `{` (literals), `&`, `+`, `:`."""
        if e is None:
            return
        if (self.cost > INLINE_BUDGET or self.not_inlinable) and self.owner_stack[-1] is None:
            t = e.type
            if t == "identifier" or t in _LITERALS:
                return
            seg = self.f.source[e.start_byte:e.end_byte]
            if b"(" not in seg and b"{" not in seg and b"&" not in seg and b"+" not in seg and b":" not in seg:
                return
        self.ev(e)

    def ev(self, e: Node | None) -> Flows:
        """What the value of `e` points to: [(location, derefs)]."""
        if e is None:
            return []
        self.cost += 1
        t = e.type
        if t == "parenthesized_expression":
            e = inner(e)
            t = e.type
        if t == "identifier":
            found = self.visible.get(self.name(e))
            if not found:
                return []
            loc = found[-1]
            owner = self.owner_stack[-1]
            if owner is not None and loc.owner != id(owner):
                self.capture(loc)
            if loc.funclit:
                self.closure_value_use(loc)
            return [(loc, 0)]
        if t in _LITERALS:
            return []
        if t == "unary_expression":
            op = _op(e)
            operand = inner(e.child_by_field_id(F_OPERAND))
            if op == "&":
                return self.address_of(operand, e)
            if op == "*":
                return [(l, d + 1) for l, d in self.ev(operand)]
            self.ev_unused(operand)
            return []
        if t == "call_expression":
            return self.call(e)
        if t == "selector_expression":
            operand = inner(e.child_by_field_id(F_OPERAND))
            if operand.type == "identifier":
                found = self.visible.get(self.name(operand))
                if not found:
                    return []  # pkg.Name or a package-level value
                loc = found[-1]  # x.f: kind_of(x), then ev(x), inlined
                k = loc.tkind
                self.cost += 1
                owner = self.owner_stack[-1]
                if owner is not None and loc.owner != id(owner):
                    self.capture(loc)
                return [(loc, 1 if k in ("pointer", None) else 0)]
            k = self.kind_of(operand)
            return [(l, d + (1 if k in ("pointer", None) else 0)) for l, d in self.ev(operand)]
        if t == "index_expression":
            operand = inner(e.child_by_field_id(F_OPERAND))
            self.ev_unused(e.child_by_field_id(F_INDEX))
            k = self.kind_of(operand)
            vals = self.ev(operand)
            if k in ("map", "string"):
                return []
            return [(l, d + (0 if k == "array" else 1)) for l, d in vals]
        if t == "slice_expression":
            operand = inner(e.child_by_field_id(F_OPERAND))
            for fid in (F_START, F_END, F_CAPACITY):
                self.ev_unused(e.child_by_field_id(fid))
            if self.kind_of(operand) == "array":
                return self.address_of(operand, e)
            return self.ev(operand)
        if t == "composite_literal":
            return self.composite(e, None)
        if t == "func_literal":
            return self.func_literal(e)
        if t == "binary_expression":
            left, right = e.child_by_field_id(F_LEFT), e.child_by_field_id(F_RIGHT)
            self.ev_unused(left)
            self.ev_unused(right)
            if _op(e) == "+" and self.is_string(e):
                site = self.site("concat", e, e.child_by_field_id(F_OPERATOR), ("", e, ""))
                return [(site, -1)]
            return []
        if t == "type_assertion_expression":
            vals = self.ev(e.child_by_field_id(F_OPERAND))
            k, _ = self.type_kind(e.child_by_field_id(F_TYPE))
            return [(l, d + (0 if k in POINTER_SHAPED else 1)) for l, d in vals]
        if t == "type_conversion_expression":
            return self.conversion(e.child_by_field_id(F_TYPE), e.child_by_field_id(F_OPERAND), e)
        if t in ("expression_list", "parenthesized_expression", "literal_element", "argument_list"):
            out = []
            for c in e.named_children:
                out.extend(self.ev(c))
            return out
        for c in e.named_children:
            self.ev_unused(c)
        return []

    def address_of(self, operand: Node, at: Node) -> Flows:
        operand = inner(operand)
        if operand.type == "composite_literal":
            return self.composite(operand, at)
        if operand.type == "identifier":
            loc = self.use(operand)
            if loc is None:
                return []
            loc.addr_taken = True
            return [(loc, -1)]
        if operand.type == "selector_expression":
            base = inner(operand.child_by_field_id(F_OPERAND))
            loc = self.addressable_local(base)
            if loc is not None:
                loc.addr_taken = True
                return [(loc, -1)]
            return [(l, d - 1) for l, d in self.ev(operand)]
        if operand.type == "index_expression":
            base = inner(operand.child_by_field_id(F_OPERAND))
            self.ev_unused(operand.child_by_field_id(F_INDEX))
            if self.kind_of(base) == "array":
                loc = self.addressable_local(base)
                if loc is not None:
                    loc.addr_taken = True
                    return [(loc, -1)]
            return self.ev(base)
        return [(l, d - 1) for l, d in self.ev(operand)]

    def composite(self, e: Node, amp: Node | None) -> Flows:
        t = e.child_by_field_id(F_TYPE)
        body = e.child_by_field_id(F_BODY)
        k, _ = self.type_kind(t)
        elems = body.named_children if body is not None else []
        if amp is not None or k in ("slice", "map"):
            report = amp if amp is not None else body
            site = self.site("composite", e, report, ("&" if amp is not None else "", t, "{}" if not elems else "{...}"))
            if amp is not None:
                layout = self.st.sizer.layout(t, self.f) if t is not None else None
                site.const_size = layout.size if layout is not None else None
            iface_elems = k == "slice" and t is not None and self.is_interface_type(t.child_by_field_id(F_ELEMENT))
            for el in elems:
                if k == "map":
                    self.to_heap(self.element(el, False), "stored in a map literal", el)
                else:
                    self.flow(site, self.element(el, iface_elems), "element of the literal", el)
            return [(site, -1)]
        out = []
        for el in elems:
            out.extend(self.element(el, False))
        return out

    def element(self, el: Node, iface: bool) -> Flows:
        if el.type == "keyed_element":
            kids = el.named_children
            out = []
            if len(kids) == 2:
                key = kids[0]
                if key.type == "literal_element" and key.named_child_count and key.named_children[0].type != "identifier":
                    out.extend(self.ev(key))
                out.extend(self.value_of(kids[1], iface))
            return out
        return self.value_of(el, iface)

    def value_of(self, el: Node, iface: bool) -> Flows:
        if el.type == "literal_element" and el.named_child_count:
            el = el.named_children[0]
        if el.type == "literal_value":  # elided type: T{...} inside []T{...}
            out = []
            for c in el.named_children:
                out.extend(self.element(c, False))
            return out
        return self.convert_iface(el) if iface else self.ev(el)

    def func_literal(self, e: Node) -> Flows:
        site = self.site("func", e, e, "func literal")
        self.not_inlinable = self.not_inlinable  # closures are inlinable since Go 1.16 (cost 15)
        self.cost += 15
        self.owner_stack.append(site)
        self.push_scope()
        saved_depth, saved_results, saved_named = self.loop_depth, self.result_types, self.named_results
        self.loop_depth = 0
        params = e.child_by_field_id(F_PARAMETERS)
        param_locs: list[tuple[Loc | None, bool]] = []
        variadic = False
        for decl in params.named_children if params is not None else []:
            if decl.type not in ("parameter_declaration", "variadic_parameter_declaration"):
                continue
            t = decl.child_by_field_id(F_TYPE)
            variadic = decl.type == "variadic_parameter_declaration"
            iface = t is not None and self.is_interface_type(t)
            for ident in decl.children_by_field_name("name") or [None]:
                loc = self.declare(ident, "var", None if variadic else t) if ident is not None else None
                if loc is not None:
                    loc.owner = id(site)
                    self.closure_params.add(loc)
                    if variadic:
                        loc.tkind = "slice"
                param_locs.append((loc, iface))
        result = e.child_by_field_id(F_RESULT)
        self.result_types, self.named_results = [], []
        if result is not None:
            if result.type == "parameter_list":
                for decl in result.named_children:
                    for _ in decl.children_by_field_name("name") or [None]:
                        self.result_types.append(decl.child_by_field_id(F_TYPE))
            else:
                self.result_types.append(result)
        body = e.child_by_field_id(F_BODY)
        # the closure is a function of its own: its body costs the enclosing function nothing
        # (inlining it counts only the literal), and its defer/go/recover do not stop that inlining
        saved_cost = self.cost, self.not_inlinable, self.recursive, self.returns
        if body is not None:
            self.block(body)
        self.closure_cost = self.cost - saved_cost[0] if not self.not_inlinable else None
        self.literals[site] = BoundClosure(site, param_locs, variadic, self.closure_cost)
        self.cost, self.not_inlinable, self.recursive, self.returns = saved_cost
        self.pop_scope()
        self.owner_stack.pop()
        self.loop_depth, self.result_types, self.named_results = saved_depth, saved_results, saved_named
        return [(site, -1)]

    def finish_closures(self) -> None:
        for site in self.locs:
            if site.kind != "site" or site.site_kind != "func":
                continue
            for cap in site.captures:
                byref = cap.reassigned or cap.addr_taken or (cap.size is not None and cap.size > BYREF_CAPTURE)
                cap.byref = cap.byref or byref
                site.edges.append((cap, -1 if byref else 0,
                                   f"{cap.name} captured {'by reference ' if byref else ''}by a closure", site.node))

    def convert_iface(self, e: Node) -> Flows:
        """`e` converted to an interface: a new allocation unless the value is pointer-shaped."""
        e = inner(e)
        if e.type == "nil":
            return []
        k = self.kind_of(e)
        if k is None:
            k = self.result_hint(e)
        if k in POINTER_SHAPED or (k is None and self.probably_interface(e)) or (k == "struct" and self.direct_iface(e)):
            return self.ev(e)
        vals = self.ev(e)
        site = self.site("iface", e, e, ("", e, ""))
        self.flow(site, vals, "converted to an interface", e)
        return [(site, -1)]

    def probably_interface(self, e: Node) -> bool:
        """Unknown types: errors and values produced by calls are usually interfaces or pointers."""
        text = self.text(e)
        if e.type == "identifier" and (text == "err" or text.endswith("Err") or text.startswith("err")):
            return True
        if e.type == "call_expression":
            fn = self.text(e.child_by_field_id(F_FUNCTION))
            tail = fn.rsplit(".", 1)[-1]
            if tail in ("Error", "String", "Sprintf", "Sprint", "Itoa", "FormatInt", "Quote") or fn in BASIC_KINDS:
                return tail == "Error" and False
            return True
        if e.type in ("selector_expression",):
            field = self.text(e.child_by_field_id(F_FIELD))
            if field.lower().endswith("err"):
                return True
            operand = inner(e.child_by_field_id(F_OPERAND))
            if field.startswith("Err") and operand.type == "identifier" and self.lookup(self.text(operand)) is None \
                    and self.text(operand) in self.imports:
                return True  # io.EOF-style sentinel errors of another package: io.ErrUnexpectedEOF
            if field == "EOF" and self.text(operand) == "io":
                return True
        return False

    def conversion(self, type_node: Node, operand: Node, e: Node) -> Flows:
        if inner(operand).type == "nil":
            return []
        k, _ = self.type_kind(type_node)
        if k == "interface":
            return self.convert_iface(operand)
        src = self.kind_of(operand)
        tt = self.text(type_node).replace(" ", "")
        if tt in ("[]byte", "[]rune") and src != "slice":
            self.ev_unused(operand)
            return [(self.site("conv", e, _go_pos_node(operand), (f"({tt})(", operand, ")")), -1)]
        if tt == "string" and src not in ("string",):
            if src in ("int",):
                self.ev_unused(operand)
                return [(self.site("conv", e, _go_pos_node(operand), ("string(", operand, ")")), -1)]
            self.ev_unused(operand)
            return [(self.site("conv", e, _go_pos_node(operand), ("string(", operand, ")")), -1)]
        return self.ev(operand)
