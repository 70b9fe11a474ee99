"""What syntax can tell of types: kinds ("pointer", "slice", "interface", ...) and named types.

Escape decisions hinge on a value's type: a pointer-shaped value converted to an interface
allocates nothing, `x.f` loads through x only if x is a pointer, ranging over an array copies
it. Syntax has no type checker, so kinds come from declarations of the package (locals,
fields, results of package functions), from initial values, and from the standard-library
table; unknown stays None and the model then errs towards silence.
"""

from __future__ import annotations

from tree_sitter import Node

from ...context import SourceFile
from ...parsing import inner
from .fields import F_ARGUMENTS, F_ELEMENT, F_FIELD, F_FUNCTION, F_LEFT, F_OPERAND, F_RESULT, F_RIGHT, F_TYPE, F_VALUE
from .model import BASIC_KINDS, INTERFACE_NAMES, TYPE_LITERAL_KINDS, Loc
from .stdlib import _stdlib_ifaces, stdlib_facts, stdlib_fields
from .syntax import _fields, _op


class _Kinds:
    """Type kinds of expressions and variables, for _FuncAnalysis."""

    def set_type(self, loc: Loc, type_node: Node, f: SourceFile | None = None) -> None:
        if f is not None and f is not self.f:  # a type written in another file of the package
            saved = self.f, self.imports
            self.f, self.imports = f, self.st.file_imports(f)
            try:
                loc.tkind, loc.tname = self.type_kind(type_node)
            finally:
                self.f, self.imports = saved
            return
        loc.type_node = type_node
        loc.tkind, loc.tname = self.type_kind(type_node)
        try:
            layout = self.st.sizer.layout(type_node, self.f)
        except RecursionError:
            layout = None
        loc.size = layout.size if layout is not None else None

    def type_kind(self, t: Node | None, depth: int = 0) -> tuple[str | None, str | None]:
        if t is None or depth > 6:
            return None, None
        t = inner(t)
        ty = t.type
        if ty == "pointer_type":
            k, name = self.type_kind(t.named_children[0], depth + 1)
            return ("pointer-to-array" if k == "array" else "pointer"), name
        if ty == "field_declaration":  # an embedded `*T` (see _field_type)
            return "pointer", self.type_kind(t.child_by_field_id(F_TYPE), depth + 1)[1]
        if ty in TYPE_LITERAL_KINDS:
            return TYPE_LITERAL_KINDS[ty], None
        if ty == "generic_type":
            return self.type_kind(t.child_by_field_id(F_TYPE), depth + 1)
        if ty in ("type_identifier", "identifier"):
            name = self.text(t)
            if name in BASIC_KINDS:
                return BASIC_KINDS[name], None
            decl = self.st.decls.types.get(name)
            if decl is not None:
                k, _ = self.type_kind(decl.type_node, depth + 1) if decl.file is self.f else _kind_elsewhere(self, decl)
                return (k or "struct"), name
            return None, name
        if ty == "qualified_type":
            name = self.text(t)
            pkg, _, typ = name.partition(".")
            path = self.imports.get(pkg, pkg)
            if f"{path}.{typ}" in _stdlib_ifaces():
                return "interface", f"{path}.{typ}"
            if f"{path}.{typ}" in ("iter.Seq", "iter.Seq2"):
                return "func", None
            return stdlib_fields()["types"].get(f"{path}.{typ}", "struct"), f"{path}.{typ}"
        return None, None


    def is_interface_type(self, t: Node | None) -> bool:
        if t is None:
            return False
        t = inner(t)
        if t.type == "interface_type":
            return True
        if t.type not in ("type_identifier", "identifier", "qualified_type"):
            return False  # no other type's text is an interface name
        name = self.text(t)
        if name in INTERFACE_NAMES or name in self.st.iface_types:
            return True
        if t.type == "qualified_type":
            pkg, _, typ = name.partition(".")
            return f"{self.imports.get(pkg, pkg)}.{typ}" in _stdlib_ifaces()
        return False


    def infer(self, loc: Loc, value: Node) -> None:
        """The variable's type kind from its initial value."""
        v = inner(value)
        if v.type == "composite_literal":
            t = v.child_by_field_id(F_TYPE)
            if t is not None:
                self.set_type(loc, t)
        elif v.type == "unary_expression" and _op(v) == "&":
            loc.tkind = "pointer"
            op = inner(v.child_by_field_id(F_OPERAND))
            if op.type == "composite_literal":
                _, loc.tname = self.type_kind(op.child_by_field_id(F_TYPE))
            elif op.type == "identifier":
                src = self.lookup(self.text(op))
                if src is not None:
                    loc.tname = src.tname
            elif op.type == "index_expression":  # `p := &xs[i]`
                found = self.element_type(op.child_by_field_id(F_OPERAND))
                loc.tname = self.type_name(*found) if found is not None else None
            elif op.type == "selector_expression":  # `p := &x.f`
                found = self.field_type(op)
                loc.tname = self.type_name(*found) if found is not None else None
        elif v.type in ("interpreted_string_literal", "raw_string_literal"):
            loc.tkind = "string"
        elif v.type in ("int_literal", "rune_literal"):
            loc.tkind = "int"
        elif v.type == "float_literal":
            loc.tkind = "float"
        elif v.type in ("true", "false"):
            loc.tkind = "bool"
        elif v.type == "func_literal":
            loc.tkind = "func"
            loc.funclit = True
        elif v.type == "identifier":
            src = self.lookup(self.name(v))
            if src is not None:
                loc.tkind, loc.tname, loc.size, loc.type_node = src.tkind, src.tname, src.size, src.type_node
        elif v.type == "call_expression":
            fn = v.child_by_field_id(F_FUNCTION)
            name = self.name(fn) if fn is not None and fn.type == "identifier" else ""  # builtins and types are names
            args = v.child_by_field_id(F_ARGUMENTS)
            if name in ("make",) and args is not None and args.named_child_count:
                loc.tkind, loc.tname = self.type_kind(args.named_children[0])
            elif name == "new" and args is not None and args.named_child_count:
                loc.tkind = "pointer"
                _, loc.tname = self.type_kind(args.named_children[0])
            elif name == "append":
                loc.tkind = "slice"
            elif name in BASIC_KINDS:
                loc.tkind = BASIC_KINDS[name]
            elif name in self.st.decls.types:
                self.set_type(loc, fn)
            elif fn is not None and fn.type in ("slice_type", "array_type", "map_type", "parenthesized_type",
                                                 "pointer_type", "qualified_type"):
                pass
            else:
                res = self.callee_result_type(v)
                if res is not None:
                    self.set_type(loc, res[0], res[1])
                else:
                    loc.rkind = self.table_result_kind(fn, 0)
                    if loc.rkind == "array":  # `h := sha256.Sum256(b)`: h[:] takes h's address
                        loc.tkind = "array"
        elif v.type == "selector_expression":
            field = self.field_type(v)
            if field is not None:
                self.set_type(loc, *field)
            else:
                std = self.std_field(v)
                if std is not None:
                    loc.tkind, loc.tname = std
        elif v.type == "type_conversion_expression":
            self.set_type(loc, v.child_by_field_id(F_TYPE))
        elif v.type == "binary_expression":
            if self.is_string(v):
                loc.tkind = "string"
        elif v.type == "slice_expression":
            src = self.kind_of(v.child_by_field_id(F_OPERAND))
            loc.tkind = "string" if src == "string" else "slice"
        elif v.type == "index_expression":
            found = self.element_type(v.child_by_field_id(F_OPERAND))
            if found is not None:
                self.set_type(loc, *found)

    def infer_multi(self, loc: Loc, value: Node, i: int) -> None:
        """`v, ok := x.(T)`, `a, b := f()`: the i-th variable's type."""
        if value.type == "type_assertion_expression":
            if i == 0:
                self.set_type(loc, value.child_by_field_id(F_TYPE))
            else:
                loc.tkind = "bool"
        elif value.type == "call_expression":
            types = self.callee_result_types(value)
            if i < len(types) and types[i] is not None:
                t, f = types[i]
                self.set_type(loc, t, f)
            elif not types and self.table_result_kind(inner(value.child_by_field_id(F_FUNCTION)), i) is not None:
                loc.rkind = self.table_result_kind(inner(value.child_by_field_id(F_FUNCTION)), i)
            elif self.text(value.child_by_field_id(F_FUNCTION)).rsplit(".", 1)[-1] and i == 1 and \
                    self.text(loc.node) == "err":
                loc.tkind = "interface"
        if self.text(loc.node) == "err" and loc.tkind is None:
            loc.tkind = "interface"

    def callee_result_types(self, call: Node) -> list[tuple[Node, SourceFile] | None]:
        fn = inner(call.child_by_field_id(F_FUNCTION))
        found = None
        if fn.type == "identifier" and self.lookup(self.name(fn)) is None:
            found = self.st.decls.funcs.get(self.name(fn))
        elif fn.type == "selector_expression":
            tname = self.static_type(inner(fn.child_by_field_id(F_OPERAND)))
            if tname is not None and "." not in tname:
                found = self.st.decls.funcs.get(f"{tname}.{self.name(fn.child_by_field_name('field'))}")
        if found is None:
            return []
        res = found[0].child_by_field_id(F_RESULT)
        if res is None:
            return []
        if res.type != "parameter_list":
            return [(res, found[1])]
        out = []
        for decl in res.named_children:
            t = decl.child_by_field_id(F_TYPE)
            for _ in decl.children_by_field_name("name") or [None]:
                out.append((t, found[1]) if t is not None else None)
        return out

    def callee_result_type(self, call: Node) -> tuple[Node, SourceFile] | None:
        """The declared type of the first result of a function or method of the package."""
        types = self.callee_result_types(call)
        return types[0] if types else None


    def type_node_of(self, e: Node) -> tuple[Node, SourceFile] | None:
        """The declared type of a variable or field expression."""
        e = inner(e)
        if e.type == "identifier":
            name = self.name(e)
            loc = self.lookup(name)
            if loc is not None:
                return (loc.type_node, self.f) if loc.type_node is not None else None
            return self.st.package_var_type(name)
        if e.type == "selector_expression":
            return self.field_type(e)
        return None

    def element_type(self, container: Node) -> tuple[Node, SourceFile] | None:
        """The declared element type of a slice, array or map expression (`xs` in `xs[i]`)."""
        found = self.type_node_of(container)
        if found is None:
            return None
        t, f = found
        t = inner(t)
        elem = t.child_by_field_id(F_ELEMENT) if t.type in ("slice_type", "array_type") else \
            t.child_by_field_id(F_VALUE) if t.type == "map_type" else None
        return (elem, f) if elem is not None else None


    def static_type(self, operand: Node) -> str | None:
        operand = inner(operand)
        if operand.type == "identifier":
            loc = self.lookup(self.name(operand))
            return loc.tname if loc is not None else self.st.package_var_tname(self.name(operand))
        if operand.type == "selector_expression":
            field = self.field_type(operand)
            if field is None:
                std = self.std_field(operand)
                return std[1] if std is not None else None
            return self.type_name(*field)
        if operand.type == "composite_literal":
            return self.type_kind(operand.child_by_field_id(F_TYPE))[1]
        if operand.type == "call_expression":
            return self.call_type(operand)
        return None

    def type_name(self, t: Node | None, f: SourceFile) -> str | None:
        """The named type a type expression of file `f` denotes, through pointers: "T" for the
        package's own, "path.T" for another package's (as static_type names types)."""
        while t is not None and t.type in ("pointer_type", "parenthesized_type", "generic_type", "field_declaration"):
            # Pointer[T]: Pointer; an embedded `*T` (see _field_type): T
            t = t.child_by_field_id(F_TYPE) if t.type in ("generic_type", "field_declaration") else t.named_children[0]
        if t is None:
            return None
        if t.type == "type_identifier":
            return f.text(t)
        if t.type == "qualified_type":
            pkg, _, typ = f.text(t).partition(".")
            return f"{self.st.file_imports(f).get(pkg, pkg)}.{typ}"
        return None

    def call_type(self, call: Node) -> str | None:
        """The named type of a call's value: a conversion `T(x)` or `pkg.T(x)`, or a call of a function
        or method of the package declared to return T or *T."""
        fn = inner(call.child_by_field_id(F_FUNCTION))
        if fn.type == "identifier":
            name = self.name(fn)
            if name in self.st.decls.types and self.lookup(name) is None:
                return name
        elif fn.type == "selector_expression":
            pkg = fn.child_by_field_id(F_OPERAND)
            if pkg.type == "identifier" and self.lookup(self.name(pkg)) is None:
                path = self.imports.get(self.name(pkg))
                if path is not None:
                    qualified = f"{path}.{self.name(fn.child_by_field_id(F_FIELD))}"
                    return qualified if qualified in stdlib_fields()["types"] else None
        found = self.callee_result_type(call)
        return self.type_name(*found) if found is not None else None

    def field_type(self, sel: Node) -> tuple[Node, SourceFile] | None:
        """The declared type of the field `x.f` names, when x's type is a struct of this package (named,
        or written in place: `d.bytes.buf` with `bytes struct{ buf [4096]byte; ... }`)."""
        operand = inner(sel.child_by_field_id(F_OPERAND))
        if operand.type == "selector_expression":  # `a.b.c`: a.b's declared type, looked up once
            outer = self.field_type(operand)
            if outer is None:
                return None
            struct = _struct_literal(outer[0])
            if struct is not None:  # a field of a struct type written in place
                return self._struct_field(struct, outer[1], self.name(sel.child_by_field_id(F_FIELD)), "")
            tname = self.type_name(*outer)
        else:
            tname = self.static_type(operand)
            if tname is None and operand.type == "identifier":
                loc = self.lookup(self.name(operand))  # a variable of a struct type written in place
                struct = _struct_literal(loc.type_node) if loc is not None else None
                if struct is not None:
                    return self._struct_field(struct, self.f, self.name(sel.child_by_field_id(F_FIELD)), "")
        if tname is None or "." in tname:
            return None
        key = (tname, self.name(sel.child_by_field_id(F_FIELD)))
        cache = self.st.field_types
        if key not in cache:
            cache[key] = self._field_type(tname, key[1])
        return cache[key]

    def std_field(self, sel: Node) -> tuple[str, str | None] | None:
        """(kind, named type) of what `x.f` names when syntax cannot see its declaration: a variable of
        an imported standard-library package (`os.Stdout`), or a field of a standard-library struct."""
        operand = inner(sel.child_by_field_id(F_OPERAND))
        field = self.name(sel.child_by_field_id(F_FIELD))
        table = stdlib_fields()
        if operand.type == "identifier" and not self.visible.get(name := self.name(operand)):
            path = self.imports.get(name)
            if path is not None:
                found = table["vars"].get(f"{path}.{field}")
                return (found[0], found[1]) if found is not None else None
        tname = self.static_type(operand)
        if tname is None or "." not in tname:
            return None
        found = table["fields"].get(tname, {}).get(field)
        return (found[0], found[1]) if found is not None else None

    def names_type(self, e: Node) -> bool:
        """Whether `e` names a type of the package, `T` or `(*T)` (the operand of a method expression)."""
        e = inner(e)
        if e.type == "unary_expression" and _op(e) == "*":
            e = inner(e.child_by_field_id(F_OPERAND))
        return e.type in ("identifier", "type_identifier") and self.name(e) in self.st.decls.types and \
            self.lookup(self.name(e)) is None

    def direct_iface(self, e: Node) -> bool:
        """Whether `e`, a struct of the package, has a single field of a pointer shape: an interface
        holds such a value as that pointer, so boxing it allocates nothing (types.IsDirectIface)."""
        tname = self.static_type(e)
        decl = self.st.decls.types.get(tname) if tname is not None and "." not in tname else None
        if decl is None or inner(decl.type_node).type != "struct_type":
            return False
        fields = _fields(decl.type_node)
        if len(fields) != 1 or len(fields[0].children_by_field_name("name")) > 1:
            return False
        return self.kind_in(fields[0].child_by_field_id(F_TYPE), decl.file) in ("pointer", "pointer-to-array", "map",
                                                                               "chan", "func")

    def _field_type(self, tname: str, fname: str, seen: frozenset[str] = frozenset()) -> tuple[Node, SourceFile] | None:
        decl = self.st.decls.types.get(tname)
        if decl is None or inner(decl.type_node).type != "struct_type":
            return None
        return self._struct_field(decl.type_node, decl.file, fname, tname, seen)

    def _struct_field(self, struct: Node, f: SourceFile, fname: str, tname: str,
                      seen: frozenset[str] = frozenset()) -> tuple[Node, SourceFile] | None:
        """The type of field `fname` of a struct type written in file `f` (the struct named `tname`)."""
        embedded = []
        for fld in _fields(struct):
            names = fld.children_by_field_name("name")
            t = fld.child_by_field_id(F_TYPE)
            if any(f.text(n) == fname for n in names):
                return t, f
            if not names and t is not None:
                name = f.text(t).lstrip("*")
                if name.rsplit(".", 1)[-1] == fname:
                    # the embedded field itself; `*T` is no pointer_type node here: the declaration stands for it
                    return (fld if _embeds_pointer(fld) else t), f
                if "." not in name and "[" not in name:
                    embedded.append(name)
        # a field promoted from an embedded struct of the package (the shallowest wins; cycles stop)
        for name in embedded:
            if name not in seen and name != tname:
                found = self._field_type(name, fname, seen | {tname})
                if found is not None:
                    return found
        return None


    def kind_of(self, e: Node | None) -> str | None:
        if e is None:
            return None
        t = e.type
        if t == "parenthesized_expression":
            e = inner(e)
            t = e.type
        if t == "identifier":
            name = self.name(e)
            found = self.visible.get(name)
            if found:
                return found[-1].tkind
            return self.st.package_var_kind(name)
        if t in ("interpreted_string_literal", "raw_string_literal"):
            return "string"
        if t in ("int_literal", "rune_literal"):
            return "int"
        if t == "float_literal":
            return "float"
        if t in ("true", "false"):
            return "bool"
        if t == "composite_literal":
            return self.type_kind(e.child_by_field_id(F_TYPE))[0]
        if t == "func_literal":
            return "func"
        if t == "unary_expression":
            op = _op(e)
            if op == "&":
                return "pointer"
            if op in ("!",):
                return "bool"
            if op in ("-", "+", "^"):
                return self.kind_of(e.child_by_field_id(F_OPERAND))
            return None
        if t == "binary_expression":
            op = _op(e)
            if op in ("==", "!=", "<", ">", "<=", ">=", "&&", "||"):
                return "bool"
            if op == "+" and self.is_string(e):
                return "string"
            lk = self.kind_of(e.child_by_field_id(F_LEFT))
            return lk or self.kind_of(e.child_by_field_id(F_RIGHT)) or "int"
        if t == "slice_expression":
            k = self.kind_of(e.child_by_field_id(F_OPERAND))
            return "string" if k == "string" else "slice"
        if t == "call_expression":
            fn = inner(e.child_by_field_id(F_FUNCTION))
            name = self.text(fn)
            if name in ("len", "cap", "copy"):
                return "int"
            if name == "recover" and self.lookup(name) is None:
                return "interface"
            if name in BASIC_KINDS:
                return BASIC_KINDS[name]
            if name in ("make", "new"):
                args = e.child_by_field_id(F_ARGUMENTS)
                if args is not None and args.named_child_count:
                    k = self.type_kind(args.named_children[0])[0]
                    return k if name == "make" else "pointer"
            if name == "append":
                return "slice"
            if fn.type in ("slice_type", "array_type", "map_type", "pointer_type", "qualified_type"):
                return self.type_kind(fn)[0]
            if name in self.st.decls.types:
                return self.type_kind(fn)[0]
            res = self.callee_result_type(e)
            if res is not None:
                return self.kind_in(*res)
            facts, _, _ = self.resolve_callee_quiet(fn)
            if isinstance(facts, dict) and facts.get("seq"):
                return "func"
            if name in _KNOWN_RESULT_KINDS:
                return _KNOWN_RESULT_KINDS[name]
            if fn.type == "selector_expression" and self.text(fn.child_by_field_id(F_FIELD)) in ("String", "Error"):
                return "string"
            return None
        if t == "type_conversion_expression":
            return self.type_kind(e.child_by_field_id(F_TYPE))[0]
        if t == "type_assertion_expression":
            return self.type_kind(e.child_by_field_id(F_TYPE))[0]
        if t == "selector_expression":
            found = self.field_type(e)
            if found is None:
                if self.names_type(e.child_by_field_id(F_OPERAND)):
                    return "func"  # a method expression, `(*T).Close`: a static function value
                std = self.std_field(e)
                return std[0] if std is not None else None
            ft, f = found
            if f is self.f:
                return self.type_kind(ft)[0]
            saved = self.f, self.imports
            self.f, self.imports = f, self.st.file_imports(f)
            try:
                return self.type_kind(ft)[0]
            finally:
                self.f, self.imports = saved
        if t == "index_expression":
            found = self.element_type(e.child_by_field_id(F_OPERAND))
            return self.kind_in(*found) if found is not None else None
        return None

    def kind_in(self, t: Node, f: SourceFile) -> str | None:
        """The kind of type `t` written in file `f` of the package."""
        if f is self.f:
            return self.type_kind(t)[0]
        saved = self.f, self.imports
        self.f, self.imports = f, self.st.file_imports(f)
        try:
            return self.type_kind(t)[0]
        finally:
            self.f, self.imports = saved

    def result_hint(self, e: Node) -> str | None:
        """The kind the standard-library table declares for a call's result, or for a variable bound
        to one. Used only to tell whether converting the value to an interface allocates (syntax
        cannot see through such values otherwise: method calls on them stay as they were)."""
        if e.type == "identifier":
            loc = self.lookup(self.name(e))
            return loc.rkind if loc is not None else None
        if e.type == "call_expression":
            return self.table_result_kind(inner(e.child_by_field_id(F_FUNCTION)), 0)
        return None

    def table_result_kind(self, fn: Node, i: int) -> str | None:
        """The kind of the i-th result of a standard-library callee, from the table."""
        facts, _, _ = self.resolve_callee_quiet(fn)
        results = facts.get("results") if isinstance(facts, dict) else None
        return results[i] if results is not None and i < len(results) else None

    def resolve_callee_quiet(self, fn: Node):
        """resolve_callee for a table lookup only: no recursion marks, no summaries computed."""
        if fn.type == "selector_expression":
            operand = inner(fn.child_by_field_id(F_OPERAND))
            method = self.text(fn.child_by_field_id(F_FIELD))
            if operand.type == "identifier" and self.lookup(self.text(operand)) is None:
                path = self.imports.get(self.text(operand))
                return (stdlib_facts().get(f"{path}.{method}") if path else None), None, ""
            tname = self.static_type(operand)
            if tname is not None and "." in tname:
                return stdlib_facts().get(f"{tname}.{method}"), operand, ""
        return None, None, ""

    def is_string(self, e: Node) -> bool:
        e = inner(e)
        if e.type in ("interpreted_string_literal", "raw_string_literal"):
            return True
        if e.type == "binary_expression" and _op(e) == "+":
            return self.is_string(e.child_by_field_id(F_LEFT)) or self.is_string(e.child_by_field_id(F_RIGHT))
        return self.kind_of(e) == "string"


