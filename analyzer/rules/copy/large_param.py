"""Pass large structs and arrays by pointer, not by value.

## What it does
Flags a named parameter or receiver of a function or method whose type is a struct or
array of at least 256 bytes (threshold `large-param` in goperf.toml), with the size in
the message. Sizes are computed as the gc compiler lays types out on amd64, for types
declared in the package and common standard-library types; parameters whose size
syntax cannot know (imported or generic types) are not flagged. Unnamed and `_`
parameters are skipped (their signature is usually dictated by an interface or a
callback type), and so are function literals.

## Why is this bad?
Every call copies the whole value into the callee's arguments: a 1 KiB struct passed
down three levels of calls is 3 KiB of copying per request, and the callee's frame
grows by the same amount (which can make the goroutine's stack grow and be copied).
A pointer is 8 bytes.

## Example
```go
type Config struct {
	Name  string
	Table [64]int64
}

func describe(c Config) string {
	return c.Name
}
```

Use instead:
```go
type Config struct {
	Name  string
	Table [64]int64
}

func describe(c *Config) string {
	return c.Name
}
```

## Fix safety
No automatic fix: changing a parameter to a pointer changes the function's signature
(every caller, every interface it satisfies, every function value of its type) and
lets the callee modify the caller's value, which the copy prevented.
"""

from __future__ import annotations

from typing import Iterator

from ...context import Context
from ...model import Finding, FixAvailability, Severity
from ...passes.exprtypes import TypeRef, underlying
from ...passes.types import human_bytes, sizer
from ...rule import Rule


def check(ctx: Context) -> Iterator[Finding]:
    threshold = ctx.config.threshold("large-param")
    funcs = ctx.nodes("function_declaration") + ctx.nodes("method_declaration")
    for fn in funcs:
        if fn.child_by_field_name("body") is None:
            continue  # assembly-backed or linkname declarations
        for field, role in (("receiver", "receiver"), ("parameters", "parameter")):
            plist = fn.child_by_field_name(field)
            if plist is None:
                continue
            for param in plist.named_children:
                if param.type != "parameter_declaration":
                    continue
                names = [n for n in param.children_by_field_name("name") if ctx.text(n) != "_"]
                type_node = param.child_by_field_name("type")
                if not names or type_node is None:
                    continue
                shape = underlying(ctx.package, TypeRef(type_node, ctx.file))
                if shape is None or shape.wrap or shape.node.type not in ("struct_type", "array_type", "qualified_type"):
                    continue
                layout = sizer(ctx.package).layout(type_node, ctx.file)
                if layout is None or layout.size < threshold:
                    continue
                for name in names:
                    yield ctx.finding(
                        RULE, name,
                        f"{role} {ctx.text(name)} copies {human_bytes(layout.size)} ({ctx.text(type_node)}) "
                        f"on every call; pass a pointer",
                        data={"bytes": layout.size, "type": ctx.text(type_node)})


RULE = Rule(
    id="copy/large-param",
    doc=__doc__,
    check=check,
    severity=Severity.INFO,
    fix=FixAvailability.NONE,
    peers=("gocritic",),
)
