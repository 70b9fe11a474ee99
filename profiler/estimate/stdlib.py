"""Standard-library calls: the cost table (data) and the code that reads it.

`STDLIB` maps a qualified call to (kind, spec), per call, measured with Go 1.27.3
(-benchmem on one call) unless noted:
  - "string": one pointer-free allocation of the result's length; spec says which length
    ("format": the format string with 8 B per verb, "arg0": the first argument's length,
    "arg0+2", "arg0*arg1", "joined", None: 8 B per argument, an int: that many bytes);
  - "fixed": a list of (size, noscan) allocations; "fixed+string": those, then a formatted string;
  - "slice": a []string of `parts(NAME)` elements (parameter, default 4);
  - "none": no allocation.
Methods named in `FREE_METHODS` cost nothing we model. `strings.Builder` / `bytes.Buffer`
methods are not in the table: they change the receiver's (len, cap) (`WriterCalls`).
"""

from __future__ import annotations

import re

from goperf.analyzer.costs import SMALL_BUFFER, _next_cap, roundupsize
from goperf.analyzer.passes.types import Layout

from .model import DEFAULT_STRLEN, Val

REGEXP_COMPILE = [(64, False)] * 27 + [(96, False)] * 33      # `^[A-Z]{3}-\d{4}$`: 60 allocs, ~4.9 KB
STDLIB: dict[str, tuple[str, object]] = {
    "fmt.Sprintf": ("string", "format"), "fmt.Sprint": ("string", None), "fmt.Sprintln": ("string", None),
    "fmt.Errorf": ("fixed+string", [(16, False)]),
    "errors.New": ("fixed", [(16, False)]),
    "strconv.Itoa": ("string", 3), "strconv.FormatInt": ("string", 3), "strconv.Quote": ("string", "arg0+2"),
    "strings.ToUpper": ("string", "arg0"), "strings.ToLower": ("string", "arg0"),
    "strings.Repeat": ("string", "arg0*arg1"), "strings.ReplaceAll": ("string", "arg0"),
    "strings.Replace": ("string", "arg0"), "strings.Join": ("string", "joined"),
    "strings.Split": ("slice", "parts"), "strings.Fields": ("slice", "parts"),
    "strings.TrimSpace": ("none", None), "strings.HasPrefix": ("none", None), "strings.Contains": ("none", None),
    "strings.Index": ("none", None), "strings.EqualFold": ("none", None), "strings.TrimPrefix": ("none", None),
    "strings.TrimSuffix": ("none", None), "strings.Trim": ("none", None),
    "regexp.MustCompile": ("fixed", REGEXP_COMPILE), "regexp.Compile": ("fixed", REGEXP_COMPILE),
    "sort.Strings": ("none", None), "sort.Ints": ("none", None), "slices.Sort": ("none", None),
    "sort.Slice": ("fixed", [(24, False), (56, False)]),
    "len": ("none", None), "cap": ("none", None), "copy": ("none", None), "delete": ("none", None),
    "panic": ("none", None), "min": ("none", None), "max": ("none", None), "clear": ("none", None),
    "print": ("none", None), "println": ("none", None), "close": ("none", None),
}
# Methods on values of these types cost nothing we model (or are modelled by the receiver's state).
FREE_METHODS = {"Lock", "Unlock", "RLock", "RUnlock", "Wait", "Done", "Add", "MatchString", "Match",
                "Write", "Read", "Close", "Len", "Cap", "Reset", "Loop", "ReportAllocs", "ResetTimer",
                "StopTimer", "StartTimer", "Fatalf", "Errorf", "Helper", "Bytes", "Store", "Load"}

NOSCAN_BASIC = {"bool", "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64",
                "uintptr", "float32", "float64", "complex64", "complex128", "byte", "rune"}



class StdlibCalls:
    """Mixin of `Interp`: calls into the standard library and writer methods."""

    def stdlib(self, name, args, env, f) -> Val | None:
        kind, spec = STDLIB[name]
        if kind == "none":
            return Val("other")
        if kind in ("fixed", "fixed+string"):
            for size, noscan in spec:
                self.alloc(size, noscan)
            if kind == "fixed":
                return Val("other")
            kind, spec = "string", "format"
        if kind == "string":
            if spec == "format":
                fmt_ = f.text(args[0]).strip('"`') if args else ""
                size = len(re.sub(r"%[-+# 0-9.]*[a-zA-Z]", "", fmt_)) + DEFAULT_STRLEN * max(
                    fmt_.count("%") - 2 * fmt_.count("%%"), 0)
                size = self.params.get(f"len({name})", size)
            elif spec is None:
                size = DEFAULT_STRLEN * max(len(args), 1)
            elif spec == "arg0":
                size = self.str_len(args[0], env, f) if args else 0
            elif spec == "arg0+2":
                size = (self.str_len(args[0], env, f) if args else 0) + 2
            elif spec == "arg0*arg1":
                size = (self.str_len(args[0], env, f) if args else 0) * (self.int_value(args[1], env, f) if len(args) > 1 else 1)
            elif spec == "joined":
                v = self.value(args[0], env, f) if args else None
                n_ = v.length if v is not None and v.length is not None else self.param(f.text(args[0]))
                size = n_ * DEFAULT_STRLEN + max(n_ - 1, 0) * (self.str_len(args[1], env, f) if len(args) > 1 else 0)
            else:
                size = int(spec)
                size = int(self.params.get(f"len({name})", size))
            self.alloc(size, True)
            return Val("string", size)
        if kind == "slice":
            parts = self.param(f"parts({name})", 4)
            self.alloc(parts * 16, False)
            return Val("slice", parts, parts, Layout(16, 8, True))
        return None

    def writer_method(self, v: Val, meth: str, args, env, f, vals=()) -> Val | None:
        if meth in ("WriteString", "Write"):
            k = vals[0].length if vals and vals[0] is not None and vals[0].length is not None else (
                self.str_len(args[0], env, f) if args else 0)
        elif meth == "WriteByte":
            k = 1
        elif meth == "WriteRune":
            k = 4
        elif meth == "Grow":
            k = self.int_value(args[0], env, f) if args else 0
            if v.length + k > v.cap:
                self._grow_writer(v, k, exact=True)
            return Val("other")
        elif meth == "String":
            if v.kind == "buffer":
                self.alloc(v.length, True)
            return Val("string", v.length)
        elif meth == "Reset":
            v.length = 0
            return Val("other")
        else:
            return Val("other")
        if k > 0 and v.length + k > v.cap:
            self._grow_writer(v, k)
        v.length += k
        return Val("other")

    def _grow_writer(self, v: Val, k: int, exact: bool = False) -> None:
        if v.kind == "buffer":
            if v.cap == 0 and k <= SMALL_BUFFER:
                cap = SMALL_BUFFER
            else:
                cap = roundupsize(max(v.length + k, 2 * v.cap) if not exact else v.length + k, False)
        else:
            cap = roundupsize(_next_cap(v.length + k, v.cap) if not exact else max(v.length + k, 2 * v.cap), False)
        self.alloc(cap, True)
        v.cap = cap
