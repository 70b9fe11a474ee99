"""Facts about the standard library: the escape table and its interface types.

data/stdlib_escape.json is generated from the compiler's own `-m=2` output by
scripts/gen_stdlib_escape.py (parameter leaks, inlining costs, allocation sites and moved
variables of inlinable functions, the std interface types). Syntax cannot see another
package's code, so calls into the standard library read these facts instead; each entry is
normalised once per process into the tuple the call model reads.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def _stdlib_data() -> dict:
    return json.loads(resources.files("goperf.analyzer").joinpath("data", "stdlib_escape.json").read_text())


def stdlib_facts() -> dict[str, dict]:
    return _stdlib_data()["funcs"]


def stdlib_types() -> dict[str, dict]:
    """Standard-library types whose use makes the compiler build code of another package into this one
    (naming sync.Map instantiates internal/sync.HashTrieMap's methods here): their "outside" verdicts."""
    return _stdlib_data().get("types", {})


_TABLE_FACTS: dict[tuple[str, bool], tuple] = {}


def _table_facts(facts: dict, key: str, is_method: bool) -> tuple:
    """A standard-library table entry as apply_facts reads it (normalised once per process)."""
    cached = _TABLE_FACTS.get((key, is_method))
    if cached is None or cached[0] is not facts:
        pkgname = _package_name(key, is_method)
        cached = (facts, ([tuple(p) for p in facts["params"]], facts["variadic"], set(facts["iface"]), facts["ptr_recv"],
                          facts["inline"], facts["sites"], is_method,
                          [(n if "." in n else f"{pkgname}.{n}", k) for n, k in facts.get("moved", ())]))
        _TABLE_FACTS[(key, is_method)] = cached
    return cached[1]


def _package_name(key: str, is_method: bool) -> str:
    """The package name the compiler prefixes an inlined callee's variables with: "fmt" for
    "fmt.Sscan", "json" for "encoding/json/v2.JoinOptions"."""
    path = key.rsplit(".", 2 if is_method else 1)[0]
    parts = path.split("/")
    if len(parts) > 1 and parts[-1][:1] == "v" and parts[-1][1:].isdigit():
        return parts[-2]
    return parts[-1]


@lru_cache(maxsize=1)
def stdlib_fields() -> dict[str, dict]:
    """The kinds of the standard library's exported types ("types": "time.Duration" -> "int") and of
    their structs' exported fields ("fields": "go/ast.SelectorExpr" -> {"Sel": ["pointer",
    "go/ast.Ident"]}), from go/types (data/stdlib_fields.json, scripts/gen_stdlib_fields.py)."""
    return json.loads(resources.files("goperf.analyzer").joinpath("data", "stdlib_fields.json").read_text())


@lru_cache(maxsize=1)
def _stdlib_ifaces() -> frozenset[str]:
    return frozenset(_stdlib_data().get("interfaces", ())) | _IFACES


_IFACES = frozenset({"io.Reader", "io.Writer", "io.ReadWriter", "io.Closer", "io.ReadCloser", "io.WriteCloser",
                      "io.ReaderAt", "io.WriterTo", "io.ReaderFrom", "io.ByteReader", "io.ByteWriter", "io.RuneReader",
                      "io.Seeker", "io.ReadSeeker", "io.StringWriter", "fmt.Stringer", "fmt.State", "fmt.Formatter",
                      "sort.Interface", "sync.Locker", "context.Context", "error", "reflect.Type", "hash.Hash",
                      "hash.Hash32", "hash.Hash64", "net.Conn", "net.Listener", "net.Addr", "io/fs.FS", "io/fs.FileInfo",
                      "io/fs.File", "os.FileInfo", "os.Signal", "encoding.BinaryMarshaler", "cipher.Block", "crypto/cipher.Block",
                      "crypto/cipher.Stream", "crypto/cipher.AEAD", "crypto.Signer", "crypto.PublicKey", "crypto.PrivateKey",
                      "image.Image", "image/color.Color", "image/color.Model", "go/ast.Node", "go/ast.Expr", "go/ast.Stmt",
                      "go/ast.Decl", "go/ast.Spec", "go/types.Type", "go/types.Object", "net/http.Handler",
                      "net/http.ResponseWriter", "encoding/json.Marshaler", "text/template/parse.Node"})
