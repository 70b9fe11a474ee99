"""Lengths of expressions without side effects: values in scope, package-level values,
integer arithmetic, string lengths, types' zero values; and the escape verdicts."""

from __future__ import annotations

from goperf.analyzer.parsing import inner
from goperf.analyzer.passes.types import Layout

from .model import DEFAULT_STRLEN, WORD, Val, round_up
from .stdlib import NOSCAN_BASIC


class Values:
    """Mixin of `Interp`: what an expression's length is (no events)."""

    def int_value(self, node, env, f) -> int:
        if node is None:
            return 0
        n = inner(node)
        c = self.sizer.constant(n, f)
        if c is not None:
            return c
        if n.type == "call_expression" and f.text(n.child_by_field_name("function")) == "len":
            args = n.child_by_field_name("arguments")
            return self.length(args.named_children[0], env, f) if args is not None and args.named_children else 0
        if n.type == "binary_expression":
            op = f.text(n.child_by_field_name("operator"))
            if op in ("+", "-", "*", "/", "<<", ">>"):
                a = self.int_value(n.child_by_field_name("left"), env, f)
                b = self.int_value(n.child_by_field_name("right"), env, f)
                return {"+": a + b, "-": a - b, "*": a * b, "/": a // b if b else 0,
                        "<<": a << b if 0 <= b < 63 else 0, ">>": a >> b if b >= 0 else 0}[op]
        v = self.value(n, env, f)
        if v is not None and v.kind == "int" and v.length is not None:
            return v.length
        return self.param(f.text(n))

    def val_of_type(self, tn, f) -> Val:
        t = inner(tn)
        if t.type == "slice_type":
            el = self.sizer.layout(t.child_by_field_name("element"), f)
            return Val("slice", None, 0, el or Layout(WORD, WORD))
        if t.type == "map_type":
            return self._mapval(t, f)
        txt = f.text(t)
        if txt == "string":
            return Val("string", None)
        if txt in ("strings.Builder", "*strings.Builder"):
            return Val("builder", 0)
        if txt in ("bytes.Buffer", "*bytes.Buffer"):
            return Val("buffer", 0)
        if txt in NOSCAN_BASIC:
            return Val("int", None)
        return Val()

    def _mapval(self, t, f) -> Val:
        k = self.sizer.layout(t.child_by_field_name("key"), f)
        v = self.sizer.layout(t.child_by_field_name("value"), f)
        slot = round_up((k.size if k else 16), (v.align if v else 8)) + (v.size if v else 8)
        return Val("map", 0, slot=slot, mstate={"small": None, "tables": [], "used": [], "dir": 0})

    def value(self, node, env, f) -> Val | None:
        """What we know about an expression without evaluating its side effects."""
        if node is None:
            return None
        n = inner(node)
        key = f.text(n)
        if key in env:
            return env[key]
        if n.type == "identifier" and key in self.decls.values:
            return self.package_value(key)
        if n.type == "selector_expression":          # s.items through a struct's fields
            base = self.value(n.child_by_field_name("operand"), env, f)
            if base is not None and base.fields is not None:
                return base.fields.get(f.text(n.child_by_field_name("field")))
            return None
        return None

    def expr_value(self, node, env, f) -> Val | None:
        """value(), plus integer constants and known ints (for binding arguments; no side effects)."""
        v = self.value(node, env, f)
        if v is not None:
            return v
        c = self.sizer.constant(inner(node), f)
        if c is not None:
            return Val("int", c)
        return None

    def package_value(self, name: str) -> Val | None:
        if name in self.pkg_vals:
            return self.pkg_vals[name]
        self.pkg_vals[name] = None
        d = self.decls.values[name]
        f = self.decls.value_files[name]
        v = None
        was = self.emit_on
        self.emit_on = False                          # package init is not part of the run
        try:
            if d.value_node is not None:
                v = self.expr(d.value_node, {}, f)
            elif d.type_node is not None:
                v = self.val_of_type(d.type_node, f)
        finally:
            self.emit_on = was
        self.pkg_vals[name] = v
        return v

    def length(self, node, env, f) -> int:
        n = inner(node)
        v = self.value(n, env, f)
        if v is not None and v.length is not None:
            return int(v.length)
        c = self.sizer.constant(n, f)
        if c is not None:
            return c
        return self.param(f.text(n))

    def str_len(self, node, env, f) -> int:
        n = inner(node)
        if n.type in ("interpreted_string_literal", "raw_string_literal"):
            return max(len(f.text(n)) - 2, 0)
        if n.type == "binary_expression" and f.text(n.child_by_field_name("operator")) == "+":
            return self.str_len(n.child_by_field_name("left"), env, f) + self.str_len(
                n.child_by_field_name("right"), env, f)
        v = self.value(n, env, f)
        if v is not None and v.kind == "string" and v.length is not None:
            return v.length
        name = f.text(n)
        for cand in (name, name.rsplit(".", 1)[-1], f"len({name})"):
            if cand in self.params:
                return int(self.params[cand])
        self.assumed.setdefault(f"len({name})", DEFAULT_STRLEN)
        return DEFAULT_STRLEN

    def is_string(self, node, env, f) -> bool:
        v = self.value(node, env, f)
        return v is not None and v.kind == "string"

    def escapes(self, node, f, kind: str) -> bool:
        return kind in self.sites.get((f.path, node.start_byte), ())

    def escapes_in(self, node, f, kind: str) -> bool:
        for (p, b), kinds in self.sites.items():
            if p == f.path and node.start_byte <= b < node.end_byte and kind in kinds:
                return True
        return False

