"""Package-level declarations of every file in the package: types, vars, consts, funcs."""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node

from ..context import Package, SourceFile
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
    from .scopes import receiver_type_name

    out = PackageDecls({}, {}, {}, {})
    for f in pkg.files:
        for top in f.tree.root_node.named_children:
            if top.type == "type_declaration":
                for spec in top.named_children:
                    if spec.type in ("type_spec", "type_alias"):
                        name, t = spec.child_by_field_name("name"), spec.child_by_field_name("type")
                        if name is not None and t is not None:
                            n = f.text(name)
                            out.types[n] = TypeDecl(n, t, f, spec.type == "type_alias")
            elif top.type in ("var_declaration", "const_declaration"):
                for decl in declared_in_statement(top, f.source):
                    kind = "package-var" if top.type == "var_declaration" else "package-const"
                    out.values[decl.name] = Decl(decl.name, kind, decl.name_node, top, decl.type_node, decl.value_node)
                    out.value_files[decl.name] = f
            elif top.type == "function_declaration":
                out.funcs[f.text(top.child_by_field_name("name"))] = (top, f)
            elif top.type == "method_declaration":
                recv = receiver_type_name(top, f.source)
                out.funcs[f"{recv}.{f.text(top.child_by_field_name('name'))}"] = (top, f)
    return out
