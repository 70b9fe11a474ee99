"""What a rule sees: one file's tree and source, its package, the config, pass results."""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any, Callable, Generic, TypeVar

from tree_sitter import Node, Tree

from . import parsing
from .config import Config
from .model import Finding

T = TypeVar("T")
_start_byte = attrgetter("start_byte")


@dataclass(frozen=True)
class Pass(Generic[T]):
    """Shared work that reports nothing: computed once per file, read by many rules."""

    name: str
    run: Callable[["Context"], T]


@dataclass
class SourceFile:
    path: str
    source: bytes
    tree: Tree

    @classmethod
    def parse(cls, path: str, source: bytes) -> "SourceFile":
        return cls(path, source, parsing.parse(source))

    def text(self, node: Node | None) -> str:
        if node is None:  # parsing.text, inlined: the most called function of a lint run
            return ""
        return self.source[node.start_byte:node.end_byte].decode("utf-8", "replace")


@dataclass
class Package:
    """The files of one Go package (one folder), parsed; rules may read all of them."""

    files: list[SourceFile]
    _results: dict[str, Any] = field(default_factory=dict)
    # name -> compute: replaces the pass's own computation (the incremental driver's cached variants)
    providers: dict[str, Callable[["Package"], Any]] = field(default_factory=dict)

    def result(self, name: str, compute: Callable[["Package"], T]) -> T:
        if name not in self._results:
            self._results[name] = self.providers.get(name, compute)(self)
        return self._results[name]

    def file(self, path: str) -> SourceFile | None:
        return next((f for f in self.files if f.path == path), None)


class Context:
    """`ranges`, when given, narrows what `nodes()` returns (and so what every rule and per-file
    pass iterates) to the nodes inside those byte ranges: the top-level declarations an edit
    touched, when the driver re-analyzes a file incrementally (analyzer/incremental.py)."""

    def __init__(self, file: SourceFile, package: Package, config: Config,
                 ranges: list[tuple[int, int]] | None = None):
        self.file = file
        self.package = package
        self.config = config
        self.ranges = ranges
        self._results: dict[str, Any] = {}
        self._index: dict[str, list[Node]] | None = None
        self._extra: dict[str, list[Node]] = {}

    @property
    def path(self) -> str:
        return self.file.path

    @property
    def source(self) -> bytes:
        return self.file.source

    @property
    def root(self) -> Node:
        return self.file.tree.root_node

    def text(self, node: Node | None) -> str:
        if node is None:  # parsing.text, inlined
            return ""
        return self.file.source[node.start_byte:node.end_byte].decode("utf-8", "replace")

    def nodes(self, kind: str) -> list[Node]:
        """All nodes of one kind in this file (or in `ranges`), in source order. The kinds most
        rules read come from one run of the index query; any other kind (comments, which only
        suppressions and fix vetting need, and rarely) from a query of its own, run when first asked."""
        if self._index is None:
            self._index = self._captures(parsing.query("index"))
            if self.ranges is None:
                from .passes.scopes import adopt_index

                adopt_index(self.source, self.root, self._index)
        found = self._index.get(kind)
        if found is not None or kind in parsing.indexed_kinds():
            return found if found is not None else []
        found = self._extra.get(kind)
        if found is None:
            q = parsing.kind_query(kind)
            found = self._extra[kind] = self._captures(q).get(kind, []) if q is not None else []
        return found

    def _captures(self, q) -> dict[str, list[Node]]:
        if self.ranges is None:
            index = parsing.captures(q, self.root)
        else:
            index = {}
            for start, end in self.ranges:
                for name, nodes in parsing.captures_in(q, self.root, start, end).items():
                    index.setdefault(name, []).extend(nodes)
        for nodes in index.values():
            nodes.sort(key=_start_byte)
        return index

    def result(self, p: Pass[T]) -> T:
        if p.name not in self._results:
            self._results[p.name] = p.run(self)
        return self._results[p.name]

    def finding(self, rule, node: Node, message: str, **kw) -> Finding:
        from .passes.scopes import enclosing_function_name

        kw.setdefault("severity", rule.severity)
        kw.setdefault("function", enclosing_function_name(node, self.source))
        return Finding(rule.id, self.path, node.start_byte, node.end_byte, message, **kw)