_KNOWN_RESULT_KINDS = {"strings.Join": "string", "fmt.Sprintf": "string", "fmt.Sprint": "string", "strconv.Itoa": "string",
                       "strconv.Quote": "string", "strings.Repeat": "string", "strconv.FormatInt": "string",
                       "errors.New": "interface", "fmt.Errorf": "interface", "strings.TrimSpace": "string",
                       "strings.ToLower": "string", "strings.ToUpper": "string", "strings.TrimPrefix": "string",
                       "strings.TrimSuffix": "string", "strings.Replace": "string", "strings.ReplaceAll": "string"}


def _kind_elsewhere(fa: "_FuncAnalysis", decl) -> tuple[str | None, None]:
    t = inner(decl.type_node)
    if t.type in TYPE_LITERAL_KINDS:
        return TYPE_LITERAL_KINDS[t.type], None
    if t.type in ("type_identifier",):
        name = decl.file.text(t)
        if name in BASIC_KINDS:
            return BASIC_KINDS[name], None
    return None, None


def _embeds_pointer(field: Node) -> bool:
    """Whether an embedded field is written `*T` (the grammar gives it no pointer_type node)."""
    return any(c.type == "*" for c in field.children)


def _struct_literal(t: Node | None) -> Node | None:
    """The struct type written in place that `t` denotes, through pointers (`*struct{...}`), if any."""
    while t is not None and t.type in ("pointer_type", "parenthesized_type"):
        t = t.named_children[0]
    return t if t is not None and t.type == "struct_type" else None
