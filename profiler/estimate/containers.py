"""Built-ins that size containers: make, append (growslice's rule, the compiler's 32-byte
stack buffer) and maps as Go 1.24+ swiss tables (8-slot group, then tables of 16…1024
slots at 7/8 load, split beyond)."""

from __future__ import annotations

from goperf.analyzer.costs import _next_cap, roundupsize
from goperf.analyzer.parsing import inner
from goperf.analyzer.passes.types import Layout

from .model import MAP_HEADER, MAP_TABLE, MAX_TABLE_CAP, STACK_TMP_BUF, WORD, Val, pow2


class Containers:
    """Mixin of `Interp`: make, append and map inserts."""

    def make(self, n, args, env, f) -> Val:
        t = inner(args[0]) if args else None
        if t is None:
            return Val()
        if t.type == "map_type":
            v = self._mapval(t, f)
            hint = self.int_value(args[1], env, f) if len(args) > 1 else 0
            if self.escapes_in(n, f, "make"):
                self.alloc(MAP_HEADER, False)
            if hint > 8:
                self.map_presize(v, hint)
            return v
        if t.type == "slice_type":
            el = self.sizer.layout(t.child_by_field_name("element"), f) or Layout(WORD, WORD)
            ln = self.int_value(args[1], env, f) if len(args) > 1 else 0
            cap = self.int_value(args[2], env, f) if len(args) > 2 else ln
            size = cap * el.size
            const = all(self.sizer.constant(a, f) is not None for a in args[1:])
            heap = self.escapes_in(n, f, "make") or size > 64 * 1024 or (not const and size > STACK_TMP_BUF)
            if heap:
                self.alloc(size, not el.has_pointers)
            return Val("slice", ln, cap, el)
        if t.type == "channel_type":
            self.alloc(96, False)
        return Val()

    def append(self, n, args, env, f) -> Val | None:
        if not args:
            return None
        base = self.value(args[0], env, f)
        add = 0
        for a in args[1:]:
            if a.type == "variadic_argument":
                x = a.named_children[0]
                xv = self.expr(x, env, f) or self.value(x, env, f)
                add += xv.length if xv is not None and xv.length is not None else self.str_len(x, env, f)
            else:
                self.expr(a, env, f)
                add += 1
        if base is None or base.kind != "slice":
            base = Val("slice", 0, 0, Layout(WORD, WORD))
        if base.length is None:
            base.length = self.param(f.text(args[0]))
            base.cap = base.length
        el = base.elem or Layout(WORD, WORD)
        newlen = base.length + add
        if newlen > base.cap:
            noscan = not el.has_pointers
            if base.stackbuf and base.cap == 0 and el.size and STACK_TMP_BUF // el.size >= newlen:
                base.cap = STACK_TMP_BUF // el.size   # the compiler's stack buffer
                base.stackbuf = False
                base.onstack = True
            if newlen > base.cap:
                base.stackbuf = base.onstack = False
                cap = roundupsize(_next_cap(newlen, base.cap) * el.size, not noscan) // max(el.size, 1)
                self.alloc(cap * el.size, noscan)
                base.cap = cap
        base.length = newlen
        return base

    # -- maps (Go 1.24+ swiss tables) ---------------------------------------------------------
    def _groups(self, v: Val, cap: int) -> None:
        self.alloc((cap // 8) * (8 + 8 * v.slot), False)

    def _new_table(self, v: Val, cap: int) -> None:
        self.alloc(MAP_TABLE, False)
        self._groups(v, cap)

    def map_presize(self, v: Val, hint: int) -> None:
        target = hint * 8 // 7
        dirs = pow2((target + MAX_TABLE_CAP - 1) // MAX_TABLE_CAP)
        self.alloc(dirs * WORD, False)
        cap = max(pow2(target // dirs), 8)
        ms = v.mstate
        ms["small"] = False
        for _ in range(dirs):
            self._new_table(v, cap)
            ms["tables"].append(cap)
            ms["used"].append(0)
        ms["dir"] = dirs

    def map_insert(self, v: Val) -> None:
        ms = v.mstate
        if ms is None:
            return
        v.length = (v.length or 0) + 1
        if ms["small"] is None:
            self._groups(v, 8)
            ms["small"] = True
            ms["count"] = 1
            return
        if ms["small"]:
            ms["count"] += 1
            if ms["count"] <= 8:
                return
            self._new_table(v, 16)
            self.alloc(WORD, False)
            ms.update(small=False, tables=[16], used=[ms["count"]], dir=1)
            return
        # insert into the least-loaded table (hash spreads keys evenly)
        i = min(range(len(ms["tables"])), key=lambda j: ms["used"][j] / ms["tables"][j])
        cap = ms["tables"][i]
        if ms["used"][i] + 1 > cap * 7 // 8:
            if cap * 2 <= MAX_TABLE_CAP:
                self._new_table(v, cap * 2)
                ms["tables"][i] = cap * 2
            else:                                     # split into two tables of the same capacity
                self._new_table(v, cap)
                self._new_table(v, cap)
                half = ms["used"][i] // 2
                ms["used"][i] = half
                ms["tables"].append(cap)
                ms["used"].append(ms["used"][i])
                if len(ms["tables"]) > ms["dir"]:
                    ms["dir"] *= 2
                    self.alloc(ms["dir"] * WORD, False)
                i = min(range(len(ms["tables"])), key=lambda j: ms["used"][j] / ms["tables"][j])
        ms["used"][i] += 1

