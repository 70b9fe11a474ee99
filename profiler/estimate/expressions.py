"""Expressions that allocate: concatenation, conversions, composite literals, closures,
interface boxing, and calls (package functions and methods followed, stdlib from the table)."""

from __future__ import annotations

from goperf.analyzer.parsing import inner
from goperf.analyzer.passes.types import Layout

from .model import MAP_HEADER, STACK_TMP_BUF, WORD, Val
from .stdlib import FREE_METHODS, STDLIB


class Expressions:
    """Mixin of `Interp`: expressions and calls."""

    def expr_children(self, n, env, f, skip_concat=False) -> None:
        for c in n.named_children:
            if skip_concat and c.type == "binary_expression":
                self.expr_children(c, env, f, True)
            else:
                self.expr(c, env, f)

    def expr(self, node, env, f) -> Val | None:
        v = self._expr(node, env, f)
        self._last = v
        return v

    def _expr(self, node, env, f) -> Val | None:
        if node is None:
            return None
        n = inner(node)
        t = n.type
        if t == "literal_element" and n.named_child_count == 1:
            return self.expr(n.named_children[0], env, f)
        if t == "call_expression":
            return self.call(n, env, f)
        if t == "composite_literal":
            return self.composite(n, env, f, amp=None)
        if t == "unary_expression" and f.text(n.child_by_field_name("operator")) == "&":
            op = inner(n.child_by_field_name("operand"))
            if op.type == "composite_literal":
                return self.composite(op, env, f, amp=n)
            return self.value(op, env, f)
        if t == "binary_expression" and f.text(n.child_by_field_name("operator")) == "+" and (
                self.is_string(n.child_by_field_name("left"), env, f) or self._string_literal_in(n, f)):
            self.expr_children(n, env, f, skip_concat=True)
            size = self.str_len(n, env, f)
            if self.escapes_in(n, f, "concat") or size > STACK_TMP_BUF:
                self.alloc(size, True)
            return Val("string", size)
        if t in ("interpreted_string_literal", "raw_string_literal"):
            return Val("string", max(len(f.text(n)) - 2, 0))
        if t == "slice_expression":
            base = self.expr(n.child_by_field_name("operand"), env, f)
            lo = self.int_value(n.child_by_field_name("start"), env, f) if n.child_by_field_name("start") else 0
            if base is None or base.kind not in ("slice", "string"):
                return None
            hi_node = n.child_by_field_name("end")
            hi = self.int_value(hi_node, env, f) if hi_node is not None else (base.length or 0)
            if base.kind == "string":
                return Val("string", max(hi - lo, 0))
            return Val("slice", max(hi - lo, 0), max(base.cap - lo, 0), base.elem)
        if t == "func_literal":
            if self.escapes(n, f, "func") or self.escapes_in(n, f, "func"):
                self.alloc(16, False)
            return Val("other")
        if t in ("identifier", "selector_expression"):
            if t == "selector_expression":
                self.expr(n.child_by_field_name("operand"), env, f)
            v = self.value(n, env, f)
            return v
        for c in n.named_children:
            self.expr(c, env, f)
        return None

    def _string_literal_in(self, n, f) -> bool:
        return any(c.type in ("interpreted_string_literal", "raw_string_literal") for c in n.named_children)

    def composite(self, n, env, f, amp) -> Val:
        tn = n.child_by_field_name("type")
        body = n.child_by_field_name("body")
        elems = [c for c in body.named_children] if body is not None else []
        evald = {}
        for c in elems:
            for x in (c.named_children if c.type == "keyed_element" else [c]):
                evald[x.start_byte] = self.expr(x, env, f)
        t = inner(tn) if tn is not None else None
        if t is not None and t.type == "map_type":
            v = self._mapval(t, f)
            if self.escapes_in(n, f, "composite") or amp is not None:
                self.alloc(MAP_HEADER, False)
            for _ in elems:
                self.map_insert(v)
            return v
        if t is not None and t.type == "slice_type":
            el = self.sizer.layout(t.child_by_field_name("element"), f) or Layout(WORD, WORD)
            v = Val("slice", len(elems), len(elems), el)
            if self.escapes_in(n, f, "composite"):
                self.alloc(len(elems) * el.size, not el.has_pointers)
            return v
        lay = self.sizer.layout(tn, f) if tn is not None else None
        fields = {}
        for c in elems:
            if c.type == "keyed_element" and c.named_child_count == 2:
                k_node, v_node = c.named_children
                fv = evald.get(v_node.start_byte)
                if fv is not None:
                    fields[f.text(k_node).strip()] = fv
        if amp is not None and (self.escapes_in(amp, f, "composite") or self.escapes_in(n, f, "composite")):
            self.alloc(lay.size if lay else 16, not (lay.has_pointers if lay else True))
        if tn is not None and f.text(tn) in ("strings.Builder",):
            return Val("builder", 0)
        if tn is not None and f.text(tn) in ("bytes.Buffer",):
            return Val("buffer", 0)
        return Val("other", fields=fields, tname=f.text(tn) if tn is not None and f.text(tn) in self.decls.types else None)

    def call(self, n, env, f) -> Val | None:
        fn = n.child_by_field_name("function")
        args_node = n.child_by_field_name("arguments")
        args = list(args_node.named_children) if args_node is not None else []
        name = f.text(fn)
        if name == "make":
            for a in args[1:]:
                self.expr(a, env, f)
            return self.make(n, args, env, f)
        if name == "new":
            lay = self.sizer.layout(args[0], f) if args else None
            if self.escapes_in(n, f, "new"):
                self.alloc(lay.size if lay else 8, not (lay.has_pointers if lay else True))
            return Val("other")
        if name == "append":
            return self.append(n, args, env, f)
        if fn.type in ("slice_type", "array_type") or name in ("string", "[]byte", "[]rune"):
            for a in args:
                self.expr(a, env, f)
            size = self.str_len(args[0], env, f) if args else 0
            if size > STACK_TMP_BUF or self.escapes_in(n, f, "conv"):
                self.alloc(size if name != "[]rune" else 4 * size, True)
            return Val("string" if name == "string" else "slice", size, size, Layout(1, 1, False))
        # arguments first, as Go evaluates them
        vals = [self.expr(a, env, f) for a in args]
        for a in args:          # boxing into interface parameters (the funcs pass knows which)
            if self.escapes(a, f, "iface") or self.escapes_in(a, f, "iface"):
                v = self.value(a, env, f)
                self.alloc(16 if (v is not None and v.kind == "string") or self.is_string(a, env, f) else 8,
                           not ((v is not None and v.kind == "string") or self.is_string(a, env, f)))
        # a package function or a method of a package type
        if fn.type == "identifier" and name in self.decls.funcs:
            bound, _ = self.bind_args(name, args, env, f)
            return self.call_func(name, bound)
        if fn.type == "selector_expression":
            recv_node = fn.child_by_field_name("operand")
            meth = f.text(fn.child_by_field_name("field"))
            self.expr(recv_node, env, f) if recv_node.type == "call_expression" else None
            rv = self.value(recv_node, env, f)
            if rv is not None and rv.kind in ("builder", "buffer"):
                return self.writer_method(rv, meth, args, env, f, vals)
            key = self.method_key(recv_node, meth, env, f)
            if key is not None:
                bound, _ = self.bind_args(key, args, env, f)
                recv = rv if rv is not None else Val("other", tname=key.split(".")[0])
                return self.call_func(key, bound, (self._recv_name(key), recv))
            if name in STDLIB:
                return self.stdlib(name, args, env, f)
            if meth in FREE_METHODS:
                return Val("other")
            self.unmodelled[name] = self.unmodelled.get(name, 0) + 1
            return None
        if name in STDLIB:
            return self.stdlib(name, args, env, f)
        self.unmodelled[name] = self.unmodelled.get(name, 0) + 1
        return None

    def _recv_name(self, key: str) -> str:
        node, f = self.decls.funcs[key]
        r = node.child_by_field_name("receiver")
        for p in r.named_children if r is not None else []:
            for ident in p.children_by_field_name("name"):
                return f.text(ident)
        return "_recv"

    def method_key(self, recv_node, meth, env, f) -> str | None:
        """`x.M` where x's static type is a package type: find "T.M"."""
        rtext = f.text(recv_node)
        t = self.static_type(rtext, env, recv_node, f)
        if t and f"{t}.{meth}" in self.decls.funcs:
            return f"{t}.{meth}"
        # unique method name in the package
        cands = [k for k in self.decls.funcs if k.endswith("." + meth)]
        if len(cands) == 1 and rtext.split(".")[0] not in ("fmt", "strings", "strconv", "bytes", "sort", "regexp",
                                                              "io", "os", "sync", "errors", "b", "t"):
            return cands[0]
        return None

    def static_type(self, name, env, recv_node, f) -> str | None:
        v = self.value(recv_node, env, f)
        if v is not None and v.tname:
            return v.tname
        return self.local_types.get(name)
