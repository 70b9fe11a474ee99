"""Package-level declarations of every file in the package: types, vars, consts, funcs."""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node

from ..context import Package, SourceFile
from ..parsing import F_NAME, F_TYPE
from .scopes import Decl, declared_in_statement


@dataclass(frozen=True)
class TypeDecl:
    name: str
    type_node: Node  # the right-hand side: struct_type, identifier, ...
    file: SourceFile
    is_alias: bool


@dataclass
class PackageDecls:
    types: dict[str, TypeDecl]
    values: dict[str, Decl]  # package-level vars and consts
    value_files: dict[str, SourceFile]
    funcs: dict[str, tuple[Node, SourceFile]]  # "Name" or "Recv.Name"


def package_decls(pkg: Package) -> PackageDecls:
    return pkg.result("decls", _collect)


def _collect(pkg: Package) -> PackageDecls:
    out = PackageDecls({}, {}, {}, {})
    for f in pkg.files:  # in file order: a later declaration of a name replaces an earlier one
        types, values, funcs = file_decls(f)
        out.types.update(types)
        out.values.update(values)
        out.value_files.update({name: f for name in values})
        out.funcs.update(funcs)
    return out


def file_decls(f: SourceFile) -> tuple[dict[str, TypeDecl], dict[str, Decl], dict[str, tuple[Node, SourceFile]]]:
    """One file's share of the package declarations. The walk is memoised on the file (for its tree):
    a re-analysis after an edit re-reads only the edited file, the siblings' shares are kept. The memo
    holds no reference to the file (the file is attached here), so that a replaced file is freed by
    reference counting, not left in a cycle for the collector."""
    cached = f.__dict__.get("_decls")
    if cached is None or cached[0] is not f.tree or cached[1] is not f.source:
        cached = (f.tree, f.source, _walk(f))
        f.__dict__["_decls"] = cached
    types, values, funcs = cached[2]
    return ({n: TypeDecl(n, t, f, alias) for n, (t, alias) in types.items()}, values,
            {key: (node, f) for key, node in funcs.items()})


def _walk(f: SourceFile) -> tuple[dict[str, tuple[Node, bool]], dict[str, Decl], dict[str, Node]]:
    """The file's types (name -> (type node, is alias)), vars and consts, and funcs ("Name" or "Recv.Name")."""
    from .scopes import receiver_type_name

    types: dict[str, tuple[Node, bool]] = {}
    values: dict[str, Decl] = {}
    funcs: dict[str, Node] = {}
    source = f.source
    for top in f.tree.root_node.named_children:
        if top.type == "type_declaration":
            for spec in top.named_children:
                if spec.type in ("type_spec", "type_alias"):
                    name, t = spec.child_by_field_id(F_NAME), spec.child_by_field_id(F_TYPE)
                    if name is not None and t is not None:
                        types[f.text(name)] = (t, spec.type == "type_alias")
        elif top.type in ("var_declaration", "const_declaration"):
            for decl in declared_in_statement(top, source, kind_prefix="package-"):
                values[decl.name] = decl
        elif top.type == "function_declaration":
            funcs[f.text(top.child_by_field_id(F_NAME))] = top
        elif top.type == "method_declaration":
            recv = receiver_type_name(top, f.source)
            funcs[f"{recv}.{f.text(top.child_by_field_name('name'))}"] = top
    return types, values, funcs
