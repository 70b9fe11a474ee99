"""Static trace producer: `goperf profile estimate FILE[:FUNC] [--param n=1000 ...]`.

Synthesizes a Trace from source alone by walking the syntax tree of the chosen
function(s) as an abstract interpreter that tracks lengths, not values:

- allocation sites and their heap/stack verdict come from the analyzer's escape pass
  (`analyzer/passes/funcs.py`); sizes from Go type layouts (`analyzer/passes/types.py`);
- slices, strings.Builder and bytes.Buffer carry (len, cap) so append growth follows the
  runtime's growth rule (`analyzer/costs.py`); maps follow the Go 1.24+ swiss-table
  layout (small group, then tables that double up to 1024 slots, 7/8 load);
- loop trip counts are named parameters: `for ... range items` needs `items`
  (the length of `items`), `for i := 0; i < n; i++` needs `n`. Lengths known from the
  code (make, literals, package-level initialisers, arguments passed down the call
  graph) are used first; a `--param NAME=N` overrides; anything else takes
  `DEFAULT_LEN` and is listed in the trace's meta under `assumed`;
- the package's call graph: calls to functions of the package are followed (ENTER/EXIT
  with the funcs pass' frame estimate unless the callee is inlinable), recursion is cut
  at `depth` (a parameter, default 32);
- standard-library calls cost what `STDLIB` says (a small table measured with Go 1.27);
  calls it does not know are counted in meta `unmodelled` and cost nothing.

For a benchmark (`func BenchmarkX(b *testing.B)`), the setup before the `b.Loop()` /
`b.N` loop runs "dry" (lengths tracked, nothing emitted) and the loop body runs `ops`
times (`--param ops=N`, default 1000), so figures divided by `meta.ops` are per op, as
`-benchmem` reports them. Every allocation of one op (or one top-level call) is freed
at its end, which gives the GC a live heap of about zero, as in a benchmark loop.

Where things are (read in this order):

| module | what |
|---|---|
| `model.py` | `Val` (kind, length, cap, map state), `Estimate`, the defaults (`DEFAULT_LEN`, …) |
| `driver.py` | `estimate()`: targets, benchmark vs `ops` calls, the trace that comes out |
| `interp.py` | `Interp`: state, event stream (`alloc`, `free_all`), function table, parameters, calls |
| `statements.py` | the statement walker (if/for/switch/go/return; benchmark loops tiled) |
| `values.py` | lengths without side effects (`length`, `str_len`, `int_value`), escape verdicts |
| `expressions.py` | expressions that allocate, and calls (package functions followed) |
| `containers.py` | make, append (growslice), maps (swiss tables) |
| `stdlib.py` | the standard-library cost table (data) and writer methods (Builder/Buffer) |
| `syntax.py` | stateless syntax-tree questions (frame estimate, `var s []T` passed to a call, …) |
| `glue.py` | for the CLI: `parse_params`, `module_root`, `fixed_sources` (`--apply-fixes`) |

`Interp` is one class assembled from the mixins of statements/values/expressions/containers/
stdlib; they share only the attributes set in `Interp.__init__`.
"""

from .driver import estimate, load_package, module_path, targets
from .glue import fixed_sources, module_root, parse_params
from .interp import Interp
from .model import (DEFAULT_DEPTH, DEFAULT_LEN, DEFAULT_OPS, DEFAULT_STRLEN, MAX_EVENTS, Estimate, EstimateError,
                    FuncInfo, Val)
from .stdlib import FREE_METHODS, STDLIB

__all__ = ["estimate", "load_package", "module_path", "targets", "fixed_sources", "module_root", "parse_params",
           "Interp", "Estimate", "EstimateError", "FuncInfo", "Val", "STDLIB", "FREE_METHODS",
           "DEFAULT_DEPTH", "DEFAULT_LEN", "DEFAULT_OPS", "DEFAULT_STRLEN", "MAX_EVENTS"]
