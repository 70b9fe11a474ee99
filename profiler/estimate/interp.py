"""`Interp`: the interpreter's state and its event stream.

The class is assembled from mixins, one per concern (statements, values, expressions,
containers, stdlib); this module holds what they share: the emitted event columns, the
function table (frames from the funcs pass), parameters and calls into package functions.
"""

from __future__ import annotations

import numpy as np

from goperf.analyzer.context import Package, SourceFile
from goperf.analyzer.passes.decls import package_decls
from goperf.analyzer.passes.funcs import package_funcs
from goperf.analyzer.passes.types import sizer

from .. import schema as S
from .containers import Containers
from .expressions import Expressions
from .model import DEFAULT_DEPTH, DEFAULT_LEN, DEFAULT_OPS, DEFAULT_STRLEN, MAX_EVENTS, EstimateError, FuncInfo, \
    Return, Val, share
from .statements import Statements
from .stdlib import StdlibCalls
from .syntax import frame_size, has_calls
from .values import Values


def slot_tables() -> tuple[np.ndarray, np.ndarray]:
    """Slot size by (size+7)>>3 up to 1024 B and by (size-1024+127)>>7 above (the size classes)."""
    from ..sizeclasses import load
    sc = load()
    small = np.array([int(sc.class_size[sc.to_class8[i]]) for i in range(len(sc.to_class8))])
    big = np.array([int(sc.class_size[sc.to_class128[i]]) for i in range(len(sc.to_class128))])
    return small, big


