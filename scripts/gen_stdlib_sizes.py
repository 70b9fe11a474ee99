"""Generate analyzer/data/stdlib_sizes.json: size, alignment and pointerness of the
standard-library types Go code embeds or passes around most, measured by the
toolchain itself (unsafe.Sizeof / unsafe.Alignof / reflect) on linux/amd64.

Run: python scripts/gen_stdlib_sizes.py   (needs `go` on PATH)
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path

TYPES = {
    "sync": ["Mutex", "RWMutex", "WaitGroup", "Once", "Cond", "Map", "Pool"],
    "sync/atomic": ["Int32", "Int64", "Uint32", "Uint64", "Bool", "Value", "Uintptr"],
    "time": ["Time", "Duration", "Location", "Timer", "Ticker", "Month", "Weekday"],
    "bytes": ["Buffer", "Reader"],
    "strings": ["Builder", "Reader", "Replacer"],
    "bufio": ["Reader", "Writer", "Scanner"],
    "context": ["CancelFunc"],
    "regexp": ["Regexp"],
    "os": ["File", "FileMode", "Signal"],
    "io": ["Reader", "Writer", "ReadCloser", "WriteCloser", "ReadWriter", "Closer"],
    "fmt": ["Stringer", "State"],
    "net": ["IP", "IPNet", "IPAddr", "TCPAddr", "UDPAddr", "Conn", "Listener"],
    "net/netip": ["Addr", "AddrPort", "Prefix"],
    "net/http": ["Request", "Response", "Header", "Client", "Server", "Cookie", "Transport"],
    "net/url": ["URL", "Values"],
    "encoding/json": ["Decoder", "Encoder", "RawMessage", "Number"],
    "math/big": ["Int", "Float", "Rat"],
    "reflect": ["Value", "Type", "Kind"],
    "crypto/sha256": [],
    "hash/crc32": ["Table"],
    "container/list": ["List", "Element"],
    "strconv": ["NumError"],
    "errors": [],
    "log": ["Logger"],
    "log/slog": ["Logger", "Attr", "Value", "Record", "Level"],
    "testing": ["T", "B"],
    "unsafe": ["Pointer"],
    "text/template": ["Template"],
    "go/token": ["Pos", "Position", "FileSet"],
    "go/ast": ["Ident", "File"],
    "image": ["Point", "Rectangle", "RGBA"],
    "image/color": ["RGBA", "Color"],
    "math/rand": ["Rand"],
    # large values code keeps on the stack (`var m runtime.MemStats; runtime.ReadMemStats(&m)`: 5.6 KiB)
    "runtime": ["MemStats", "Frame"],
    "syscall": ["Stat_t", "Rusage", "Utsname", "Statfs_t"],
}

PROGRAM = """package main

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"unsafe"
{imports}
)

var _ = unsafe.Sizeof(0)

func hasPointers(t reflect.Type) bool {{
	switch t.Kind() {{
	case reflect.Pointer, reflect.UnsafePointer, reflect.Map, reflect.Chan, reflect.Func,
		reflect.Interface, reflect.Slice, reflect.String:
		return true
	case reflect.Array:
		return t.Len() > 0 && hasPointers(t.Elem())
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {{
			if hasPointers(t.Field(i).Type) {{
				return true
			}}
		}}
	}}
	return false
}}

func main() {{
	out := map[string]map[string]any{{}}
	add := func(name string, size, align uintptr, t reflect.Type) {{
		out[name] = map[string]any{{"size": size, "align": align, "pointers": hasPointers(t)}}
	}}
{adds}
	json.NewEncoder(os.Stdout).Encode(out)
	_ = fmt.Sprint
}}
"""


def main() -> None:
    imports, adds = [], []
    for path, names in TYPES.items():
        if not names or path in ("unsafe",):
            continue
        alias = "p_" + path.replace("/", "_")
        imports.append(f'\t{alias} "{path}"')
        short = path.rsplit("/", 1)[-1]
        for name in names:
            expr = f"{alias}.{name}"
            adds.append(
                f'\tadd("{short}.{name}", unsafe.Sizeof(*new({expr})), unsafe.Alignof(*new({expr})), '
                f"reflect.TypeOf((*{expr})(nil)).Elem())"
            )
    adds.append('\tadd("unsafe.Pointer", 8, 8, reflect.TypeOf(unsafe.Pointer(nil)))')
    program = PROGRAM.format(imports="\n".join(sorted(set(imports))), adds="\n".join(adds))
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "main.go").write_text(program)
        Path(tmp, "go.mod").write_text("module sizes\n\ngo 1.22\n")
        env = {**os.environ, "GOOS": "linux", "GOARCH": "amd64"}
        out = subprocess.run(["go", "run", "."], cwd=tmp, env=env, capture_output=True, text=True)
        if out.returncode:
            raise SystemExit(out.stderr)
    data = dict(sorted(json.loads(out.stdout).items()))
    target = Path(__file__).resolve().parent.parent / "analyzer" / "data" / "stdlib_sizes.json"
    target.write_text(json.dumps(data, indent=1) + "\n")
    print(f"wrote {len(data)} types to {target}")


if __name__ == "__main__":
    main()
