"""Hold a sync.Mutex (RWMutex, WaitGroup, Once) by value, not through a pointer field.

## What it does
Flags an unexported struct field of type `*sync.Mutex`, `*sync.RWMutex`,
`*sync.WaitGroup` or `*sync.Once` when the package only ever gives it a fresh value
(`new(sync.Mutex)` or `&sync.Mutex{}`, in a composite literal or right after the
object is built) and only calls methods on it. A field that is
assigned from anything else (another object's field, a variable, a parameter), compared
with nil, replaced later (a reset), passed or returned as a pointer, or used on a value that is copied (value
receivers, by-value parameters) is deliberately shared and is not flagged.

## Why is this bad?
The zero value of these types is ready to use, so the pointer buys nothing: it costs an
extra heap allocation per object (`new(sync.Mutex)` escapes with the struct), an extra
pointer for the garbage collector to trace, and an indirection on every Lock. It also
invites a nil-pointer panic when a constructor forgets the initialisation.

## Example
```go
type Cache struct {
	mu    *sync.Mutex
	items map[string]int
}

func NewCache() *Cache {
	return &Cache{mu: new(sync.Mutex), items: map[string]int{}}
}

func (c *Cache) Get(k string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.items[k]
}
```

Use instead:
```go
type Cache struct {
	mu    sync.Mutex
	items map[string]int
}

func NewCache() *Cache {
	return &Cache{items: map[string]int{}}
}

func (c *Cache) Get(k string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.items[k]
}
```

## Fix safety
The fix changes the field's type and removes the `new(sync.Mutex)` / `&sync.Mutex{}`
initialisations of that field in every file of the package (keyed composite-literal
elements and assignment statements). It is always unsafe: copies of the struct used to
share one lock and now each get their own (a `go vet` copylocks report will follow where
the struct is copied), and code outside the package that set the field no longer
compiles. When the field's name is declared by several structs of the package, every use of
it must be attributable (from the declared types of the operands) or nothing is flagged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from tree_sitter import Node

from ...context import Context, Package, SourceFile
from ...model import Applicability, Edit, Finding, Fix, FixAvailability, Severity
from ...parsing import captures, inline_query, inner
from ...passes import exprtypes
from ...passes.decls import package_decls
from ...passes.scopes import enclosing_function, resolve
from ...rule import Rule
from .locks import ZERO_READY, line_span, qualified

USES_QUERY = """
(selector_expression field: (field_identifier) @sel)
(keyed_element key: (literal_element (identifier) @key))
(field_declaration name: (field_identifier) @field)
(parameter_declaration type: (_) @param)
(method_declaration receiver: (parameter_list (parameter_declaration type: (_) @recv)))
(function_declaration result: (_) @result)
(method_declaration result: (_) @result)
(composite_literal body: (literal_value (literal_element) @positional))
"""


@dataclass
class PackageUses:
    selectors: dict[str, list[tuple[SourceFile, Node]]]  # field name -> selector_expression nodes
    keys: dict[str, list[tuple[SourceFile, Node]]]  # key name -> keyed_element nodes
    field_count: dict[str, int]  # how many field declarations use the name
    by_value: set[str]  # type names used as by-value parameters, receivers or results
    positional: set[str]  # type names of composite literals written without keys


def _collect(pkg: Package) -> PackageUses:
    out = PackageUses({}, {}, {}, set(), set())
    q = inline_query(USES_QUERY)
    for f in pkg.files:
        caps = captures(q, f.tree.root_node)
        for n in caps.get("sel", []):
            out.selectors.setdefault(f.text(n), []).append((f, n.parent))
        for n in caps.get("key", []):
            out.keys.setdefault(f.text(n), []).append((f, n.parent.parent))
        for n in caps.get("field", []):
            out.field_count[f.text(n)] = out.field_count.get(f.text(n), 0) + 1
        for n in caps.get("param", []) + caps.get("recv", []) + caps.get("result", []):
            if n.type == "type_identifier":
                out.by_value.add(f.text(n))
            elif n.type == "parameter_list":
                for p in n.named_children:
                    t = p.child_by_field_name("type")
                    if t is not None and t.type == "type_identifier":
                        out.by_value.add(f.text(t))
        for n in caps.get("positional", []):
            lit = n.parent.parent
            t = lit.child_by_field_name("type")
            if t is not None and t.type == "type_identifier":
                out.positional.add(f.text(t))
    return out


def package_uses(pkg: Package) -> PackageUses:
    return pkg.result("mutex.pointer-field.uses", _collect)


def check(ctx: Context) -> Iterator[Finding]:
    for field in ctx.nodes("field_declaration"):
        names = field.children_by_field_name("name")
        ptr = field.child_by_field_name("type")
        if len(names) != 1 or ptr is None or ptr.type != "pointer_type":
            continue
        lock = qualified(ctx.file, ptr.named_children[0])
        if lock is None or lock[0] != "sync" or lock[1] not in ZERO_READY:
            continue
        name = ctx.text(names[0])
        struct = field.parent.parent if field.parent is not None else None
        spec = struct.parent if struct is not None else None
        if struct is None or struct.type != "struct_type" or spec is None or spec.type != "type_spec":
            continue
        type_name = ctx.text(spec.child_by_field_name("name"))
        if name[0].isupper() or name == "_" or spec.child_by_field_name("type_parameters") is not None:
            continue  # exported: other packages may share it; generic: skip
        uses = package_uses(ctx.package)
        if type_name in uses.by_value or type_name in uses.positional:
            continue
        inits = _initialisations(ctx, uses, type_name, name, lock[1])
        if inits is None or not inits:
            continue
        lock_text = ctx.text(ptr.named_children[0])
        fixes = ()
        if True:
            edits = [Edit(ptr.start_byte, ptr.named_children[0].start_byte, "")]
            edits += _comment_padding(ctx, field)
            for f, node in inits:
                edits += _removal(f, node, ctx.file)
            fixes = (Fix(f"Use a {lock_text} value and drop its initialisations", tuple(edits),
                         Applicability.UNSAFE),)
        yield ctx.finding(RULE, field,
                          f"field {name} can be a {lock_text} value: its zero value is ready to use, "
                          f"the pointer costs an allocation and an indirection",
                          fixes=fixes, data={"field": name, "type": lock_text})


def _initialisations(ctx: Context, uses: PackageUses, type_name: str, name: str,
                     lock: str) -> list[tuple[SourceFile, Node]] | None:
    """The nodes that give the field a fresh lock (keyed elements, assignment statements),
    or None if any use of the field is something else (or cannot be told apart from one)."""
    unique = uses.field_count.get(name, 0) == 1
    out = []
    for f, kv in uses.keys.get(name, []):
        owner = _literal_type(f, kv)
        if owner is not None and owner != type_name and name in _field_names(ctx, owner):
            continue  # another struct's field of the same name
        if owner != type_name and not unique:
            return None
        value = kv.child_by_field_name("value")
        if value is None or value.named_child_count != 1 or not _fresh(f, value.named_children[0], lock):
            return None
        out.append((f, kv))
    for f, sel in uses.selectors.get(name, []):
        operand = sel.child_by_field_name("operand")
        owner = exprtypes.named_type(ctx.package, _deref_or_self(ctx, exprtypes.type_of(ctx.package, f, operand)))
        if owner is not None and owner != type_name and name in _field_names(ctx, owner):
            continue
        if owner != type_name and not unique:
            return None
        if not _addressable(f, operand):
            return None
        parent = sel.parent
        if parent.type == "selector_expression" and parent.child_by_field_name("operand") == sel:
            call = parent.parent
            if call.type == "call_expression" and call.child_by_field_name("function") == parent:
                continue  # x.mu.Lock()
            return None  # a method value or a field of the lock
        if parent.type == "expression_list" and parent.parent.type == "assignment_statement":
            stmt = parent.parent
            left, right = stmt.child_by_field_name("left"), stmt.child_by_field_name("right")
            if left == parent and left.named_child_count == 1 and right is not None and \
                    right.named_child_count == 1 and f.text(stmt.child_by_field_name("operator")) == "=" and \
                    _fresh(f, right.named_children[0], lock) and stmt.parent is not None and \
                    stmt.parent.type == "statement_list" and _constructed_here(f, operand):
                out.append((f, stmt))
                continue
        return None  # compared with nil, passed, returned, stored, assigned from elsewhere
    return out


def _constructed_here(f: SourceFile, operand: Node) -> bool:
    """`p` in `p.mu = new(sync.Mutex)` was built in this function (`p := &T{...}`, `new(T)`,
    `var p T`): the assignment initialises; anywhere else it replaces a lock (a reset)."""
    operand = inner(operand)
    if operand.type != "identifier":
        return False
    decl = resolve(operand, f.source)
    if decl is None or decl.kind not in ("short", "var") or enclosing_function(decl.statement) != \
            enclosing_function(operand):
        return False
    if decl.value_node is None:
        return decl.type_node is not None and decl.type_node.type == "type_identifier"
    value = inner(decl.value_node)
    if value.type == "unary_expression" and f.text(value.child_by_field_name("operator")) == "&":
        value = inner(value.child_by_field_name("operand"))
    if value.type == "composite_literal":
        return True
    return value.type == "call_expression" and f.text(value.child_by_field_name("function")) == "new"


def _deref_or_self(ctx: Context, ref):
    return exprtypes.deref(ctx.package, ref) or ref


def _literal_type(f: SourceFile, kv: Node) -> str | None:
    """The type name of the composite literal a keyed element belongs to, if written."""
    lit = kv.parent.parent if kv.parent is not None else None
    if lit is None or lit.type != "composite_literal":
        return None
    t = lit.child_by_field_name("type")
    return f.text(t) if t is not None and t.type == "type_identifier" else None


def _field_names(ctx: Context, type_name: str) -> set[str]:
    decl = package_decls(ctx.package).types.get(type_name)
    if decl is None:
        return set()
    u = exprtypes.underlying(ctx.package, exprtypes.TypeRef(decl.type_node, decl.file))
    if u is None or u.wrap or u.node.type != "struct_type":
        return set()
    return {u.file.text(n) for fd in exprtypes.struct_fields(u.node) for n in fd.children_by_field_name("name")}


def _fresh(f: SourceFile, value: Node, lock: str) -> bool:
    """`new(sync.Mutex)` or `&sync.Mutex{}`."""
    value = inner(value)
    if value.type == "call_expression" and f.text(value.child_by_field_name("function")) == "new":
        args = value.child_by_field_name("arguments").named_children
        return len(args) == 1 and qualified(f, args[0]) == ("sync", lock)
    if value.type == "unary_expression" and f.text(value.child_by_field_name("operator")) == "&":
        lit = inner(value.child_by_field_name("operand"))
        if lit.type == "composite_literal":
            body = lit.child_by_field_name("body")
            return qualified(f, lit.child_by_field_name("type")) == ("sync", lock) and \
                body is not None and body.named_child_count == 0
    return False


def _addressable(f: SourceFile, operand: Node | None) -> bool:
    """Whether `operand.mu` stays addressable with a value field (a chain of variables and
    fields; a pointer call result or map element would not be)."""
    while operand is not None:
        operand = inner(operand)
        if operand.type == "identifier":
            return True
        if operand.type == "selector_expression":
            operand = operand.child_by_field_name("operand")
            continue
        if operand.type == "unary_expression" and f.text(operand.child_by_field_name("operator")) == "*":
            return True
        return False
    return False


def _comment_padding(ctx: Context, field: Node) -> list[Edit]:
    """Keep a trailing comment or tag in its gofmt column after the type loses its `*`."""
    after = _trailing_cell(ctx, field)
    if after is None:
        return []
    run = [field]
    for step in (-1, 1):
        node = field
        while True:
            sib = node.prev_named_sibling if step < 0 else node.next_named_sibling
            while sib is not None and sib.type == "comment" and sib.start_point[0] == node.end_point[0]:
                sib = sib.prev_named_sibling if step < 0 else sib.next_named_sibling
            if sib is None or sib.type != "field_declaration" or abs(sib.start_point[0] - node.start_point[0]) != 1 \
                    or sib.start_point[0] != sib.end_point[0] or _trailing_cell(ctx, sib) is None:
                break
            run.append(sib)
            node = sib
    others = [f for f in run if f != field]
    mine = _type_cell_end(ctx, field) - field.start_byte
    old_col = max([mine] + [_type_cell_end(ctx, f) - f.start_byte for f in others])
    new_col = max([mine - 1] + [_type_cell_end(ctx, f) - f.start_byte for f in others])
    if old_col == new_col:
        return [Edit(after.start_byte, after.start_byte, " ")]
    # Ours was the widest: gofmt moves the whole column left by one.
    edits = []
    for f in others:
        cell = _trailing_cell(ctx, f)
        edits.append(Edit(cell.start_byte - 1, cell.start_byte, ""))
    return edits


def _type_cell_end(ctx: Context, field: Node) -> int:
    t = field.child_by_field_name("type")
    return t.end_byte


def _trailing_cell(ctx: Context, field: Node) -> Node | None:
    tag = field.child_by_field_name("tag")
    if tag is not None:
        return tag
    sib = field.next_named_sibling
    if sib is not None and sib.type == "comment" and sib.start_point[0] == field.end_point[0]:
        return sib
    return None


def _removal(f: SourceFile, node: Node, home: SourceFile) -> list[Edit]:
    path = None if f.path == home.path else f.path
    src = f.source
    if node.type == "keyed_element":
        body = node.parent
        elements = [c for c in body.named_children if c.type in ("keyed_element", "literal_element")]
        span = line_span(src, node)
        if span is not None and node.start_point[0] != body.start_point[0]:
            edits = [Edit(span[0], span[1], "", path)]
            edits += _realign_keys(f, node, elements, path)
            return edits
        i = [e.id for e in elements].index(node.id)
        if len(elements) == 1:
            return [Edit(body.start_byte + 1, body.end_byte - 1, "", path)]
        if i + 1 < len(elements):
            return [Edit(node.start_byte, elements[i + 1].start_byte, "", path)]
        return [Edit(elements[i - 1].end_byte, node.end_byte, "", path)]
    span = line_span(src, node)
    if span is None:
        return [Edit(node.start_byte, node.end_byte, "", path)]
    return [Edit(span[0], span[1], "", path)]


def _realign_keys(f: SourceFile, removed: Node, elements: list[Node], path: str | None) -> list[Edit]:
    """gofmt aligns the values of consecutive one-line `key: value` lines; if the removed
    key was the widest, the others move left."""
    run, row = [], removed.start_point[0]
    index = [e.id for e in elements].index(removed.id)
    for step in (-1, 1):
        j, r = index + step, row
        while 0 <= j < len(elements):
            e = elements[j]
            if e.type != "keyed_element" or e.start_point[0] != r + step or e.start_point[0] != e.end_point[0]:
                break
            run.append(e)
            j, r = j + step, r + step
    if not run:
        return []

    def key_width(e: Node) -> int:
        return len(f.text(e.child_by_field_name("key"))) + 1

    new = max(key_width(e) for e in run)
    if key_width(removed) <= new:
        return []
    edits = []
    for e in run:
        key, value = e.child_by_field_name("key"), e.child_by_field_name("value")
        colon_end = key.end_byte + 1
        edits.append(Edit(colon_end, value.start_byte, " " * (new - key_width(e) + 1), path))
    return edits


RULE = Rule(
    id="mutex/pointer-field",
    doc=__doc__,
    check=check,
    severity=Severity.INFO,
    fix=FixAvailability.SOMETIMES,
    peers=(),
)