class Interp(Statements, Values, Expressions, Containers, StdlibCalls):
    def __init__(self, pkg: Package, import_path: str, params: dict[str, int] | None = None):
        self.pkg = pkg
        self.decls = package_decls(pkg)
        self.funcs = package_funcs(pkg)
        self.sizer = sizer(pkg)
        self.import_path = import_path
        self.params = dict(params or {})
        self.depth_limit = int(self.params.get("depth", DEFAULT_DEPTH))
        self.assumed: dict[str, int] = {}
        self.unmodelled: dict[str, int] = {}
        self.ev: dict[str, list] = {k: [] for k in ("kind", "func", "size", "goroutine", "flags")}
        self.fids: dict[str, int] = {}
        self.finfo: list[FuncInfo] = []
        self.emit_on = True
        self.goroutine = 0
        self.n_goroutines = 1
        self.stack: list[str] = []
        self.pending_free = 0
        self.sites: dict[tuple[str, int], set[str]] = {}   # (path, start byte) -> site kinds that escape
        for path, verdicts in self.funcs.verdicts_by_file.items():
            for v in verdicts:
                if v.kind == "site":
                    self.sites.setdefault((path, v.node.start_byte), set()).add(v.site_kind)
        self.sc, self.sc_big = slot_tables()
        self.pkg_vals: dict[str, Val] = {}
        self.acc: dict[tuple[str, int], float] = {}          # if-branch probability accumulated per statement
        self.local_types: dict[str, str] = {}                # variable name -> package type (driver fills it)
        self.ops = DEFAULT_OPS
        self.in_bench = False

    # -- events ------------------------------------------------------------------------
    def _push(self, kind, f, size=0, flags=0):
        e = self.ev
        if len(e["kind"]) >= MAX_EVENTS:
            raise EstimateError(f"more than {MAX_EVENTS} events: lower the loop parameters")
        e["kind"].append(kind); e["func"].append(f); e["size"].append(size)  # noqa: E702
        e["goroutine"].append(self.goroutine); e["flags"].append(flags)  # noqa: E702

    def cur(self) -> int:
        return self.fid(self.stack[-1]) if self.stack else -1

    def alloc(self, size: int, noscan: bool) -> None:
        if not self.emit_on or size <= 0:
            return
        self._push(S.EV_ALLOC, self.cur(), int(size), S.F_NOSCAN if noscan else 0)
        if not (noscan and size < 16):
            self.pending_free += self.slot(size, noscan)

    def slot(self, size: int, noscan: bool) -> int:
        if not noscan and 512 < size <= 32760:
            size += 8
        if size > 32760:
            return -(-size // 8192) * 8192
        return int(self.sc[(size + 7) >> 3]) if size <= 1024 else int(self.sc_big[(size - 1024 + 127) >> 7])

    def free_all(self) -> None:
        if self.emit_on and self.pending_free:
            self._push(S.EV_FREE, -1, self.pending_free)
        self.pending_free = 0

    def fid(self, key: str) -> int:
        if key not in self.fids:
            found = self.decls.funcs.get(key)
            summ = self.funcs.by_key.get(key)
            node, f = found if found else (None, None)
            frame = frame_size(summ)
            calls = node is not None and has_calls(node)
            nosplit = frame < 128 and not calls
            inlined = summ is not None and summ.inline_cost is not None
            self.fids[key] = len(self.finfo)
            self.finfo.append(FuncInfo(key, self.qualified(key), node, f, frame, nosplit, inlined))
        return self.fids[key]

    def qualified(self, key: str) -> str:
        if "." in key:
            recv, name = key.split(".", 1)
            found = self.decls.funcs.get(key)
            ptr = False
            if found:
                r = found[0].child_by_field_name("receiver")
                ptr = r is not None and "*" in found[1].text(r)
            return f"{self.import_path}.({'*' if ptr else ''}{recv}).{name}"
        return f"{self.import_path}.{key}"

    # -- parameters ----------------------------------------------------------------------
    def param(self, name: str, default: int = DEFAULT_LEN) -> int:
        for cand in (name, name.rsplit(".", 1)[-1]):
            if cand in self.params:
                return int(self.params[cand])
        self.assumed.setdefault(name, default)
        return default

    def str_len_param(self, name: str) -> int:
        for cand in (name, f"len({name})"):
            if cand in self.params:
                return int(self.params[cand])
        self.assumed.setdefault(f"len({name})", DEFAULT_STRLEN)
        return DEFAULT_STRLEN

    # -- functions -----------------------------------------------------------------------
    def call_func(self, key: str, env_args: dict[str, Val], recv: tuple[str, Val] | None = None) -> Val | None:
        found = self.decls.funcs.get(key)
        if found is None:
            return None
        if self.stack.count(key) >= self.depth_limit:
            return None
        node, f = found
        i = self.fid(key)
        info = self.finfo[i]
        framed = not info.inlined
        if framed:
            self._push(S.EV_ENTER, i) if self.emit_on else None
        self.stack.append(key)
        env: dict[str, Val] = dict(env_args)
        if recv is not None:
            env[recv[0]] = recv[1]
        ret = None
        try:
            body = node.child_by_field_name("body")
            if body is not None:
                self.block(body, env, f)
        except Return as r:
            ret = r.val
        finally:
            self.stack.pop()
            if framed and self.emit_on:
                self._push(S.EV_EXIT, i)
        return ret

    def bind_args(self, key: str, args: list, env: dict, f: SourceFile) -> tuple[dict[str, Val], tuple | None]:
        node, cf = self.decls.funcs[key]
        out: dict[str, Val] = {}
        plist = node.child_by_field_name("parameters")
        k = 0
        for decl in plist.named_children if plist is not None else []:
            if decl.type not in ("parameter_declaration", "variadic_parameter_declaration"):
                continue
            t = decl.child_by_field_name("type")
            for ident in decl.children_by_field_name("name") or [None]:
                a = args[k] if k < len(args) else None
                k += 1
                if ident is None:
                    continue
                v = self.expr_value(a, env, f) if a is not None else None
                if v is None or (v.kind == "other" and t is not None):
                    v = self.val_of_type(t, cf) if t is not None else Val()
                out[cf.text(ident)] = share(v)
        return out, None
