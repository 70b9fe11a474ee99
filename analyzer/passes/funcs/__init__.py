"""Per-package function summaries (facts) and a syntactic escape analysis.

For every function and method of the package (keyed "Func" or "Recv.Method") this pass
computes, once per package, what the gc compiler's escape analysis would decide, from the
syntax tree alone:

- `params`: for each parameter (receiver first), the dereference level at which it leaks to
  the heap and to a result — the compiler's "leaking param: p", "leaking param content: p",
  "leaking param: p to result ~r0 level=0";
- `returns_local_addr`: the function returns the address of one of its locals (or of a
  `&T{}` it allocates): the caller decides whether that value lives on the heap;
- `inline_cost`: an estimate of the compiler's inlining cost (None if it cannot inline:
  over the budget of 80, `go`/`defer`/`recover`), so that what happens inside a small
  callee is reported where the compiler reports it — at the call site;
- `frame`: an estimate of the stack frame in bytes (non-escaping locals with a known size);
- `moved` / `sites`: the local variables moved to the heap and the allocation sites that
  escape, each with the flow that explains it.

The model follows cmd/compile/internal/escape: a graph of locations (variables, allocation
sites, the heap, the results) whose edges carry a dereference count (-1 for `&x`, 0 for a
copy, +1 for a load through a pointer); a location whose address reaches the heap or a
result escapes. What syntax cannot see — types of imported values, callees outside the
package and outside the standard-library table (data/stdlib_escape.json, generated from the
compiler's own output by scripts/gen_stdlib_escape.py) — is assumed not to leak, so that
predictions err towards silence. The kinds of the standard library's types and struct fields
come from go/types (data/stdlib_fields.json, scripts/gen_stdlib_fields.py).

The pass is a package of small modules, in the order a function is analysed:

- `model.py`: the results (Step, Verdict, Summary, PackageFuncs), the flow graph's node (Loc)
  and the compiler's constants;
- `package.py`: the pass itself — one state per package, computing summaries on demand
  (callee before caller) and a file's share when a rule first asks for it (so the files a
  lint run does not report on, generated or not named, cost only the callees they hold), the
  package-level initialisers (analysed as init code) and the types whose use instantiates
  another package's generic code;
- `analysis.py`: one function's analysis — scopes, locations, captures and flow edges;
  `statements.py`, `expressions.py` and `calls.py` build the graph from the syntax tree
  (`calls.py` also holds the inlining model: a callee's cost, sites and moved variables);
- `kinds.py`: what syntax can tell of an expression's type (kind, named type, field types);
- `verdicts.py`: solving the graph and turning escaped locations into verdicts and facts;
- `stdlib.py`: the standard-library table (including generic callees' facts and the verdicts
  the compiler places in their own files, `Verdict.at`); `syntax.py`: small tree helpers and
  the compiler's report positions; `fields.py`: the grammar's field ids, looked up once.
"""

from __future__ import annotations

from .model import (BASIC_KINDS, BYREF_CAPTURE, CALL_COST, INLINE_BUDGET, INTERFACE_NAMES,  # noqa: F401
                    MAX_IMPLICIT_STACK_VAR, MAX_STACK_VAR, NOT_LEAKING_BUILTINS, POINTER_SHAPED, Loc, PackageFuncs,
                    Step, Summary, Verdict)
from .package import FUNCS, _analyze_package, _PackageState, package_funcs, summarize_all  # noqa: F401
from .stdlib import stdlib_facts
from .syntax import go_anchor, go_position


__all__ = ["FUNCS", "PackageFuncs", "Step", "Summary", "Verdict", "go_anchor", "go_position", "package_funcs",
           "stdlib_facts"]
